"""Momentum on the ill-conditioned quadratic: the heavy-ball iteration, its path, and the
map of how fast it converges for every learning rate α and momentum β.

On f(θ) = ½ θᵀAθ, Keras's momentum rule v ← βv − α∇f, θ ← θ + v is the heavy ball
θₖ₊₁ = θₖ − αAθₖ + β(θₖ − θₖ₋₁). Along an eigenvector of A with eigenvalue λ (a = αλ) the
state (θ, v) is multiplied every step by

    M = [[1 − a, β], [−a, β]],   characteristic polynomial  z² − (1 + β − a) z + β,

so the distance to the minimum shrinks like ρᵏ with ρ the largest |z| over both directions
(the spectral radius). The roots are complex, |z| = √β, when (1 + β − a)² < 4β (the path
oscillates), real and equal at a = (1 ± √β)² (critically damped), real and distinct
otherwise (overdamped, or, past 1 + β, flipping sign every step). The iteration converges
iff 0 ≤ β < 1 and 0 < a < 2 + 2β for every λ; the fastest choice for eigenvalues in
[λ_min, λ_max] (condition number κ) is

    α* = 4/(√λ_max + √λ_min)²,   β* = ((√κ − 1)/(√κ + 1))²,   ρ* = (√κ − 1)/(√κ + 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core import surfaces
from core.params import Params, number

#: The learning rates and momenta on the sliders: dense enough to walk across the map's
#: regimes, and including the rounded optimum for the page's quadratic (α* ≈ 0.033,
#: β* ≈ 0.67) and the classic β = 0.9.
LEARNING_RATES = tuple(round(0.001 * k, 3) for k in range(1, 41))
MOMENTA = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.67, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99)
#: The map's grid: enough cells for the eye at a chart's width, few enough to send.
MAP_RATES, MAP_MOMENTA = 121, 100


@dataclass(frozen=True)
class MomentumParams(Params):
    """One heavy-ball run on the page's ill-conditioned quadratic."""

    learning_rate: float = number(0.01, 0.001, 0.04, options=LEARNING_RATES,
                                  label="learning rate α")
    momentum: float = number(0.9, 0.0, 0.99, options=MOMENTA, label="momentum β")
    iterations: int = number(100, 10, 300, label="steps",
                             help="Steps of the heavy ball (its own, not the paths' steps).")


def curvatures() -> tuple[float, float]:
    """(λ_min, λ_max) of the quadratic surface the explorer runs on."""
    lam = surfaces.get("quadratic").curvatures
    return float(min(lam)), float(max(lam))


# ----------------------------------------------------------------------------------------
# Closed forms
# ----------------------------------------------------------------------------------------


def stable_limit(beta: float | np.ndarray, lam_max: float) -> float | np.ndarray:
    """The largest α with which momentum β converges: (2 + 2β)/λ_max."""
    return (2.0 + 2.0 * np.asarray(beta, float)) / lam_max


def optimum(lam_min: float, lam_max: float) -> tuple[float, float, float]:
    """(α*, β*, ρ*): the fastest heavy ball for eigenvalues in [λ_min, λ_max] and its rate."""
    s_min, s_max = math.sqrt(lam_min), math.sqrt(lam_max)
    kappa_root = s_max / s_min
    rate = (kappa_root - 1.0) / (kappa_root + 1.0)
    return 4.0 / (s_max + s_min) ** 2, rate * rate, rate


