"""The Playground's data: generated or own points, cut into training, validation and test
sets, and the square of the input plane the pictures show."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import datasets
from core.datasets import Dataset
from core.playground.params import (
    HALF_WIDTH,
    N_POINTS,
    USER_DATA,
    VALIDATION_SHARE,
    PlaygroundParams,
)


@dataclass(frozen=True)
class Plane:
    """The square of the input plane the pictures show, and its map to network inputs.

    Generated data lives on Playground's plane [−6, 6]² and reaches the features unchanged.
    Own data beyond that square (or much smaller) is shown in its own coordinates and
    shifted and scaled into Playground's plane for the network, so the same learning rates
    work for it.
    """

    center: tuple[float, float] = (0.0, 0.0)
    half_width: float = HALF_WIDTH

    @property
    def scale(self) -> float:
        """Network coordinate per data coordinate."""
        return HALF_WIDTH / self.half_width

    @property
    def is_identity(self) -> bool:
        return self.center == (0.0, 0.0) and self.half_width == HALF_WIDTH

    def to_network(self, x: np.ndarray) -> np.ndarray:
        """Points in data coordinates → points on Playground's plane."""
        return (np.asarray(x, np.float64) - np.array(self.center)) * self.scale

    def axes(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Grid coordinates along x₁ and x₂ (data coordinates)."""
        t = np.linspace(-self.half_width, self.half_width, size)
        return t + self.center[0], t + self.center[1]

    def grid(self, size: int) -> np.ndarray:
        """All grid points, x₁ varying fastest (the row order of a heatmap's z)."""
        ax1, ax2 = self.axes(size)
        g1, g2 = np.meshgrid(ax1, ax2)
        return np.column_stack([g1.ravel(), g2.ravel()])

    @classmethod
    def fitting(cls, x: np.ndarray) -> Plane:
        """Playground's plane if the points fit it comfortably, else a square around them."""
        lo, hi = x.min(axis=0), x.max(axis=0)
        if np.all(np.abs(x) <= HALF_WIDTH) and float(np.max(hi - lo)) >= 2.0:
            return cls()
        center = (hi + lo) / 2
        half = 1.1 * float(np.max(hi - lo)) / 2
        half = half if half > 1e-9 else 1.0
        return cls((float(center[0]), float(center[1])), half)


def make_data(p: PlaygroundParams, user_data: Dataset | None = None
              ) -> tuple[Dataset, Dataset, Plane]:
    """Training and test sets and the plane they are shown on.

    Generated data: 500 points from ``p.dataset`` with noise ``p.noise`` %, drawn from
    ``p.data_seed``. Own data (``p.dataset == "user"``) comes as ``user_data``. Either way the
    points are shuffled once and cut at ``p.train_ratio`` %, as Playground does.
    """
    if p.dataset == USER_DATA:
        if user_data is None:
            raise ValueError("dataset: 'Your own data' needs data: upload a CSV file or edit "
                             "the table of points")
        if user_data.kind != p.problem:
            raise ValueError(f"problem type: your data was read for {user_data.kind}, but the "
                             f"problem type is {p.problem}")
        full = user_data
    else:
        full = datasets.generate(p.dataset, N_POINTS, p.noise / 100,
                                 np.random.default_rng([p.data_seed, 0]))
    train, test = datasets.split(full, p.train_ratio / 100, np.random.default_rng([p.data_seed, 1]))
    plane = Plane() if p.dataset != USER_DATA else Plane.fitting(full.x)
    return train, test, plane


def validation_split(train: Dataset, p: PlaygroundParams) -> tuple[Dataset, Dataset | None]:
    """The points that fit the network, and the validation set split off them.

    Only when early stopping or the plateau schedule is on (``p.watches_validation``): then
    ``VALIDATION_SHARE`` of the training points (at least one) are held out, drawn from
    ``p.data_seed``, so what stops training is never the test set. Otherwise the training set
    is returned whole with no validation set.
    """
    if not p.watches_validation or len(train) < 2:
        return train, None
    ratio = 1.0 - VALIDATION_SHARE
    fit, validation = datasets.split(train, ratio, np.random.default_rng([p.data_seed, 2]))
    return fit, validation
