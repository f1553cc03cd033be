"""Extra classification data not in TensorFlow Playground: a 4×4 checkerboard, two moons,
three clouds and three spirals (the last two go beyond two classes)."""

from __future__ import annotations

import math

import numpy as np

from core.datasets.base import (
    PLANE_HALF_WIDTH,
    Dataset,
    _balanced_by_rejection,
    _class_counts,
    _classification,
    _gauss_std,
    _jitter_in_box,
    _uniform_square,
)
from core.datasets.playground import _spiral_arms

CHECKER_SQUARES = 4
CHECKER_SIDE = 2 * PLANE_HALF_WIDTH / CHECKER_SQUARES
MOONS_SCALE = 10.0 / 3.0
MOONS_NOISE_STD = 2.0  # std of the Gaussian jitter at noise = 1 (so 1.0 at the maximum 0.5)
BLOBS_RADIUS = 3.5


def _checker_class(points: np.ndarray) -> np.ndarray:
    """1 where the 4x4 square containing the point has even index sum, else 0.

    Even parity makes the four central squares agree with the xor data (class 1 where
    x1 and x2 have the same sign).
    """
    index = np.floor((points + PLANE_HALF_WIDTH) / CHECKER_SIDE).astype(np.int64)
    return ((index[:, 0] + index[:, 1]) % 2 == 0).astype(np.int64)


def _checkerboard(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Uniform points on [-6, 6]^2 coloured like a 4x4 checkerboard (squares of side 3).

    As with xor, noise mislabels points through a shifted copy; the shift is
    U(-1.5, 1.5) * noise per axis (half a square). Every square has four edges instead of
    xor's two axes, so this smaller shift gives a share of wrong labels close to xor's
    (about 20 % against 17 % at the maximum noise).
    """

    def propose(m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        points = _uniform_square(m, PLANE_HALF_WIDTH, rng)
        shifted = points + _uniform_square(m, CHECKER_SIDE / 2, rng) * noise
        return points, _checker_class(shifted)

    return _classification(_balanced_by_rejection(n_points, 2, propose, rng))


def _moons(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Two interleaving half circles, scaled from the unit size to x1 in [-5, 5].

    Class 0 is the upper arc (cos t, sin t), class 1 the lower arc (1 - cos t, 0.5 - sin t),
    t ~ U(0, pi). Noise adds Gaussian jitter with std 2 * noise (at most 1.0).
    """
    counts = _class_counts(n_points, 2)
    t0 = rng.uniform(0.0, math.pi, counts[0])
    t1 = rng.uniform(0.0, math.pi, counts[1])
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    # The pair spans x in [-1, 2] and y in [-0.5, 1]; centre it before scaling.
    centre = np.array([0.5, 0.25])
    std = MOONS_NOISE_STD * noise
    parts = [_jitter_in_box((arc - centre) * MOONS_SCALE, std, rng) for arc in (upper, lower)]
    return _classification(parts)


def _three_blobs(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Three Gaussian clouds at 120 degree steps on a circle of radius 3.5.

    Class c sits at angle 90 + 120 c degrees; the spread follows the same noise-to-variance
    map as the "gauss" data (variance 0.5 .. 4).
    """
    std = _gauss_std(noise)
    parts = []
    for c, count in enumerate(_class_counts(n_points, 3)):
        angle = math.pi / 2 + c * 2.0 * math.pi / 3
        centre = BLOBS_RADIUS * np.array([math.cos(angle), math.sin(angle)])
        parts.append(_jitter_in_box(np.tile(centre, (count, 1)), std, rng))
    return _classification(parts)


def _spiral3(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Three spiral arms, 120 degrees apart, one class each."""
    return _spiral_arms(n_points, 3, noise, rng)
