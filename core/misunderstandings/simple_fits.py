"""Claim 5: "a deep network always beats a simple fit".

Small, one-dimensional data from a smooth law plus noise (the overfitting page's truths and
data, :func:`core.overfitting.make_split`), fitted two ways on the same training points: a
least-squares polynomial of a chosen degree, and a network trained as on the overfitting
page (:func:`core.overfitting.train_fit`). Both are judged by their mean squared distance to
the law over the whole input range, for growing numbers of training points, from several
seeds each: learning curves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import overfitting as of
from core.params import Params, choice, number

#: The networks offered, as hidden units per layer (tanh, as on the overfitting page).
NETWORKS = {"1x16": (16,), "2x30": (30, 30), "3x64": (64, 64, 64)}
NETWORK_LABELS = {k: " × ".join([str(len(v)), str(v[0])]) for k, v in NETWORKS.items()}
#: All points per data set (a half of them train, see core.overfitting.split_counts).
POINTS = (12, 20, 40, 80, 200)
EPOCHS = 400
NOISE = 0.3
#: The smallest training set: a polynomial needs more points than coefficients.
MAX_DEGREE = of.split_counts(POINTS[0])[0] - 1
#: One fit "wins" at a size when its mean error is at most this share of the other's.
CLEAR_WIN = 0.8


@dataclass(frozen=True)
class SimpleFitParams(Params):
    """The law, the polynomial's degree, the network, and how many seeds per data size."""

    truth: str = choice("cubic", tuple(of.TRUTHS), label="law f(x)")
    degree: int = number(3, 1, MAX_DEGREE, label="polynomial degree")
    network: str = choice("2x30", tuple(NETWORKS), label="network",
                          help="hidden layers × tanh units per layer")
    repeats: int = number(2, 1, 5, label="seeds per size",
                          help="data sets drawn (and networks trained) per number of points")

    def overfit(self, n_points: int, seed: int) -> of.OverfitParams:
        return of.OverfitParams(truth=self.truth, n_points=n_points, noise=NOISE,
                                data_seed=seed, seed=seed, epochs=EPOCHS)


def polynomial_fit(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """Least-squares polynomial coefficients, highest power first (as ``np.polyval`` takes
    them): θ minimising Σ(Xθ − y)² for the Vandermonde matrix X = [xᵈ … x 1]."""
    coef, *_ = np.linalg.lstsq(np.vander(np.asarray(x, np.float64), degree + 1),
                               np.asarray(y, np.float64), rcond=None)
    return coef


@dataclass(frozen=True)
class LearningCurves:
    """Errors against the law per number of training points (rows) and seed (columns)."""

    params: SimpleFitParams
    train_points: tuple[int, ...]
    polynomial: np.ndarray
    network: np.ndarray

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        return np.mean(self.polynomial, axis=1), np.mean(self.network, axis=1)

    def winners(self) -> list[str]:
        """Per size: "polynomial", "network" or "tie" (neither below CLEAR_WIN × the other)."""
        out = []
        for p, n in zip(*self.means()):
            out.append("polynomial" if p <= CLEAR_WIN * n else
                       "network" if n <= CLEAR_WIN * p else "tie")
        return out


def errors_at(p: SimpleFitParams, n_points: int, seed: int) -> tuple[float, float]:
    """(polynomial, network) mean squared distance to the law for one data set."""
    q = p.overfit(n_points, seed)
    split = of.make_split(q)
    coef = polynomial_fit(split.x_train, split.y_train, p.degree)
    poly = np.polyval(coef, split.x_curve)
    net = of.train_fit(q, NETWORKS[p.network]).predict(split.x_curve)
    return (float(np.mean((poly - split.y_truth) ** 2)),
            float(np.mean((net - split.y_truth) ** 2)))


def run(p: SimpleFitParams, on_progress: Callable[[int, int], None] | None = None
        ) -> LearningCurves:
    """Both fits for every data size and seed, reporting (done, total) after each."""
    total = len(POINTS) * p.repeats
    poly, net = np.zeros((len(POINTS), p.repeats)), np.zeros((len(POINTS), p.repeats))
    for i, n in enumerate(POINTS):
        for s in range(p.repeats):
            poly[i, s], net[i, s] = errors_at(p, n, s)
            if on_progress:
                on_progress(i * p.repeats + s + 1, total)
    return LearningCurves(p, tuple(of.split_counts(n)[0] for n in POINTS), poly, net)


WHO = {"polynomial": "the polynomial is closer", "network": "the network is closer",
       "tie": "the two are about even"}


def segments(wins: list[str], sizes: tuple[int, ...]) -> str:
    """Who is closer at which sizes, in words: runs of the same winner."""
    parts, start = [], 0
    for i in range(1, len(wins) + 1):
        if i == len(wins) or wins[i] != wins[start]:
            lo, hi = sizes[start], sizes[i - 1]
            span = ("at every size" if start == 0 and i == len(wins) else
                    f"from {lo} points on" if i == len(wins) else
                    f"with {lo} points" if lo == hi else f"with {lo} to {hi} points")
            parts.append(f"{WHO[wins[start]]} {span}")
            start = i
    return "; ".join(parts)


def answer(c: LearningCurves) -> str:
    """The tab's sentence: who is closer to the law at which data size, and what that says."""
    poly, net = c.means()
    wins, sizes = c.winners(), c.train_points
    text = (f"With {sizes[0]} training points the degree-{c.params.degree} polynomial misses "
            f"the law by {poly[0]:.3g} (mean squared), the "
            f"{NETWORK_LABELS[c.params.network]} network by {net[0]:.3g}; with {sizes[-1]}: "
            f"{poly[-1]:.3g} against {net[-1]:.3g}. ")
    if all(w == "polynomial" for w in wins):
        return text + "The simple fit wins at every size here."
    text += segments(wins, sizes)[0].upper() + segments(wins, sizes)[1:] + ". "
    if wins[0] == "polynomial":
        return text + "The simple fit wins with little data; the network catches up as data grows."
    if wins[-1] == "polynomial":
        return text + ("With too few points this polynomial follows the noise; with enough, "
                       "the simple fit wins.")
    if wins[0] == "network":
        return text + ("This polynomial cannot follow the law: a simple fit wins only when "
                       "its form suits the data.")
    return text + "Neither fit is clearly better with little data here."
