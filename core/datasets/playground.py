"""TensorFlow Playground's own data sets, with its formulas: circle, XOR, two Gaussian clouds,
spiral, and its two regression surfaces (plane, six Gaussian bumps)."""

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
    _regression,
    _uniform_square,
)

CIRCLE_RADIUS = 5.0
XOR_HALF_WIDTH = 5.0
XOR_AXIS_GAP = 0.3
GAUSS_CENTRE = 2.0
SPIRAL_RADIUS = 5.0
SPIRAL_TURNS = 1.75


def _circle(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Class 1 inside radius 2.5, class 0 on the ring 3.5..5 (Playground's "circle").

    Noise does not move the points; the label is decided for a copy shifted by
    U(-5, 5) * noise per axis, which mislabels points near the gap between the classes.
    """
    inner_edge, outer_start = 0.5 * CIRCLE_RADIUS, 0.7 * CIRCLE_RADIUS

    def propose(m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        # Half of the candidates come from the disc, half from the ring, as in Playground;
        # the radius is uniform (not the area), so the disc is denser near the centre.
        inner = rng.random(m) < 0.5
        radius = np.where(
            inner,
            rng.uniform(0.0, inner_edge, m),
            rng.uniform(outer_start, CIRCLE_RADIUS, m),
        )
        angle = rng.uniform(0.0, 2.0 * math.pi, m)
        points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
        shifted = points + rng.uniform(-CIRCLE_RADIUS, CIRCLE_RADIUS, (m, 2)) * noise
        labels = (np.hypot(shifted[:, 0], shifted[:, 1]) < inner_edge).astype(np.int64)
        return points, labels

    return _classification(_balanced_by_rejection(n_points, 2, propose, rng))


def _xor(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Class 1 where x1 and x2 have the same sign (Playground's "xor").

    Points are uniform on [-5, 5]^2 and then pushed 0.3 away from both axes, leaving an
    empty cross between the quadrants. Noise mislabels points via a copy shifted by
    U(-5, 5) * noise per axis.
    """

    def propose(m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        points = _uniform_square(m, XOR_HALF_WIDTH, rng)
        points += np.where(points > 0, XOR_AXIS_GAP, -XOR_AXIS_GAP)
        shifted = points + _uniform_square(m, XOR_HALF_WIDTH, rng) * noise
        labels = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)
        return points, labels

    return _classification(_balanced_by_rejection(n_points, 2, propose, rng))


def _gauss(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Two Gaussian clouds: class 1 around (2, 2), class 0 around (-2, -2).

    Noise sets the variance per axis: 0.5 at noise 0 up to 4 at noise 0.5 (Playground).
    """
    std = _gauss_std(noise)
    counts = _class_counts(n_points, 2)
    centres = (-GAUSS_CENTRE, GAUSS_CENTRE)  # index = class
    parts = [
        _jitter_in_box(np.full((count, 2), centre), std, rng)
        for count, centre in zip(counts, centres, strict=True)
    ]
    return _classification(parts)


def _spiral_arms(n_points: int, n_arms: int, noise: float, rng: np.random.Generator) -> Dataset:
    """``n_arms`` interleaved spirals, one class per arm.

    Point i of an arm sits at radius r = 5 i / m and angle t = 1.75 * 2 pi * i / m + offset,
    at (r sin t, r cos t), plus U(-1, 1) * noise per axis. All arms share the same m (the
    largest arm), so arms are exact rotations of each other.
    """
    counts = _class_counts(n_points, n_arms)
    m = max(max(counts), 1)
    parts = []
    for c, count in enumerate(counts):
        # Offsets 2 pi (c + 1) / k: with two arms class 1 gets offset 0 and class 0 gets pi,
        # matching Playground's +1 / -1 arms.
        offset = 2.0 * math.pi * (c + 1) / n_arms
        step = np.arange(count) / m
        radius = SPIRAL_RADIUS * step
        angle = SPIRAL_TURNS * 2.0 * math.pi * step + offset
        points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
        parts.append(points + rng.uniform(-1.0, 1.0, (count, 2)) * noise)
    return _classification(parts)


def _spiral(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Playground's two-arm spiral (arms opposite each other)."""
    return _spiral_arms(n_points, 2, noise, rng)


# ---------------------------------------------------------------------------------------------
# Regression data
# ---------------------------------------------------------------------------------------------

# Six bumps on a 3 x 2 grid with alternating sign, like a small egg box:
# (centre x1, centre x2, sign).
MULTI_GAUSSIAN_BUMPS: tuple[tuple[float, float, float], ...] = (
    (-4.0, 3.0, 1.0),
    (0.0, 3.0, -1.0),
    (4.0, 3.0, 1.0),
    (-4.0, -3.0, -1.0),
    (0.0, -3.0, 1.0),
    (4.0, -3.0, -1.0),
)
MULTI_GAUSSIAN_STD = 1.6


def _noisy_copy(points: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """The point at which a regression target is evaluated: shifted by U(-6, 6) * noise."""
    return points + _uniform_square(len(points), PLANE_HALF_WIDTH, rng) * noise


def _plane(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Uniform points on [-6, 6]^2 with target (x1' + x2') / 10 at the noise-shifted point."""
    points = _uniform_square(n_points, PLANE_HALF_WIDTH, rng)
    shifted = _noisy_copy(points, noise, rng)
    return _regression(points, shifted.sum(axis=1) / 10.0)


def multi_gaussian_surface(points: np.ndarray) -> np.ndarray:
    """Noise-free target of "multi_gaussian": the sum of the six bumps, clipped to [-1, 1].

    Returned as float64 of shape (n,), so pages can draw the true surface next to a model.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    total = np.zeros(len(points))
    for cx, cy, sign in MULTI_GAUSSIAN_BUMPS:
        squared = (points[:, 0] - cx) ** 2 + (points[:, 1] - cy) ** 2
        total += sign * np.exp(-squared / (2.0 * MULTI_GAUSSIAN_STD**2))
    return np.clip(total, -1.0, 1.0)


def _multi_gaussian(n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Uniform points on [-6, 6]^2; target = six-bump surface at the noise-shifted point."""
    points = _uniform_square(n_points, PLANE_HALF_WIDTH, rng)
    return _regression(points, multi_gaussian_surface(_noisy_copy(points, noise, rng)))
