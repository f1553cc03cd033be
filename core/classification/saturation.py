"""Why a sigmoid output is trained with cross-entropy, not with the squared error.

For one example with label 1 and logit z, p = σ(z):

* squared error  L = (σ(z) − 1)²,   dL/dz = 2(σ(z) − 1)·σ(z)(1 − σ(z));
* cross-entropy  L = −ln σ(z) = ln(1 + e⁻ᶻ),   dL/dz = σ(z) − 1.

The squared error's gradient carries the factor σ'(z) = σ(1 − σ), which vanishes where the
unit saturates, also where it is confidently wrong (z ≪ 0); the cross-entropy's log undoes
the exponential of the sigmoid, so its gradient tends to −1 there (Goodfellow, Bengio &
Courville, Deep Learning, 2016, §6.2.2.2). The curves are computed by GradientTape from the
engine's own losses and drawn with the closed forms above; then the consequence: the same
logistic-regression unit, started confidently wrong, trained by gradient descent with each
loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import datasets, engine, initializers, network
from core.classification.tasks import N_POINTS, Progress, Trained, fit, shared_progress
from core.engine import losses
from core.params import Params, number, optional_number

#: The logits the curves span, and how many GradientTape evaluates (the closed forms are
#: drawn on a finer grid between them).
Z_RANGE = (-10.0, 10.0)
TAPE_POINTS = 21
CURVE_POINTS = 401
#: The two losses compared, by their names in the engine's registry (both on a sigmoid).
LOSS_NAMES = ("mse", "binary_crossentropy")
SHORT_NAMES = {"mse": "squared error", "binary_crossentropy": "cross-entropy"}
#: The data of the training comparison: two clouds a straight line separates, so a single
#: sigmoid unit can solve it and any slowness is the loss's doing.
DATASET = "gauss"
#: Plain gradient descent on all points at once, the lecture's θ ← θ − α·dJ/dθ: one step per
#: epoch, and the step is the gradient times α, so a vanishing gradient means a vanishing
#: step (Adam would divide it by its own running size and hide the effect).
OPTIMIZER, BATCH_SIZE = "sgd", N_POINTS
WRONG_LOGITS = (2.0, 4.0, 6.0, 8.0, 10.0)
GD_RATES = (0.1, 0.3, 1.0, 3.0)
GD_EPOCHS = (50, 100, 200, 300, 500)
TARGET_ACCURACIES = (0.8, 0.9, 0.95, 0.99)


# ----------------------------------------------------------------------------------------
# Loss and gradient for label 1
# ----------------------------------------------------------------------------------------


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, np.float64)))  # no overflow for z ≪ 0


def closed_forms(z: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Loss and dL/dz for label 1, per loss name, from the formulas in the module docstring."""
    z = np.asarray(z, np.float64)
    p = sigmoid(z)
    return {"mse": ((p - 1.0) ** 2, 2.0 * (p - 1.0) * p * (1.0 - p)),
            "binary_crossentropy": (np.logaddexp(0.0, -z), p - 1.0)}


def tape_values(z: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Loss and dL/dz for label 1, per loss name, from the engine's loss registry (the code
    that trains every network) differentiated by ``tf.GradientTape``, in float64."""
    tf = engine.tensorflow()
    logits = tf.Variable(np.asarray(z, np.float64).reshape(-1, 1))
    ones = tf.ones_like(logits)
    out = {}
    for name in LOSS_NAMES:
        with tf.GradientTape() as tape:
            # Per example: each row's loss depends on its own logit only, so the gradient
            # of their sum holds every example's own dL/dz.
            values = losses.get(name).per_example(ones, logits, "sigmoid")
            total = tf.reduce_sum(values)
        out[name] = (values.numpy().ravel(), tape.gradient(total, logits).numpy().ravel())
    return out


@dataclass(frozen=True)
class Curves:
    """The curves of both losses: closed forms on a fine grid, GradientTape on a coarse one."""

    z: np.ndarray
    closed: dict[str, tuple[np.ndarray, np.ndarray]]
    z_tape: np.ndarray
    tape: dict[str, tuple[np.ndarray, np.ndarray]]


def curves() -> Curves:
    z = np.linspace(*Z_RANGE, CURVE_POINTS)
    z_tape = np.linspace(*Z_RANGE, TAPE_POINTS)
    return Curves(z, closed_forms(z), z_tape, tape_values(z_tape))


def _power(x: float) -> str:
    """A small magnitude readably: 9.1·10⁻⁵ rather than 9.1e-05."""
    mantissa, exponent = f"{x:.1e}".split("e")
    digits = str(int(exponent)).replace("-", "⁻")
    return f"{mantissa}·10" + digits.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def curves_notice(c: Curves) -> str:
    """What the curves say, read from them: the gradients at the most wrong logit and where
    the squared error's gradient is largest."""
    z0 = c.z_tape[0]
    mse_grad, ce_grad = c.tape["mse"][1][0], c.tape["binary_crossentropy"][1][0]
    mse_all = np.abs(c.closed["mse"][1])
    peak = int(np.argmax(mse_all))
    return (f"At z = {z0:g} the network says p = {sigmoid(z0):.1e} for an example of class 1: "
            f"as wrong as it can be. The squared error's gradient there is {_power(mse_grad)}, "
            f"the cross-entropy's {ce_grad:.2f}: {abs(ce_grad / mse_grad):,.0f} times larger. "
            f"The squared error pulls hardest at z = {c.z[peak]:.2f} (p = "
            f"{sigmoid(c.z[peak]):.2f}, gradient {-mse_all[peak]:.3f}) and ever more weakly "
            "the more wrong the answer; the cross-entropy pulls the harder the more wrong it "
            "is, and lets go only once the answer is right.")


