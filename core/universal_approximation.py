"""Universal approximation: a network with one hidden layer can fit any reasonable 1-D
function, and here is how.

A target f (built in, or an expression the user types) is sampled on its range, a network is
trained on the samples by regression (core.engine), and the fit is judged on the whole range
(max and RMS error). With one hidden layer the fit is taken apart into its units'
contributions w₂ᵢ·σ(w₁ᵢx + b₁ᵢ), each a step or a hinge at x = −b₁ᵢ/w₁ᵢ; the same kind of sum
can be built by hand; and width and depth are compared at equal parameter counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import activations, engine, limits, network, optimizers
from core import expression as E
from core.params import Params, choice, number, numbers, text

MAX_WIDTH = limits.MAX_UNITS
SWEEP_WIDTHS = tuple(w for w in (1, 2, 4, 8, 16, 32, 64, 128) if w <= MAX_WIDTH)
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1)
EPOCHS = (100, 200, 400, 600, 1000, 1500, 2000, 3000, 5000)
BATCH_SIZE = 32  # the lecture's advice: mini-batches no larger than 32
#: How far the pictures reach beyond the training range, as a share of its width per side.
EXTRAPOLATION = 0.5
GRID_POINTS = 241  # on the wider range; 121 of them inside the training range
FRAMES = 30
CUSTOM = "custom"


# ----------------------------------------------------------------------------------------
# Targets
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    formula: str  # plain text, shown as code
    fn: Callable[[np.ndarray], np.ndarray]
    x_range: tuple[float, float]


def _bumpy(x: np.ndarray) -> np.ndarray:
    return (np.sin(2 * x) + 0.5 * np.cos(5 * x) + 1.2 * np.exp(-8 * (x - 1) ** 2)
            - 0.3 * x)


def _sawtooth(x: np.ndarray) -> np.ndarray:
    return x / 2 - np.floor(x / 2 + 0.5)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("bumpy", "complicated",
               "sin(2x) + 0.5 cos(5x) + 1.2 exp(-8 (x-1)^2) - 0.3 x", _bumpy, (-3.0, 3.0)),
        Target("sin", "sin x", "sin(x)", np.sin, (-2 * np.pi, 2 * np.pi)),
        Target("step", "step", "0 for x < 0, 1 for x >= 0",
               lambda x: (x >= 0).astype(np.float64), (-2.0, 2.0)),
        Target("abs", "|x|", "abs(x)", np.abs, (-2.0, 2.0)),
        Target("sawtooth", "sawtooth", "x/2 - floor(x/2 + 1/2)", _sawtooth, (-3.0, 3.0)),
        Target("x_sin_x", "x · sin x", "x sin(x)", lambda x: x * np.sin(x), (-8.0, 8.0)),
        Target("gaussian", "Gaussian bump", "exp(-x^2 / 0.5)",
               lambda x: np.exp(-x ** 2 / 0.5), (-3.0, 3.0)),
        Target("polynomial", "polynomial", "x^3 - 3x", lambda x: x ** 3 - 3 * x, (-2.2, 2.2)),
    )
}
TARGET_CHOICES = (*TARGETS, CUSTOM)
TARGET_LABELS = {**{k: t.label for k, t in TARGETS.items()}, CUSTOM: "your own f(x)"}


@dataclass(frozen=True)
class ApproxParams(Params):
    """The target, the data sampled from it, and the network trained on the data."""

    target: str = choice("bumpy", TARGET_CHOICES, label="target f(x)")
    expression: str = text("sin(3*x) + 0.5*x", max_len=E.MAX_LENGTH, validator=E.check_syntax,
                           label="your f(x) =", help=E.HELP)
    x_min: float = number(-3.0, -20, 20, label="x from", help="Range of your own f(x).")
    x_max: float = number(3.0, -20, 20, label="x to", help="Range of your own f(x).")
    points: int = number(150, 20, 1000, label="training points")
    noise: float = number(0.0, 0.0, 0.5, options=(0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5),
                          label="noise", help="Standard deviation of the noise added to the "
                                              "training points, as a share of f's spread.")
    hidden_layers: int = number(1, 1, 4, label="layers", help="Hidden layers (1–4).")
    hidden_units: int = number(16, 1, MAX_WIDTH, label="units",
                               help="Units in each hidden layer.")
    activation: str = choice("tanh", tuple(activations.ACTIVATIONS), label="activation")
    optimizer: str = choice("adam", tuple(optimizers.OPTIMIZERS), label="optimizer")
    learning_rate: float = number(0.03, 0.001, 0.1, options=LEARNING_RATES,
                                  label="learning rate α")
    epochs: int = number(400, 100, 5000, options=EPOCHS, label="epochs")
    seed: int = number(0, 0, 9999, label="seed")

    def check(self) -> None:
        if not self.x_min < self.x_max:
            raise ValueError(f"x_max must be greater than x_min, got {self.x_min:g} and "
                             f"{self.x_max:g}")

    def network(self) -> engine.Network:
        return engine.Network(1, (self.hidden_units,) * self.hidden_layers, self.activation,
                              1, "linear", initializer="he_uniform")

    def training(self) -> engine.Training:
        return engine.Training("mse", self.optimizer, self.learning_rate,
                               batch_size=BATCH_SIZE, epochs=self.epochs, seed=self.seed)


#: The lecture's network: two hidden layers of 30 nodes (the slide "Universal approximation
#: theorem": "Fit complicated function … 2 hidden layers a 30 nodes"). The slide names no
#: activation, data or training: tanh, 200 points and 1500 epochs at α = 0.01 are this page's.
LECTURE_PRESET = {"hidden_layers": 2, "hidden_units": 30, "activation": "tanh",
                  "epochs": 1500, "learning_rate": 0.01, "points": 200}


def x_range(p: ApproxParams) -> tuple[float, float]:
    """The training range: the built-in target's own, or the one chosen for an expression."""
    return TARGETS[p.target].x_range if p.target in TARGETS else (p.x_min, p.x_max)


