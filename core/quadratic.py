"""The loss of linear regression is a quadratic: its closed forms, and what they say about
gradient descent.

J(θ) = J_min + ½ (θ − θ*)ᵀ H (θ − θ*) exactly, with θ* the least-squares solution and H the
(constant) Hessian. Along an eigenvector of H with eigenvalue λ one full-batch step multiplies
the distance to the minimum by (1 − αλ): descent converges for 0 < αλ < 2 for every λ, that
is for α < 2/λ_max, overshoots the minimum once αλ > 1, and is fastest at
α = 2/(λ_min + λ_max). Everything here works for θ = (W, b) (the line) and for θ = (W,) alone
(the line through the origin, where H is the single number λ).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: "Converged" for the regime: the loss above its minimum shrunk by this factor.
CONVERGED_FACTOR = 100.0


@dataclass(frozen=True)
class Quadratic:
    """J(θ) = J_min + ½ (θ − θ*)ᵀ H (θ − θ*) exactly, for linear regression on (x, y)."""

    theta_star: np.ndarray  # (W*, b*) or (W*,): the least-squares fit
    j_min: float  # J(θ*)
    hessian: np.ndarray  # 2/N XᵀX, 2×2 (or 1×1)
    eigenvalues: np.ndarray  # of the Hessian, ascending
    y_variance: float  # J of the best constant: sets the scale for "diverged"

    @property
    def critical_rate(self) -> float:
        """2/λ_max: gradient descent converges for every α below it and diverges above."""
        return 2.0 / float(self.eigenvalues[-1])

    @property
    def best_rate(self) -> float:
        """2/(λ_min + λ_max): the α whose slowest direction shrinks fastest."""
        return 2.0 / float(self.eigenvalues[0] + self.eigenvalues[-1])

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


def _design(x: np.ndarray, intercept: bool) -> np.ndarray:
    """X = [x, 1] for the line W·x + b, or [x] for the line W·x through the origin."""
    return np.column_stack([x, np.ones_like(x)]) if intercept else x[:, None]


def hessian(x: np.ndarray, intercept: bool = True) -> np.ndarray:
    """H = d²J/dθ² = 2/N XᵀX: the same for every θ, since J is quadratic."""
    design = _design(x, intercept)
    return 2.0 / len(x) * design.T @ design


def least_squares(x: np.ndarray, y: np.ndarray, intercept: bool = True) -> np.ndarray:
    """θ* minimising J, in closed form (the normal equations, via lstsq)."""
    theta, *_ = np.linalg.lstsq(_design(x, intercept), y, rcond=None)
    return theta


def quadratic(x: np.ndarray, y: np.ndarray, intercept: bool = True) -> Quadratic:
    """The closed-form description of J for the data (x, y); ``intercept`` False for the
    model y = W·x (one parameter)."""
    theta = least_squares(x, y, intercept)
    h = hessian(x, intercept)
    j_min = float(np.mean((_design(x, intercept) @ theta - y) ** 2))
    return Quadratic(theta, j_min, h, np.linalg.eigvalsh(h), float(np.var(y)))


@dataclass(frozen=True)
class Regime:
    """Which of the lecture's cases a learning rate falls in, by the quadratic theory."""

    name: str  # "too_small", "good", "zigzag", "too_large"
    label: str
    explanation: str


#: λ's subscripts as text (page text shows no literal underscores).
LAMBDA_MAX, LAMBDA_MIN = "λₘₐₓ", "λₘᵢₙ"


def lambda_names(q: Quadratic) -> tuple[str, str]:
    """How the page writes (λ_min, λ_max): plain λ when J has one parameter."""
    return ("λ", "λ") if len(q.eigenvalues) == 1 else (LAMBDA_MIN, LAMBDA_MAX)


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
    low, top = lambda_names(q)
    fastest = f"1/{top}" if len(q.eigenvalues) == 1 else f"2/({low}+{top})"
    rho, needed = q.contraction(alpha), q.steps_to_converge(alpha)
    if alpha * lam_max >= 2.0:
        return Regime("too_large", "too large: diverges",
                      f"α = {alpha:g} is above 2/{top} = {crit:.3g}: every step overshoots the "
                      f"minimum and lands {rho:.2f}× as far from it on the other side, "
                      "so the loss grows without bound.")
    if alpha * lam_max > 1.0:
        return Regime("zigzag", "large: zig-zags, still converges",
                      f"α = {alpha:g} lies between 1/{top} = {1 / lam_max:.3g} and the limit "
                      f"2/{top} = {crit:.3g}: each step overshoots the minimum (landing "
                      f"{abs(1 - alpha * lam_max):.2f}× the previous distance away on the other "
                      f"side), so the path zig-zags. It converges, within about {needed:,.0f} "
                      f"steps; {_fastest(q, fastest)}.")
    if needed > steps:
        return Regime("too_small", "too small: slow",
                      f"α = {alpha:g} is too small for {steps:,} steps: each step removes only "
                      f"{1 - rho**2:.1%} of the excess loss left in the slowest direction; "
                      f"getting 100× closer to the minimum would take about {needed:,.0f} "
                      "steps.")
    return Regime("good", "just right: converges smoothly",
                  f"α = {alpha:g} converges without overshooting: the loss gets 100× closer to "
                  f"its minimum within about {needed:,.0f} steps (limit 2/{top} = {crit:.3g}, "
                  f"fastest {fastest} = {best:.3g}).")


def _fastest(q: Quadratic, name: str) -> str:
    """The fastest rate and what it would take, for comparison with the rate in use."""
    best = q.best_rate
    n = q.steps_to_converge(best)
    return (f"the fastest rate {name} = {best:.3g} would take about {n:,.0f} "
            f"step{'' if n == 1 else 's'}")


def preset_rates(q: Quadratic, options: tuple[float, ...], steps: int) -> dict[str, float]:
    """Rates from the slider's ladder for the lecture's three cases on this data: clearly
    too small (the largest that would need over 3 × ``steps`` steps to get the loss 100×
    closer to its minimum), just right (the largest without overshoot, αλ_max ≤ 1), clearly
    too large (≥ 1.15 × 2/λ_max: blows up within a few dozen steps)."""
    ladder = np.array(options)
    lam_max = float(q.eigenvalues[-1])
    small = ladder[[a * lam_max <= 1.0 and q.steps_to_converge(a) > 3 * steps for a in ladder]]
    smooth = ladder[ladder * lam_max <= 1.0]
    large = ladder[ladder >= 1.15 * q.critical_rate]
    return {"too small": float(small[-1] if len(small) else ladder[0]),
            "just right": float(smooth[-1] if len(smooth) else ladder[0]),
            "too large": float(large[0] if len(large) else ladder[-1])}


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