def critical_rates(beta: float | np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """The two α at which direction λ is critically damped (a double real root):
    α = (1 − √β)²/λ and (1 + √β)²/λ. Between them it oscillates."""
    root = np.sqrt(np.asarray(beta, float))
    return (1.0 - root) ** 2 / lam, (1.0 + root) ** 2 / lam


def gd_rate(learning_rate: float, lam_min: float, lam_max: float) -> float:
    """Plain gradient descent's factor per step, max |1 − αλ| (momentum 0)."""
    return max(abs(1.0 - learning_rate * lam_min), abs(1.0 - learning_rate * lam_max))


# ----------------------------------------------------------------------------------------
# The rate map, computed from the iteration matrices
# ----------------------------------------------------------------------------------------


def iteration_matrices(rates: np.ndarray, betas: np.ndarray, lam: float) -> np.ndarray:
    """M = [[1 − αλ, β], [−αλ, β]] for every (α, β) of the broadcast arrays, shape (..., 2, 2):
    (θ, v) after a step along the eigenvector λ, from (θ, v) before."""
    a, b = np.broadcast_arrays(np.asarray(rates, float) * lam, np.asarray(betas, float))
    m = np.empty(a.shape + (2, 2))
    m[..., 0, 0], m[..., 0, 1] = 1.0 - a, b
    m[..., 1, 0], m[..., 1, 1] = -a, b
    return m


def spectral_radius(rates, betas, lams: tuple[float, ...]) -> np.ndarray:
    """ρ(α, β) = max over λ in ``lams`` of the largest |eigenvalue| of the iteration matrix:
    the factor by which the distance to the minimum shrinks per step in the long run."""
    worst = None
    for lam in lams:
        radius = np.abs(np.linalg.eigvals(iteration_matrices(rates, betas, lam))).max(axis=-1)
        worst = radius if worst is None else np.maximum(worst, radius)
    return worst


@dataclass(frozen=True)
class RateMap:
    """ρ over a grid: ``rho[i, j]`` at momentum ``betas[i]`` and learning rate ``rates[j]``."""

    rates: np.ndarray
    betas: np.ndarray
    rho: np.ndarray
    lam_min: float
    lam_max: float


def rate_map(lam_min: float, lam_max: float, *, rates: int = MAP_RATES,
             betas: int = MAP_MOMENTA) -> RateMap:
    """The spectral radius over α in (0, 1.05 × the largest stable α] and β in [0, 0.99]."""
    top = 1.05 * float(stable_limit(MOMENTA[-1], lam_max))
    alpha = np.linspace(top / rates, top, rates)
    beta = np.linspace(0.0, MOMENTA[-1], betas)
    rho = spectral_radius(alpha[None, :], beta[:, None], (lam_min, lam_max))
    return RateMap(alpha, beta, rho, lam_min, lam_max)


def regime(learning_rate: float, momentum: float, lam: float) -> str:
    """How direction λ moves under (α, β): "oscillating" (complex roots), "critically
    damped" (a double root, within rounding), "overdamped" (real roots of one sign) or
    "flipping" (a negative real root: the sign changes every step), or "diverging"."""
    a, b = learning_rate * lam, momentum
    if not 0.0 < a < 2.0 + 2.0 * b:
        return "diverging"
    disc = (1.0 + b - a) ** 2 - 4.0 * b
    if abs(disc) <= 1e-9:
        return "critically damped"
    if disc < 0:
        return "oscillating"
    return "overdamped" if 1.0 + b - a > 0 else "flipping"


# ----------------------------------------------------------------------------------------
# The explorer's path
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MomentumRun:
    """The heavy ball's path on the quadratic and what the theory says about it."""

    params: MomentumParams
    xy: np.ndarray  # (steps + 1, 2), the start first; cut where it left the picture far
    loss: np.ndarray  # f at those points
    rho: float  # the spectral radius at (α, β)
    diverged_at: int | None

    @property
    def regimes(self) -> tuple[str, str]:
        lam_min, lam_max = curvatures()
        p = self.params
        return (regime(p.learning_rate, p.momentum, lam_min),
                regime(p.learning_rate, p.momentum, lam_max))


#: |θ| beyond this many times the start's distance counts as diverged (and stops the path).
ESCAPE = 1e6


def run(p: MomentumParams) -> MomentumRun:
    """``p.iterations`` heavy-ball steps v ← βv − α∇f, θ ← θ + v from the surface's start point."""
    surface = surfaces.get("quadratic")
    theta = np.array(surface.start, float)
    limit = ESCAPE * float(np.linalg.norm(theta))
    v = np.zeros(2)
    path = [theta.copy()]
    diverged_at = None
    for k in range(1, p.iterations + 1):
        v = p.momentum * v - p.learning_rate * (surfaces.QUADRATIC_MATRIX @ theta)
        theta = theta + v
        if not np.linalg.norm(theta) <= limit:
            diverged_at = k
            break
        path.append(theta.copy())
    xy = np.array(path)
    rho = float(spectral_radius(p.learning_rate, p.momentum, curvatures()))
    return MomentumRun(p, xy, surface.value(xy), rho, diverged_at)
