"""Tests for core.datasets: the generators are checked against Playground's formulas."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from core.datasets import (
    DATASETS,
    MAX_USER_POINTS,
    Dataset,
    dataset_from_csv,
    dataset_from_frame,
    dataset_to_csv,
    generate,
    split,
)

CLASSIFICATION = [name for name, info in DATASETS.items() if info.kind == "classification"]
REGRESSION = [name for name, info in DATASETS.items() if info.kind == "regression"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def radius(x: np.ndarray) -> np.ndarray:
    return np.hypot(x[:, 0], x[:, 1])


# --- registry ---------------------------------------------------------------------------------


def test_registry_keys_and_order() -> None:
    assert list(DATASETS) == [
        "circle", "xor", "gauss", "spiral",
        "checkerboard", "moons", "three_blobs", "spiral3",
        "plane", "multi_gaussian",
    ]  # fmt: skip


@pytest.mark.parametrize("name", list(DATASETS))
def test_registry_entry_matches_generated_data(name: str) -> None:
    info = DATASETS[name]
    assert info.name == name
    assert info.label and info.description.endswith(".")
    data = generate(name, 60, 0.1, rng())
    assert data.kind == info.kind
    assert data.n_classes == info.n_classes
    assert data.x.shape == (60, 2) and data.x.dtype == np.float64
    expected_dtype = np.int64 if info.kind == "classification" else np.float64
    assert data.y.shape == (60,) and data.y.dtype == expected_dtype
    assert (info.n_classes == 0) == (info.kind == "regression")


# --- Playground generators at noise 0 ---------------------------------------------------------


def test_circle_noise_free_geometry() -> None:
    data = generate("circle", 500, 0.0, rng())
    r = radius(data.x)
    assert np.all(r[data.y == 1] <= 2.5)
    assert np.all((r[data.y == 0] >= 3.5) & (r[data.y == 0] <= 5.0))


def test_xor_noise_free_rule_and_gap() -> None:
    data = generate("xor", 500, 0.0, rng())
    x1, x2 = data.x[:, 0], data.x[:, 1]
    np.testing.assert_array_equal(data.y, (x1 * x2 >= 0).astype(int))
    assert np.all(np.abs(data.x) >= 0.3)
    assert np.all(np.abs(data.x) <= 5.3)
    # Uniform on the square: every quadrant gets roughly a quarter of the points.
    quadrant_counts = np.bincount((x1 > 0) * 2 + (x2 > 0), minlength=4)
    assert quadrant_counts.min() > 90


def test_gauss_centres_and_variance_follow_noise() -> None:
    calm = generate("gauss", 4000, 0.0, rng(1))
    noisy = generate("gauss", 4000, 0.5, rng(1))
    for cls, centre in ((1, 2.0), (0, -2.0)):
        np.testing.assert_allclose(calm.x[calm.y == cls].mean(axis=0), [centre, centre], atol=0.06)
        # Playground: variance 0.5 at noise 0 ...
        np.testing.assert_allclose(calm.x[calm.y == cls].var(axis=0), 0.5, atol=0.06)
        # ... up to 4 at noise 0.5 (a little less: the tails beyond the plane are redrawn).
        variance = noisy.x[noisy.y == cls].var(axis=0)
        assert np.all((variance > 3.3) & (variance < 4.3))


def test_gauss_variance_grows_steadily() -> None:
    spreads = [generate("gauss", 2000, n, rng(2)).x.std() for n in (0.0, 0.1, 0.2, 0.3, 0.5)]
    assert spreads == sorted(spreads)


def test_spiral_follows_formula() -> None:
    n = 200
    data = generate("spiral", n, 0.0, rng())
    m = n // 2
    i = np.arange(m)
    r = 5.0 * i / m
    t = 1.75 * 2.0 * math.pi * i / m
    arm_plus = data.x[data.y == 1]  # Playground's +1 arm: offset 0
    arm_minus = data.x[data.y == 0]  # -1 arm: offset pi
    expected = np.column_stack([r * np.sin(t), r * np.cos(t)])
    np.testing.assert_allclose(arm_plus, expected, atol=1e-12)
    # Radius grows with the index along each arm ...
    assert np.all(np.diff(radius(arm_plus)) > 0)
    assert np.all(np.diff(radius(arm_minus)) > 0)
    # ... and the arms are opposite: point i of one arm is minus point i of the other.
    np.testing.assert_allclose(arm_minus, -arm_plus, atol=1e-12)


def test_spiral_noise_moves_points_by_at_most_noise() -> None:
    calm = generate("spiral", 300, 0.0, rng())
    noisy = generate("spiral", 300, 0.4, rng())
    shift = np.abs(noisy.x - calm.x)
    assert shift.max() <= 0.4 and shift.max() > 0.3
    np.testing.assert_array_equal(noisy.y, calm.y)


def test_spiral3_arms_are_rotated_copies() -> None:
    data = generate("spiral3", 300, 0.0, rng())
    arms = [data.x[data.y == c] for c in range(3)]
    angle = 2 * math.pi / 3
    rotation = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    for a, b in ((0, 1), (1, 2), (2, 0)):
        # x = r sin t, y = r cos t: adding 120 degrees to t is this rotation of (x, y).
        np.testing.assert_allclose(arms[a] @ rotation.T, arms[b], atol=1e-9)
        assert np.all(np.diff(radius(arms[a])) > 0)


def test_plane_target_noise_free_and_noisy() -> None:
    calm = generate("plane", 500, 0.0, rng())
    np.testing.assert_allclose(calm.y, (calm.x[:, 0] + calm.x[:, 1]) / 10)
    assert np.all(np.abs(calm.x) <= 6)
    noisy = generate("plane", 500, 0.5, rng())
    error = np.abs(noisy.y - (noisy.x[:, 0] + noisy.x[:, 1]) / 10)
    # Each axis is shifted by at most 6 * 0.5 = 3, so the target moves by at most 0.6.
    assert error.max() <= 0.6 and error.mean() > 0.1


def bumps(x: np.ndarray) -> np.ndarray:
    """The six-bump surface written out independently: 3 x 2 grid, alternating sign."""
    total = np.zeros(len(x))
    for cx, cy, sign in [(-4, 3, 1), (0, 3, -1), (4, 3, 1), (-4, -3, -1), (0, -3, 1), (4, -3, -1)]:
        total += sign * np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / (2 * 1.6**2))
    return np.clip(total, -1, 1)


def test_multi_gaussian_noise_free_surface() -> None:
    data = generate("multi_gaussian", 2000, 0.0, rng())
    np.testing.assert_allclose(data.y, bumps(data.x), atol=1e-12)
    assert np.all(np.abs(data.y) <= 1)
    near_hill = np.hypot(data.x[:, 0] - 0, data.x[:, 1] + 3) < 0.5  # positive bump at (0, -3)
    near_valley = np.hypot(data.x[:, 0] - 0, data.x[:, 1] - 3) < 0.5  # negative one at (0, 3)
    assert near_hill.any() and near_valley.any()
    assert np.all(data.y[near_hill] > 0.8) and np.all(data.y[near_valley] < -0.8)


# --- extra generators -------------------------------------------------------------------------


def test_checkerboard_noise_free_parity() -> None:
    data = generate("checkerboard", 1000, 0.0, rng())
    square = np.floor((data.x + 6) / 3).astype(int)  # 4 x 4 squares of side 3
    np.testing.assert_array_equal(data.y, ((square[:, 0] + square[:, 1]) % 2 == 0).astype(int))
    assert np.all(np.abs(data.x) <= 6)
    assert len(np.unique(square[:, 0] * 4 + square[:, 1])) == 16


def test_moons_noise_free_lie_on_two_arcs() -> None:
    data = generate("moons", 400, 0.0, rng())
    unit = data.x / (10 / 3) + np.array([0.5, 0.25])  # undo centring and scaling
    upper, lower = unit[data.y == 0], unit[data.y == 1]
    np.testing.assert_allclose(radius(upper), 1.0)
    np.testing.assert_allclose(radius(lower - np.array([1.0, 0.5])), 1.0)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)
    assert np.all(np.abs(data.x[:, 0]) <= 5 + 1e-9)


def test_three_blobs_centres() -> None:
    data = generate("three_blobs", 3000, 0.0, rng())
    assert data.n_classes == 3
    for cls, degrees in enumerate((90, 210, 330)):
        centre = 3.5 * np.array([math.cos(math.radians(degrees)), math.sin(math.radians(degrees))])
        np.testing.assert_allclose(data.x[data.y == cls].mean(axis=0), centre, atol=0.08)
        np.testing.assert_allclose(data.x[data.y == cls].var(axis=0), 0.5, atol=0.08)


# --- properties of every generator ------------------------------------------------------------


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("n_points", [1, 2, 7, 500])
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_classes_are_balanced(name: str, n_points: int, noise: float) -> None:
    data = generate(name, n_points, noise, rng(n_points))
    counts = np.bincount(data.y, minlength=data.n_classes)
    assert counts.sum() == n_points
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_points_finite_and_on_the_plane(name: str, noise: float) -> None:
    data = generate(name, 1000, noise, rng(3))
    assert np.all(np.isfinite(data.x)) and np.all(np.isfinite(data.y))
    assert np.abs(data.x).max() <= 6.5


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    a = generate(name, 200, 0.2, rng(7))
    b = generate(name, 200, 0.2, rng(7))
    c = generate(name, 200, 0.2, rng(8))
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


def xor_rule(x: np.ndarray) -> np.ndarray:
    return (x[:, 0] * x[:, 1] >= 0).astype(int)


def circle_rule(x: np.ndarray) -> np.ndarray:
    return (radius(x) < 2.5).astype(int)


def checker_rule(x: np.ndarray) -> np.ndarray:
    square = np.floor((x + 6) / 3).astype(int)
    return ((square[:, 0] + square[:, 1]) % 2 == 0).astype(int)


@pytest.mark.parametrize(
    ("name", "rule"), [("xor", xor_rule), ("circle", circle_rule), ("checkerboard", checker_rule)]
)
def test_noise_flips_more_labels(name: str, rule: Callable[[np.ndarray], np.ndarray]) -> None:
    wrong = []
    for noise in (0.0, 0.25, 0.5):
        data = generate(name, 2000, noise, rng(4))
        wrong.append(np.mean(data.y != rule(data.x)))
    assert wrong[0] == 0
    assert 0.02 < wrong[1] < wrong[2] < 0.4


def test_label_noise_only_reaches_points_near_the_boundary() -> None:
    noise = 0.25
    # xor: the label is read at a copy shifted by at most 5 * noise per axis.
    data = generate("xor", 2000, noise, rng(6))
    flipped = data.y != xor_rule(data.x)
    assert flipped.any()
    assert np.all(np.abs(data.x[flipped]).min(axis=1) <= 5 * noise)
    assert np.abs(data.x[flipped]).min(axis=1).max() > 0.8 * 5 * noise
    # circle: shifted by at most 5 * noise per axis, i.e. 5 * sqrt(2) * noise in distance.
    data = generate("circle", 2000, noise, rng(6))
    flipped = data.y != circle_rule(data.x)
    assert flipped.any()
    assert np.all(np.abs(radius(data.x[flipped]) - 2.5) <= 5 * math.sqrt(2) * noise)
    # checkerboard: shifted by at most half a square (1.5) * noise per axis.
    data = generate("checkerboard", 2000, noise, rng(6))
    flipped = data.y != checker_rule(data.x)
    offset = (data.x[flipped] + 6) % 3
    to_edge = np.minimum(offset, 3 - offset).min(axis=1)
    assert flipped.any() and np.all(to_edge <= 1.5 * noise)
    assert to_edge.max() > 0.8 * 1.5 * noise


def test_noise_moves_regression_targets_more() -> None:
    errors = []
    for noise in (0.0, 0.2, 0.5):
        data = generate("multi_gaussian", 2000, noise, rng(5))
        errors.append(np.abs(data.y - bumps(data.x)).mean())
    assert errors[0] < 1e-12 < errors[1] < errors[2]


# --- argument checking ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("bogus", 10, 0.0), "dataset"),
        (("circle", 0, 0.0), "n_points"),
        (("circle", 5001, 0.0), "n_points"),
        (("circle", 10, -0.01), "noise"),
        (("circle", 10, 0.51), "noise"),
        (("circle", 10, float("nan")), "noise"),
    ],
)
def test_generate_rejects_bad_arguments(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        generate(*args, rng())


def test_generate_rejects_wrong_types() -> None:
    with pytest.raises(TypeError, match="n_points"):
        generate("circle", 10.5, 0.0, rng())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rng"):
        generate("circle", 10, 0.0, 42)  # type: ignore[arg-type]


def test_generate_accepts_the_limits() -> None:
    assert len(generate("plane", 5000, 0.5, rng())) == 5000
    assert len(generate("spiral", 1, 0.0, rng())) == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": np.zeros((3, 3))}, "^x "),
        ({"x": np.zeros((3, 2), dtype=np.float32)}, "^x "),
        ({"x": np.full((3, 2), np.nan)}, "^x "),
        ({"y": np.zeros(4, dtype=np.int64)}, "^y "),
        ({"y": np.zeros(3)}, "^y "),
        ({"y": np.array([0, 1, 2])}, "^y "),
        ({"n_classes": 1}, "^n_classes"),
        ({"kind": "clustering"}, "^kind"),
    ],
)
def test_dataset_validates_fields(kwargs: dict, match: str) -> None:
    fields = {
        "x": np.zeros((3, 2)),
        "y": np.array([0, 1, 1], dtype=np.int64),
        "kind": "classification",
        "n_classes": 2,
    }
    fields.update(kwargs)
    with pytest.raises(ValueError, match=match):
        Dataset(**fields)


def test_regression_dataset_needs_zero_classes_and_float_targets() -> None:
    with pytest.raises(ValueError, match="^n_classes"):
        Dataset(np.zeros((2, 2)), np.zeros(2), "regression", 2)
    with pytest.raises(ValueError, match="^y "):
        Dataset(np.zeros((2, 2)), np.zeros(2, dtype=np.int64), "regression", 0)


# --- split ------------------------------------------------------------------------------------


def rows(data: Dataset) -> list[tuple[float, float, float]]:
    return sorted(zip(data.x[:, 0].tolist(), data.x[:, 1].tolist(), data.y.tolist(), strict=True))


@pytest.mark.parametrize(("n", "ratio"), [(500, 0.5), (500, 0.3), (11, 0.55), (37, 0.9), (10, 0.1)])
def test_split_sizes_and_union(n: int, ratio: float) -> None:
    data = generate("xor", n, 0.1, rng())
    train, test = split(data, ratio, rng(1))
    assert len(train) == round(n * ratio)
    assert len(train) + len(test) == n
    assert sorted(rows(train) + rows(test)) == rows(data)
    assert (train.kind, train.n_classes) == (data.kind, data.n_classes)
    assert (test.kind, test.n_classes) == (data.kind, data.n_classes)


def test_split_shuffles_reproducibly() -> None:
    data = generate("spiral", 200, 0.0, rng())  # generated in order along the arms
    train_a, _ = split(data, 0.5, rng(3))
    train_b, _ = split(data, 0.5, rng(3))
    train_c, _ = split(data, 0.5, rng(4))
    np.testing.assert_array_equal(train_a.x, train_b.x)
    assert not np.array_equal(train_a.x, train_c.x)
    assert not np.array_equal(train_a.x, data.x[:100])  # not simply the first half
    assert 0 < train_a.y.sum() < 100  # both arms appear in the training part


def test_split_keeps_both_parts_non_empty_for_tiny_data() -> None:
    data = generate("plane", 3, 0.0, rng())
    train, test = split(data, 0.1, rng())
    assert (len(train), len(test)) == (1, 2)
    train, test = split(data, 0.9, rng())
    assert (len(train), len(test)) == (2, 1)


@pytest.mark.parametrize("ratio", [0.05, 0.95, 0.0, 1.0, float("nan")])
def test_split_rejects_bad_ratio(ratio: float) -> None:
    with pytest.raises(ValueError, match="train_ratio"):
        split(generate("plane", 10, 0.0, rng()), ratio, rng())


# --- CSV and tables ---------------------------------------------------------------------------


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


GOOD = ("x1,x2,label", "0,0,1", "1.5,-2,-1", "3,4e-1,1", "-5,6,-1")


@pytest.mark.parametrize("name", ["circle", "three_blobs", "plane", "multi_gaussian"])
def test_csv_round_trip_is_exact(name: str) -> None:
    data = generate(name, 300, 0.3, rng())
    text = dataset_to_csv(data)
    assert text.startswith(b"x1,x2,label\n")
    again = dataset_from_csv(text, data.kind)
    np.testing.assert_array_equal(again.x, data.x)
    np.testing.assert_array_equal(again.y, data.y)
    assert again == data


def test_csv_playground_labels_map_to_classes() -> None:
    data = dataset_from_csv(csv_bytes(*GOOD), "classification")
    np.testing.assert_array_equal(data.y, [1, 0, 1, 0])
    np.testing.assert_array_equal(data.x, [[0, 0], [1.5, -2], [3, 0.4], [-5, 6]])
    assert data.n_classes == 2


def test_csv_arbitrary_integer_labels_map_in_sorted_order() -> None:
    text = csv_bytes("x1,x2,label", "0,0,7", "1,1,3", "2,2,9.0", "3,3,3", "4,4,-2")
    data = dataset_from_csv(text, "classification")
    np.testing.assert_array_equal(data.y, [2, 1, 3, 1, 0])
    assert data.n_classes == 4


def test_csv_header_is_forgiving_and_extra_columns_are_ignored() -> None:
    text = csv_bytes(" Label ,note, X1,x2 ", "1,a,0,0", "0,b,1,1", "1,c,2,2", "0,d,3,3")
    data = dataset_from_csv(text, "classification")
    np.testing.assert_array_equal(data.x[:, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(data.y, [1, 0, 1, 0])


def test_csv_semicolons_with_decimal_commas_bom_and_blank_lines() -> None:
    text = "\ufeffx1;x2;label\r\n0,5;1;0\r\n\r\n2;-1,25;1\r\n3;3;0\r\n4;4;1\r\n;;\r\n"
    data = dataset_from_csv(text.encode("utf-8"), "classification")
    np.testing.assert_array_equal(data.x, [[0.5, 1], [2, -1.25], [3, 3], [4, 4]])


def test_csv_regression_accepts_float_labels() -> None:
    data = dataset_from_csv(
        csv_bytes("x1,x2,label", "0,0,0.5", "1,1,-2.25", "2,2,1e3", "3,3,0"), "regression"
    )
    np.testing.assert_array_equal(data.y, [0.5, -2.25, 1000, 0])
    assert data.n_classes == 0


def replace_cell(row: int, column: int, value: str) -> bytes:
    """GOOD with one cell changed; ``row`` counts like a spreadsheet (header = row 1)."""
    lines = [line.split(",") for line in GOOD]
    lines[row - 1][column] = value
    return csv_bytes(*(",".join(cells) for cells in lines))


CSV_ERRORS = {
    "empty": (b"", "empty"),
    "blank": (b"  \n\n", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
    "missing_label": (
        csv_bytes("x1,x2,y", "1,2,3"),
        r"Missing column\(s\): label.*found: 'x1', 'x2', 'y'",
    ),
    "no_header": (csv_bytes("1,2,0", "3,4,1"), r"Missing column\(s\): x1, x2, label"),
    "twice": (csv_bytes("x1,x1,x2,label", "1,1,2,0"), "'x1' appears more than once"),
    "text": (replace_cell(3, 1, "abc"), r"Non-numeric value 'abc' in column 'x2' at row 3"),
    "decimal_comma": (replace_cell(4, 0, "1,5"), r"Row 4 has 4 values"),
    "empty_cell": (replace_cell(5, 2, ""), r"Empty or missing value in column 'label' at row 5"),
    "nan": (replace_cell(2, 0, "nan"), r"NaN\) in column 'x1' at row 2"),
    "inf": (replace_cell(4, 1, "-inf"), r"Infinite value in column 'x2' at row 4"),
    "huge": (replace_cell(3, 0, "2e6"), r"column 'x1' at row 3 .*too large"),
    "three_rows": (csv_bytes(*GOOD[:4]), "Too few rows: 3 .*at least 4"),
    "header_only": (csv_bytes("x1,x2,label"), "Too few rows: 0"),
    "fraction": (replace_cell(3, 2, "0.5"), r"whole numbers.*'label' at row 3"),
    "one_class": (
        csv_bytes("x1,x2,label", *[f"{i},{i},1" for i in range(5)]),
        "at least two classes",
    ),
    "seven_classes": (
        csv_bytes("x1,x2,label", *[f"{i},{i},{i}" for i in range(7)]),
        "At most 6 classes",
    ),
    "too_many": (
        csv_bytes("x1,x2,label", *[f"{i},{i},{i % 2}" for i in range(MAX_USER_POINTS + 1)]),
        f"Too many rows: {MAX_USER_POINTS + 1}",
    ),
}


@pytest.mark.parametrize(("data", "match"), CSV_ERRORS.values(), ids=CSV_ERRORS.keys())
def test_csv_errors_explain_what_and_where(data: bytes, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        dataset_from_csv(data, "classification")


def test_csv_accepts_the_row_limit() -> None:
    lines = [f"{i % 50},{i % 7},{i % 2}" for i in range(MAX_USER_POINTS)]
    assert len(dataset_from_csv(csv_bytes("x1,x2,label", *lines), "classification")) == 2000


def test_frame_errors_use_spreadsheet_rows_and_blank_rows_are_skipped() -> None:
    frame = pd.DataFrame(
        {
            "x1": [0.0, 1.0, 2.0, 3.0, None],
            "x2": [0.0, np.nan, 2.0, 3.0, None],
            "label": [0.1, 0.2, 0.3, 0.4, None],
        }
    )
    with pytest.raises(ValueError, match=r"column 'x2' at row 3"):
        dataset_from_frame(frame, "regression")
    frame.loc[1, "x2"] = 1.0
    data = dataset_from_frame(frame, "regression")  # the all-empty last row is dropped
    assert len(data) == 4
    np.testing.assert_allclose(data.y, [0.1, 0.2, 0.3, 0.4])


def test_frame_with_strings_and_booleans() -> None:
    frame = pd.DataFrame({"X1": ["1", " 2 ", "3", "4"], "x2": [1, 2, 3, 4], "label": [0, 1, 0, 1]})
    assert len(dataset_from_frame(frame, "classification")) == 4
    frame["x2"] = [1, 2, True, 4]
    with pytest.raises(ValueError, match="column 'x2' at row 4"):
        dataset_from_frame(frame, "classification")


def test_user_data_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        dataset_from_csv(csv_bytes(*GOOD), "clustering")  # type: ignore[arg-type]
