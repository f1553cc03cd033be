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
from dataclasses import dataclass

import numpy as np

from core import engine, initializers
from core.params import Params, flag, number

#: Learning rates on the slider, roughly logarithmic, dense where the default data's limit
#: 2/λ_max lies, so one slider shows slow, fast, zig-zagging and diverging descent.
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7,
                  1.0, 1.5, 2.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
#: Optimisation steps one run may take; longer runs train fewer epochs (both NumPy and Keras:
#: Keras manages ~18,000 tiny steps per second, and the server is shared by a lecture hall).
MAX_STEPS = 10_000
#: A run counts as diverged once its loss is non-finite or this many times larger than the
#: scale of the problem (the larger of the starting loss and the variance of y).
BLOW_UP = 1e6
#: "Converged" for the regime: the loss above its minimum shrunk by this factor.
CONVERGED_FACTOR = 100.0


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
# The quadratic's closed forms
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quadratic:
    """J(θ) = J_min + ½ (θ − θ*)ᵀ H (θ − θ*) exactly, for linear regression on (x, y)."""

    theta_star: np.ndarray  # (W*, b*), the least-squares line
    j_min: float  # J(θ*)
    hessian: np.ndarray  # 2/N XᵀX, 2×2
    eigenvalues: np.ndarray  # of the Hessian, ascending
    y_variance: float  # J of the best constant: sets the scale for "diverged"

    @property
    def critical_rate(self) -> float:
        """2/λ_max: gradient descent converges for every α below it and diverges above."""
        return 2.0 / float(self.eigenvalues[-1])

    @property
    def best_rate(self) -> float:
        """2/(λ_min + λ_max): the α whose slowest direction shrinks fastest."""
        return 2.0 / float(self.eigenvalues.sum())

    @property
    def condition(self) -> float:
        """λ_max/λ_min: how long and narrow the valley of J is."""
        return float(self.eigenvalues[-1] / self.eigenvalues[0])

    def loss_at(self, thetas: np.ndarray) -> np.ndarray:
        """J at each row of ``thetas`` (shape (..., 2)), from the closed form.

        Exact up to rounding and never below J_min, unlike the mean of squared residuals,
        whose rounding shows on a log scale once the fit is good.
        """
        d = np.asarray(thetas, float) - self.theta_star
        with np.errstate(over="ignore", invalid="ignore"):
            return self.j_min + 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)

    def contraction(self, learning_rate: float) -> float:
        """max |1 − αλ|: the factor by which one full-batch step shrinks the distance to θ*
        in the direction that converges slowest (≥ 1 means no convergence)."""
        return float(np.max(np.abs(1.0 - learning_rate * self.eigenvalues)))

    def steps_to_converge(self, learning_rate: float,
                          factor: float = CONVERGED_FACTOR) -> float:
        """Full-batch steps after which J − J_min is at most 1/``factor`` of its start
        (the worst start); ``math.inf`` if α does not converge."""
        rho = self.contraction(learning_rate)
        if rho >= 1.0:
            return math.inf
        if rho == 0.0:
            return 1.0
        # J − J_min shrinks by at least ρ² per step.
        return float(math.ceil(math.log(factor) / (-2.0 * math.log(rho))))


def hessian(x: np.ndarray) -> np.ndarray:
    """H = d²J/dθ² = 2/N XᵀX with X = [x, 1]: the same for every θ, since J is quadratic."""
    design = np.column_stack([x, np.ones_like(x)])
    return 2.0 / len(x) * design.T @ design


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """θ* = (W*, b*) minimising J, in closed form (the normal equations, via lstsq)."""
    design = np.column_stack([x, np.ones_like(x)])
    theta, *_ = np.linalg.lstsq(design, y, rcond=None)
    return theta


def quadratic(x: np.ndarray, y: np.ndarray) -> Quadratic:
    """The closed-form description of J for the data (x, y)."""
    theta = least_squares(x, y)
    h = hessian(x)
    return Quadratic(theta, loss(theta, x, y), h, np.linalg.eigvalsh(h), float(np.var(y)))


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


