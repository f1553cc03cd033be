"""The optimisers on a real network: the same small network, the same data and the same
initial weights, trained by each chosen optimizer through the engine (Keras's own update
rules in the compiled training loop), so only the optimizer differs between the curves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core import datasets, engine, optimizers
from core.notes import Note, listing
from core.params import Params, choice, number

#: Two-class Playground data sets: the network's output is one sigmoid unit.
DATASETS = ("circle", "xor", "gauss", "spiral", "moons")
DATASET_LABELS = {name: datasets.DATASETS[name].label for name in DATASETS}
#: Each optimizer's rate on this network (the common choices for such a net: SGD and the
#: adaptive methods at 0.01–0.1, momentum at a tenth of SGD's since β = 0.9 multiplies its
#: steady-state step by 1/(1 − β) = 10, Adadelta at 1 as in its paper).
RATES = {"sgd": 0.1, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.1, "adadelta": 1.0,
         "rmsprop": 0.01, "adam": 0.01}
SCALES = (0.1, 0.3, 1.0, 3.0, 10.0)
HIDDEN_UNITS = (8, 8)

N_POINTS = 200


@dataclass(frozen=True)
class NetworkParams(Params):
    """The data and training length shared by every optimizer's run."""

    dataset: str = choice("xor", DATASETS, label="data set")
    noise: float = number(0.1, 0.0, 0.5, options=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
                          label="noise")
    epochs: int = number(50, 10, 300, options=(10, 20, 50, 100, 200, 300), label="epochs")
    batch_size: int = number(10, 1, 50, options=(1, 5, 10, 20, 50), label="batch size")
    rate_scale: float = number(1.0, 0.1, 10.0, options=SCALES, label="rate ×",
                               help="Multiplies every optimizer's learning rate.")
    seed: int = number(1, 0, 9999, label="seed")


def network() -> engine.Network:
    """2 inputs → 8 → 8 tanh → 1 sigmoid: small enough to train in a blink, deep enough to
    need a curved boundary."""
    return engine.Network(n_inputs=2, hidden_units=HIDDEN_UNITS, activation="tanh",
                          n_outputs=1, output_activation="sigmoid")


def data(p: NetworkParams) -> datasets.Dataset:
    """The Playground data set of ``p`` (200 points), drawn from the seed alone."""
    return datasets.generate(p.dataset, N_POINTS, p.noise, np.random.default_rng(p.seed))


@dataclass(frozen=True)
class NetworkRun:
    """One optimizer's training: loss and accuracy after each epoch, and how it ended."""

    optimizer: str
    learning_rate: float
    loss: np.ndarray
    accuracy: np.ndarray
    diverged_at: int | None

    @property
    def label(self) -> str:
        return optimizers.get(self.optimizer).label


def train_one(p: NetworkParams, optimizer: str) -> NetworkRun:
    """Train the network on ``p``'s data with ``optimizer`` (binary cross-entropy, the same
    seed and so the same initial weights and shuffles for every optimizer)."""
    ds = data(p)
    rate = RATES[optimizer] * p.rate_scale
    fit = engine.Training(loss="binary_crossentropy", optimizer=optimizer, learning_rate=rate,
                          batch_size=p.batch_size, epochs=p.epochs, seed=p.seed)
    result = engine.train(network(), fit, engine.Data(ds.x.astype(np.float32),
                                                      ds.y[:, None].astype(np.float32)))
    history = result.history
    return NetworkRun(optimizer, rate, history["loss"].astype(float),
                      history["accuracy"].astype(float), result.diverged_at)


def train_all(p: NetworkParams, chosen: tuple[str, ...]) -> tuple[NetworkRun, ...]:
    """Every optimizer in ``chosen`` trained on the same data from the same start."""
    for name in chosen:
        optimizers.get(name)
    return tuple(train_one(p, name) for name in chosen)


# ----------------------------------------------------------------------------------------
# What the page says about these runs (its table, warnings and "what to notice")
# ----------------------------------------------------------------------------------------

#: Two final losses closer than this share of the larger are "level", not a ranking: the
#: training runs in float32 and its last digits may differ between machines.
LEVEL = 0.02
#: The epoch of the early comparison (or the last, if fewer were trained).
EARLY_EPOCH = 10


def _early(run: NetworkRun) -> float:
    return float(run.loss[min(EARLY_EPOCH, len(run.loss)) - 1])


def network_rows(runs: Sequence[NetworkRun]) -> list[dict[str, str]]:
    return [{"optimiser": r.label, "α": f"{r.learning_rate:g}",
             f"loss after {min(EARLY_EPOCH, len(r.loss))} epochs": f"{_early(r):.3g}",
             "final loss": f"{r.loss[-1]:.3g}", "final accuracy": f"{r.accuracy[-1]:.0%}"}
            for r in runs]


def network_divergence(runs: Sequence[NetworkRun]) -> list[Note]:
    return [Note("warning", f"{r.label} diverged at epoch {r.diverged_at} with α = "
                 f"{r.learning_rate:g}.") for r in runs if r.diverged_at is not None]


def _level(runs: Sequence[NetworkRun], loss, lowest: bool = True) -> list[str]:
    """The optimisers with the lowest (or highest) ``loss``: the first, and every other
    within :data:`LEVEL` of it."""
    values = {optimizers.SHORT_LABELS[r.optimizer]: loss(r) for r in runs}
    ordered = sorted(values, key=values.get, reverse=not lowest)
    top = values[ordered[0]]
    return [n for n in ordered if abs(values[n] - top) <= LEVEL * max(abs(values[n]), abs(top))]


def _names(names: list[str]) -> str:
    level = f" (level: within {LEVEL:.0%} of each other)" if len(names) > 1 else ""
    return listing(names) + level


def network_notice(p: NetworkParams, runs: Sequence[NetworkRun]) -> str:
    """What to notice under the network's curves: who is ahead early and late."""
    sound = [r for r in runs if r.diverged_at is None]
    layers = " → ".join(str(n) for n in (2, *HIDDEN_UNITS, 1))
    text = (f"**What to notice.** A {layers} tanh network with a sigmoid output and "
            f"binary cross-entropy, {N_POINTS} points of {DATASET_LABELS[p.dataset]}, batch "
            f"{p.batch_size}: same data, same initial weights, same shuffles; only the "
            "optimizer differs.")
    if not sound:
        return text + " Every chosen optimizer diverged."
    early = min(EARLY_EPOCH, p.epochs)

    def final(r: NetworkRun) -> float:
        return float(r.loss[-1])

    text += (f" Lowest loss after {early} epochs: {_names(_level(sound, _early))}; after "
             f"{p.epochs} epochs: {_names(_level(sound, final))}")
    if len(sound) > 1:
        text += f"; highest after {p.epochs} epochs: {_names(_level(sound, final, False))}"
    ratio = RATES["sgd"] / RATES["momentum"]
    beta = float(dict(optimizers.get("momentum").options)["momentum"])
    return text + (f". Each optimizer runs at a rate typical for it (× {p.rate_scale:g}): "
                   f"momentum's α is 1/{ratio:g} of SGD's, and β = {beta:g} makes its steady "
                   f"step 1/(1 − β) = {1 / (1 - beta):g} times α·g.")
