"""The data sets' common ground: the :class:`Dataset` type, the plane they live on, the
limits, and small helpers shared by the generators.

Every data set lives on Playground's plane (inputs x1, x2 roughly in [-6, 6]) so that the
same heatmap range shows all of them. Generators take an explicit ``np.random.Generator``:
two students clicking "regenerate" at the same time must never disturb each other, which
global seeding would do.

Classification labels are class indices 0..k-1. Playground's labels +1 / -1 correspond to
class 1 / class 0 here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from core import limits

Kind = Literal["classification", "regression"]
KINDS: tuple[Kind, ...] = ("classification", "regression")

# Limits (one value each, in core.limits), under the names this package has always used.
MAX_POINTS = limits.DATASET_MAX_POINTS
MAX_NOISE = limits.DATASET_MAX_NOISE
MIN_TRAIN_RATIO = limits.DATASET_MIN_TRAIN_RATIO
MAX_TRAIN_RATIO = limits.DATASET_MAX_TRAIN_RATIO
# For data that students bring themselves.
MAX_USER_POINTS = limits.USER_MAX_POINTS
MIN_USER_POINTS = limits.USER_MIN_POINTS
MAX_CLASSES = limits.USER_MAX_CLASSES
MAX_ABS_COORDINATE = limits.USER_MAX_ABS_COORDINATE

# Playground draws its heatmap over [-6, 6]^2. Generated points stay inside a slightly larger
# box so that none of them is drawn far outside the picture.
PLANE_HALF_WIDTH = 6.0
POINT_BOUND = 6.5

COLUMNS = ("x1", "x2", "label")


@dataclass(frozen=True)
class Dataset:
    """A labelled 2-D data set.

    ``x`` has shape (n, 2) and dtype float64. For classification ``y`` holds class indices
    (int64, 0..n_classes-1); for regression it holds float64 targets and ``n_classes`` is 0.
    Points are not shuffled by the generators; :func:`split` shuffles.
    """

    x: np.ndarray
    y: np.ndarray
    kind: Kind
    n_classes: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if not isinstance(self.x, np.ndarray) or self.x.ndim != 2 or self.x.shape[1] != 2:
            shape = getattr(self.x, "shape", type(self.x).__name__)
            raise ValueError(f"x must be a numpy array of shape (n, 2), got {shape}")
        if self.x.dtype != np.float64:
            raise ValueError(f"x must have dtype float64, got {self.x.dtype}")
        if not np.all(np.isfinite(self.x)):
            raise ValueError("x contains NaN or infinite values")
        n = self.x.shape[0]
        if not isinstance(self.y, np.ndarray) or self.y.shape != (n,):
            shape = getattr(self.y, "shape", type(self.y).__name__)
            raise ValueError(f"y must be a numpy array of shape ({n},), got {shape}")
        if isinstance(self.n_classes, bool) or not isinstance(self.n_classes, (int, np.integer)):
            raise TypeError(f"n_classes must be an int, got {self.n_classes!r}")
        if self.kind == "classification":
            self._check_classification_labels()
        else:
            self._check_regression_targets()

    def _check_classification_labels(self) -> None:
        if self.n_classes < 2:
            raise ValueError(
                f"n_classes must be at least 2 for classification, got {self.n_classes}"
            )
        if self.y.dtype != np.int64:
            raise ValueError(f"y must have dtype int64 for classification, got {self.y.dtype}")
        if self.y.size and (self.y.min() < 0 or self.y.max() >= self.n_classes):
            raise ValueError(f"y must hold class indices 0..{self.n_classes - 1}")

    def _check_regression_targets(self) -> None:
        if self.n_classes != 0:
            raise ValueError(f"n_classes must be 0 for regression, got {self.n_classes}")
        if self.y.dtype != np.float64:
            raise ValueError(f"y must have dtype float64 for regression, got {self.y.dtype}")
        if not np.all(np.isfinite(self.y)):
            raise ValueError("y contains NaN or infinite values")

    def __len__(self) -> int:
        """Number of points."""
        return int(self.x.shape[0])

    def __eq__(self, other: object) -> bool:
        # The generated __eq__ would compare arrays element-wise and then fail on
        # "truth value of an array is ambiguous"; compare contents instead.
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            self.kind == other.kind
            and self.n_classes == other.n_classes
            and self.y.dtype == other.y.dtype
            and np.array_equal(self.x, other.x)
            and np.array_equal(self.y, other.y)
        )


@dataclass(frozen=True)
class DatasetInfo:
    """Registry entry: what the UI shows and how to make the data.

    ``generate(n_points, noise, rng)`` does no argument checking; call the module-level
    :func:`generate`, which validates first.
    """

    name: str
    label: str
    kind: Kind
    n_classes: int
    description: str
    generate: Callable[[int, float, np.random.Generator], Dataset]


# ---------------------------------------------------------------------------------------------
# Small helpers shared by the generators
# ---------------------------------------------------------------------------------------------


def _class_counts(n_points: int, n_classes: int) -> list[int]:
    """Split ``n_points`` as evenly as possible; the first classes get the leftovers."""
    base, extra = divmod(n_points, n_classes)
    return [base + (1 if c < extra else 0) for c in range(n_classes)]


def _classification(parts: Sequence[np.ndarray]) -> Dataset:
    """Stack per-class point blocks (class 0 first) into a classification Dataset."""
    x = np.concatenate([np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in parts])
    y = np.concatenate([np.full(len(p), c, dtype=np.int64) for c, p in enumerate(parts)])
    return Dataset(x=np.ascontiguousarray(x), y=y, kind="classification", n_classes=len(parts))


def _regression(x: np.ndarray, y: np.ndarray) -> Dataset:
    """Wrap points and targets as a regression Dataset with the right dtypes."""
    return Dataset(
        x=np.ascontiguousarray(x, dtype=np.float64),
        y=np.asarray(y, dtype=np.float64),
        kind="regression",
        n_classes=0,
    )


def _uniform_square(n: int, half_width: float, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) points uniform on [-half_width, half_width]^2."""
    return rng.uniform(-half_width, half_width, size=(n, 2))


