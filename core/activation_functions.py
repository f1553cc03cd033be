"""Activation functions as students call them: values from ``keras.activations``, derivatives
by automatic differentiation (``tf.GradientTape``), never written by hand.

Three views of the lecture's "non-linear activation σ": the functions and their slopes
(where the slope is small the gradient vanishes), one neuron a = σ(w·x + b) whose step sits
at x = −b/w (two of them make a bump), and a deep stack of linear layers that stays one
straight line unless an activation bends it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from core import engine
from core.params import Params, choice, choices, number


@dataclass(frozen=True)
class ActivationInfo:
    """A Keras activation: its name in ``keras.activations``, label and formula."""

    name: str
    label: str
    latex: str
    short: str = ""  # for the row of pills

    @property
    def pill(self) -> str:
        return self.short or self.label


#: The lecture's three first, then the common others, all by their Keras names.
ACTIVATIONS: dict[str, ActivationInfo] = {
    a.name: a
    for a in (
        ActivationInfo("relu", "ReLU", r"\max(0, x)"),
        ActivationInfo("sigmoid", "sigmoid", r"\frac{1}{1 + e^{-x}}"),
        ActivationInfo("tanh", "tanh", r"\frac{e^{2x} - 1}{e^{2x} + 1}"),
        ActivationInfo("linear", "linear", r"x"),
        ActivationInfo("leaky_relu", "leaky ReLU", r"\max(0.2x, x)", "leaky"),
        ActivationInfo("elu", "ELU", r"x \;(x > 0),\; e^{x} - 1 \;(x \le 0)"),
        ActivationInfo("selu", "SELU",
                       r"\lambda x \;(x > 0),\; \lambda\alpha(e^{x} - 1)\;(x \le 0)"),
        ActivationInfo("softplus", "softplus", r"\ln(1 + e^{x})"),
        ActivationInfo("softsign", "softsign", r"\frac{x}{1 + |x|}"),
        ActivationInfo("silu", "swish / SiLU", r"x \cdot \mathrm{sigmoid}(x)", "swish"),
        ActivationInfo("gelu", "GELU", r"x \cdot \Phi(x)"),
        ActivationInfo("mish", "mish", r"x \tanh(\ln(1 + e^{x}))"),
        ActivationInfo("hard_sigmoid", "hard sigmoid", r"\max(0, \min(1, x/6 + 1/2))", "hard σ"),
        ActivationInfo("relu6", "ReLU6", r"\min(\max(0, x), 6)"),
        ActivationInfo("exponential", "exponential", r"e^{x}", "exp"),
    )
}

#: Each activation's name in figures and tables, and in the row of pills (shorter).
LABELS = {name: a.label for name, a in ACTIVATIONS.items()}
PILLS = {name: a.pill for name, a in ACTIVATIONS.items()}

#: Half-width of the x range the curves are drawn on (the properties use a wider one).
X_RANGE = 5.0
CURVE_POINTS = 241


def _keras_fn(name: str):
    import keras

    return keras.activations.get(name)


def evaluate(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) from ``keras.activations`` and f′(x) from ``tf.GradientTape``, in float64.

    Returns (values, derivatives), both shaped like ``x``.
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")
    tf = engine.tensorflow()
    t = tf.constant(np.asarray(x, dtype=np.float64))
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = _keras_fn(name)(t)
    # Element-wise functions: the gradient of the sum is the vector of slopes.
    dy = tape.gradient(y, t)
    return np.asarray(y, np.float64), np.asarray(dy, np.float64)


def apply(name: str, x: np.ndarray) -> np.ndarray:
    """f(x) from ``keras.activations`` in float64 (values only)."""
    return evaluate(name, x)[0]


# ----------------------------------------------------------------------------------------
# Tab 1a: the functions, their slopes and properties
# ----------------------------------------------------------------------------------------

SATURATION_THRESHOLDS = (0.01, 0.02, 0.05, 0.1, 0.2)


#: Two rows of pills (one row of fifteen does not fit beside the sidebar at 1280 px): the
#: lecture's three and the common ones, then the rest.
COMMON = ("relu", "sigmoid", "tanh", "linear", "leaky_relu", "elu", "selu", "softplus")
MORE = tuple(n for n in ACTIVATIONS if n not in COMMON)
MAX_OVERLAID = 8


@dataclass(frozen=True)
class CurveParams(Params):
    """Which activations the first figures overlay, and what counts as saturated."""

    activations: tuple[str, ...] = choices(("relu", "sigmoid", "tanh"), COMMON,
                                           label="activations")
    more: tuple[str, ...] = choices((), MORE, label="more activations")
    threshold: float = number(0.05, 0.01, 0.2, options=SATURATION_THRESHOLDS,
                              label="saturated: |f′| <",
                              help="Shade where the slope is smaller than this: there the "
                                   "gradient passed back through the unit almost vanishes.")

    def check(self) -> None:
        if not 1 <= len(self.names) <= MAX_OVERLAID:
            raise ValueError(f"activations: choose 1 to {MAX_OVERLAID} activations to draw "
                             f"together, got {len(self.names)}")

    @property
    def names(self) -> tuple[str, ...]:
        """Everything chosen, in the registry's order."""
        return self.activations + self.more