# ----------------------------------------------------------------------------------------
# The consequence in training
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaturationParams(Params):
    """How the sigmoid unit starts and how it is trained (plain gradient descent)."""

    wrong_logit: float | None = optional_number(
        None, 2.0, 10.0, options=WRONG_LOGITS, off_label="random",
        label="start: wrong by logit",
        help="Random: Glorot-uniform weights drawn from the page's seed (tab 1's network "
             "settings). A number k: weights that put each class's centre at logit ∓k, on "
             "the wrong side (p = σ(−k) for its own class): confidently wrong.")
    gd_rate: float = number(1.0, 0.1, 3.0, options=GD_RATES, label="learning rate α",
                            help="Plain gradient descent on all points at once.")
    gd_epochs: int = number(200, 50, 500, options=GD_EPOCHS, label="epochs",
                            help="One gradient-descent step per epoch.")
    target_accuracy: float = number(0.95, 0.8, 0.99, options=TARGET_ACCURACIES,
                                    label="accuracy to reach")

    def run_key(self) -> SaturationParams:
        """The same run without the display-only target accuracy (the cache key)."""
        return self.replace(target_accuracy=SaturationParams.target_accuracy)

    def training(self, loss: str, seed: int) -> engine.Training:
        return engine.Training(loss, OPTIMIZER, self.gd_rate, BATCH_SIZE, self.gd_epochs,
                               seed=seed)


NETWORK = engine.Network(2, (), (), 1, "sigmoid")


def clouds(seed: int) -> datasets.Dataset:
    return datasets.generate(DATASET, N_POINTS, 0.0, np.random.default_rng([seed, 0x5A7]))


def wrong_start(x: np.ndarray, labels: np.ndarray, k: float) -> list[tuple[np.ndarray, ...]]:
    """Weights of a sigmoid unit with logit −k at class 1's centre and +k at class 0's: the
    right boundary's direction, reversed and scaled (the boundary through the midpoint)."""
    c0, c1 = x[labels == 0].mean(axis=0), x[labels == 1].mean(axis=0)
    middle, v = (c0 + c1) / 2, c1 - c0
    w = -k * v / float(v @ (c1 - middle))
    return [(w.reshape(2, 1), np.array([-float(w @ middle)]))]


@dataclass(frozen=True)
class Race:
    """The same unit and start trained with each loss."""

    params: SaturationParams
    seed: int
    x: np.ndarray
    labels: np.ndarray
    start: list[tuple[np.ndarray, np.ndarray]]
    runs: dict[str, Trained]

    @property
    def start_outputs(self) -> np.ndarray:
        return network.predict(self.start, (), "sigmoid", self.x)[:, 0]

    @property
    def start_accuracy(self) -> float:
        return float(np.mean((self.start_outputs >= 0.5) == self.labels))

    @property
    def confidently_wrong(self) -> float:
        """Share of points whose own class gets p < 0.05 at the start."""
        p_own = np.where(self.labels == 1, self.start_outputs, 1.0 - self.start_outputs)
        return float(np.mean(p_own < 0.05))

    def reached(self, loss: str, target: float) -> int | None:
        """The first epoch whose training accuracy is at least ``target``; None if none.
        Accuracies are counts over N points: compared with half a point's slack, so that
        0.95 in float32 (0.949999…) counts as 95 %."""
        acc = self.runs[loss].history["accuracy"]
        hits = np.flatnonzero(acc >= target - 0.5 / len(self.labels))
        return int(hits[0]) + 1 if len(hits) else None


def race(p: SaturationParams, seed: int, on_progress: Progress = None) -> Race:
    """Train the sigmoid unit from ``p``'s start with each loss (``seed``: data, random
    start and mini-batches)."""
    data = clouds(seed)
    labels = data.y
    start = (initializers.initial_weights(NETWORK.sizes, NETWORK.initializer, seed)
             if p.wrong_logit is None else wrong_start(data.x, labels, p.wrong_logit))
    report = shared_progress(on_progress, len(LOSS_NAMES))
    runs = {name: fit(NETWORK, p.training(name, seed), data.x, labels.astype(np.float64),
                      report[i], initial_weights=start)
            for i, name in enumerate(LOSS_NAMES)}
    return Race(p, seed, data.x, labels, start, runs)


def race_notice(r: Race, target: float) -> str:
    """How the start looked and how many epochs each loss needed, from the run."""
    start = (f"The unit starts with {r.start_accuracy:.0%} of the points right; "
             f"{r.confidently_wrong:.0%} of them get p < 0.05 for their own class "
             "(confidently wrong). ")
    parts = []
    for name in LOSS_NAMES:
        epoch, epochs = r.reached(name, target), r.runs[name].result.epochs_run
        final = r.runs[name].history["accuracy"][-1]
        parts.append(f"with {SHORT_NAMES[name]} it reaches {target:.0%} after {epoch} "
                     f"epoch{'s' if epoch != 1 else ''}" if epoch is not None else
                     f"with {SHORT_NAMES[name]} it has not reached {target:.0%} after "
                     f"{epochs} epochs (it ends at {final:.0%})")
    mse, ce = (r.reached(n, target) for n in LOSS_NAMES)
    if mse is not None and ce is not None and ce < mse:
        verdict = f" Cross-entropy is {mse / ce:.0f} times faster here."
    elif mse is None and ce is not None:
        verdict = " The squared error's gradient has all but vanished at this start."
    else:
        verdict = ""
    return start + "Trained by gradient descent, " + "; ".join(parts) + "." + verdict
