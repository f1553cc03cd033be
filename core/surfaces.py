"""Test surfaces for optimisers: two-dimensional functions f(x, y) with known minima, looked
up by name.

Each function and its gradient is written with arithmetic operators only, so the same code
evaluates NumPy arrays (contour grids, losses along a path) and TensorFlow tensors (inside
the compiled loop that runs the Keras optimisers); the gradients are the hand-derived
closed forms, checked against finite differences in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Point = tuple[float, float]


@dataclass(frozen=True)
class Surface:
    name: str
    label: str
    latex: str
    fn: Callable[[Any, Any], Any]
    gradient: Callable[[Any, Any], tuple[Any, Any]]
    #: Where every optimiser starts by default (the classic animations' choice).
    start: Point
    x_range: Point
    y_range: Point
    minima: tuple[Point, ...] = ()
    #: f at the minima; None for a surface without a lower bound (the saddle).
    minimum_value: float | None = 0.0
    saddles: tuple[Point, ...] = ()
    #: Contours on a log scale: the surface spans several orders of magnitude.
    log_levels: bool = True
    #: Eigenvalues of the (constant) Hessian, for surfaces where the quadratic theory is exact.
    curvatures: tuple[float, ...] = ()

    def value(self, xy: np.ndarray) -> np.ndarray:
        """f at points ``xy`` of shape (n, 2); returns shape (n,)."""
        xy = np.asarray(xy, dtype=float)
        return np.asarray(self.fn(xy[..., 0], xy[..., 1]), dtype=float)

    def grad(self, xy: np.ndarray) -> np.ndarray:
        """∇f at points ``xy`` of shape (..., 2); returns the same shape."""
        xy = np.asarray(xy, dtype=float)
        gx, gy = self.gradient(xy[..., 0], xy[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1).astype(float)

    def grid(self, size: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(xs, ys, z) over the plotting range, z[i, j] = f(xs[j], ys[i]) (a contour's rows)."""
        xs = np.linspace(*self.x_range, size)
        ys = np.linspace(*self.y_range, size)
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, np.asarray(self.fn(gx, gy), dtype=float)


# ----------------------------------------------------------------------------------------
# The functions (operators only: they must work on NumPy arrays and TensorFlow tensors)
# ----------------------------------------------------------------------------------------


def _beale(x, y):
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2
            + (2.625 - x + x * y * y * y) ** 2)


def _beale_grad(x, y):
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y * y * y
    gx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1)
    gy = 2 * a * x + 4 * b * x * y + 6 * c * x * y * y
    return gx, gy


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)


def _saddle(x, y):
    return x * x - y * y


def _saddle_grad(x, y):
    return 2 * x, -2 * y


def _himmelblau(x, y):
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_grad(x, y):
    a, b = x * x + y - 11, x + y * y - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


#: The ill-conditioned quadratic f = ½ θᵀAθ with A = R diag(1, 100) Rᵀ: its long, narrow
#: valley runs along 30° (not along an axis, so per-coordinate step sizes cannot undo it).
QUADRATIC_CURVATURES = (1.0, 100.0)
QUADRATIC_ANGLE = math.pi / 6
_C, _S = math.cos(QUADRATIC_ANGLE), math.sin(QUADRATIC_ANGLE)
QUADRATIC_MATRIX = np.array([
    [QUADRATIC_CURVATURES[0] * _C * _C + QUADRATIC_CURVATURES[1] * _S * _S,
     (QUADRATIC_CURVATURES[0] - QUADRATIC_CURVATURES[1]) * _C * _S],
    [(QUADRATIC_CURVATURES[0] - QUADRATIC_CURVATURES[1]) * _C * _S,
     QUADRATIC_CURVATURES[0] * _S * _S + QUADRATIC_CURVATURES[1] * _C * _C],
])
_A, _B, _D = (float(QUADRATIC_MATRIX[0, 0]), float(QUADRATIC_MATRIX[0, 1]),
              float(QUADRATIC_MATRIX[1, 1]))


def _quadratic(x, y):
    return 0.5 * (_A * x * x + 2 * _B * x * y + _D * y * y)


def _quadratic_grad(x, y):
    return _A * x + _B * y, _B * x + _D * y


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface("beale", "Beale", r"f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2"
                r" + (2.625 - x + xy^3)^2", _beale, _beale_grad,
                start=(0.7, 1.4), x_range=(-1.0, 4.5), y_range=(-1.5, 2.5),
                minima=((3.0, 0.5),)),
        Surface("rosenbrock", "Rosenbrock", r"f = (1 - x)^2 + 100\,(y - x^2)^2",
                _rosenbrock, _rosenbrock_grad, start=(-1.2, 1.0), x_range=(-2.0, 2.0),
                y_range=(-1.0, 3.0), minima=((1.0, 1.0),)),
        Surface("saddle", "Saddle", r"f = x^2 - y^2", _saddle, _saddle_grad,
                start=(-1.5, 1e-3), x_range=(-2.0, 2.0), y_range=(-2.0, 2.0),
                minimum_value=None, saddles=((0.0, 0.0),), log_levels=False),
        Surface("himmelblau", "Himmelblau", r"f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
                _himmelblau, _himmelblau_grad, start=(-0.27, -0.92), x_range=(-5.0, 5.0),
                y_range=(-5.0, 5.0),
                minima=((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                        (-3.779310253377747, -3.283185991286169),
                        (3.5844283403304917, -1.8481265269644034))),
        Surface("quadratic", "Ill-conditioned quadratic (λ = 1, 100)",
                r"f = \tfrac12\,\theta^\top A\,\theta,\quad A = R_{30^\circ}"
                r"\begin{pmatrix}1 & 0\\ 0 & 100\end{pmatrix}R_{30^\circ}^\top\;",
                _quadratic, _quadratic_grad, start=(-4.0, -1.5), x_range=(-4.5, 1.5),
                y_range=(-3.0, 1.5), minima=((0.0, 0.0),), curvatures=QUADRATIC_CURVATURES),
    )
}


def get(name: str) -> Surface:
    """The registry entry for ``name``; ValueError naming the parameter if unknown."""
    if name not in SURFACES:
        raise ValueError(f"surface must be one of {', '.join(SURFACES)}, got {name!r}")
    return SURFACES[name]
