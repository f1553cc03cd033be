"""XOR: the smallest problem a linear model cannot solve, and a hidden layer can.

Three views, as in the lecture: why every linear model fails; the hand-set two-layer ReLU
network from the slides, step by step; and networks trained on the four points, including
the question of how many hidden units it takes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core import activations, engine, optimizers
from core.params import Params, choice, number, numbers

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])
#: The square the pictures show: the four points with a margin around them.
PLANE = (-0.5, 1.5)
GRID_SIZE = 41


# ----------------------------------------------------------------------------------------
# Linear models
# ----------------------------------------------------------------------------------------


def least_squares_fit() -> tuple[np.ndarray, float, np.ndarray]:
    """The best linear model y = w·x + b under squared error, in closed form.

    Returns (w, b, predictions). For XOR it is w = 0, b = ½: it predicts ½ everywhere.
    """
    design = np.hstack([XOR_INPUTS, np.ones((4, 1))])
    coef, *_ = np.linalg.lstsq(design, XOR_TARGETS, rcond=None)
    return coef[:2], float(coef[2]), design @ coef


@functools.cache
def best_linear_accuracy(angles: int = 720) -> float:
    """The highest accuracy any straight line reaches on the four points.

    Every line w·x + b = 0 is tried, up to where it passes between the points: directions
    around the circle, offsets at every point's projection and between them. For XOR no
    line gets more than three of the four right.
    """
    best = 0.0
    for theta in np.linspace(0.0, 2 * np.pi, angles, endpoint=False):
        w = np.array([np.cos(theta), np.sin(theta)])
        proj = XOR_INPUTS @ w
        cuts = np.sort(proj)
        offsets = np.concatenate([[cuts[0] - 1], (cuts[:-1] + cuts[1:]) / 2, [cuts[-1] + 1]])
        for t in offsets:
            predicted = (proj > t).astype(float)
            best = max(best, float(np.mean(predicted == XOR_TARGETS)))
    return best


# ----------------------------------------------------------------------------------------
# The hand-set network of the slides
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandParams(Params):
    """Weights of y = W₂·ReLU(W₁x + b₁) + b₂; the defaults are the lecture's solution."""

    W1: tuple[float, ...] = numbers((1.0, 1.0, 1.0, 1.0), -5, 5, min_len=4, max_len=4,
                                    step=0.5, label="W₁ (row by row)")
    b1: tuple[float, ...] = numbers((0.0, -1.0), -5, 5, min_len=2, max_len=2, step=0.5,
                                    label="b₁")
    W2: tuple[float, ...] = numbers((1.0, -2.0), -5, 5, min_len=2, max_len=2, step=0.5,
                                    label="W₂")
    b2: float = number(0.0, -5, 5, step=0.5, label="b₂")

    @property
    def w1_matrix(self) -> np.ndarray:
        return np.array(self.W1, dtype=float).reshape(2, 2)


@dataclass(frozen=True)
class HandSteps:
    """Every intermediate of the hand-set network, one column per input point (as on the
    slide: X is 2×4 with the points as columns)."""

    x: np.ndarray  # (2, 4)
    wx: np.ndarray  # (2, 4)  W₁x
    wx_b: np.ndarray  # (2, 4)  W₁x + b₁
    h: np.ndarray  # (2, 4)  ReLU(W₁x + b₁)
    y: np.ndarray  # (4,)    W₂h + b₂

    @property
    def solved(self) -> bool:
        """Whether the outputs are 0, 1, 1, 0 (to rounding)."""
        return bool(np.allclose(self.y, XOR_TARGETS, atol=1e-9))

    @property
    def accuracy(self) -> float:
        """Fraction of points on the right side of ½."""
        return float(np.mean((self.y > 0.5) == (XOR_TARGETS > 0.5)))


def hand_steps(p: HandParams, x: np.ndarray = XOR_INPUTS) -> HandSteps:
    """The forward pass of the hand-set network, keeping each step for the tables."""
    cols = np.asarray(x, dtype=float).T
    wx = p.w1_matrix @ cols
    wx_b = wx + np.array(p.b1)[:, None]
    h = np.maximum(wx_b, 0.0)
    y = np.array(p.W2) @ h + p.b2
    return HandSteps(cols, wx, wx_b, h, y)


