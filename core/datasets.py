"""Two-dimensional toy data sets in the style of TensorFlow Playground, plus user data.

Every data set lives on Playground's plane (inputs x1, x2 roughly in [-6, 6]) so that the
same heatmap range shows all of them. Generators take an explicit ``np.random.Generator``:
two students clicking "regenerate" at the same time must never disturb each other, which
global seeding would do.

Classification labels are class indices 0..k-1. Playground's labels +1 / -1 correspond to
class 1 / class 0 here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal["classification", "regression"]
KINDS: tuple[Kind, ...] = ("classification", "regression")

# Limits shared with the UI widgets.
MAX_POINTS = 5000
MAX_NOISE = 0.5
MIN_TRAIN_RATIO = 0.1
MAX_TRAIN_RATIO = 0.9

# Limits for data that students bring themselves.
MAX_USER_POINTS = 2000
MIN_USER_POINTS = 4
MAX_CLASSES = 6
MAX_ABS_COORDINATE = 1e6

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


# ---------------------------------------------------------------------------------------------
# Playground's classification data
# ---------------------------------------------------------------------------------------------

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
# Extra classification data (not in Playground)
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Registry and public entry points
# ---------------------------------------------------------------------------------------------


_REGISTRY: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        name="circle",
        label="Circle",
        kind="classification",
        n_classes=2,
        description=(
            "One class fills a disc in the middle, the other a ring around it, so no straight "
            "line can separate them."
        ),
        generate=_circle,
    ),
    DatasetInfo(
        name="xor",
        label="Exclusive or (XOR)",
        kind="classification",
        n_classes=2,
        description=(
            "The class depends on whether x₁ and x₂ have the same sign: four quadrants in a "
            "checkerboard pattern."
        ),
        generate=_xor,
    ),
    DatasetInfo(
        name="gauss",
        label="Two Gaussian clouds",
        kind="classification",
        n_classes=2,
        description=(
            "Two round clouds of points that a single straight line separates, until noise "
            "makes them overlap."
        ),
        generate=_gauss,
    ),
    DatasetInfo(
        name="spiral",
        label="Spiral",
        kind="classification",
        n_classes=2,
        description=("Two arms that wind around each other; the hardest Playground data set."),
        generate=_spiral,
    ),
    DatasetInfo(
        name="checkerboard",
        label="Checkerboard 4×4",
        kind="classification",
        n_classes=2,
        description=(
            "Sixteen squares with alternating classes: like XOR, but with many more regions "
            "to cut out."
        ),
        generate=_checkerboard,
    ),
    DatasetInfo(
        name="moons",
        label="Two moons",
        kind="classification",
        n_classes=2,
        description=("Two interlocking half circles that need a curved boundary."),
        generate=_moons,
    ),
    DatasetInfo(
        name="three_blobs",
        label="Three clouds",
        kind="classification",
        n_classes=3,
        description=("Three round clouds, one per class: a first step beyond two classes."),
        generate=_three_blobs,
    ),
    DatasetInfo(
        name="spiral3",
        label="Three spirals",
        kind="classification",
        n_classes=3,
        description=("Three interleaved spiral arms, one per class."),
        generate=_spiral3,
    ),
    DatasetInfo(
        name="plane",
        label="Plane",
        kind="regression",
        n_classes=0,
        description=(
            "The target grows linearly along the diagonal, (x₁ + x₂) / 10: a linear model "
            "fits it exactly."
        ),
        generate=_plane,
    ),
    DatasetInfo(
        name="multi_gaussian",
        label="Six Gaussian bumps",
        kind="regression",
        n_classes=0,
        description=(
            "The target is a landscape of three hills and three valleys that needs a "
            "non-linear model."
        ),
        generate=_multi_gaussian,
    ),
)

# Insertion order is the order of the UI menu: Playground's data first, then the extras,
# classification before regression.
DATASETS: dict[str, DatasetInfo] = {info.name: info for info in _REGISTRY}


def _check_rng(rng: object) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def generate(name: str, n_points: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Generate the registered data set ``name`` after checking the arguments.

    ``n_points`` must be a whole number in 1..5000 and ``noise`` a number in [0, 0.5]
    (Playground's slider divided by 100). The same ``rng`` state gives the same data.
    """
    info = DATASETS.get(name) if isinstance(name, str) else None
    if info is None:
        raise ValueError(f"Unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)):
        raise TypeError(f"n_points must be a whole number, got {n_points!r}")
    if not 1 <= n_points <= MAX_POINTS:
        raise ValueError(f"n_points must be between 1 and {MAX_POINTS}, got {n_points}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise TypeError(f"noise must be a number between 0 and {MAX_NOISE}, got {noise!r}")
    if not 0.0 <= noise <= MAX_NOISE:  # also rejects NaN
        raise ValueError(f"noise must be between 0 and {MAX_NOISE}, got {noise}")
    _check_rng(rng)
    return info.generate(int(n_points), float(noise), rng)


def _subset(dataset: Dataset, index: np.ndarray) -> Dataset:
    """The points at ``index`` (copies, so the parts never share memory with the original)."""
    return Dataset(
        x=dataset.x[index].copy(),
        y=dataset.y[index].copy(),
        kind=dataset.kind,
        n_classes=dataset.n_classes,
    )


def split(
    dataset: Dataset, train_ratio: float, rng: np.random.Generator
) -> tuple[Dataset, Dataset]:
    """Shuffle once and cut: the first round(n * train_ratio) points train, the rest test.

    This is Playground's "ratio of training data" (not stratified by class). If the data has
    at least two points, each part keeps at least one point, so a tiny data set never ends
    up with an empty training or test set.
    """
    if isinstance(train_ratio, bool) or not isinstance(
        train_ratio, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"train_ratio must be a number, got {train_ratio!r}")
    if not MIN_TRAIN_RATIO <= train_ratio <= MAX_TRAIN_RATIO:
        raise ValueError(
            f"train_ratio must be between {MIN_TRAIN_RATIO} and {MAX_TRAIN_RATIO}, "
            f"got {train_ratio}"
        )
    _check_rng(rng)
    n = len(dataset)
    n_train = round(n * float(train_ratio))
    if n >= 2:
        n_train = min(max(n_train, 1), n - 1)
    order = rng.permutation(n)
    return _subset(dataset, order[:n_train]), _subset(dataset, order[n_train:])


# ---------------------------------------------------------------------------------------------
# User data: CSV upload and editable table
# ---------------------------------------------------------------------------------------------


def _check_kind(kind: object) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be 'classification' or 'regression', got {kind!r}")


def _is_blank(value: object) -> bool:
    """True for cells a student would call empty: None, NaN, '' or only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _locate_columns(header: Sequence[object]) -> dict[str, int]:
    """Positions of x1, x2 and label in ``header`` (ignoring case and surrounding spaces).

    Other columns are allowed and ignored. Raises ValueError when a required column is
    missing or appears twice.
    """
    positions: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = str(raw).strip().lower()
        if key in COLUMNS:
            if key in positions:
                raise ValueError(f"The column '{key}' appears more than once in the header.")
            positions[key] = i
    missing = [c for c in COLUMNS if c not in positions]
    if missing:
        found = ", ".join(repr(str(h)) for h in header) or "no columns at all"
        raise ValueError(
            f"Missing column(s): {', '.join(missing)}. The data needs the columns x1, x2 and "
            f"label (first line = header); found: {found}."
        )
    return positions


def _parse_number(value: object, column: str, row: int) -> float:
    """One cell as a finite float, or a ValueError naming column and row."""
    where = f"in column '{column}' at row {row} (the header is row 1)"
    if _is_blank(value):
        raise ValueError(f"Empty or missing value {where}. Every row needs x1, x2 and label.")
    try:
        if isinstance(value, (bool, np.bool_)):  # float(True) would silently give 1.0
            raise TypeError
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        hint = " Use a dot as decimal separator." if "," in str(value) else ""
        raise ValueError(f"Non-numeric value {str(value)!r} {where}.{hint}") from None
    if math.isnan(number):
        raise ValueError(f"Missing value (NaN) {where}.")
    if math.isinf(number):
        raise ValueError(f"Infinite value {where}.")
    return number


def _parse_column(name: str, cells: Sequence[object], rows: Sequence[int]) -> np.ndarray:
    return np.array(
        [_parse_number(v, name, r) for v, r in zip(cells, rows, strict=True)], dtype=np.float64
    )


def _classification_labels(raw: np.ndarray, rows: Sequence[int]) -> tuple[np.ndarray, int]:
    """Map whole-number labels in sorted order to 0..k-1 (so -1/+1 become 0/1)."""
    not_whole = np.flatnonzero(raw != np.round(raw))
    if not_whole.size:
        i = int(not_whole[0])
        raise ValueError(
            f"Labels must be whole numbers (class numbers) for classification; column "
            f"'label' at row {rows[i]} (the header is row 1) holds {raw[i]:g}."
        )
    classes = np.unique(raw)
    if len(classes) < 2:
        raise ValueError(
            f"Classification needs at least two classes, but every label is {classes[0]:g}."
        )
    if len(classes) > MAX_CLASSES:
        shown = ", ".join(f"{c:g}" for c in classes)
        raise ValueError(
            f"At most {MAX_CLASSES} classes are supported, but the label column has "
            f"{len(classes)} different values: {shown}."
        )
    return np.searchsorted(classes, raw).astype(np.int64), len(classes)


def _dataset_from_cells(
    columns: dict[str, Sequence[object]], rows: Sequence[int], kind: Kind
) -> Dataset:
    """Shared checks for table and CSV input; ``rows`` are spreadsheet row numbers."""
    # Drop rows that are empty in all three columns: spreadsheets often export trailing
    # ",," lines, and an editable table may hold a freshly added, still empty row.
    keep = [i for i in range(len(rows)) if not all(_is_blank(columns[c][i]) for c in COLUMNS)]
    if len(keep) > MAX_USER_POINTS:
        raise ValueError(
            f"Too many rows: {len(keep)} data rows, at most {MAX_USER_POINTS} are allowed."
        )
    if len(keep) < MIN_USER_POINTS:
        raise ValueError(
            f"Too few rows: {len(keep)} data row(s), at least {MIN_USER_POINTS} are needed."
        )
    kept_rows = [rows[i] for i in keep]
    values = {c: _parse_column(c, [columns[c][i] for i in keep], kept_rows) for c in COLUMNS}
    for c in ("x1", "x2"):
        too_big = np.flatnonzero(np.abs(values[c]) > MAX_ABS_COORDINATE)
        if too_big.size:
            i = int(too_big[0])
            raise ValueError(
                f"Value {values[c][i]:g} in column '{c}' at row {kept_rows[i]} (the header is "
                f"row 1) is too large; coordinates must lie within ±{MAX_ABS_COORDINATE:g}."
            )
    x = np.column_stack([values["x1"], values["x2"]])
    if kind == "regression":
        return _regression(x, values["label"])
    y, n_classes = _classification_labels(values["label"], kept_rows)
    return Dataset(x=x, y=y, kind="classification", n_classes=n_classes)


def dataset_from_frame(df: pd.DataFrame, kind: Kind) -> Dataset:
    """Build a Dataset from a table with columns x1, x2, label (e.g. an editable table).

    Column names match ignoring case and surrounding spaces; other columns are ignored.
    Error messages count rows like a spreadsheet: the header is row 1, the first data row
    is row 2. Rows that are empty in all three columns are skipped. Nothing is rescaled.
    For classification, up to 6 distinct whole-number labels are mapped in sorted order to
    classes 0..k-1 (so Playground's -1/+1 become 0/1).
    """
    _check_kind(kind)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    positions = _locate_columns(list(df.columns))
    columns = {c: df.iloc[:, positions[c]].tolist() for c in COLUMNS}
    return _dataset_from_cells(columns, [i + 2 for i in range(len(df))], kind)


def _guess_delimiter(header_line: str) -> str:
    """Comma unless the header clearly uses ';' (European spreadsheets) or tabs."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def dataset_from_csv(data: bytes, kind: Kind) -> Dataset:
    """Parse an uploaded CSV file (UTF-8 text, header line with x1, x2, label).

    Besides commas, ';'-separated files with decimal commas and tab-separated files are
    accepted. Row numbers in error messages are line numbers of the file (header = 1).
    """
    _check_kind(kind)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    try:
        text = bytes(data).decode("utf-8-sig")  # tolerate the byte-order mark Excel writes
    except UnicodeDecodeError as err:
        raise ValueError(
            f"The file is not readable as UTF-8 text (problem at byte {err.start}). Is it a "
            "CSV file? In a spreadsheet program, save it as 'CSV UTF-8'."
        ) from None
    if not text.strip():
        raise ValueError("The file is empty. Upload a CSV file with columns x1, x2, label.")
    if "\x00" in text:
        raise ValueError("The file looks binary, not like CSV text. Upload a .csv file.")

    lines = text.splitlines()
    header_index = next(i for i, line in enumerate(lines) if line.strip())
    delimiter = _guess_delimiter(lines[header_index])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as err:
        raise ValueError(f"The file is not valid CSV (line {reader.line_num}): {err}") from None
    records = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    header = records[0][1]
    positions = _locate_columns(header)

    columns: dict[str, list[object]] = {c: [] for c in COLUMNS}
    rows: list[int] = []
    for line, row in records[1:]:
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            hint = " Decimal commas need ';' between the columns." if delimiter == "," else ""
            raise ValueError(
                f"Row {line} has {len(row)} values but the header has {len(header)} columns.{hint}"
            )
        for c in COLUMNS:
            cell = row[positions[c]] if positions[c] < len(row) else ""
            columns[c].append(cell.replace(",", ".") if delimiter == ";" else cell)
        rows.append(line)
    return _dataset_from_cells(columns, rows, kind)


def dataset_to_csv(dataset: Dataset) -> bytes:
    """The data set as UTF-8 CSV (header x1,x2,label) that :func:`dataset_from_csv` reads back.

    Floats are written with full precision, so coordinates survive the round trip exactly;
    classification labels are written as class indices 0..k-1.
    """
    lines = ["x1,x2,label"]
    labels = dataset.y.tolist()  # Python ints / floats, whose repr is exact and short
    for (x1, x2), label in zip(dataset.x.tolist(), labels, strict=True):
        lines.append(f"{x1!r},{x2!r},{label!r}")
    return ("\n".join(lines) + "\n").encode("utf-8")
