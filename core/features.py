"""Input features of TensorFlow Playground: x1, x2 and five hand-made non-linear ones.

A network that gets, say, x1² and x2² as extra inputs can separate the circle data with a
single neuron; the pages use this registry to show that feature engineering can replace
hidden layers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feature:
    """One input feature: how the UI names it and how it is computed from (x1, x2).

    ``fn(x1, x2)`` takes two arrays of shape (n,) and returns the feature values, shape (n,).
    """

    name: str
    label: str
    latex: str
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _x1(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return x1


def _x2(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return x2


def _x1_sq(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return x1 * x1


def _x2_sq(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return x2 * x2


def _x1x2(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return x1 * x2


def _sin_x1(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return np.sin(x1)


def _sin_x2(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return np.sin(x2)


_ALL: tuple[Feature, ...] = (
    Feature("x1", "x₁", "x_1", _x1),
    Feature("x2", "x₂", "x_2", _x2),
    Feature("x1_sq", "x₁²", "x_1^2", _x1_sq),
    Feature("x2_sq", "x₂²", "x_2^2", _x2_sq),
    Feature("x1x2", "x₁x₂", "x_1 x_2", _x1x2),
    Feature("sin_x1", "sin(x₁)", r"\sin(x_1)", _sin_x1),
    Feature("sin_x2", "sin(x₂)", r"\sin(x_2)", _sin_x2),
)

# Insertion order is Playground's order of the feature column.
FEATURES: dict[str, Feature] = {f.name: f for f in _ALL}


def _check_names(names: Sequence[str]) -> list[str]:
    """The names as a list; errors start with "features" and say what is wrong."""
    if isinstance(names, str):
        # A bare string is a Sequence too; "x1" would otherwise be read as ["x", "1"].
        raise TypeError(f"features must be a list of names, not the single string {names!r}")
    names = list(names)
    if not names:
        raise ValueError("features must name at least one input feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(
            f"features contains unknown name(s) {unknown}; known: {', '.join(FEATURES)}"
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"features lists {duplicates} more than once")
    return names


def feature_matrix(x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The network input: one column per feature in ``names``, in that order.

    ``x`` holds the raw points, shape (n, 2). The result has shape (n, len(names)) and dtype
    float32, the precision Keras trains in; the features are computed in float64 and rounded
    only once, at the end.
    """
    names = _check_names(names)
    points = np.asarray(x, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2), got {points.shape}")
    x1, x2 = points[:, 0], points[:, 1]
    columns = [FEATURES[n].fn(x1, x2) for n in names]
    return np.column_stack(columns).astype(np.float32)