def warped_grid(p: HandParams, lines: int = 9, samples: int = 60) -> list[np.ndarray]:
    """Grid lines of the input square, mapped into hidden space by h = ReLU(W₁x + b₁).

    Returns one (samples, 2) array per line: horizontal lines first, then vertical ones.
    Shows how the hidden layer folds the plane so that the four points become separable.
    """
    lo, hi = PLANE
    ts = np.linspace(lo, hi, samples)
    out = []
    for level in np.linspace(lo, hi, lines):
        for pts in (np.column_stack([ts, np.full_like(ts, level)]),
                    np.column_stack([np.full_like(ts, level), ts])):
            out.append(hand_steps(p, pts).h.T)
    return out


# ----------------------------------------------------------------------------------------
# Trained networks
# ----------------------------------------------------------------------------------------

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3, 0.5, 1.0)


@dataclass(frozen=True)
class XorParams(Params):
    """A two-layer network trained on the four XOR points (sigmoid output, cross-entropy)."""

    hidden_units: int = number(2, 1, 16, label="hidden units")
    activation: str = choice("relu", tuple(activations.ACTIVATIONS), label="activation")
    optimizer: str = choice("adam", tuple(optimizers.OPTIMIZERS), label="optimizer")
    learning_rate: float = number(0.05, 0.001, 1.0, options=LEARNING_RATES,
                                  label="learning rate α")
    epochs: int = number(400, 50, 2000, label="epochs")
    seed: int = number(7, 0, 9999, label="seed")

    def network(self) -> engine.Network:
        return engine.Network(2, (self.hidden_units,), self.activation, 1, "sigmoid",
                              initializer="he_uniform")

    def training(self) -> engine.Training:
        # Full batch: with four points, one "mini-batch" is the whole data set.
        return engine.Training("binary_crossentropy", self.optimizer, self.learning_rate,
                               batch_size=4, epochs=self.epochs, seed=self.seed)


@dataclass(frozen=True)
class XorRun:
    """A trained XOR network: the engine's result plus the grid its outputs were taken on."""

    params: XorParams
    result: engine.TrainResult
    grid_axis: np.ndarray

    @property
    def solved(self) -> bool:
        acc = self.result.history.get("accuracy")
        return bool(acc is not None and len(acc) and acc[-1] == 1.0 and not self.result.diverged)

    def hidden(self, epoch_index: int = -1) -> np.ndarray:
        """Hidden-layer activations of the four points at a snapshot, shape (4, units)."""
        snap = self.result.snapshots[epoch_index]
        return _forward(snap.weights, self.params.activation, XOR_INPUTS)[0]

    def outputs(self, epoch_index: int = -1) -> np.ndarray:
        """Network outputs (probabilities) for the four points at a snapshot."""
        snap = self.result.snapshots[epoch_index]
        return _forward(snap.weights, self.params.activation, XOR_INPUTS)[1][:, 0]


def grid_axis(size: int = GRID_SIZE) -> np.ndarray:
    return np.linspace(*PLANE, size)


def grid_points(axis: np.ndarray) -> np.ndarray:
    """All (x₁, x₂) of a square grid, x₁ varying fastest (the order of a heatmap's rows)."""
    g1, g2 = np.meshgrid(axis, axis)
    return np.column_stack([g1.ravel(), g2.ravel()])


def train_xor(p: XorParams, frames: int = 30) -> XorRun:
    """Train ``p``'s network on XOR, recording ``frames`` snapshots for the replay."""
    axis = grid_axis()
    result = engine.train(p.network(), p.training(), engine.Data(XOR_INPUTS, XOR_TARGETS),
                          eval_x=grid_points(axis),
                          snapshots_at=engine.snapshot_epochs(p.epochs, frames))
    return XorRun(p, result, axis)


def train_linear(epochs: int = 400, learning_rate: float = 0.05, seed: int = 7,
                 targets: tuple[float, ...] = tuple(XOR_TARGETS)) -> XorRun:
    """A model without hidden layer (logistic regression) trained on the four points the
    same way; ``targets`` other than XOR's (AND, OR) show that the training itself works."""
    p = XorParams(epochs=epochs, learning_rate=learning_rate, seed=seed)
    net = engine.Network(2, (), (), 1, "sigmoid")
    axis = grid_axis()
    result = engine.train(net, p.training(), engine.Data(XOR_INPUTS, np.array(targets)),
                          eval_x=grid_points(axis), snapshots_at=(0, epochs))
    return XorRun(p, result, axis)