def _jitter_in_box(points: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """Add Gaussian noise of standard deviation ``std`` to every point.

    Points that the noise throws outside [-POINT_BOUND, POINT_BOUND]^2 get a fresh draw, so
    the result is a Gaussian truncated to the visible plane rather than a few stray points
    piled up on the border (which clipping would produce).
    """
    out = points + std * rng.standard_normal(points.shape)
    outside = np.abs(out).max(axis=1) > POINT_BOUND
    while outside.any():
        out[outside] = points[outside] + std * rng.standard_normal((int(outside.sum()), 2))
        outside = np.abs(out).max(axis=1) > POINT_BOUND
    return out


def _gauss_std(noise: float) -> float:
    """Playground's map from noise [0, 0.5] to variance [0.5, 4], returned as a std."""
    variance = 0.5 + noise * (4.0 - 0.5) / MAX_NOISE
    return math.sqrt(variance)


Proposal = Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]]


def _balanced_by_rejection(
    n_points: int, n_classes: int, propose: Proposal, rng: np.random.Generator
) -> list[np.ndarray]:
    """Draw labelled candidate points until every class has its share of ``n_points``.

    Used where noise changes labels (circle, xor, checkerboard): the label comes from a
    shifted copy of the point, so the classes would not come out balanced by themselves.
    Keeping the first candidates of each class gives exactly balanced classes while each
    class keeps the point distribution Playground would give it.
    """
    missing = _class_counts(n_points, n_classes)
    found: list[list[np.ndarray]] = [[] for _ in range(n_classes)]
    for _ in range(10_000):  # every class has probability >= ~0.2, so this never runs out
        if not any(missing):
            break
        points, labels = propose(2 * sum(missing) + 16, rng)
        for c in range(n_classes):
            if missing[c]:
                taken = points[labels == c][: missing[c]]
                found[c].append(taken)
                missing[c] -= len(taken)
    if any(missing):
        raise RuntimeError("could not draw enough points of every class")
    return [np.concatenate(blocks) if blocks else np.empty((0, 2)) for blocks in found]
