"""Initialisation: what the starting weights do to the signal in a deep network, and to
training.

A probe sends a batch of standardised random inputs through a deep fully connected network
(widths up to 512, TensorFlow in float64, not the training engine) and measures, per layer,
the spread of the activations and of the gradient propagated back from the output. Then the
same small network is trained from every initialisation with the engine, which also shows
the symmetry problem: units that start equal stay equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import activation_functions, datasets, engine, initializers
from core.notes import times
from core.params import Params, choice, number

#: The lecture's order: no symmetry breaking, wrong scales, then the scaled schemes.
_PREFERRED = ("zeros", "constant", "small", "large", "glorot_uniform", "glorot_normal",
              "he_uniform", "he_normal", "playground")
INITIALIZERS = tuple(n for n in _PREFERRED if n in initializers.INITIALIZERS) + tuple(
    n for n in initializers.INITIALIZERS if n not in _PREFERRED)
PROBE_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
WIDTHS = (8, 16, 32, 64, 128, 256, 512)

#: Var[W] each scheme aims at, as the lecture writes it (n_in, n_out: the layer's fans).
THEORY: dict[str, tuple[str, Callable[[int, int], float]]] = {
    "zeros": (r"0", lambda i, o: 0.0),
    "constant": (r"0 \text{ (all equal)}", lambda i, o: 0.0),
    "small": (r"0.01^2", lambda i, o: 1e-4),
    "large": (r"1", lambda i, o: 1.0),
    "glorot_uniform": (r"\frac{2}{n_\mathrm{in} + n_\mathrm{out}}", lambda i, o: 2.0 / (i + o)),
    "glorot_normal": (r"\frac{2}{n_\mathrm{in} + n_\mathrm{out}}", lambda i, o: 2.0 / (i + o)),
    "he_uniform": (r"\frac{2}{n_\mathrm{in}}", lambda i, o: 2.0 / i),
    "he_normal": (r"\frac{2}{n_\mathrm{in}}", lambda i, o: 2.0 / i),
    "playground": (r"\frac{0.5^2}{3}", lambda i, o: 0.25 / 3.0),
}


def theory_variance(name: str, n_in: int, n_out: int) -> float | None:
    """The Var[W] scheme ``name`` is designed to give (None if it has no formula here)."""
    return THEORY[name][1](n_in, n_out) if name in THEORY else None


@dataclass(frozen=True)
class InitParams(Params):
    """A deep network probed with random inputs right after initialisation."""

    initializer: str = choice("glorot_uniform", INITIALIZERS, label="initializer")
    activation: str = choice("tanh", PROBE_ACTIVATIONS, label="activation")
    depth: int = number(10, 2, 50, label="layers")
    width: int = number(256, 8, 512, options=WIDTHS, label="width")
    seed: int = number(0, 0, 9999, label="seed")


# ----------------------------------------------------------------------------------------
# The probe: forward and backward statistics per layer
# ----------------------------------------------------------------------------------------

HIST_BINS = 41
#: Histogram ranges: bounded activations over their range, the others over ±3 (the inputs'
#: three standard deviations); values outside are counted in the end bins.
HIST_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 3.0),
              "linear": (-3.0, 3.0)}
#: A tanh/sigmoid unit counts as saturated where its slope is below this share of its
#: largest slope (f′(0)).
SATURATED_SLOPE = 0.05


@dataclass(frozen=True)
class Probe:
    """Per-layer measurements (index 0 = first hidden layer) of one initialised network."""

    act_std: np.ndarray  # std of the activations over inputs and units
    grad_std: np.ndarray  # std of ∂L/∂h, L = Σ r·output with r ~ N(0, 1)
    kernel_grad: np.ndarray  # mean |∂L/∂W| of each layer's kernel (what training would use)
    unit_spread: np.ndarray  # mean over inputs of the std across a layer's units
    saturated: np.ndarray  # share of units whose slope is < 5 % of f′(0)
    weight_var: np.ndarray  # Var of each layer's kernel entries
    hist: np.ndarray  # (layers, HIST_BINS) share of activations per bin
    edges: np.ndarray  # (HIST_BINS + 1,) bin edges
    batch: int

    @property
    def depth(self) -> int:
        return len(self.act_std)


def batch_size(width: int) -> int:
    """Inputs per probe: about 16,000 activations per layer (enough for a histogram and a
    standard deviation to a few per cent), at least 32 inputs."""
    return int(np.clip(16384 // width, 32, 1024))


def probe(p: InitParams) -> Probe:
    """Forward a batch of N(0, 1) inputs through ``p``'s network and back-propagate a random
    output gradient with ``tf.GradientTape``; returns the per-layer statistics."""
    import keras

    tf = engine.tensorflow()
    act = keras.activations.get(p.activation)
    weights = initializers.initial_weights((p.width,) * (p.depth + 1), p.initializer, p.seed)
    rng = np.random.default_rng([p.seed, 0x9B0BE])
    n = batch_size(p.width)
    x = tf.constant(rng.normal(size=(n, p.width)))
    upstream = tf.constant(rng.normal(size=(n, p.width)))
    kernels = [tf.constant(k, tf.float64) for k, _ in weights]
    hs, zs = [], []
    with tf.GradientTape() as tape:
        tape.watch(x)
        tape.watch(kernels)
        h = x
        for kernel, (_, bias) in zip(kernels, weights):
            z = h @ kernel + tf.constant(bias, tf.float64)
            h = act(z)
            zs.append(z)
            hs.append(h)
        loss = tf.reduce_sum(h * upstream)
    grads, kernel_grads = tape.gradient(loss, [hs, kernels])
    acts = [np.asarray(h) for h in hs]
    slope = _slopes(p.activation, [np.asarray(z) for z in zs])
    lo, hi = HIST_RANGE[p.activation]
    edges = np.linspace(lo, hi, HIST_BINS + 1)
    hist = np.stack([np.histogram(np.clip(a, lo, hi), edges)[0] / a.size for a in acts])
    return Probe(
        act_std=np.array([a.std() for a in acts]),
        grad_std=np.array([np.asarray(g).std() for g in grads]),
        kernel_grad=np.array([np.abs(np.asarray(g)).mean() for g in kernel_grads]),
        unit_spread=np.array([a.std(axis=1).mean() for a in acts]),
        saturated=np.array([np.mean(s < SATURATED_SLOPE) for s in slope]),
        weight_var=np.array([np.var(k.astype(np.float64)) for k, _ in weights]),
        hist=hist, edges=edges, batch=n)


def _slopes(activation: str, zs: list[np.ndarray]) -> list[np.ndarray]:
    """Each unit's slope f′(z) (GradientTape) relative to f′(0), for the saturation count.
    ReLU and linear units do not saturate on the side that passes the signal: slope 1."""
    if activation not in ("tanh", "sigmoid"):
        return [np.ones_like(z) for z in zs]
    top = activation_functions.evaluate(activation, np.zeros(1))[1][0]
    return [activation_functions.evaluate(activation, z)[1] / top for z in zs]


def probe_all(p: InitParams) -> dict[str, Probe]:
    """The probe for every initializer, with ``p``'s activation, depth, width and seed."""
    return {name: probe(p.replace(initializer=name)) for name in INITIALIZERS}