@dataclass(frozen=True)
class Curves:
    """f and f′ of several activations on one grid, and where each one saturates."""

    x: np.ndarray
    values: dict[str, np.ndarray]
    slopes: dict[str, np.ndarray]
    #: Per activation, the x-intervals (start, end) where |f′| < threshold.
    saturated: dict[str, list[tuple[float, float]]]
    threshold: float


def saturation_sides(c: Curves, name: str) -> str:
    """Where ``name`` saturates on the drawn range: "both", "left", "right" or "none"."""
    spans = c.saturated[name]
    left = any(start == c.x[0] for start, _ in spans)
    right = any(end == c.x[-1] for _, end in spans)
    return {(True, True): "both", (True, False): "left", (False, True): "right"}.get(
        (left, right), "none")


def intervals(x: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """The runs of ``True`` in ``mask`` as (first x, last x) pairs."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(x[s]), float(x[e])) for s, e in zip(starts, ends)]


def curves(names: tuple[str, ...], threshold: float, half_width: float = X_RANGE,
           points: int = CURVE_POINTS) -> Curves:
    """f, f′ and the saturation intervals (|f′| < ``threshold``) of each of ``names``."""
    x = np.linspace(-half_width, half_width, points)
    values, slopes, saturated = {}, {}, {}
    for name in names:
        values[name], slopes[name] = evaluate(name, x)
        saturated[name] = intervals(x, np.abs(slopes[name]) < threshold)
    return Curves(x, values, slopes, saturated, threshold)


@dataclass(frozen=True)
class Properties:
    """What the table says about one activation, measured from Keras's values."""

    name: str
    lo: float  # -inf if unbounded below
    hi: float  # +inf if unbounded above
    slope_at_zero: float
    monotonic: bool
    #: E[f(z)] for z ~ N(0, 1): the mean a layer passes on when its inputs are standardised.
    mean_output: float

    @property
    def zero_centred(self) -> bool:
        """Outputs average to (nearly) zero for standardised inputs."""
        return abs(self.mean_output) < ZERO_CENTRED

    @property
    def range_text(self) -> str:
        def fmt(v: float) -> str:
            return "−∞" if v == -np.inf else "∞" if v == np.inf else f"{v:.3g}".replace("-", "−")
        return f"{fmt(self.lo)} … {fmt(self.hi)}"


#: Where the table looks for the range: a dense grid for the extremes in the middle, and
#: two far points per side to tell a slow asymptote (softsign) from unbounded growth.
_PROBE_HALF_WIDTH = 60.0
_FAR = np.array([1e3, 1e6])
#: A mean output for standard-normal inputs within ± this counts as zero-centred.
ZERO_CENTRED = 0.05


def _end(name: str, sign: float) -> float:
    """The limit of f towards sign·∞: ±inf if f still moves by more than 1 between 10³ and
    10⁶ (or overflows), else its value at 10⁶."""
    near, far = apply(name, sign * _FAR)
    if not np.isfinite(far) or abs(far - near) > 1.0:
        return float(np.sign(far - near) * np.inf) if np.isfinite(far) else float(far)
    return float(far)


@functools.cache
def properties(name: str) -> Properties:
    """Range, f′(0), monotonicity and mean output of ``name``, measured numerically.

    The range runs from the lowest to the highest value seen on [−60, 60] and at ±10⁶,
    with ends that keep growing beyond 10³ counted as infinite (see :func:`_end`).
    """
    x = np.linspace(-_PROBE_HALF_WIDTH, _PROBE_HALF_WIDTH, 24001)
    f, df = evaluate(name, x)
    ends = (_end(name, -1.0), _end(name, 1.0))
    lo, hi = min(float(f.min()), *ends), max(float(f.max()), *ends)
    slope0 = float(evaluate(name, np.zeros(1))[1][0])
    # E[f(z)] for z ~ N(0, 1), by the trapezoid rule on a fine grid (Gauss-Hermite
    # quadrature would be off in the third digit at ReLU's kink).
    z = np.linspace(-12.0, 12.0, 48001)
    mean = float(np.trapezoid(apply(name, z) * np.exp(-z * z / 2), z) / np.sqrt(2 * np.pi))
    return Properties(name, lo, hi, slope0, bool(np.all(df >= -1e-9)), mean)


def properties_caption() -> str:
    """How the property table was measured (its bounds are this module's)."""
    return (f"Measured from Keras's values: range over x in [−{_PROBE_HALF_WIDTH:g}, "
            f"{_PROBE_HALF_WIDTH:g}] and at ±10⁶; f′(0) by GradientTape (at a kink, as for "
            "ReLU, it returns one side's slope); zero-centred when the mean output for "
            f"standard-normal inputs is within ±{ZERO_CENTRED:g}.")


def property_rows() -> list[dict[str, object]]:
    """The property table: one row per activation, in the registry's order."""
    rows = []
    for name in ACTIVATIONS:
        p = properties(name)
        rows.append({"activation": LABELS[name], "keras": name, "range": p.range_text,
                     "f′(0)": round(p.slope_at_zero, 3), "monotonic": p.monotonic,
                     "mean output, x ~ N(0,1)": round(p.mean_output, 3),
                     "zero-centred": p.zero_centred})
    return rows


# ----------------------------------------------------------------------------------------
# Tab 1b: one neuron, and two that make a bump
# ----------------------------------------------------------------------------------------

NEURON_ACTIVATIONS = ("sigmoid", "tanh", "relu", "hard_sigmoid", "softplus", "elu")


@dataclass(frozen=True)
class NeuronParams(Params):
    """One neuron a = σ(w·x + b), and a bump made of two such neurons."""

    neuron_activation: str = choice("sigmoid", NEURON_ACTIVATIONS, label="σ")
    w: float = number(2.0, -20.0, 20.0, label="weight w")
    b: float = number(-1.0, -20.0, 20.0, label="bias b")
    bump_width: float = number(2.0, 0.5, 6.0, label="bump width")


@dataclass(frozen=True)
class Neuron:
    x: np.ndarray
    a: np.ndarray
    #: Where w·x + b = 0: the step of a sigmoid, the kink of a ReLU (None if w = 0).
    step: float | None
    #: The bump: a₁ = σ(w·x + b), a₂ = σ(w·x + b − w·width), and a₁ − a₂.
    left: np.ndarray
    right: np.ndarray
    bump: np.ndarray


def neuron(p: NeuronParams, half_width: float = X_RANGE, points: int = CURVE_POINTS) -> Neuron:
    """The neuron's output over x, its step position −b/w, and the bump of two neurons
    with the same w whose steps are ``bump_width`` apart."""
    x = np.linspace(-half_width, half_width, points)
    z = p.w * x + p.b
    a = apply(p.neuron_activation, z)
    step = -p.b / p.w if p.w != 0 else None
    right = apply(p.neuron_activation, z - p.w * p.bump_width)
    return Neuron(x, a, step, a, right, a - right)


# ----------------------------------------------------------------------------------------
# Tab 1c: stacked linear layers are still linear
# ----------------------------------------------------------------------------------------

BEND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "softplus", "leaky_relu")