def descend(x: np.ndarray, y: np.ndarray, theta0: np.ndarray, learning_rate: float, *,
            epochs: int, batch_size: int | None = None, rng: np.random.Generator | None = None
            ) -> Descent:
    """Gradient descent on J from ``theta0``: full batch (``batch_size`` None), or
    mini-batch SGD reshuffled every epoch by ``rng`` (the last batch of an epoch may be
    smaller). Returns the path; stops at the first step whose loss is not finite or exceeds
    BLOW_UP × the problem's scale (the larger of J(θ₀) and the variance of y).

    Each step is θ − α·:func:`gradient` on its batch. The gradient is computed from the batch's
    sums Σx², Σx, Σxy, Σy (the same formula, rearranged): prepared for all batches at once,
    a step then costs a microsecond of Python instead of several NumPy calls.
    """
    n = len(x)
    b = n if batch_size is None else min(batch_size, n)
    order = batch_order(n, epochs, batch_size, rng)
    starts = np.arange(0, n, b)
    counts = np.tile(np.diff(np.append(starts, n)), epochs).astype(float)
    xs, ys = x[order], y[order]

    def sums(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts, axis=1).ravel() * (2.0 / counts)

    # dJ/dW = W·a − c, dJ/db = W·m + 2b − d, with these per-batch means (times 2):
    a, m, c, d = sums(xs * xs), sums(xs), sums(xs * ys), sums(ys)
    w, bias = float(theta0[0]), float(theta0[1])
    path = [(w, bias)]
    for a_k, m_k, c_k, d_k in zip(a.tolist(), m.tolist(), c.tolist(), d.tolist()):
        w, bias = (w - learning_rate * (w * a_k + bias * m_k - c_k),
                   bias - learning_rate * (w * m_k + 2.0 * bias - d_k))
        path.append((w, bias))
        if not abs(w) + abs(bias) < 1e150:  # also catches NaN; far beyond BLOW_UP already
            break
    thetas = np.array(path)
    q = quadratic(x, y)
    losses = q.loss_at(thetas)
    scale = max(float(losses[0]), q.y_variance, 1e-12)
    bad = ~np.isfinite(losses) | (losses > BLOW_UP * scale)
    bad[-1] |= len(path) < len(a) + 1  # the loop stopped early: that step blew up
    diverged_at = int(np.argmax(bad)) if bad.any() else None
    if diverged_at is not None:
        # Keep the step that blew up if its numbers are finite: the plot shows the jump.
        keep = diverged_at + 1 if np.isfinite(losses[diverged_at]) and \
            np.all(np.isfinite(thetas[diverged_at])) else diverged_at
        thetas, losses = thetas[:keep], losses[:keep]
    return Descent(thetas, losses, -(-n // b), epochs, diverged_at)


# ----------------------------------------------------------------------------------------
# One page's worth: data, closed forms, the descent and its regime
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regime:
    """Which of the lecture's cases a learning rate falls in, by the quadratic theory."""

    name: str  # "too_small", "good", "zigzag", "too_large"
    label: str
    explanation: str


def regime(q: Quadratic, learning_rate: float, steps: int) -> Regime:
    """Classify α for ``steps`` full-batch steps on ``q`` (λ: the Hessian's eigenvalues):

    * too large: αλ_max ≥ 2, the steepest direction overshoots further every step;
    * zig-zag: 1 < αλ_max < 2, each step overshoots the valley floor, by less every time;
    * too small: the slowest direction would not get 10× closer to the minimum (the loss
      100× closer) within ``steps``;
    * good: otherwise, a smooth descent that arrives.
    """
    alpha, crit, best = learning_rate, q.critical_rate, q.best_rate
    lam_max = float(q.eigenvalues[-1])
    rho, needed = q.contraction(alpha), q.steps_to_converge(alpha)
    if alpha * lam_max >= 2.0:
        return Regime("too_large", "too large: diverges",
                      f"α = {alpha:g} is above 2/λ_max = {crit:.3g}: every step overshoots the "
                      f"valley and lands {rho:.2f}× as far from the minimum on the other side, "
                      "so the loss grows without bound.")
    if alpha * lam_max > 1.0:
        speed = ("slower than at the fastest rate 2/(λ_min+λ_max) = " if alpha > best else
                 "close to the fastest rate 2/(λ_min+λ_max) = ")
        return Regime("zigzag", "large: zig-zags, still converges",
                      f"α = {alpha:g} lies between 1/λ_max = {1 / lam_max:.3g} and the limit "
                      f"2/λ_max = {crit:.3g}: each step overshoots the valley floor (by "
                      f"{abs(1 - alpha * lam_max):.2f}× the previous distance), so the path "
                      f"zig-zags. It converges, within about {needed:,.0f} steps: "
                      f"{speed}{best:.3g}.")
    if needed > steps:
        return Regime("too_small", "too small: slow",
                      f"α = {alpha:g} is too small for {steps:,} steps: each step removes only "
                      f"{1 - rho**2:.1%} of the remaining excess loss; getting 100× closer to "
                      f"the minimum would take about {needed:,.0f} steps.")
    return Regime("good", "just right: converges smoothly",
                  f"α = {alpha:g} converges without overshooting: the loss gets 100× closer to "
                  f"its minimum within about {needed:,.0f} steps (limit 2/λ_max = {crit:.3g}, "
                  f"fastest 2/(λ_min+λ_max) = {best:.3g}).")


def preset_rates(q: Quadratic, options: tuple[float, ...] = LEARNING_RATES
                 ) -> dict[str, float]:
    """Rates from the slider's ladder for the lecture's three cases on this data: far too
    small (≤ 1/30 of the fastest rate), just right (the largest without overshoot,
    αλ_max ≤ 1), clearly too large (≥ 1.15 × 2/λ_max: blows up within a few dozen steps)."""
    ladder = np.array(options)
    lam_max = float(q.eigenvalues[-1])
    small = ladder[ladder <= q.best_rate / 30]
    smooth = ladder[ladder * lam_max <= 1.0]
    large = ladder[ladder >= 1.15 * q.critical_rate]
    return {"too small": float(small[-1] if len(small) else ladder[0]),
            "just right": float(smooth[-1] if len(smooth) else ladder[0]),
            "too large": float(large[0] if len(large) else ladder[-1])}


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
                      batch_size=None if p.full_batch else p.batch_size, rng=rng)
    steps = p.epochs_run * p.steps_per_epoch
    return GradientDescentRun(p, x, y, q, descent, regime(q, p.learning_rate, steps))


def replay_steps(steps: int, frames: int = 50) -> tuple[int, ...]:
    """About ``frames`` steps from 0 to ``steps`` for the replay, denser at the start where
    the line moves most."""
    return engine.snapshot_epochs(steps, frames)


def surface_window(q: Quadratic, theta0: np.ndarray, margin: float = 1.25
                   ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (W, b) ranges of the loss-surface picture: the box around the contour of J through
    the start θ₀ (times ``margin``), so the whole converging path and the valley's shape are
    in view; a diverging path leaves it, as it should."""
    excess = max(float(q.loss_at(theta0)) - q.j_min, 1e-3 * max(q.y_variance, 1e-3))
    # The ellipse ½ dᵀHd ≤ e reaches ±√(2e (H⁻¹)_ii) along coordinate i.
    half = margin * np.sqrt(2.0 * excess * np.diag(np.linalg.inv(q.hessian)))
    w, b = q.theta_star
    return (w - half[0], w + half[0]), (b - half[1], b + half[1])


def contour_levels(q: Quadratic, window: tuple[tuple[float, float], tuple[float, float]],
                   count: int = 10) -> list[float]:
    """Up to ``count`` round values of J (1, 2, 5 × 10ᵏ) between J_min and the largest J in
    ``window`` (at one of its corners), for the contour lines of the loss surface."""
    corners = np.array([[w, b] for w in window[0] for b in window[1]])
    top = float(np.max(q.loss_at(corners)))
    low = q.j_min + 1e-4 * (top - q.j_min)
    levels = [m * 10.0**e for e in range(int(np.floor(np.log10(low))) - 1,
                                         int(np.ceil(np.log10(top))) + 1) for m in (1, 2, 5)]
    return [v for v in levels if low < v <= top][-count:]


def contour_ellipse(q: Quadratic, level: float, points: int = 121) -> np.ndarray:
    """The contour J(θ) = ``level`` as a closed curve of ``points`` (W, b) rows.

    J − J_min = ½ dᵀHd is constant on an ellipse around θ* whose axes are H's eigenvectors,
    with half-lengths √(2(level − J_min)/λ): long along the valley (small λ), short across.
    """
    lam, vecs = np.linalg.eigh(q.hessian)
    phi = np.linspace(0.0, 2.0 * np.pi, points)
    radii = np.sqrt(2.0 * max(level - q.j_min, 0.0) / lam)
    circle = np.stack([np.cos(phi), np.sin(phi)], axis=1) * radii
    return q.theta_star + circle @ vecs.T


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
    diverged_at: int | None  # epoch whose loss blew up (same rule as :func:`descend`)

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
    NumPy one; where both converge they must end at the same θ*. Divergence is judged as in
    :func:`descend`: a non-finite loss, or one BLOW_UP times the problem's scale.
    """
    x, y = make_data(p)
    net = keras_network()
    fit = engine.Training(loss="mse", optimizer="sgd", learning_rate=p.learning_rate,
                          batch_size=p.batch, epochs=p.epochs_run, seed=p.seed)
    result = engine.train(net, fit, engine.Data(x[:, None], y[:, None]))
    (k0, b0), = initializers.initial_weights(net.sizes, net.initializer, p.seed)
    theta0 = np.array([float(k0[0, 0]), float(b0[0])])
    kernel, bias = result.final.weights[0]
    losses = result.history["loss"].astype(float)
    scale = max(loss(theta0, x, y), float(np.var(y)), 1e-12)
    bad = ~np.isfinite(losses) | (losses > BLOW_UP * scale)
    diverged_at = int(np.argmax(bad)) + 1 if bad.any() else result.diverged_at
    return KerasFit(theta0, np.array([float(kernel[0, 0]), float(bias[0])]), losses,
                    result.epochs_run, diverged_at)


def warm_up() -> None:
    """Compile the Keras trainer the page's defaults use (called once at server start)."""
    keras_fit(GradientDescentParams())
