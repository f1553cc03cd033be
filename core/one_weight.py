"""The simplest picture of the learning rate: one weight, no bias.

With the model y = W·x the loss J(W) = 1/N Σ (W·xᵢ − yᵢ)² is a parabola,

    J(W) = J_min + ½ λ (W − W*)²,   λ = J''(W) = 2/N Σ xᵢ²,   W* = Σ xᵢyᵢ / Σ xᵢ²,

and a gradient step W ← W − α J'(W) = W − αλ (W − W*) multiplies the distance to the
minimum by (1 − αλ): Wₖ − W* = (1 − αλ)ᵏ (W₀ − W*). Below α = 1/λ every step stops short
of W*; at 1/λ the first step lands on it; between 1/λ and 2/λ each step jumps over it to
the other side, nearer every time; at 2/λ it lands at the mirror image, as high as before;
above 2/λ it climbs the other wall higher with every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import engine
from core import gradient_descent as gd
from core.quadratic import Quadratic, Regime, quadratic, regime


@dataclass(frozen=True)
class OneWeightRun:
    """The parabola's closed form and the steps of full-batch descent on it."""

    params: gd.GradientDescentParams
    x: np.ndarray
    y: np.ndarray
    quadratic: Quadratic  # one-dimensional: theta_star (W*,), eigenvalues (λ,)
    weights: np.ndarray  # W₀, W₁, …, cut after the step that diverged
    losses: np.ndarray
    diverged_at: int | None
    regime: Regime

    @property
    def curvature(self) -> float:
        """λ = J''(W)."""
        return float(self.quadratic.eigenvalues[0])

    @property
    def w_star(self) -> float:
        return float(self.quadratic.theta_star[0])

    @property
    def factor(self) -> float:
        """1 − αλ: what each step multiplies W − W* by (negative: it jumps over W*)."""
        return 1.0 - self.params.learning_rate * self.curvature


def loss(w: float | np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """J(W) = 1/N Σ (W·xᵢ − yᵢ)² for each W given."""
    w = np.asarray(w, float)
    return np.mean((w[..., None] * x - y) ** 2, axis=-1)


def gradient(w: float, x: np.ndarray, y: np.ndarray) -> float:
    """J'(W) = 2/N Σ (W·xᵢ − yᵢ)·xᵢ."""
    return float(2.0 * np.mean((w * x - y) * x))


def descend(x: np.ndarray, y: np.ndarray, w0: float, learning_rate: float, steps: int
            ) -> tuple[np.ndarray, np.ndarray, int | None]:
    """``steps`` steps W ← W − α·J'(W) from ``w0``: (weights, losses, diverged_at), cut
    after the first step whose loss diverged (the same rule as the line's descent)."""
    sxx, sxy = 2.0 * np.mean(x * x), 2.0 * np.mean(x * y)
    w, path = float(w0), [float(w0)]
    for _ in range(steps):
        w = w - learning_rate * (w * sxx - sxy)  # J'(W) = W·2mean(x²) − 2mean(xy)
        path.append(w)
        if not abs(w) < 1e150:
            break
    weights = np.array(path)
    q = quadratic(x, y, intercept=False)
    losses = q.loss_at(weights[:, None])
    stop = engine.first_divergence(losses)
    if stop is not None:
        keep = stop + 1 if np.isfinite(losses[stop]) else stop
        weights, losses = weights[:keep], losses[:keep]
    return weights, losses, stop


def run(p: gd.GradientDescentParams) -> OneWeightRun:
    """The page's data fitted by y = W·x from W₀, one full-batch step per epoch."""
    x, y = gd.make_data(p)
    q = quadratic(x, y, intercept=False)
    weights, losses, stop = descend(x, y, p.W0, p.learning_rate, p.epochs)
    return OneWeightRun(p, x, y, q, weights, losses, stop, regime(q, p.learning_rate, p.epochs))


def closed_form(run_: OneWeightRun, k: np.ndarray) -> np.ndarray:
    """W* + (1 − αλ)ᵏ (W₀ − W*): where the k-th step lands, by the formula."""
    return run_.w_star + run_.factor ** np.asarray(k, float) * (run_.params.W0 - run_.w_star)


def window(run_: OneWeightRun, shown: int) -> tuple[float, float]:
    """The W range of the parabola's picture: W*, W₀, the mirror point 2W* − W₀ (where α = 2/λ
    lands) and the first ``shown`` steps, with a margin."""
    w = [run_.w_star, run_.params.W0, 2 * run_.w_star - run_.params.W0,
         *run_.weights[: shown + 1]]
    lo, hi = min(w), max(w)
    pad = 0.08 * (hi - lo) + 1e-3
    return lo - pad, hi + pad