def target_function(p: ApproxParams) -> Callable[[np.ndarray], np.ndarray]:
    """f as a function of a NumPy array (an expression is parsed once, here)."""
    if p.target in TARGETS:
        return TARGETS[p.target].fn
    node = E.parse(p.expression)
    return lambda x: E.evaluate(node, x)


def target_formula(p: ApproxParams) -> str:
    return TARGETS[p.target].formula if p.target in TARGETS else p.expression


def check_target(p: ApproxParams) -> None:
    """ExpressionError if the user's f is unusable on its range (says why and where)."""
    if p.target == CUSTOM:
        E.values_on(p.expression, np.linspace(p.x_min, p.x_max, 1001))


def wide_grid(p: ApproxParams) -> tuple[np.ndarray, np.ndarray]:
    """Points on the training range widened by EXTRAPOLATION per side, and the mask of
    those inside the training range."""
    lo, hi = x_range(p)
    pad = EXTRAPOLATION * (hi - lo)
    x = np.linspace(lo - pad, hi + pad, GRID_POINTS)
    return x, (x >= lo - 1e-12) & (x <= hi + 1e-12)


def make_data(p: ApproxParams) -> tuple[np.ndarray, np.ndarray]:
    """Training points: x uniform on the range (sorted), y = f(x) + noise."""
    check_target(p)
    lo, hi = x_range(p)
    rng = np.random.default_rng([p.seed, 0xDA7A])
    x = np.sort(rng.uniform(lo, hi, p.points))
    f = target_function(p)
    spread = float(np.std(f(np.linspace(lo, hi, 1001))))
    return x, f(x) + p.noise * spread * rng.standard_normal(p.points)


# ----------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """A trained network, the data, and f and the fit on a range wider than the data."""

    params: ApproxParams
    x_train: np.ndarray
    y_train: np.ndarray
    grid: np.ndarray
    inside: np.ndarray  # mask of grid points inside the training range
    truth: np.ndarray  # f on the grid (NaN where f is undefined outside the range)
    result: engine.TrainResult

    def weights(self, index: int = -1) -> list[tuple[np.ndarray, np.ndarray]]:
        """The weights at a snapshot as functions of x itself (the network was trained on
        x scaled to [−1, 1]: the scaling is folded into the first layer, exactly)."""
        return in_x(self.result.snapshots[index].weights, input_scale(self.params))

    def outputs(self, index: int = -1) -> np.ndarray:
        """The network's output on the grid at a snapshot (the last by default)."""
        return self.result.snapshots[index].outputs[:, 0].astype(np.float64)

    @property
    def errors(self) -> tuple[float, float]:
        """Max and RMS of |f − fit| over the training range (not the noisy samples)."""
        return fit_errors(self.truth[self.inside], self.outputs()[self.inside])

    @property
    def outside_errors(self) -> tuple[float, float]:
        """Max and RMS of |f − fit| beyond the training range where f is defined (or NaN)."""
        out = ~self.inside & np.isfinite(self.truth)
        if not np.any(out):
            return float("nan"), float("nan")
        return fit_errors(self.truth[out], self.outputs()[out])


