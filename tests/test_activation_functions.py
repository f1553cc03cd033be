"""Activation functions: Keras's values against NumPy formulas written out here, the
GradientTape slopes against central finite differences, the property table against closed
forms, one neuron's step, and the deep linear stack against its effective W and b."""

import math

import numpy as np
import pytest

from core import activation_functions as A

SELU_LAMBDA, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0.0, x)


#: Independent reference formulas (textbook definitions, Keras's default parameters).
REFERENCE = {
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "linear": lambda x: x,
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "softplus": _softplus,
    "softsign": lambda x: x / (1.0 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0))),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "hard_sigmoid": lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),
    "relu6": lambda x: np.clip(x, 0.0, 6.0),
    "exponential": np.exp,
}
#: Points where a function has a kink (no derivative): finite differences skip them.
KINKS = (-3.0, 0.0, 3.0, 6.0)


def test_at_least_twelve_activations_all_with_a_reference():
    assert len(A.ACTIVATIONS) >= 12
    assert set(A.ACTIVATIONS) == set(REFERENCE)
    assert tuple(A.ACTIVATIONS)[:3] == ("relu", "sigmoid", "tanh")  # the lecture's first


@pytest.mark.parametrize("name", list(REFERENCE))
def test_keras_values_match_the_numpy_formula(name):
    x = np.linspace(-8.0, 8.0, 321)
    values, _ = A.evaluate(name, x)
    np.testing.assert_allclose(values, REFERENCE[name](x), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", list(REFERENCE))
def test_autodiff_slopes_match_central_differences(name):
    x = np.linspace(-5.9, 5.9, 119) + 0.0137
    x = x[np.min(np.abs(x[:, None] - np.array(KINKS)), axis=1) > 1e-3]
    h = 1e-6
    numeric = (REFERENCE[name](x + h) - REFERENCE[name](x - h)) / (2 * h)
    _, slopes = A.evaluate(name, x)
    np.testing.assert_allclose(slopes, numeric, rtol=1e-5, atol=1e-6)


def test_an_unknown_activation_is_refused_by_name():
    with pytest.raises(ValueError, match="activation must be one of"):
        A.evaluate("relu7", np.zeros(2))


@pytest.mark.parametrize("name,lo,hi", [
    ("sigmoid", 0, 1), ("tanh", -1, 1), ("relu", 0, np.inf), ("linear", -np.inf, np.inf),
    ("softsign", -1, 1), ("hard_sigmoid", 0, 1), ("relu6", 0, 6), ("exponential", 0, np.inf),
    ("elu", -1, np.inf), ("selu", -SELU_LAMBDA * SELU_ALPHA, np.inf)])
def test_range_matches_the_closed_form(name, lo, hi):
    p = A.properties(name)
    assert p.lo == pytest.approx(lo, abs=1e-4)
    assert p.hi == pytest.approx(hi, abs=1e-4)


def test_interior_minimum_of_swish_is_found():
    # x·sigmoid(x) is smallest where 1 + x(1 - sigmoid(x)) = 0, at x ≈ -1.2785.
    x0 = -1.2784645
    assert A.properties("silu").lo == pytest.approx(x0 * _sigmoid(x0), abs=1e-4)
    assert A.properties("silu").hi == np.inf


@pytest.mark.parametrize("name,slope", [("sigmoid", 0.25), ("tanh", 1.0), ("softplus", 0.5),
                                        ("hard_sigmoid", 1 / 6), ("selu", SELU_LAMBDA),
                                        ("gelu", 0.5), ("linear", 1.0), ("elu", 1.0)])
def test_slope_at_zero(name, slope):
    assert A.properties(name).slope_at_zero == pytest.approx(slope, rel=1e-6)


def test_monotonic_and_zero_centred_flags():
    not_monotonic = {n for n in A.ACTIVATIONS if not A.properties(n).monotonic}
    assert not_monotonic == {"silu", "gelu", "mish"}
    centred = {n for n in A.ACTIVATIONS if A.properties(n).zero_centred}
    assert centred == {"tanh", "linear", "softsign", "selu"}


def test_mean_output_for_normal_inputs_matches_closed_forms():
    assert A.properties("relu").mean_output == pytest.approx(1 / np.sqrt(2 * np.pi), abs=1e-6)
    assert A.properties("exponential").mean_output == pytest.approx(np.exp(0.5), abs=1e-6)
    assert A.properties("sigmoid").mean_output == pytest.approx(0.5, abs=1e-9)
    assert A.properties("gelu").mean_output == pytest.approx(1 / (2 * np.sqrt(np.pi)), abs=1e-6)


def test_intervals_of_a_mask():
    x = np.arange(8.0)
    mask = np.array([1, 1, 0, 0, 1, 0, 1, 1], bool)
    assert A.intervals(x, mask) == [(0.0, 1.0), (4.0, 4.0), (6.0, 7.0)]
    assert A.intervals(x, np.zeros(8, bool)) == []


def test_sigmoid_saturates_where_its_slope_drops_below_the_threshold():
    eps = 0.05
    c = A.curves(("sigmoid", "relu", "linear"), eps)
    # s(1 - s) = eps at s = (1 + sqrt(1 - 4 eps)) / 2, i.e. at |x| = ln(s / (1 - s)).
    s = (1 + np.sqrt(1 - 4 * eps)) / 2
    edge = np.log(s / (1 - s))
    step = c.x[1] - c.x[0]
    (left_start, left_end), (right_start, right_end) = c.saturated["sigmoid"]
    assert left_start == c.x[0] and right_end == c.x[-1]
    assert left_end == pytest.approx(-edge, abs=step) and right_start == pytest.approx(edge,
                                                                                       abs=step)
    assert c.saturated["relu"] == [(c.x[0], pytest.approx(0.0, abs=step))]
    assert c.saturated["linear"] == []


def test_one_neuron_steps_at_minus_b_over_w_and_two_make_a_bump():
    p = A.NeuronParams(neuron_activation="sigmoid", w=2.0, b=-1.0, bump_width=2.0)
    n = A.neuron(p)
    assert n.step == pytest.approx(0.5)
    assert np.interp(0.5, n.x, n.a) == pytest.approx(0.5, abs=1e-3)
    np.testing.assert_allclose(n.a, _sigmoid(2.0 * n.x - 1.0), rtol=1e-6)
    steep = A.neuron(p.replace(w=20.0, b=-20.0, bump_width=2.0))  # steps at 1 and 3
    inside, outside = (steep.x > 1.3) & (steep.x < 2.7), (steep.x < 0.7) | (steep.x > 3.3)
    assert steep.bump[inside].min() > 0.99 and np.abs(steep.bump[outside]).max() < 0.01
    assert A.neuron(p.replace(w=0.0)).step is None


@pytest.mark.parametrize("depth", [1, 3, 12, 20])
def test_effective_linear_layer_reproduces_the_deep_linear_stack(depth):
    p = A.StackParams(stack_depth=depth, stack_width=7, stack_seed=depth)
    s = A.stack(p)
    weights = A.stack_weights(p)
    w_ref = np.linalg.multi_dot([w for w, _ in weights]) if depth > 1 else \
        weights[0][0] @ weights[1][0]
    assert s.w_eff == pytest.approx(float(w_ref[0, 0]), rel=1e-12)
    np.testing.assert_allclose(s.linear, s.w_eff * s.x + s.b_eff, rtol=1e-12, atol=1e-12)


def test_the_same_weights_with_an_activation_bend():
    s = A.stack(A.StackParams(stack_depth=6, bend="relu"))
    curvature = np.abs(np.diff(s.bent, 2))
    assert np.abs(np.diff(s.linear, 2)).max() < 1e-9  # a line has no second difference
    assert curvature.max() > 1e-4  # the ReLU network has kinks
    tanh = A.stack(A.StackParams(stack_depth=6, bend="tanh"))
    assert np.abs(np.diff(tanh.bent, 2)).max() > 1e-6


def test_saturation_sides_of_the_drawn_range():
    c = A.curves(("tanh", "relu", "linear", "exponential"), 0.05)
    assert A.saturation_sides(c, "tanh") == "both"
    assert A.saturation_sides(c, "relu") == "left"
    assert A.saturation_sides(c, "exponential") == "left"  # e^x is flat far left only
    assert A.saturation_sides(c, "linear") == "none"


def test_bend_measures_the_distance_from_a_line():
    s = A.stack(A.StackParams(stack_depth=6, bend="relu"))
    assert s.bend > 0.01
    x = s.x
    flat = A.Stack(x, s.weights, s.linear, 2 * x + 1, 2.0, 1.0)
    assert flat.bend == pytest.approx(0.0, abs=1e-12)
