"""Tests for the registries in core.activations, core.initializers and core.optimizers.

Activations are compared with Keras's own functions and with finite differences; initial
weights with the closed-form limits and standard deviations of each scheme; optimizers with
the Keras classes and hyper-parameters the lecture names.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from core import activations, initializers, optimizers
from core.initializers import initial_weights

# A grid that avoids 0 exactly (the kink of relu, leaky ReLU and ELU) and reaches into the
# saturated ranges on both sides.
GRID = np.linspace(-6.0, 6.0, 240)


def keras_values(keras_name: str, x: np.ndarray) -> np.ndarray:
    fn = getattr(keras.activations, keras_name)
    return keras.ops.convert_to_numpy(fn(keras.ops.convert_to_tensor(x.astype(np.float32))))


# ----------------------------------------------------------------------------------------
# Activations
# ----------------------------------------------------------------------------------------


def test_registry_names_and_lookup() -> None:
    assert set(activations.ACTIVATIONS) == {"relu", "tanh", "sigmoid", "linear", "elu",
                                            "leaky_relu", "softplus", "swish"}
    for name, entry in activations.ACTIVATIONS.items():
        assert entry.name == name
        assert entry.label and entry.latex
        assert activations.get(name) is entry
    assert activations.PLAYGROUND_ACTIVATIONS == ("relu", "tanh", "sigmoid", "linear")


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_numpy_fn_matches_keras(name: str) -> None:
    entry = activations.get(name)
    x = GRID.astype(np.float32).astype(np.float64)  # the exact values Keras sees
    expected = keras_values(entry.keras, x)
    got = entry.fn(x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


# Values worked out by hand at a few points, so the Keras comparison above is not the only
# reference (it would not notice a wrong ``keras`` name that happens to exist).
HAND_VALUES = {
    "relu": {-2.0: 0.0, 3.0: 3.0},
    "tanh": {1.0: math.tanh(1.0), -0.5: math.tanh(-0.5)},
    "sigmoid": {0.0: 0.5, 2.0: 1 / (1 + math.exp(-2.0))},
    "linear": {-1.5: -1.5, 4.0: 4.0},
    "elu": {-1.0: math.exp(-1.0) - 1, 2.0: 2.0},
    "leaky_relu": {-1.0: -0.2, 2.0: 2.0},
    "softplus": {0.0: math.log(2.0), 1.0: math.log(1 + math.e)},
    "swish": {1.0: 1 / (1 + math.exp(-1.0)), -2.0: -2.0 / (1 + math.exp(2.0))},
}


@pytest.mark.parametrize("name", list(HAND_VALUES))
def test_fn_at_hand_computed_points(name: str) -> None:
    points = HAND_VALUES[name]
    got = activations.get(name).fn(np.array(list(points), dtype=np.float64))
    np.testing.assert_allclose(got, list(points.values()), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_derivative_matches_central_difference(name: str) -> None:
    entry = activations.get(name)
    x = GRID[np.abs(GRID) > 1e-2]  # away from the kink at 0
    h = 1e-6
    numeric = (entry.fn(x + h) - entry.fn(x - h)) / (2 * h)
    np.testing.assert_allclose(entry.derivative(x), numeric, rtol=1e-5, atol=1e-7)


def test_sigmoid_does_not_overflow_for_large_inputs() -> None:
    with np.errstate(over="raise", invalid="raise"):  # underflow to 0 is fine
        got = activations.get("sigmoid").fn(np.array([-1000.0, -40.0, 40.0, 1000.0]))
    np.testing.assert_allclose(got, [0.0, math.exp(-40.0), 1.0, 1.0], rtol=1e-12, atol=0)


def test_zero_at_zero() -> None:
    zero = {name for name, entry in activations.ACTIVATIONS.items() if entry.zero_at_zero}
    assert zero == {"relu", "tanh", "linear", "elu", "leaky_relu", "swish"}


def test_unknown_activation_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="activation"):
        activations.get("nope")


# ----------------------------------------------------------------------------------------
# Initializers
# ----------------------------------------------------------------------------------------


def kernel(name: str, fan_in: int, fan_out: int, seed: int = 0) -> np.ndarray:
    (w, _b), = initial_weights((fan_in, fan_out), name, seed)
    assert w.shape == (fan_in, fan_out)
    return w.astype(np.float64)


def test_glorot_uniform_limit_and_spread() -> None:
    w = kernel("glorot_uniform", 200, 200)
    limit = math.sqrt(6.0 / 400)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit  # fills the whole interval, not a narrower one
    assert abs(w.std() - limit / math.sqrt(3.0)) < 0.02 * limit / math.sqrt(3.0)
    assert abs(w.mean()) < 0.01 * limit


def test_registry_has_the_lectures_initializers() -> None:
    assert set(initializers.INITIALIZERS) == {
        "zeros", "constant", "small", "large", "glorot_uniform", "glorot_normal",
        "he_uniform", "he_normal", "playground"}
    for name, entry in initializers.INITIALIZERS.items():
        assert entry.name == name and entry.label and entry.latex
        assert initializers.get(name) is entry


@pytest.mark.parametrize(
    ("name", "expected_std"),
    [
        # A non-square matrix, so Glorot's (in + out) and He's (in) give different numbers.
        # The normals are truncated, yet their variance is still the formula's.
        ("he_normal", math.sqrt(2.0 / 200)),
        ("glorot_normal", math.sqrt(2.0 / (200 + 50))),
        ("he_uniform", math.sqrt(6.0 / 200) / math.sqrt(3.0)),
        ("glorot_uniform", math.sqrt(6.0 / 250) / math.sqrt(3.0)),
        ("small", 0.01),
        ("large", 1.0),
    ],
)
def test_standard_deviations(name: str, expected_std: float) -> None:
    w = kernel(name, 200, 50, seed=1)
    assert abs(w.std() - expected_std) < 0.03 * expected_std
    assert abs(w.mean()) < 0.05 * expected_std


def test_he_uniform_limit() -> None:
    w = kernel("he_uniform", 200, 50)
    limit = math.sqrt(6.0 / 200)
    assert limit * 0.99 < np.abs(w).max() <= limit


def test_playground_weights_and_biases() -> None:
    weights = initial_weights((2, 4, 3, 1), "playground", seed=5)
    assert [(w.shape, b.shape) for w, b in weights] == [((2, 4), (4,)), ((4, 3), (3,)),
                                                         ((3, 1), (1,))]
    for w, b in weights:
        assert np.abs(w).max() <= 0.5
        np.testing.assert_array_equal(b, np.float32(0.1))
    big, = initial_weights((200, 200), "playground", seed=5)
    assert np.abs(big[0]).max() > 0.49
    assert abs(big[0].std() - 0.5 / math.sqrt(3.0)) < 0.01


@pytest.mark.parametrize("name", [n for n in initializers.INITIALIZERS if n != "playground"])
def test_other_biases_are_zero(name: str) -> None:
    for _w, b in initial_weights((3, 5, 2), name, seed=0):
        np.testing.assert_array_equal(b, 0.0)


def test_zeros_initializer() -> None:
    for w, _b in initial_weights((3, 5, 2), "zeros", seed=9):
        np.testing.assert_array_equal(w, 0.0)


def test_constant_initializer_is_all_equal_and_not_zero() -> None:
    for w, _b in initial_weights((3, 5, 2), "constant", seed=9):
        np.testing.assert_array_equal(w, np.float32(initializers.CONSTANT_VALUE))
    assert initializers.CONSTANT_VALUE != 0.0


# Moments of N(0, 1) truncated at ±2 (closed form): P = Φ(2) − Φ(−2), variance
# 1 − 4φ(2)/P, and Keras's correction constant is its square root.
_PHI2 = math.exp(-2.0) / math.sqrt(2.0 * math.pi)
_MASS = math.erf(2.0 / math.sqrt(2.0))
_TRUNC_VAR = 1.0 - 4.0 * _PHI2 / _MASS
_TRUNC_KURTOSIS = (3.0 - 2.0 * (8.0 + 3.0 * 2.0) * _PHI2 / _MASS) / _TRUNC_VAR**2


def test_keras_correction_constant_is_the_truncated_standard_deviation() -> None:
    assert pytest.approx(math.sqrt(_TRUNC_VAR), rel=1e-12) == initializers.TRUNCATED_STD


@pytest.mark.parametrize(("name", "keras_class", "variance"), [
    ("he_normal", keras.initializers.HeNormal, lambda i, o: 2.0 / i),
    ("glorot_normal", keras.initializers.GlorotNormal, lambda i, o: 2.0 / (i + o)),
])
def test_normal_initializers_are_truncated_as_keras_draws_them(name, keras_class,
                                                               variance) -> None:
    fan_in, fan_out = 400, 300
    ours = kernel(name, fan_in, fan_out, seed=3).ravel()
    theirs = keras.ops.convert_to_numpy(
        keras_class(seed=3)((fan_in, fan_out))).astype(np.float64).ravel()
    sigma = math.sqrt(variance(fan_in, fan_out)) / initializers.TRUNCATED_STD
    for w in (ours, theirs):
        # Cut at 2σ of the uncorrected normal, and the whole range is used.
        assert np.abs(w).max() <= 2.0 * sigma * (1 + 1e-6)
        assert np.abs(w).max() > 0.99 * 2.0 * sigma
        # Variance as the formula says (120,000 draws: ~0.4 % standard error).
        assert w.var() == pytest.approx(variance(fan_in, fan_out), rel=0.015)
        # A truncated normal's kurtosis (≈ 2.36), not a normal's (3) nor a uniform's (1.8).
        kurtosis = float(np.mean(w**4) / np.mean(w**2) ** 2)
        assert kurtosis == pytest.approx(_TRUNC_KURTOSIS, abs=0.03)
    # Same distribution as Keras: quantiles agree.
    qs = np.linspace(0.05, 0.95, 19)
    np.testing.assert_allclose(np.quantile(ours, qs), np.quantile(theirs, qs),
                               atol=0.02 * sigma)


def test_truncated_normal_redraws_until_all_are_inside() -> None:
    rng = np.random.default_rng(0)
    w = initializers.truncated_normal((1000, 50), 2.0, rng)
    assert w.shape == (1000, 50)
    assert np.abs(w).max() <= 4.0
    assert np.abs(w).max() > 3.95


@pytest.mark.parametrize("name", list(initializers.INITIALIZERS))
def test_keras_code_builds_the_same_distribution(name: str) -> None:
    entry = initializers.get(name)
    built = eval(entry.code(5), {"keras": keras})  # noqa: S307 - our own generated code
    theirs = keras.ops.convert_to_numpy(built((300, 200))).astype(np.float64)
    ours = kernel(name, 300, 200, seed=5)
    assert theirs.std() == pytest.approx(ours.std(), rel=0.03, abs=1e-12)
    assert np.abs(theirs).max() == pytest.approx(np.abs(ours).max(), rel=0.05, abs=1e-12)


@pytest.mark.parametrize("name", list(initializers.INITIALIZERS))
def test_same_seed_same_weights_float32(name: str) -> None:
    a = initial_weights((2, 6, 6, 1), name, seed=42)
    b = initial_weights((2, 6, 6, 1), name, seed=42)
    for (wa, ba), (wb, bb) in zip(a, b):
        assert wa.dtype == np.float32 and ba.dtype == np.float32
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(ba, bb)
    if name not in ("zeros", "constant"):
        c = initial_weights((2, 6, 6, 1), name, seed=43)
        assert not np.array_equal(a[0][0], c[0][0])


def test_unknown_initializer_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="initializer"):
        initializers.get("nope")
    with pytest.raises(ValueError, match="initializer"):
        initial_weights((2, 1), "nope", 0)


# ----------------------------------------------------------------------------------------
# Optimizers
# ----------------------------------------------------------------------------------------

# name -> (Keras class, hyper-parameters that must hold), written out from the lecture.
EXPECTED_OPTIMIZERS = {
    "sgd": (keras.optimizers.SGD, {"momentum": 0.0, "nesterov": False}),
    "momentum": (keras.optimizers.SGD, {"momentum": 0.9, "nesterov": False}),
    "nesterov": (keras.optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (keras.optimizers.Adagrad, {}),
    "adadelta": (keras.optimizers.Adadelta, {"rho": 0.95}),
    "rmsprop": (keras.optimizers.RMSprop, {"rho": 0.9}),
    "adam": (keras.optimizers.Adam, {"beta_1": 0.9, "beta_2": 0.999}),
}


def test_optimizer_registry_names() -> None:
    assert set(optimizers.OPTIMIZERS) == set(EXPECTED_OPTIMIZERS)
    for name, info in optimizers.OPTIMIZERS.items():
        assert info.name == name
        assert info.label and info.latex
        assert info.default_learning_rate > 0


@pytest.mark.parametrize("name", list(EXPECTED_OPTIMIZERS))
def test_make_builds_the_right_keras_optimizer(name: str) -> None:
    cls, hyper = EXPECTED_OPTIMIZERS[name]
    opt = optimizers.get(name).make(0.1)
    assert type(opt) is cls
    assert float(keras.ops.convert_to_numpy(opt.learning_rate)) == pytest.approx(0.1, rel=1e-6)
    config = opt.get_config()
    for key, value in hyper.items():
        assert config[key] == value, key


@pytest.mark.parametrize("name", list(EXPECTED_OPTIMIZERS))
def test_code_rebuilds_the_same_optimizer(name: str) -> None:
    info = optimizers.get(name)
    rebuilt = eval(info.code(0.25), {"keras": keras})  # noqa: S307 - our own generated code
    made = info.make(0.25)
    assert type(rebuilt) is type(made)
    a, b = rebuilt.get_config(), made.get_config()
    a.pop("name"), b.pop("name")
    assert a == b


def test_unknown_optimizer_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="optimizer"):
        optimizers.get("nope")
