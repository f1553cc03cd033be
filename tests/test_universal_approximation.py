"""Universal approximation core: targets, data, the unit-by-unit decomposition, sums built by
hand, parameter counts, and the claims of the page (error falls with width, no
extrapolation) on fixed seeds."""

import functools

import numpy as np
import pytest

from core import network
from core import universal_approximation as U


def test_every_target_is_finite_and_not_constant_on_its_range():
    for name, target in U.TARGETS.items():
        x = np.linspace(*target.x_range, 501)
        y = target.fn(x)
        assert np.all(np.isfinite(y)) and np.ptp(y) > 0.5, name


def test_a_custom_target_uses_its_expression_and_range():
    p = U.ApproxParams(target=U.CUSTOM, expression="x^2 - 1", x_min=-1.0, x_max=2.0,
                       points=50, noise=0.0)
    x, y = U.make_data(p)
    assert x.min() >= -1.0 and x.max() <= 2.0 and np.all(np.diff(x) >= 0)
    np.testing.assert_allclose(y, x ** 2 - 1)
    grid, inside = U.wide_grid(p)
    assert grid[0] == pytest.approx(-2.5) and grid[-1] == pytest.approx(3.5)
    assert grid[inside].min() >= -1.0 and grid[inside].max() <= 2.0


def test_data_are_reproducible_and_noise_has_the_asked_size():
    p = U.ApproxParams(target="sin", points=1000, noise=0.2, seed=3)
    x1, y1 = U.make_data(p)
    x2, y2 = U.make_data(p)
    np.testing.assert_array_equal(y1, y2)
    spread = np.std(np.sin(np.linspace(*U.TARGETS["sin"].x_range, 1001)))
    assert np.std(y1 - np.sin(x1)) == pytest.approx(0.2 * spread, rel=0.1)
    assert not np.array_equal(U.make_data(p.replace(seed=4))[1], y1)


def test_contributions_add_up_to_the_networks_output():
    rng = np.random.default_rng(0)
    weights = [(rng.normal(size=(1, 7)), rng.normal(size=7)),
               (rng.normal(size=(7, 1)), rng.normal(size=1))]
    weights[0][0][0, 3] = 0.0  # a unit without a position: a constant
    x = np.linspace(-4, 4, 101)
    for activation in ("relu", "sigmoid", "tanh"):
        dec = U.decompose(weights, activation, x)
        reference = network.predict(weights, [activation], "linear", x[:, None])[:, 0]
        np.testing.assert_allclose(dec.total, reference, rtol=0, atol=1e-12)
        w, b = weights[0][0][0], weights[0][1]
        expected = np.where(w != 0, -b / np.where(w != 0, w, 1), np.inf)
        np.testing.assert_array_equal(dec.positions, np.sort(expected))
        assert np.isinf(dec.positions[-1])


def test_a_relu_units_kink_sits_at_its_position():
    weights = [(np.array([[2.0, -1.0]]), np.array([-1.0, 0.5])),
               (np.array([[1.0], [3.0]]), np.array([0.25]))]
    x = np.linspace(-2, 2, 401)
    dec = U.decompose(weights, "relu", x)
    np.testing.assert_allclose(dec.positions, [0.5, 0.5])
    # Unit 1 (w = 2) is zero left of 0.5, unit 2 (w = -1) zero right of it.
    assert np.all(dec.contributions[:, np.isclose(x, 0.5)] == 0)


def test_trained_contributions_add_up_to_the_engines_output():
    p = U.ApproxParams(target="gaussian", hidden_units=8, epochs=100, points=64)
    run = U.train_fit(p, frames=2)
    dec = U.decompose(run.weights(), p.activation, run.grid)
    np.testing.assert_allclose(dec.total, run.outputs(), atol=1e-4)