# ----------------------------------------------------------------------------------------
# One sentence per initializer, from the measurements
# ----------------------------------------------------------------------------------------


#: The signal keeps its scale when its spread at the last layer is within this factor of the
#: first layer's, either way; beyond :data:`VANISHING_FACTOR` it vanishes or explodes, and in
#: between it is shrinking or growing: no collapse yet, but no scale kept either.
STABLE_FACTOR = 2.0
VANISHING_FACTOR = 10.0


def _gradient_clause(pr: Probe) -> str:
    change = pr.grad_std[0] / pr.grad_std[-1] if pr.grad_std[-1] > 0 else 0.0
    # The same bounds as the signal's (classify).
    trend = ("vanishes" if change < 1 / VANISHING_FACTOR else
             "explodes" if change > VANISHING_FACTOR else
             "shrinks" if change < 1 / STABLE_FACTOR else
             "grows" if change > STABLE_FACTOR else "keeps its scale")
    return (f"the gradient {trend} on its way back (layer 1 gets {times(change)} of what "
            f"layer {pr.depth} gets)")


def classify(pr: Probe) -> str:
    """The signal's fate in one word: "dead" (no input dependence at all), "symmetric"
    (all units of a layer equal), "saturated", "vanishing", "shrinking", "stable",
    "growing" or "exploding" (by the spread's change from the first layer to the last)."""
    if pr.act_std[0] == 0.0:
        return "dead"
    if np.max(pr.unit_spread / np.maximum(pr.act_std, 1e-300)) < 1e-6:
        return "symmetric"
    if np.mean(pr.saturated) > 0.3:
        return "saturated"
    total = pr.act_std[-1] / pr.act_std[0]
    if total < 1 / VANISHING_FACTOR:
        return "vanishing"
    if total > VANISHING_FACTOR:
        return "exploding"
    if total < 1 / STABLE_FACTOR:
        return "shrinking"
    return "growing" if total > STABLE_FACTOR else "stable"


