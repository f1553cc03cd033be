"""Optimiser paths: the lecture's optimisers, as real Keras optimizers, walking down a test
surface from one common start point.

Each step hands the surface's exact gradient at the current point to Keras's own update rule
(``optimizer.update_step``, the rule ``optimizer.apply`` runs), so the paths are what Keras
would do, not a re-implementation. For the quadratic surfaces the classical theory is here
too: which learning rates make gradient descent and (Nesterov) momentum converge, and how fast.

Why it is built the way it is:

* Speed. One eager ``optimizer.apply`` costs milliseconds; hundreds of steps for six
  optimizers would keep the lecturer waiting seconds. Every optimizer's whole loop runs as one
  ``tf.function`` around a ``tf.while_loop`` (~0.1 ms a step).
* Memory. Tracing a loop leaves memory behind that TensorFlow never frees, so each optimizer's
  loop is traced once per process and reused: the start point, the number of steps and the
  surface (a ``tf.switch_case`` over the registry) are inputs, the learning rate and the
  optimizer's slots are variables reset before every run. At most one compiled loop per
  optimizer in the registry exists, whatever the visitors choose, built once even when
  several sessions ask for it at the same time (``core.engine.BuildOnce``).
* Concurrency. A compiled loop owns its Keras variables; a lock makes sessions take turns.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from core import optimizers, surfaces
from core.engine.cache import BuildOnce
from core.params import Params, choice, flag, number, numbers

Point = tuple[float, float]

#: A path that leaves the box |x|, |y| ≤ DIVERGENCE_BOX × (the picture's largest coordinate)
#: counts as diverged: it is stopped there and reported, instead of overflowing.
DIVERGENCE_BOX = 100.0
#: Within this distance of a minimum a path counts as having reached it.
REACHED_TOLERANCE = 1e-2

#: Learning rates that show each optimiser's character on each surface within the default
#: 300 steps (found by running them: stable, visibly different, none done in a few steps).
#: Adadelta's are large because Keras's ε = 1e-7 makes its first steps tiny.
DEFAULT_RATES: dict[str, dict[str, float]] = {
    "beale": {"sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "adagrad": 0.5,
              "adadelta": 20.0, "rmsprop": 0.02, "adam": 0.05},
    "rosenbrock": {"sgd": 0.002, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1.0,
                   "adadelta": 20.0, "rmsprop": 0.01, "adam": 0.1},
    "saddle": {"sgd": 0.01, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.1,
               "adadelta": 20.0, "rmsprop": 0.01, "adam": 0.02},
    "himmelblau": {"sgd": 0.005, "momentum": 0.002, "nesterov": 0.002, "adagrad": 0.5,
                   "adadelta": 10.0, "rmsprop": 0.02, "adam": 0.1},
    "quadratic": {"sgd": 0.018, "momentum": 0.01, "nesterov": 0.01, "adagrad": 1.0,
                  "adadelta": 20.0, "rmsprop": 0.025, "adam": 0.1},
}
LEARNING_RATE_SCALES = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0, 5.0,
                        10.0)
MAX_LEARNING_RATE = 100.0


def _use(default: bool, name: str) -> Any:
    return flag(default, label=optimizers.get(name).label)


def _rate(name: str) -> Any:
    return number(0.0, 0.0, MAX_LEARNING_RATE, label=f"α {optimizers.get(name).label}",
                  help="0 means the surface's default rate")


@dataclass(frozen=True)
class PathParams(Params):
    """Which optimisers walk which surface, how far, and how fast.

    An optimiser's learning rate is its own (``rate_<name>``; 0 = the surface's default from
    :data:`DEFAULT_RATES`) times the common ``learning_rate_scale``, the one knob that pushes
    every optimiser towards instability at once. ``start`` is empty for the surface's classic
    start point, or (x₀, y₀).
    """

    surface: str = choice("beale", tuple(surfaces.SURFACES), label="surface")
    use_sgd: bool = _use(True, "sgd")
    use_momentum: bool = _use(True, "momentum")
    use_nesterov: bool = _use(True, "nesterov")
    use_adagrad: bool = _use(False, "adagrad")
    use_adadelta: bool = _use(False, "adadelta")
    use_rmsprop: bool = _use(True, "rmsprop")
    use_adam: bool = _use(True, "adam")
    rate_sgd: float = _rate("sgd")
    rate_momentum: float = _rate("momentum")
    rate_nesterov: float = _rate("nesterov")
    rate_adagrad: float = _rate("adagrad")
    rate_adadelta: float = _rate("adadelta")
    rate_rmsprop: float = _rate("rmsprop")
    rate_adam: float = _rate("adam")
    learning_rate_scale: float = number(
        1.0, 0.1, 10.0, options=LEARNING_RATE_SCALES, label="learning-rate multiplier",
        help="Multiplies every optimiser's learning rate: push them into instability.")
    steps: int = number(300, 10, 600, label="steps")
    start: tuple[float, ...] = numbers((), -6.0, 6.0, min_len=0, max_len=2,
                                       label="start (x₀, y₀)")

    def check(self) -> None:
        if len(self.start) == 1:
            raise ValueError("start must be empty (the surface's start point) or (x₀, y₀), "
                             f"got {self.start!r}")

    @property
    def chosen(self) -> tuple[str, ...]:
        """The optimisers switched on, in the registry's (the lecture's) order."""
        return tuple(name for name in optimizers.OPTIMIZERS if getattr(self, f"use_{name}"))

    @property
    def start_point(self) -> Point:
        if self.start:
            return float(self.start[0]), float(self.start[1])
        return surfaces.get(self.surface).start

    def learning_rate(self, optimizer: str) -> float:
        """The rate ``optimizer`` runs with: its own (or the surface's default) × the scale."""
        own = getattr(self, f"rate_{optimizer}") or DEFAULT_RATES[self.surface][optimizer]
        return float(own * self.learning_rate_scale)


def flags_for(chosen: list[str] | tuple[str, ...]) -> dict[str, bool]:
    """The ``use_<name>`` fields that select exactly the optimisers in ``chosen``."""
    unknown = [name for name in chosen if name not in optimizers.OPTIMIZERS]
    if unknown:
        raise ValueError(f"optimizer must be one of {', '.join(optimizers.OPTIMIZERS)}, "
                         f"got {unknown[0]!r}")
    return {f"use_{name}": name in chosen for name in optimizers.OPTIMIZERS}


# ----------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerPath:
    """One optimiser's walk: positions and f, from the start up to the last sound step."""

    optimizer: str
    learning_rate: float
    xy: np.ndarray  # (n + 1, 2): the start, then the point after each step
    loss: np.ndarray  # (n + 1,): f at those points
    #: The step whose result was non-finite or outside the box (None: all steps were sound).
    diverged_at: int | None

    @property
    def label(self) -> str:
        return optimizers.get(self.optimizer).label

    @property
    def steps_run(self) -> int:
        return len(self.xy) - 1

    @property
    def final(self) -> Point:
        return float(self.xy[-1, 0]), float(self.xy[-1, 1])


@dataclass(frozen=True)
class PathsResult:
    params: PathParams
    start: Point
    paths: tuple[OptimizerPath, ...]
    #: Half-width of the box a path must stay in.
    box: float

    @property
    def diverged(self) -> tuple[OptimizerPath, ...]:
        return tuple(p for p in self.paths if p.diverged_at is not None)


def divergence_box(surface: surfaces.Surface) -> float:
    """|x|, |y| beyond this means diverged: far outside the picture, yet still finite."""
    return DIVERGENCE_BOX * max(abs(v) for v in (*surface.x_range, *surface.y_range))


def compute_paths(p: PathParams) -> PathsResult:
    """Every chosen optimiser's path on ``p.surface`` from the common start point."""
    start = p.start_point
    paths = tuple(run_path(p.surface, name, p.learning_rate(name), start, p.steps)
                  for name in p.chosen)
    return PathsResult(p, start, paths, divergence_box(surfaces.get(p.surface)))


def run_path(surface: str, optimizer: str, learning_rate: float, start: Point,
             steps: int) -> OptimizerPath:
    """``steps`` steps of a fresh Keras ``optimizer`` on ``surface`` from ``start``.

    The path is cut at the first step that leaves the box (or overflows); that step is
    reported as ``diverged_at``.
    """
    info = surfaces.get(surface)
    optimizers.get(optimizer)
    if not (learning_rate > 0 and np.isfinite(learning_rate)):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    if steps < 0:
        raise ValueError(f"steps must be at least 0, got {steps!r}")
    xy = _stepper(optimizer).run(list(surfaces.SURFACES).index(surface), learning_rate,
                                 start, steps)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = info.value(xy)
        sound = np.isfinite(xy).all(axis=1) & (np.abs(xy) <= divergence_box(info)).all(axis=1)
        sound &= np.isfinite(loss)
    diverged_at = None if sound.all() else int(np.argmin(sound))
    if diverged_at is not None:
        xy, loss = xy[:diverged_at], loss[:diverged_at]
    return OptimizerPath(optimizer, float(learning_rate), xy, loss, diverged_at)


def reached_minimum(path: OptimizerPath, surface: str) -> Point | None:
    """The known minimum the path ended at (within :data:`REACHED_TOLERANCE`), if any."""
    if path.diverged_at is not None:
        return None
    end = np.array(path.final)
    for m in surfaces.get(surface).minima:
        if np.hypot(*(end - np.array(m))) < REACHED_TOLERANCE:
            return m
    return None


# ----------------------------------------------------------------------------------------
# The compiled loops
# ----------------------------------------------------------------------------------------


class _Stepper:
    """One Keras optimizer and its position variable, with the step loop compiled once."""

    def __init__(self, optimizer: str) -> None:
        from core.engine.runtime import apply_updates, tensorflow

        tf = tensorflow()  # configured as for every other page
        import keras

        self.lock = threading.Lock()
        self.theta = keras.Variable(np.zeros(2), dtype="float64", name="theta")
        self.optimizer = optimizers.get(optimizer).make(0.01)
        self.optimizer.build([self.theta])
        self._fresh = [np.array(v.numpy()) for v in self.optimizer.variables]
        gradients = [s.gradient for s in surfaces.SURFACES.values()]

        def loop(start, steps, surface):
            self.theta.assign(start)

            def step(i, out):
                x, y = self.theta[0], self.theta[1]
                grad = tf.switch_case(surface, [lambda g=g: tf.stack(g(x, y))
                                                for g in gradients])
                # Keras's own rule, as the engine runs it (update, then count the step).
                apply_updates(self.optimizer, [grad], [self.theta])
                return i + 1, out.write(i + 1, self.theta.value)

            out = tf.TensorArray(tf.float64, size=steps + 1).write(0, start)
            _, out = tf.while_loop(lambda i, out: i < steps, step, [tf.constant(0), out])
            return out.stack()

        spec = tf.TensorSpec
        # A partial gives each stepper its own identity in TensorFlow's retracing detector,
        # which otherwise counts seven optimizers' one-off traces as one function retracing.
        # No AutoGraph (the loop is written out): it would rewrite Keras's update rule's
        # source on every trace, as in core.engine.trainer.
        self._loop = tf.function(functools.partial(loop), autograph=False, input_signature=[
            spec([2], tf.float64), spec([], tf.int32), spec([], tf.int32)])

    def run(self, surface_index: int, learning_rate: float, start: Point,
            steps: int) -> np.ndarray:
        """Positions after 0 … ``steps`` steps, shape (steps + 1, 2)."""
        with self.lock:
            for var, fresh in zip(self.optimizer.variables, self._fresh):
                var.assign(fresh)
            self.optimizer.learning_rate = learning_rate
            with np.errstate(all="ignore"):
                out = self._loop(np.asarray(start, np.float64), np.int32(steps),
                                 np.int32(surface_index))
            return np.array(out.numpy(), dtype=np.float64)


#: One compiled loop per optimizer (at most the registry's size: no eviction needed).
_STEPPERS: BuildOnce[str, _Stepper] = BuildOnce(_Stepper)


def _stepper(optimizer: str) -> _Stepper:
    return _STEPPERS.get(optimizer)


# ----------------------------------------------------------------------------------------
# Quadratic theory
# ----------------------------------------------------------------------------------------


def _momentum(optimizer: str) -> tuple[float, bool] | None:
    """(β, nesterov) of an SGD-family optimizer; None for the adaptive ones."""
    info = optimizers.get(optimizer)
    if info.keras_class != "SGD":
        return None
    options = dict(info.options)
    return float(options.get("momentum", 0.0)), bool(options.get("nesterov", False))


def stability_limit(optimizer: str, curvature: float) -> float | None:
    """The largest learning rate with which ``optimizer`` converges on a quadratic whose
    steepest curvature is ``curvature`` (the Hessian's largest eigenvalue λ).

    Gradient descent: α < 2/λ. Momentum β (Keras's form v ← βv − αg, θ ← θ + v):
    α < (2 + 2β)/λ. Nesterov (θ ← θ + βv − αg): α < (2 + 2β)/((1 + 2β)λ). None for adaptive
    optimizers: they divide the gradient by its own running size, so no fixed limit exists.
    """
    momentum = _momentum(optimizer)
    if momentum is None:
        return None
    beta, nesterov = momentum
    return (2 + 2 * beta) / ((1 + 2 * beta) if nesterov else 1.0) / curvature


def convergence_factor(optimizer: str, learning_rates: Any,
                       curvatures: tuple[float, ...]) -> np.ndarray | None:
    """How much the distance to the minimum shrinks per step, asymptotically (the spectral
    radius of the update on a quadratic), for each learning rate; > 1 means divergence.

    Per eigen-direction with a = αλ, the state (θ, v) evolves by
    [[1 − a, β], [−a, β]] (momentum) or [[1 − a(1 + β), β²], [−a, β]] (Nesterov); β = 0 is
    plain gradient descent, θ ← (1 − a)θ. None for adaptive optimizers.
    """
    momentum = _momentum(optimizer)
    if momentum is None:
        return None
    beta, nesterov = momentum
    rates = np.atleast_1d(np.asarray(learning_rates, dtype=float))
    worst = np.zeros_like(rates)
    for lam in curvatures:
        a = rates * lam
        m = np.empty((len(rates), 2, 2))
        m[:, 0, 0] = 1 - a * (1 + beta) if nesterov else 1 - a
        m[:, 0, 1] = beta * beta if nesterov else beta
        m[:, 1, 0] = -a
        m[:, 1, 1] = beta
        worst = np.maximum(worst, np.abs(np.linalg.eigvals(m)).max(axis=1))
    return worst


def compile_all() -> None:
    """Compile every optimizer's loop (the server's warm-up, ui.results)."""
    for name in optimizers.OPTIMIZERS:
        _stepper(name)