def test_the_input_scaling_folds_exactly_into_the_first_layer():
    rng = np.random.default_rng(1)
    weights = [(rng.normal(size=(1, 5)), rng.normal(size=5)),
               (rng.normal(size=(5, 1)), rng.normal(size=1))]
    x = np.linspace(-3, 7, 50)
    centre, half = 2.0, 5.0
    scaled = network.predict(weights, ["tanh"], "linear", ((x - centre) / half)[:, None])
    direct = network.predict(U.in_x(weights, (centre, half)), ["tanh"], "linear", x[:, None])
    np.testing.assert_allclose(direct, scaled, atol=1e-12)
    p = U.ApproxParams(target=U.CUSTOM, x_min=-3.0, x_max=7.0)
    assert U.input_scale(p) == (2.0, 5.0)


def test_parameter_counts_match_the_weight_shapes():
    for layers, units in ((1, 1), (1, 56), (3, 8), (2, 30), (4, 16)):
        sizes = (1, *([units] * layers), 1)
        count = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        assert U.parameter_count(layers, units) == count
    assert U.parameter_count(3, 8) == 169 and U.matched_width(169) == 56
    shallow, deep = U.CompareParams().pair(U.ApproxParams())
    assert (shallow.hidden_layers, shallow.hidden_units) == (1, 56)
    assert (deep.hidden_layers, deep.hidden_units) == (3, 8)


def test_evenly_placed_hinges_interpolate_f_piecewise_linearly():
    p = U.ApproxParams(target="sin")
    h = U.place_evenly(p, U.HandParams(hand_kind="hinge", hand_count=10))
    lo, hi = U.x_range(p)
    nodes = np.linspace(lo, hi, 11)
    x = np.linspace(lo, hi, 301)
    # The broken line through (tᵢ, sin tᵢ), up to the table's rounding to 3 decimals.
    np.testing.assert_allclose(U.hand_sum(h, x), np.interp(x, nodes, np.sin(nodes)), atol=0.02)


def test_evenly_placed_steps_approach_f_as_they_get_more_and_steeper():
    p = U.ApproxParams(target="gaussian")
    lo, hi = U.x_range(p)
    x = np.linspace(lo, hi, 401)
    errors = []
    for count in (4, 8, 16):
        h = U.place_evenly(p, U.HandParams(hand_kind="step", hand_count=count,
                                           hand_steepness=100.0))
        errors.append(U.fit_errors(np.exp(-x ** 2 / 0.5), U.hand_sum(h, x))[1])
    assert errors[0] > errors[1] > errors[2]


def test_hand_params_need_one_height_per_position():
    with pytest.raises(ValueError, match="one entry per position"):
        U.HandParams(hand_positions=(0.0, 1.0), hand_heights=(1.0,))


def test_the_error_falls_as_the_width_grows():
    """The page's sweep claim on a smooth target, fixed seed."""
    p = U.ApproxParams(target="sin", activation="tanh", learning_rate=0.03, epochs=400,
                       points=100, seed=1)
    rms = [U.sweep_point(p, width)[1] for width in (1, 4, 16)]
    assert rms[0] > 2 * rms[1] > 0 and rms[1] > rms[2]


@functools.cache
def _lecture_fit() -> U.Fit:
    return U.train_fit(U.ApproxParams().replace(**U.LECTURE_PRESET), frames=1)


def test_the_network_does_not_extrapolate():
    """What to notice: outside the training range the fit leaves f, even where it follows f
    closely inside (the lecture's 2 × 30 network)."""
    run = _lecture_fit()
    outside = ~run.inside
    inside_max = U.fit_errors(run.truth[run.inside], run.outputs()[run.inside])[0]
    outside_max = U.fit_errors(run.truth[outside], run.outputs()[outside])[0]
    assert outside_max > 3 * inside_max


def test_the_lectures_two_by_thirty_fits_far_better_than_the_default_one_layer():
    """What to notice: weights exist, but one layer of 16 units trained 400 epochs leaves
    visible errors where the lecture's 2 × 30 network follows f closely."""
    default = U.train_fit(U.ApproxParams(), frames=1).errors
    lecture = _lecture_fit().errors
    assert default[0] > 0.5 and lecture[0] < 0.25 and default[1] > 5 * lecture[1]
