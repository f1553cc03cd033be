"""One data set read two ways: its continuous target is a regression task, the same target
thresholded is a classification task. The network in front of the output layer is the same;
only the output layer and the loss differ (linear + mean squared error for the value,
sigmoid + binary cross-entropy for the probability).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import activations, datasets, engine, limits
from core.params import Params, choice, number, numbers

#: Points of every data set on the page: enough to fill the plane, few enough that the two
#: default runs train in a fraction of a second (benchmarks.page_latency).
N_POINTS = limits.CLASSIFICATION_POINTS
#: The heatmaps' grid over Playground's plane [−6, 6]².
GRID_SIZE = 40
HALF_WIDTH = datasets.PLANE_HALF_WIDTH
#: Adam with mini-batches of 10 (TensorFlow Playground's batch size): it trains the page's
#: small networks in a hundred or two epochs, so the default view stays fast.
OPTIMIZER, BATCH_SIZE = "adam", 10
REGRESSION_SETS = tuple(n for n, d in datasets.DATASETS.items() if d.kind == "regression")
DATASET_LABELS = {n: d.label for n, d in datasets.DATASETS.items()}
LEARNING_RATES = (0.003, 0.01, 0.03, 0.1)
EPOCHS = (50, 100, 150, 200, 300, 500)
THRESHOLDS = (-0.5, -0.25, 0.0, 0.25, 0.5)

Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class TaskParams(Params):
    """The data set, where its target is cut into classes, and the network every task of the
    page trains (the output layer and loss are the task's)."""

    dataset: str = choice("multi_gaussian", REGRESSION_SETS, label="data set")
    noise: int = number(0, 0, 50, label="noise (%)")
    threshold: float = number(0.0, -0.5, 0.5, options=THRESHOLDS, label="class 1 above",
                              help="Class 1 is every point whose target is above this value.")
    hidden_units: tuple[int, ...] = numbers((8, 8), 1, limits.CLASSIFICATION_MAX_UNITS,
                                            min_len=1, max_len=3, label="hidden layers",
                                            help="units in each hidden layer")
    activation: str = choice("tanh", tuple(activations.ACTIVATIONS), label="activation")
    learning_rate: float = number(0.03, 0.003, 0.1, options=LEARNING_RATES,
                                  label="learning rate α", help="Adam's learning rate.")
    epochs: int = number(100, 50, 500, options=EPOCHS, label="epochs")
    seed: int = number(1, 0, 9999, label="seed",
                       help="Draws the data, the initial weights and the mini-batches.")

    def network(self, output_activation: str, n_outputs: int = 1) -> engine.Network:
        return engine.Network(2, self.hidden_units, self.activation, n_outputs,
                              output_activation)

    def training(self, loss: str) -> engine.Training:
        return engine.Training(loss, OPTIMIZER, self.learning_rate, BATCH_SIZE, self.epochs,
                               seed=self.seed)


def grid_axis() -> np.ndarray:
    return np.linspace(-HALF_WIDTH, HALF_WIDTH, GRID_SIZE)


def grid_points() -> np.ndarray:
    """The grid's points, x₁ varying fastest (the order the heatmaps read)."""
    g1, g2 = np.meshgrid(grid_axis(), grid_axis())
    return np.column_stack([g1.ravel(), g2.ravel()])


def task_data(p: TaskParams) -> datasets.Dataset:
    """The regression data set (target values), drawn from the page's seed."""
    return datasets.generate(p.dataset, N_POINTS, p.noise / 100,
                             np.random.default_rng([p.seed, 0xC1A55]))


def classes(target: np.ndarray, threshold: float) -> np.ndarray:
    """Class 1 where the target is above the threshold, else class 0."""
    return (np.asarray(target) > threshold).astype(np.int64)


@dataclass(frozen=True)
class Trained:
    """One network trained on the page's data: its run and its outputs on the grid and on
    the training points."""

    result: engine.TrainResult
    grid: np.ndarray  # (GRID_SIZE², n_outputs)
    points: np.ndarray  # (N_POINTS, n_outputs)

    @property
    def history(self) -> dict[str, np.ndarray]:
        return self.result.history


def fit(net: engine.Network, training: engine.Training, x: np.ndarray, y: np.ndarray,
        on_progress: Progress = None, initial_weights=None) -> Trained:
    """Train ``net`` on (x, y); outputs recorded on the grid and on the points at the end."""
    grid = grid_points()
    result = engine.train(net, training, engine.Data(x, y), eval_x=np.vstack([grid, x]),
                          on_progress=on_progress, initial_weights=initial_weights)
    if result.final.outputs is None:  # diverged before any output was recorded: nothing
        out = np.full((len(grid) + len(x), net.n_outputs), np.nan)
    else:
        out = np.asarray(result.final.outputs, np.float64)
    return Trained(result, out[: len(grid)], out[len(grid):])


def shared_progress(on_progress: Progress, runs: int) -> list[Progress]:
    """One progress report over several runs: run i reports as the i-th share of the whole."""
    if on_progress is None:
        return [None] * runs
    return [lambda done, total, i=i: on_progress(i * total + done, runs * total)
            for i in range(runs)]


# ----------------------------------------------------------------------------------------
# 1 · Same data, two tasks
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TwoTasks:
    """The regression network (linear output, MSE) and the classification network (sigmoid,
    binary cross-entropy), trained on the same points and the same hidden layers."""

    params: TaskParams
    x: np.ndarray
    target: np.ndarray
    labels: np.ndarray
    regression: Trained
    classification: Trained

    @property
    def regression_accuracy(self) -> float:
        """The regression output read as a classifier: above the threshold → class 1."""
        return float(np.mean(classes(self.regression.points[:, 0], self.params.threshold)
                             == self.labels))

    @property
    def accuracy(self) -> float:
        """The classifier's training accuracy: p ≥ ½ → class 1 (as the engine counts it)."""
        return float(np.mean((self.classification.points[:, 0] >= 0.5) == self.labels))

    @property
    def rmse(self) -> float:
        return float(np.sqrt(np.mean((self.regression.points[:, 0] - self.target) ** 2)))


def two_tasks(p: TaskParams, on_progress: Progress = None) -> TwoTasks:
    """Train both networks on ``p``'s data (the classes are the target cut at the threshold)."""
    data = task_data(p)
    labels = classes(data.y, p.threshold)
    report = shared_progress(on_progress, 2)
    regression = fit(p.network("linear"), p.training("mse"), data.x, data.y, report[0])
    classification = fit(p.network("sigmoid"), p.training("binary_crossentropy"), data.x,
                         labels.astype(np.float64), report[1])
    return TwoTasks(p, data.x, data.y, labels, regression, classification)


def _point(x: np.ndarray) -> str:
    return "(" + ", ".join(f"{round(float(v), 1) + 0.0:.1f}" for v in x) + ")"  # no "-0.0"


def probability(p: float) -> str:
    """A probability to two decimals, but never "0.00" or "1.00": a sigmoid or softmax
    output is never exactly 0 or 1, however sure."""
    return "< 0.01" if p < 0.005 else "> 0.99" if p >= 0.995 else f"{p:.2f}"


def value(v: float) -> str:
    return f"{round(float(v), 2) + 0.0:.2f}"  # no "-0.00"


def _is(p: float) -> str:
    text = probability(p)
    return text if text[0] in "<>" else f"= {text}"


def meaning(run: TwoTasks) -> str:
    """What each network's output means, in numbers from this run: a value in the target's
    units against a probability, at the highest point and where the classifier is least
    sure."""
    if run.regression.result.diverged or run.classification.result.diverged:
        return ("A run diverged (its loss grew without bound), so its outputs mean nothing: "
                "lower the learning rate.")
    t = run.params.threshold
    reg, prob = run.regression.points[:, 0], run.classification.points[:, 0]
    high, unsure = int(np.argmax(run.target)), int(np.argmin(np.abs(prob - 0.5)))
    grid_p = run.classification.grid[:, 0]
    return (
        f"**Regression** answers a value in the target's units. At {_point(run.x[high])}, "
        f"where the target is highest ({value(run.target[high])}), it says "
        f"{value(reg[high])}; its root-mean-square error over all points is {run.rmse:.2f}."
        f"  \n**Classification** answers the probability that the target is above {t:g}: "
        f"p {_is(prob[high])} at the same point. It is least sure at "
        f"{_point(run.x[unsure])}, p {_is(prob[unsure])}, where the target is "
        f"{value(run.target[unsure])} and the regression says {value(reg[unsure])}. Over the "
        f"plane p stays between {probability(grid_p.min())} and {probability(grid_p.max())}, "
        f"never outside (0, 1); it puts {run.accuracy:.0%} of the points in their class.  \n"
        f"One converts into the other: the regression output read against {t:g} classifies "
        f"{run.regression_accuracy:.0%} of the points correctly, but it gives no probability.")