def verdict(pr: Probe) -> str:
    """What the measurements say about this initialisation, in one sentence."""
    kind = classify(pr)
    first, last, layers = pr.act_std[0], pr.act_std[-1], pr.depth
    if kind == "dead":
        return ("Every unit outputs the same constant whatever the input: no signal passes "
                "the first layer, and no gradient reaches the weights below the last.")
    if kind == "symmetric":
        return ("All units of a layer compute exactly the same value: the layer behaves like "
                "one unit, and training cannot tell its units apart (no symmetry breaking).")
    grad = _gradient_clause(pr)
    if kind == "saturated":
        return (f"{np.mean(pr.saturated):.0%} of the units sit on the flat part of σ "
                f"(saturated), so the activations stay large; {grad}.")
    spread = f"std {first:.2g} at layer 1, {last:.2g} at layer {layers}"
    if kind == "stable":
        return f"The signal keeps its order of magnitude ({spread}); {grad}."
    if kind in ("shrinking", "growing"):
        verb = {"shrinking": "shrinks", "growing": "grows"}[kind]
        return (f"The signal {verb} layer by layer, without vanishing yet, but it does not "
                f"keep its scale ({spread}: {times(last / first)} over {layers - 1} layers); "
                f"{grad}.")
    total = last / first
    rate = total ** (1.0 / (layers - 1))
    pace = (f"halves every {np.log(0.5) / np.log(rate):.1f} layers" if 0.5 <= rate < 1
            else f"changes {times(rate)} per layer")
    return (f"The signal {pace}, to {times(total)} of layer 1 after {layers} layers "
            f"({kind}); {grad}.")


def probe_rows(probes: dict[str, Probe], p: InitParams) -> dict[str, dict[str, str]]:
    """The probe's table: per initializer, the variance aimed at and measured, the last
    layer's spread and the verdict."""
    rows = {}
    for name, pr in probes.items():
        theory = theory_variance(name, p.width, p.width)
        rows[label(name)] = {
            "Var[W] theory": "" if theory is None else f"{theory:.3g}",
            "Var[W] measured": f"{pr.weight_var.mean():.3g}",
            f"std, layer {p.depth}": f"{pr.act_std[-1]:.2g}",
            "verdict": verdict(pr)}
    return rows


# ----------------------------------------------------------------------------------------
# Training the same network from each initialisation (engine)
# ----------------------------------------------------------------------------------------