@dataclass(frozen=True)
class StackParams(Params):
    """A deep 1 → width → … → width → 1 network with random weights, on 1-D input."""

    stack_depth: int = number(6, 1, 20, label="hidden layers")
    stack_width: int = number(8, 2, 32, label="units per layer")
    bend: str = choice("relu", BEND_ACTIVATIONS, label="non-linear σ")
    stack_seed: int = number(3, 0, 9999, label="seed")


@dataclass(frozen=True)
class Stack:
    x: np.ndarray
    weights: list[tuple[np.ndarray, np.ndarray]]
    linear: np.ndarray  # outputs with σ(x) = x in every hidden layer
    bent: np.ndarray  # the same weights with the non-linear σ
    w_eff: float
    b_eff: float

    @property
    def bend(self) -> float:
        """How far the non-linear output strays from its best straight line, as a share of
        its range (0 for a line)."""
        coef = np.polyfit(self.x, self.bent, 1)
        spread = np.ptp(self.bent)
        return float(np.max(np.abs(self.bent - np.polyval(coef, self.x))) / spread) \
            if spread > 0 else 0.0


def stack_weights(p: StackParams) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random kernels W ~ N(0, 1/n_in) and biases b ~ N(0, 0.5²), float64, from the seed.

    Random biases matter: without them a ReLU stack could only bend at x = 0.
    """
    rng = np.random.default_rng([p.stack_seed, 0xB1A5])
    sizes = (1, *(p.stack_width,) * p.stack_depth, 1)
    return [(rng.normal(0.0, np.sqrt(1.0 / n_in), (n_in, n_out)), rng.normal(0.0, 0.5, n_out))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def forward(weights: list[tuple[np.ndarray, np.ndarray]], activation: str,
            x: np.ndarray) -> np.ndarray:
    """Outputs (n,) of the stack on inputs ``x`` (n,): σ after every layer but the last."""
    h = np.asarray(x, np.float64).reshape(-1, 1)
    for i, (kernel, bias) in enumerate(weights):
        h = h @ kernel + bias
        if i < len(weights) - 1 and activation != "linear":
            h = apply(activation, h)
    return h[:, 0]


def effective_linear(weights: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """The one layer (W, b) a stack of linear layers equals: W = W₁W₂⋯W_L and
    b = (⋯(b₁W₂ + b₂)W₃ + ⋯)W_L + b_L (row vectors, as Keras multiplies x @ W)."""
    w_eff, b_eff = weights[0]
    for kernel, bias in weights[1:]:
        w_eff, b_eff = w_eff @ kernel, b_eff @ kernel + bias
    return w_eff, b_eff


def stack(p: StackParams, half_width: float = 3.0, points: int = 301) -> Stack:
    """The same random weights with linear and with non-linear hidden activations."""
    x = np.linspace(-half_width, half_width, points)
    weights = stack_weights(p)
    w_eff, b_eff = effective_linear(weights)
    return Stack(x, weights, forward(weights, "linear", x), forward(weights, p.bend, x),
                 float(w_eff[0, 0]), float(b_eff[0]))