def fit_errors(truth: np.ndarray, fitted: np.ndarray) -> tuple[float, float]:
    """(max |f − fit|, RMS of f − fit); infinite if the fit is not finite."""
    diff = np.asarray(fitted, np.float64) - np.asarray(truth, np.float64)
    if not np.all(np.isfinite(diff)):
        return float("inf"), float("inf")
    return float(np.max(np.abs(diff))), float(np.sqrt(np.mean(diff ** 2)))


def input_scale(p: ApproxParams) -> tuple[float, float]:
    """(centre, half-width) of the training range: the network sees z = (x − centre)/half.

    Scaled inputs keep every range (a built-in's ±2π or a user's [0, 20]) equally easy to
    train: the initial units then sit across the data, not all bunched at one end."""
    lo, hi = x_range(p)
    return (lo + hi) / 2, (hi - lo) / 2


def in_x(weights: network.Weights, scale: tuple[float, float]) -> list:
    """First-layer weights rewritten for x: w·(x − c)/h + b = (w/h)·x + (b − w·c/h)."""
    centre, half = scale
    (k1, b1), *rest = [(np.asarray(k, np.float64), np.asarray(b, np.float64))
                       for k, b in weights]
    return [(k1 / half, b1 - (k1 * centre / half).sum(axis=0)), *rest]


def train_fit(p: ApproxParams, frames: int = FRAMES,
              on_progress: Callable[[int, int], None] | None = None) -> Fit:
    """Train ``p``'s network on samples of f, recording ``frames`` snapshots on the wide grid.

    ``on_progress(done, total)`` is called as epochs finish. ExpressionError if the user's f
    is unusable on its range.
    """
    x, y = make_data(p)
    grid, inside = wide_grid(p)
    truth = target_function(p)(grid)
    centre, half = input_scale(p)
    result = engine.train(p.network(), p.training(), engine.Data((x - centre) / half, y),
                          eval_x=((grid - centre) / half)[:, None],
                          snapshots_at=engine.snapshot_epochs(p.epochs, frames),
                          on_progress=on_progress)
    return Fit(p, x, y, grid, inside, truth, result)


def sweep_point(p: ApproxParams, width: int) -> tuple[float, float]:
    """(max, RMS) error of one hidden layer of ``width`` units trained like ``p``."""
    run = train_fit(p.replace(hidden_layers=1, hidden_units=width), frames=1)
    if run.result.diverged:
        return float("inf"), float("inf")
    return run.errors


def sweep_key(p: ApproxParams) -> ApproxParams:
    """``p`` with the two fields the width sweep varies set aside: one entry per sweep."""
    return p.replace(hidden_layers=1, hidden_units=1)


