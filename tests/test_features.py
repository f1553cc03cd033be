"""Tests for core.features: values are compared with numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.datasets import generate
from core.features import FEATURES, feature_matrix

# Three points whose feature values are easy to compute by hand.
POINTS = np.array([[1.0, 2.0], [-0.5, 3.0], [math.pi / 2, 0.0]])
EXPECTED = {
    "x1": [1.0, -0.5, 1.5707963],
    "x2": [2.0, 3.0, 0.0],
    "x1_sq": [1.0, 0.25, 2.4674011],  # (pi/2)^2
    "x2_sq": [4.0, 9.0, 0.0],
    "x1x2": [2.0, -1.5, 0.0],
    "sin_x1": [0.8414710, -0.4794255, 1.0],  # sin 1, sin(-0.5), sin(pi/2)
    "sin_x2": [0.9092974, 0.1411200, 0.0],  # sin 2, sin 3, sin 0
}


def test_registry_keys_in_playground_order() -> None:
    assert list(FEATURES) == ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
    for name, feature in FEATURES.items():
        assert feature.name == name
        assert feature.label and feature.latex


def test_labels_and_latex() -> None:
    assert FEATURES["x1_sq"].label == "x₁²"
    assert FEATURES["x1x2"].label == "x₁x₂"
    assert FEATURES["sin_x2"].latex == r"\sin(x_2)"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_feature_against_hand_computed_values(name: str) -> None:
    column = feature_matrix(POINTS, [name])
    assert column.shape == (3, 1)
    np.testing.assert_allclose(column[:, 0], EXPECTED[name], atol=1e-6)


def test_matrix_keeps_the_given_column_order_and_is_float32() -> None:
    names = ["sin_x2", "x1", "x1x2"]
    matrix = feature_matrix(POINTS, names)
    assert matrix.dtype == np.float32
    assert matrix.shape == (3, 3)
    expected = np.column_stack([EXPECTED[n] for n in names])
    np.testing.assert_allclose(matrix, expected, atol=1e-6)


def test_all_features_at_once() -> None:
    matrix = feature_matrix(POINTS, tuple(FEATURES))
    assert matrix.shape == (3, 7)
    np.testing.assert_allclose(matrix, np.column_stack(list(EXPECTED.values())), atol=1e-6)


def test_empty_input_gives_empty_matrix() -> None:
    assert feature_matrix(np.zeros((0, 2)), ["x1", "x2_sq"]).shape == (0, 2)


def test_squares_make_the_circle_linearly_separable() -> None:
    # The lecture's point: with x1² and x2² as inputs, a straight line (x1² + x2² = 9)
    # separates the circle data that no line in (x1, x2) can separate.
    data = generate("circle", 400, 0.0, np.random.default_rng(0))
    squares = feature_matrix(data.x, ["x1_sq", "x2_sq"])
    np.testing.assert_array_equal(squares.sum(axis=1) < 9, data.y == 1)


@pytest.mark.parametrize(
    ("names", "match"),
    [
        ([], "features must name at least one"),
        (["x1", "x3"], r"features contains unknown name\(s\) \['x3'\]"),
        (["x1", "x2", "x1"], r"features lists \['x1'\] more than once"),
    ],
)
def test_bad_feature_names(names: list[str], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        feature_matrix(POINTS, names)


def test_single_string_is_not_a_list_of_names() -> None:
    with pytest.raises(TypeError, match="features"):
        feature_matrix(POINTS, "x1")


@pytest.mark.parametrize("shape", [(3,), (3, 3), (3, 1)])
def test_bad_input_shape(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="x must have shape"):
        feature_matrix(np.zeros(shape), ["x1"])
