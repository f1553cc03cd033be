"""Two-dimensional toy data sets in the style of TensorFlow Playground, plus user data.

One registry, :data:`DATASETS`, from name to generator; :func:`generate` checks the arguments
and makes the data, :func:`split` cuts it as Playground does. The generators live in
``core.datasets.playground`` (Playground's own) and ``core.datasets.extra`` (the additions),
user data parsing in ``core.datasets.user``, the common types in ``core.datasets.base``.
"""

from __future__ import annotations

import numpy as np

from core.datasets.base import (  # noqa: F401 - the package's public names
    COLUMNS,
    KINDS,
    MAX_ABS_COORDINATE,
    MAX_CLASSES,
    MAX_NOISE,
    MAX_POINTS,
    MAX_TRAIN_RATIO,
    MAX_USER_POINTS,
    MIN_TRAIN_RATIO,
    MIN_USER_POINTS,
    PLANE_HALF_WIDTH,
    POINT_BOUND,
    Dataset,
    DatasetInfo,
    Kind,
)
from core.datasets.extra import _checkerboard, _moons, _spiral3, _three_blobs
from core.datasets.playground import (  # noqa: F401
    MULTI_GAUSSIAN_BUMPS,
    MULTI_GAUSSIAN_STD,
    _circle,
    _gauss,
    _multi_gaussian,
    _plane,
    _spiral,
    _xor,
    multi_gaussian_surface,
)
from core.datasets.user import (  # noqa: F401
    dataset_from_csv,
    dataset_from_frame,
    dataset_to_csv,
    decode_csv,
    upload_help,
)

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