def width_sweep(p: ApproxParams,
                point: Callable[[ApproxParams, int], tuple[float, float]] = sweep_point,
                on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """(max, RMS) error per width of :data:`SWEEP_WIDTHS`; ``on_progress(width, i)`` first."""
    rows = []
    for i, width in enumerate(SWEEP_WIDTHS):
        if on_progress:
            on_progress(width, i)
        rows.append(point(p, width))
    return np.array(rows, np.float64)


# ----------------------------------------------------------------------------------------
# Looking inside: one hidden layer as a sum of units
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decomposition:
    """Output = bias + Σ contributions; units sorted by their position −b₁ᵢ/w₁ᵢ."""

    positions: np.ndarray  # (units,), ±inf for a unit with w₁ᵢ = 0 (a constant)
    contributions: np.ndarray  # (units, points): w₂ᵢ·σ(w₁ᵢx + b₁ᵢ)
    bias: float  # b₂
    order: np.ndarray  # the units' original indices, in the sorted order

    @property
    def total(self) -> np.ndarray:
        return self.bias + self.contributions.sum(axis=0)


def decompose(weights: network.Weights, activation: str, x: np.ndarray) -> Decomposition:
    """Split a one-hidden-layer network y = w₂·σ(w₁x + b₁) + b₂ into its units' terms."""
    if len(weights) != 2:
        raise ValueError(f"decompose needs one hidden layer, got {len(weights) - 1}")
    (k1, b1), (k2, b2) = [(np.asarray(k, np.float64), np.asarray(b, np.float64))
                          for k, b in weights]
    w1, w2 = k1[0], k2[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        positions = np.where(w1 != 0, -b1 / np.where(w1 != 0, w1, 1.0), np.inf)
    order = np.argsort(positions, kind="stable")
    sigma = activations.get(activation).fn
    x = np.asarray(x, np.float64)
    contributions = w2[order, None] * sigma(np.outer(w1[order], x) + b1[order, None])
    return Decomposition(positions[order], contributions, float(b2[0]), order)


def parameter_count(layers: int, units: int) -> int:
    """Weights and biases of a 1 → units × layers → 1 network."""
    return 2 * units + (layers - 1) * (units * units + units) + units + 1


def matched_width(count: int) -> int:
    """The width of one hidden layer whose parameter count comes closest to ``count``."""
    return int(np.clip(round((count - 1) / 3), 1, MAX_WIDTH))


@dataclass(frozen=True)
class CompareParams(Params):
    """The deep network of the shallow-vs-deep comparison; the shallow one gets one hidden
    layer with about as many parameters."""

    deep_layers: int = number(3, 2, 4, label="deep: layers")
    deep_units: int = number(8, 2, 16, label="deep: units per layer")

    def pair(self, p: ApproxParams) -> tuple[ApproxParams, ApproxParams]:
        """(shallow, deep) versions of ``p``: same target, data, activation and epochs."""
        count = parameter_count(self.deep_layers, self.deep_units)
        return (p.replace(hidden_layers=1, hidden_units=matched_width(count)),
                p.replace(hidden_layers=self.deep_layers, hidden_units=self.deep_units))


# ----------------------------------------------------------------------------------------
# Built by hand: sums of steps or hinges
# ----------------------------------------------------------------------------------------

MAX_PIECES = 16
HAND_KINDS = {"hinge": "ReLU hinges", "step": "sigmoid steps"}


@dataclass(frozen=True)
class HandParams(Params):
    """y = offset + Σ heightᵢ·piece(x − positionᵢ): steps σ(k(x − s)) or hinges max(0, x − s).

    A step's height is the jump it makes; a hinge's height is the change of slope.
    """

    hand_kind: str = choice("hinge", tuple(HAND_KINDS), label="kind")
    hand_positions: tuple[float, ...] = numbers((-2.0, -1.0, 0.0, 1.0, 2.0), -20, 20,
                                                min_len=1, max_len=MAX_PIECES,
                                                label="positions")
    hand_heights: tuple[float, ...] = numbers((1.0, -2.0, 2.0, -2.0, 1.0), -100, 100,
                                              min_len=1, max_len=MAX_PIECES, label="heights")
    hand_offset: float = number(0.0, -100, 100, label="offset")
    hand_steepness: float = number(20.0, 1, 100, label="steepness k",
                                   help="Weight w of a sigmoid step σ(w(x − s)).")
    hand_count: int = number(8, 1, MAX_PIECES, label="how many",
                             help="How many pieces 'Place evenly' puts on the range.")

    def check(self) -> None:
        if len(self.hand_positions) != len(self.hand_heights):
            raise ValueError("hand_heights must have one entry per position, got "
                             f"{len(self.hand_heights)} and {len(self.hand_positions)}")


def hand_pieces(h: HandParams, x: np.ndarray) -> np.ndarray:
    """Each piece's term heightᵢ·piece(x − positionᵢ), shape (pieces, points)."""
    shift = np.asarray(x, np.float64)[None, :] - np.asarray(h.hand_positions)[:, None]
    heights = np.asarray(h.hand_heights)[:, None]
    if h.hand_kind == "step":
        return heights * activations.get("sigmoid").fn(h.hand_steepness * shift)
    return heights * np.maximum(shift, 0.0)


def hand_sum(h: HandParams, x: np.ndarray) -> np.ndarray:
    return h.hand_offset + hand_pieces(h, x).sum(axis=0)


def place_evenly(p: ApproxParams, h: HandParams) -> HandParams:
    """Pieces that make the sum interpolate f, the constructive proof of the theorem.

    Steps: nodes tᵢ evenly on the range, a step halfway between neighbours with height
    f(tᵢ₊₁) − f(tᵢ). Hinges: the broken line through (tᵢ, f(tᵢ)), a hinge at every node but
    the last with height = change of slope there.
    """
    lo, hi = x_range(p)
    f = target_function(p)
    n = h.hand_count
    if h.hand_kind == "step":
        nodes = np.linspace(lo, hi, n + 1)
        values = f(nodes)
        positions, heights, offset = (nodes[:-1] + nodes[1:]) / 2, np.diff(values), values[0]
    else:
        nodes = np.linspace(lo, hi, n + 1)
        slopes = np.diff(f(nodes)) / np.diff(nodes)
        positions, heights = nodes[:-1], np.diff(np.concatenate([[0.0], slopes]))
        offset = f(nodes[:1])[0]
    limit = HandParams.meta("hand_heights")["hi"]
    return h.replace(hand_positions=tuple(np.round(positions, 3).tolist()),
                     hand_heights=tuple(np.round(np.clip(heights, -limit, limit), 3).tolist()),
                     hand_offset=float(np.clip(np.round(offset, 3), -limit, limit)))
