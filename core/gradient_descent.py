"""Linear regression trained by gradient descent: the lecture's first example of learning.

Data {x_i, y_i} come from a known line plus noise. The model is y_m(x, θ) = W·x + b with
θ = (W, b), the objective J(θ) = 1/N Σ (y_m(x_i, θ) − y_i)², and training repeats
θ ← θ − α dJ/dθ, on all points at once (gradient descent) or on mini-batches (SGD).

J is a quadratic in θ, so everything the optimiser does has a closed form to compare with:
the minimum (least squares), the Hessian H = 2/N XᵀX (X has the columns x and 1), and the
learning rates at which descent crawls, converges, zig-zags or diverges. Along an
eigenvector of H with eigenvalue λ one step multiplies the distance to the minimum by
(1 − αλ): plain gradient descent converges for 0 < αλ < 2 for every λ, that is for
α < 2/λ_max, and fastest at α = 2/(λ_min + λ_max).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from core import engine, initializers
from core.params import Params, choice, flag, number, optional_number
from core.quadratic import Quadratic, Regime, preset_rates, quadratic, regime

#: Learning rates on the slider, roughly logarithmic, dense where the default data's limit
#: 2/λ_max lies, so one slider shows slow, fast, zig-zagging and diverging descent.
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7,
                  1.0, 1.5, 2.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
#: Optimisation steps one run may take; longer runs train fewer epochs (both NumPy and Keras:
#: Keras manages ~18,000 tiny steps per second, and the server is shared by a lecture hall).
MAX_STEPS = 10_000
#: What the page shows: the line (W, b) on its loss surface, the line through the origin
#: (one weight W, J a parabola), or full batch against mini-batches against single samples.
VIEWS = {"line": "Line", "one_weight": "Parabola", "batches": "Batches"}
PLATEAU_PATIENCES = (1, 2, 3, 5, 10, 20)


@dataclass(frozen=True)
class GradientDescentParams(Params):
    """The data set, the starting point and the optimiser's settings of one descent."""

    n_points: int = number(50, 5, 500, label="data points N")
    noise: float = number(0.5, 0.0, 3.0, label="noise σ")
    w_true: float = number(2.0, -3.0, 3.0, label="true slope")
    b_true: float = number(1.0, -3.0, 3.0, label="true intercept")
    x_center: float = number(
        1.0, -2.0, 2.0, label="centre of the inputs x",
        help="x is drawn uniformly from [centre − 1, centre + 1]. Away from 0 the valley of "
             "J(W, b) becomes long and narrow, and gradient descent slow.")
    seed: int = number(1, 0, 9999, label="data seed")
    learning_rate: float = number(0.2, 0.001, 2.0, options=LEARNING_RATES,
                                  label="learning rate α")
    full_batch: bool = flag(True, label="full batch",
                           help="Every step uses all N points. Off: mini-batch SGD.")
    batch_size: int = number(8, 1, 128, options=BATCH_SIZES, label="batch size")
    epochs: int = number(100, 1, 200, label="epochs",
                         help="One epoch is one pass over the data: one step with the full "
                              "batch, ⌈N / batch size⌉ steps with mini-batches.")
    W0: float = number(-1.0, -5.0, 5.0, label="start W₀")
    b0: float = number(3.0, -5.0, 5.0, label="start b₀")
    plateau_patience: int | None = optional_number(
        None, 1, 20, options=PLATEAU_PATIENCES, label="reduce α on plateau",
        help="Halve α when J has not improved for this many epochs (off: keep α).")
    view: str = choice(
        "line", tuple(VIEWS), label="view",
        help="Line: y = W·x + b on the data and on the loss surface J(W, b). Parabola: "
             "y = W·x alone, J(W) with every step. Batches: full batch, mini-batches and "
             "single samples side by side.")

    @property
    def theta0(self) -> np.ndarray:
        return np.array([self.W0, self.b0])

    @property
    def batch(self) -> int:
        """Points per step: all of them with the full batch."""
        return self.n_points if self.full_batch else min(self.batch_size, self.n_points)

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.n_points // self.batch)

    @property
    def epochs_run(self) -> int:
        """The epochs actually trained: ``epochs``, fewer if they would exceed MAX_STEPS."""
        return max(1, min(self.epochs, MAX_STEPS // self.steps_per_epoch))

    @property
    def plateau(self) -> Plateau | None:
        return Plateau(self.plateau_patience) if self.plateau_patience else None


# ----------------------------------------------------------------------------------------
# Data, loss, gradient
# ----------------------------------------------------------------------------------------


def make_data(p: GradientDescentParams) -> tuple[np.ndarray, np.ndarray]:
    """N points y = w_true·x + b_true + σ·ε with x ~ U(centre − 1, centre + 1), ε ~ N(0, 1).

    Returns (x, y), drawn from ``np.random.default_rng(seed)`` alone.
    """
    rng = np.random.default_rng(p.seed)
    x = rng.uniform(p.x_center - 1.0, p.x_center + 1.0, p.n_points)
    y = p.w_true * x + p.b_true + p.noise * rng.normal(size=p.n_points)
    return x, y


def loss(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """J(θ) = 1/N Σ (W·x_i + b − y_i)², the mean squared error of the line θ = (W, b)."""
    residual = theta[0] * x + theta[1] - y
    return float(np.mean(residual**2))


def gradient(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dJ/dθ = 2/N Σ (W·x_i + b − y_i)·(x_i, 1), the analytic gradient of :func:`loss`."""
    residual = theta[0] * x + theta[1] - y
    return 2.0 * np.array([np.mean(residual * x), np.mean(residual)])


def step(theta: np.ndarray, x: np.ndarray, y: np.ndarray, learning_rate: float) -> np.ndarray:
    """One gradient-descent update θ − α·dJ/dθ on the points (x, y) (a batch or all)."""
    return theta - learning_rate * gradient(theta, x, y)


# ----------------------------------------------------------------------------------------
# Gradient descent
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Descent:
    """The path of one descent: θ and J(θ) (on all points) before the first step and after
    each step, cut after the step at which it diverged."""

    thetas: np.ndarray  # (steps + 1, 2)
    losses: np.ndarray  # (steps + 1,)
    steps_per_epoch: int
    epochs: int  # epochs asked for (after the MAX_STEPS cut)
    diverged_at: int | None = None  # the step whose loss blew up
    rates: np.ndarray | None = None  # α used by each step (steps,)

    @property
    def steps(self) -> int:
        return len(self.thetas) - 1

    @property
    def final(self) -> np.ndarray:
        return self.thetas[-1]

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def epoch_losses(self) -> np.ndarray:
        """J after each completed epoch (index 0 = after epoch 1)."""
        return self.losses[self.steps_per_epoch::self.steps_per_epoch]


def batch_order(n: int, epochs: int, batch_size: int | None,
                rng: np.random.Generator | None) -> np.ndarray:
    """The point indices in the order they are used, one row per epoch: 0…N−1 for the full
    batch, a fresh permutation from ``rng`` per epoch for mini-batches."""
    if batch_size is None:
        return np.tile(np.arange(n), (epochs, 1))
    if rng is None:
        raise ValueError("rng is needed to shuffle mini-batches")
    return np.stack([rng.permutation(n) for _ in range(epochs)])


@dataclass(frozen=True)
class Plateau:
    """Reduce on plateau, as Keras's ``ReduceLROnPlateau`` and the engine do it: after every
    epoch J (on all points) counts as improved if it is below best·(1 − 1e-4); after
    ``patience`` epochs without improvement α is multiplied by ``factor`` (never below
    MIN_RATE) and the count starts again."""

    patience: int
    factor: float = 0.5

    def rates(self, learning_rate: float) -> Generator[float, float, None]:
        """A generator: send J after each epoch, receive the α for the next epoch."""
        best, wait, rate = math.inf, 0, learning_rate
        while True:
            j = yield rate
            if j < best * (1.0 - 1e-4):
                best, wait = j, 0
            else:
                wait += 1
            if wait >= self.patience:
                rate, wait = max(rate * self.factor, MIN_RATE), 0


#: The smallest rate a plateau schedule goes down to (the engine's floor).
MIN_RATE = 1e-7


def descend(x: np.ndarray, y: np.ndarray, theta0: np.ndarray, learning_rate: float, *,
            epochs: int, batch_size: int | None = None, rng: np.random.Generator | None = None,
            plateau: Plateau | None = None) -> Descent:
    """Gradient descent on J from ``theta0``: full batch (``batch_size`` None), or
    mini-batch SGD reshuffled every epoch by ``rng`` (the last batch of an epoch may be
    smaller), with α reduced on plateaus if ``plateau`` is given. Returns the path; stops at
    the first step whose loss diverged by the engine's one rule
    (:func:`core.engine.first_divergence`: not finite, or 1000× J(θ₀)).

    Each step is θ − α·:func:`gradient` on its batch. The gradient is computed from the batch's
    sums Σx², Σx, Σxy, Σy (the same formula, rearranged): prepared for all batches at once,
    a step then costs a microsecond of Python instead of several NumPy calls.
    """
    n = len(x)
    b = n if batch_size is None else min(batch_size, n)
    order = batch_order(n, epochs, batch_size, rng)
    starts = np.arange(0, n, b)
    per_epoch = len(starts)
    counts = np.tile(np.diff(np.append(starts, n)), epochs).astype(float)
    xs, ys = x[order], y[order]
    q = quadratic(x, y)

    def sums(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts, axis=1).ravel() * (2.0 / counts)

    # dJ/dW = W·a − c, dJ/db = W·m + 2b − d, with these per-batch means (times 2):
    a, m, c, d = sums(xs * xs), sums(xs), sums(xs * ys), sums(ys)
    w, bias = float(theta0[0]), float(theta0[1])
    path, rates = [(w, bias)], []
    schedule = plateau.rates(learning_rate) if plateau else None
    rate = next(schedule) if schedule else learning_rate
    for k, (a_k, m_k, c_k, d_k) in enumerate(zip(a.tolist(), m.tolist(), c.tolist(),
                                                   d.tolist()), start=1):
        w, bias = (w - rate * (w * a_k + bias * m_k - c_k),
                   bias - rate * (w * m_k + 2.0 * bias - d_k))
        path.append((w, bias))
        rates.append(rate)
        if not abs(w) + abs(bias) < 1e150:  # also catches NaN; far beyond divergence already
            break
        if schedule and k % per_epoch == 0:
            rate = schedule.send(float(q.loss_at(np.array([w, bias]))))
    thetas = np.array(path)
    losses = q.loss_at(thetas)
    stop = engine.first_divergence(losses)
    if stop is None and len(path) < len(a) + 1:
        stop = len(path) - 1  # the loop stopped early: that step blew up
    if stop is not None:
        # Keep the step that blew up if its numbers are finite: the plot shows the jump.
        keep = stop + 1 if np.isfinite(losses[stop]) and \
            np.all(np.isfinite(thetas[stop])) else stop
        thetas, losses, rates = thetas[:keep], losses[:keep], rates[:keep - 1]
    return Descent(thetas, losses, per_epoch, epochs, stop, np.array(rates))


# ----------------------------------------------------------------------------------------
# One page's worth: data, closed forms, the descent and its regime
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradientDescentRun:
    """Everything the page shows for one parameter set (plain arrays, cheap to cache)."""

    params: GradientDescentParams
    x: np.ndarray
    y: np.ndarray
    quadratic: Quadratic
    descent: Descent
    regime: Regime

    @property
    def truncated(self) -> bool:
        """Whether MAX_STEPS cut the epochs asked for."""
        return self.params.epochs_run < self.params.epochs


def run(p: GradientDescentParams) -> GradientDescentRun:
    """Make the data, its closed forms, and descend from (W₀, b₀) as ``p`` says."""
    x, y = make_data(p)
    q = quadratic(x, y)
    rng = np.random.default_rng([p.seed, 0x5D])
    descent = descend(x, y, p.theta0, p.learning_rate, epochs=p.epochs_run,
                      batch_size=None if p.full_batch else p.batch_size, rng=rng,
                      plateau=p.plateau)
    steps = p.epochs_run * p.steps_per_epoch
    return GradientDescentRun(p, x, y, q, descent, regime(q, p.learning_rate, steps))


@dataclass(frozen=True)
class BatchComparison:
    """Full batch, mini-batches and single samples from the same start, same α, same
    number of epochs (one pass over the data each): ``descents`` maps a name to its path."""

    params: GradientDescentParams
    x: np.ndarray
    y: np.ndarray
    quadratic: Quadratic
    epochs: int
    descents: dict[str, Descent]
    batch_sizes: dict[str, int]


def compare_batches(p: GradientDescentParams) -> BatchComparison:
    """The three ways to split an epoch into steps, each trained ``p.epochs`` epochs (fewer if
    single samples would exceed MAX_STEPS, the same for all three), with the same shuffles."""
    x, y = make_data(p)
    n = len(x)
    epochs = max(1, min(p.epochs, MAX_STEPS // n))
    sizes = {"full batch": n, f"mini-batch {min(p.batch_size, n)}": min(p.batch_size, n),
             "single sample": 1}
    descents = {name: descend(x, y, p.theta0, p.learning_rate, epochs=epochs,
                              batch_size=None if size == n else size,
                              rng=np.random.default_rng([p.seed, 0x5D]), plateau=p.plateau)
                for name, size in sizes.items()}
    return BatchComparison(p, x, y, quadratic(x, y), epochs, descents, sizes)


def full_batch_steps(p: GradientDescentParams) -> int:
    """The steps the view's regime is judged on: every step of the line's run, one step per
    epoch on the parabola, the full batch's steps beside the mini-batches."""
    if p.view == "one_weight":
        return p.epochs
    if p.view == "batches":
        return max(1, min(p.epochs, MAX_STEPS // p.n_points))
    return p.epochs_run * p.steps_per_epoch


def rate_presets(p: GradientDescentParams) -> dict[str, tuple[float, str]]:
    """The view's three learning-rate buttons on ``p``'s data: name → (α from the slider's
    ladder, the regime that α falls in, as its label says it)."""
    x, y = make_data(p)
    q = quadratic(x, y, intercept=p.view != "one_weight")
    steps = full_batch_steps(p)
    return {name: (rate, regime(q, rate, steps).label)
            for name, rate in preset_rates(q, LEARNING_RATES, steps).items()}


def replay_steps(steps: int, frames: int = 50) -> tuple[int, ...]:
    """About ``frames`` steps from 0 to ``steps`` for the replay, denser at the start where
    the line moves most."""
    return engine.snapshot_epochs(steps, frames)


# ----------------------------------------------------------------------------------------
# The same thing in Keras
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KerasFit:
    """Keras Dense(1) trained with plain SGD on the same data, rate, batch size and epochs."""

    theta0: np.ndarray  # the engine's initial (W, b), drawn from the seed
    theta: np.ndarray  # final (W, b)
    losses: np.ndarray  # J after each epoch
    epochs: int  # epochs trained
    diverged_at: int | None  # epoch whose loss blew up (the engine's rule, as in descend)

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def keras_network() -> engine.Network:
    """y_m = W·x + b as a Keras model: one Dense unit, linear, no hidden layer."""
    return engine.Network(n_inputs=1, hidden_units=(), activation=(), n_outputs=1,
                          output_activation="linear")


def keras_fit(p: GradientDescentParams) -> KerasFit:
    """Train the line with Keras through ``core.engine`` (SGD on mse, the lecture's J).

    The engine draws its own initial weights from the seed, so its path differs from the
    NumPy one; where both converge they must end at the same θ*. Divergence is the engine's
    one rule (:func:`core.engine.first_divergence`), as in :func:`descend`.
    """
    x, y = make_data(p)
    net = keras_network()
    fit = engine.Training(loss="mse", optimizer="sgd", learning_rate=p.learning_rate,
                          batch_size=p.batch, epochs=p.epochs_run, seed=p.seed,
                          plateau_patience=p.plateau_patience or 0)
    result = engine.train(net, fit, engine.Data(x[:, None], y[:, None]))
    (k0, b0), = initializers.initial_weights(net.sizes, net.initializer, p.seed)
    theta0 = np.array([float(k0[0, 0]), float(b0[0])])
    kernel, bias = result.final.weights[0]
    losses = result.history["loss"].astype(float)
    return KerasFit(theta0, np.array([float(kernel[0, 0]), float(bias[0])]), losses,
                    result.epochs_run, result.diverged_at)
