"""Claim 6: "a network needs little data".

Learning curves of a Playground task: the same network (the Playground's, tanh, ½·squared
error on labels ±1) trained on 10 to 3000 points of a 2-D data set, each run the same number
of optimisation steps, then measured on the points it trained on and on 1000 new ones. With
few points it learns them by heart (training loss near 0, test loss high); the gap closes as
the data grows, at a number of points that the network's parameter count puts in scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import datasets, engine, features, network
from core import playground as pg
from core.engine.budget import parameters
from core.params import Params, choice, number

TASKS = ("circle", "xor", "gauss")
SIZES = (10, 30, 100, 300, 1000, 3000)
TEST_POINTS = 1000
NOISES = (0, 10, 25, 50)
#: Units of each of the network's two hidden layers (8, 8: the Playground's spiral network).
LAYER_UNITS = (2, 4, 8, 16)
STEP_OPTIONS = (500, 1000, 2000)
#: Playground's defaults, but a rate from its ladder that trains within the steps given.
LEARNING_RATE, BATCH_SIZE = 0.1, 10
#: The network has stopped overfitting when its test loss exceeds its training loss by at
#: most this share of the test loss (mean over the seeds), or by at most SMALL_GAP: on
#: noise-free data both losses approach 0, where a share of nearly nothing says nothing. A
#: wrong answer costs ½·2² = 2, so 0.01 is half a per cent of one.
GAP_SHARE = 0.25
SMALL_GAP = 0.01


@dataclass(frozen=True)
class DataSizeParams(Params):
    """The task, its noise, the network and the training budget of every run."""

    task: str = choice("circle", TASKS, label="data set")
    task_noise: int = number(25, 0, 50, options=NOISES, label="noise (%)")
    layer_units: int = number(8, 2, pg.MAX_NEURONS, options=LAYER_UNITS,
                              label="units per layer", help="two hidden layers of tanh units")
    steps: int = number(1000, 500, 2000, options=STEP_OPTIONS, label="steps per run",
                        help=f"optimisation steps (batches of {BATCH_SIZE}) of every run, "
                             "whatever the data size")
    size_seeds: int = number(2, 1, 4, label="seeds per size")

    def playground(self, seed: int) -> pg.PlaygroundParams:
        return pg.PlaygroundParams(dataset=self.task, noise=self.task_noise,
                                   hidden_units=(self.layer_units,) * 2, activation="tanh",
                                   learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE,
                                   seed=seed)


def epochs_for(steps: int, n_points: int, batch_size: int = BATCH_SIZE) -> int:
    """Epochs that make about ``steps`` optimisation steps on ``n_points`` points."""
    return max(1, round(steps / math.ceil(n_points / batch_size)))


def losses_at(p: DataSizeParams, n_points: int, seed: int) -> tuple[float, float]:
    """(training, test) loss of one run on ``n_points`` points of ``p``'s task."""
    q = p.playground(seed)
    noise = p.task_noise / 100
    train_set = datasets.generate(p.task, n_points, noise, np.random.default_rng([seed, n_points]))
    test_set = datasets.generate(p.task, TEST_POINTS, noise, np.random.default_rng([seed, 0]))
    head = pg.Head.of(q, train_set.n_classes)
    net = pg.network_of(q, head)
    result = engine.train(net, pg.training_of(q, head, epochs_for(p.steps, n_points)),
                          engine.Data(features.feature_matrix(train_set.x, q.feature_names),
                                      head.targets(train_set)))

    def loss(d: datasets.Dataset) -> float:
        x = features.feature_matrix(d.x, q.feature_names)
        logits = network.predict(result.final.weights, net.activation, "linear", x)
        return pg.data_loss(head, logits, head.targets(d))

    return loss(train_set), loss(test_set)


@dataclass(frozen=True)
class DataCurves:
    """Training and test loss per data size (rows) and seed (columns)."""

    params: DataSizeParams
    sizes: tuple[int, ...]
    train: np.ndarray
    test: np.ndarray
    n_parameters: int

    def settled(self) -> int | None:
        """The first size from which on the mean test loss stays within GAP_SHARE of the
        mean training loss, or within SMALL_GAP of it (None: the network still overfits at
        the largest size)."""
        train, test = np.mean(self.train, axis=1), np.mean(self.test, axis=1)
        close = test - train <= np.maximum(GAP_SHARE * test, SMALL_GAP)
        for i in range(len(self.sizes)):
            if close[i:].all():
                return self.sizes[i]
        return None


def run(p: DataSizeParams, on_progress: Callable[[int, int], None] | None = None
        ) -> DataCurves:
    """Every data size from every seed, reporting (done, total) after each run."""
    total = len(SIZES) * p.size_seeds
    train_loss, test_loss = np.zeros((2, len(SIZES), p.size_seeds))
    for i, n in enumerate(SIZES):
        for s in range(p.size_seeds):
            train_loss[i, s], test_loss[i, s] = losses_at(p, n, s)
            if on_progress:
                on_progress(i * p.size_seeds + s + 1, total)
    q = p.playground(0)
    count = parameters(pg.network_of(q, pg.Head.of(q, 2)))
    return DataCurves(p, SIZES, train_loss, test_loss, count)


def _loss(value: float) -> str:
    """A loss with three decimals, or two significant digits below 0.001."""
    return f"{value:.3f}" if value >= 1e-3 else f"{value:.1e}"


def answer(c: DataCurves) -> str:
    """The tab's sentence: the gap at the smallest size, and where it closes."""
    train, test = np.mean(c.train, axis=1), np.mean(c.test, axis=1)
    at = c.settled()
    text = (f"With {c.sizes[0]} points the network ({c.n_parameters} parameters) reaches a "
            f"training loss of {_loss(train[0])} {'and' if at == c.sizes[0] else 'but'} a "
            f"test loss of {_loss(test[0])}")
    if at is None:
        return text + (f"; even with {c.sizes[-1]} points the test loss ({_loss(test[-1])}) "
                       f"stays well above the training loss ({_loss(train[-1])}): this network "
                       "still wants more data.")
    if at == c.sizes[0]:
        return text + (": no gap to speak of even with the fewest points. This task is "
                       "simple enough for little data; a harder one (more noise, XOR, more "
                       "units) needs more.")
    i = c.sizes.index(at)
    return text + (f". From {at} points on ({at / c.n_parameters:.2g} per parameter) the "
                   f"test loss stays close to the training loss ({_loss(test[i])} against "
                   f"{_loss(train[i])}): below that the network learns its points by heart.")