def linear_outputs(run: XorRun) -> np.ndarray:
    """p(y=1) of a model without hidden layer for the four points (its only weight pair)."""
    (w, b), *_ = run.result.final.weights
    return 1.0 / (1.0 + np.exp(-(XOR_INPUTS @ w + b)[:, 0]))


def undecided(outputs: np.ndarray, tolerance: float = 0.01) -> bool:
    """Whether every answer is ½ to within ``tolerance``: the model does not decide, and its
    accuracy at the threshold ½ is an accident of rounding."""
    return bool(np.all(np.abs(np.asarray(outputs) - 0.5) < tolerance))


def landing_places(h: np.ndarray, names: Sequence[str]) -> dict[tuple[float, ...], list[str]]:
    """Where each input lands in hidden space (``h`` one row per point), points that land
    together grouped: the page's caption says what the current weights do."""
    places: dict[tuple[float, ...], list[str]] = {}
    for row, name in zip(np.round(np.asarray(h, float), 6), names):
        places.setdefault(tuple(float(v) + 0.0 for v in row), []).append(name)
    return places


#: The widths the sweep tries, and the seeds it trains each from.
SWEEP_UNITS, SWEEP_SEEDS = (1, 2, 3, 4, 6, 8), 10


def sweep_units(p: XorParams, on_progress: Callable[[int, int], None] | None = None
                ) -> tuple[float, ...]:
    """The share of seeds 0 … SWEEP_SEEDS−1 that solve XOR at each width of SWEEP_UNITS,
    with ``p``'s other settings; ``on_progress(units, solved)`` after each width."""
    rates = []
    for units in SWEEP_UNITS:
        wins = sum(solves_xor(p.replace(hidden_units=units, seed=s)) for s in range(SWEEP_SEEDS))
        rates.append(wins / SWEEP_SEEDS)
        if on_progress:
            on_progress(units, wins)
    return tuple(rates)


def solves_xor(p: XorParams) -> bool:
    """Whether training ``p`` classifies all four points correctly at the end."""
    result = engine.train(p.network(), p.training(), engine.Data(XOR_INPUTS, XOR_TARGETS))
    acc = result.history.get("accuracy")
    return bool(not result.diverged and acc is not None and acc[-1] == 1.0)


def _forward(weights, activation: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    (w1, b1), (w2, b2) = weights
    h = activations.get(activation).fn(x @ w1 + b1)
    z = h @ w2 + b2
    return h, 1.0 / (1.0 + np.exp(-z))


def sweep_answer(units: Sequence[int], rates: Sequence[float], activation: str) -> str:
    """The answer to "how many hidden units?", written from the sweep's own numbers so that
    it says what the bars show for whatever settings produced them."""
    solved = [(u, r) for u, r in zip(units, rates) if r > 0]
    if not solved:
        return ("No width solved XOR with these settings: the optimiser, rate or number of "
                "epochs keeps every run from finding a solution. Try the defaults of tab 3.")
    (first, first_rate), (widest, widest_rate) = solved[0], (units[-1], rates[-1])
    text = (f"Two hidden units are enough to represent XOR (tab 2 sets them by hand), and "
            f"here the smallest width that solved it was {first} "
            f"({first_rate:.0%} of the runs). ")
    if widest_rate > first_rate:
        text += (f"{widest} units solved {widest_rate:.0%}: wider layers succeed more often. "
                 "Two units can already represent XOR; more units make it likelier that "
                 "training finds such a solution, because gradient descent starts from more "
                 "places from which one is close.")
    else:
        text += (f"{widest} units solved {widest_rate:.0%}: with these settings width did "
                 "not make training more reliable.")
    if activation == "ReLU" and (first > 2 or first_rate < 1):
        text += (" A run fails when units start or end up dead (ReLU outputs 0 for every "
                 "point, so no gradient reaches them) or two units learn the same thing.")
    return text