TRAIN_DATASETS = ("circle", "xor", "gauss", "spiral")
TRAIN_ACTIVATIONS = ("tanh", "relu", "sigmoid")
TRAIN_LAYERS, TRAIN_WIDTH = 5, 32
TRAIN_POINTS, TRAIN_BATCH = 300, 30
EPOCH_OPTIONS = (25, 50, 100, 200, 400)
#: Initial weights of the symmetry picture: all equal (no symmetry breaking) vs random.
SYMMETRIC = "constant" if "constant" in INITIALIZERS else "zeros"
RANDOM = "glorot_uniform"


@dataclass(frozen=True)
class TrainParams(Params):
    """The same 5 × 32 network trained from each initialisation on a Playground data set."""

    dataset: str = choice("circle", TRAIN_DATASETS, label="data set")
    train_activation: str = choice("tanh", TRAIN_ACTIVATIONS, label="activation (training)")
    epochs: int = number(100, 25, 400, options=EPOCH_OPTIONS, label="epochs")
    learning_rate: float = number(0.1, 0.01, 1.0, options=(0.01, 0.03, 0.1, 0.3, 1.0),
                                  label="learning rate α")
    train_seed: int = number(1, 0, 9999, label="seed (training)")

    def network(self, initializer: str) -> engine.Network:
        return engine.Network(2, (TRAIN_WIDTH,) * TRAIN_LAYERS, self.train_activation, 1,
                              "sigmoid", initializer=initializer)

    def training(self) -> engine.Training:
        return engine.Training("binary_crossentropy", "sgd", self.learning_rate,
                               batch_size=TRAIN_BATCH, epochs=self.epochs, seed=self.train_seed)

    def data(self) -> engine.Data:
        d = datasets.generate(self.dataset, TRAIN_POINTS, 0.0,
                              np.random.default_rng([self.train_seed, 0xDA7A]))
        return engine.Data(d.x, d.y.astype(np.float32))


@dataclass(frozen=True)
class Run:
    """One training run: loss and accuracy per epoch, and (for the symmetry picture) the
    snapshot epochs with the incoming weights and bias of units 1 and 2 of hidden layer 1,
    shape (snapshots, 2, 3)."""

    history: dict[str, np.ndarray]
    diverged_at: int | None
    epochs: np.ndarray
    units: np.ndarray


def train_one(p: TrainParams, initializer: str) -> Run:
    """Train ``p``'s network from ``initializer`` (same data, seed and shuffles for all)."""
    result = engine.train(p.network(initializer), p.training(), p.data(),
                          snapshots_at=engine.snapshot_epochs(p.epochs, 26))
    return Run(result.history, result.diverged_at,
               np.array([s.epoch for s in result.snapshots]),
               np.stack([_first_two_units(s.weights) for s in result.snapshots]))


def never_learned(run: Run) -> bool:
    """Whether the loss ended within 3 % of its value after the first epoch (no learning)."""
    loss = run.history["loss"]
    return bool(run.diverged_at is None and len(loss) and loss[-1] > 0.97 * loss[0])


def units_identical(run: Run, atol: float = 1e-6) -> bool:
    """Whether units 1 and 2 of hidden layer 1 had the same weights at every snapshot."""
    return bool(np.allclose(run.units[:, 0, :], run.units[:, 1, :], rtol=0.0, atol=atol))


def _first_two_units(weights) -> np.ndarray:
    """Incoming weights and bias of units 1 and 2 of the first hidden layer, (2, 3)."""
    kernel, bias = weights[0]
    return np.stack([np.append(kernel[:, j], bias[j]) for j in (0, 1)])


_SHORT = {"zeros": "zeros", "constant": f"constant {initializers.CONSTANT_VALUE:g}",
          "small": "small (σ 0.01)", "large": "large (σ 1)", "glorot_uniform": "Glorot uniform",
          "glorot_normal": "Glorot normal", "he_uniform": "He uniform", "he_normal": "He normal",
          "playground": "Playground"}


def label(name: str) -> str:
    """A short name for figures and tables (the registry's label is the long form)."""
    return _SHORT.get(name) or initializers.get(name).label


#: Every initializer's short name, in the page's order (select box, figures, tables).
LABELS = {name: label(name) for name in INITIALIZERS}
