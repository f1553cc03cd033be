"""Initialisation: the probe against a NumPy forward and backward pass written out here, the
lecture's variance formulas against measured variances of wide layers, the verdicts, and the
symmetry problem trained through the engine."""

import re

import numpy as np
import pytest

from core import initialisation as I
from core import initializers


def _numpy_probe(p: I.InitParams):
    """The probe's statistics from NumPy, with tanh and its slope 1 − tanh² by hand: the
    spread of the activations and of ∂L/∂h per layer, and the mean |∂L/∂W| per kernel
    (∂L/∂W = h_inᵀ (∂L/∂h ⊙ σ′(z)))."""
    weights = initializers.initial_weights((p.width,) * (p.depth + 1), p.initializer, p.seed)
    rng = np.random.default_rng([p.seed, 0x9B0BE])
    n = I.batch_size(p.width)
    h = rng.normal(size=(n, p.width))
    upstream = rng.normal(size=(n, p.width))
    inputs, acts, slopes = [], [], []
    for kernel, bias in weights:
        inputs.append(h)
        z = h @ kernel.astype(np.float64) + bias
        h = np.tanh(z)
        acts.append(h)
        slopes.append(1 - h ** 2)
    grads = [upstream]
    for (kernel, _), slope in zip(weights[:0:-1], slopes[:0:-1]):
        grads.append((grads[-1] * slope) @ kernel.T.astype(np.float64))
    grads = grads[::-1]
    kernel_grads = [np.abs(x.T @ (g * s)).mean() for x, g, s in zip(inputs, grads, slopes)]
    return [a.std() for a in acts], [g.std() for g in grads], kernel_grads


def test_probe_matches_a_numpy_forward_and_backward_pass():
    p = I.InitParams(initializer="he_normal", activation="tanh", depth=6, width=32, seed=4)
    pr = I.probe(p)
    act_std, grad_std, kernel_grad = _numpy_probe(p)
    np.testing.assert_allclose(pr.act_std, act_std, rtol=1e-10)
    np.testing.assert_allclose(pr.grad_std, grad_std, rtol=1e-10)
    np.testing.assert_allclose(pr.kernel_grad, kernel_grad, rtol=1e-10)
    assert pr.hist.shape == (6, I.HIST_BINS)
    np.testing.assert_allclose(pr.hist.sum(axis=1), 1.0)


@pytest.mark.parametrize("name", ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                                  "small", "large", "playground"])
def test_measured_weight_variance_matches_the_formula_for_wide_layers(name):
    width = 256
    pr = I.probe(I.InitParams(initializer=name, activation="linear", depth=2, width=width))
    theory = I.theory_variance(name, width, width)
    assert pr.weight_var == pytest.approx(np.full(2, theory), rel=0.03)


def test_lecture_formulas():
    assert I.theory_variance("glorot_normal", 300, 100) == pytest.approx(2 / 400)
    assert I.theory_variance("he_uniform", 300, 100) == pytest.approx(2 / 300)
    assert I.theory_variance("zeros", 5, 5) == 0.0


@pytest.mark.parametrize("name", ["glorot_uniform", "glorot_normal"])
def test_glorot_keeps_the_variance_of_a_wide_linear_layer(name):
    # Var[xW] = n_in Var[W] Var[x] = 1 when n_in = n_out and Var[x] = 1.
    pr = I.probe(I.InitParams(initializer=name, activation="linear", depth=3, width=512))
    assert pr.act_std ** 2 == pytest.approx(np.ones(3), rel=0.05)


@pytest.mark.parametrize("name", ["he_uniform", "he_normal"])
def test_he_keeps_the_second_moment_through_wide_relu_layers(name):
    # Var[z] = n_in · (2 / n_in) · E[ReLU(z_prev)²] = Var[z_prev]: so Var[h] of every layer
    # is that of ReLU(N(0, 2)): E[h²] - E[h]² = 1 - 1/π. One draw of W drifts a few per
    # cent per layer (the same W for all inputs), so the theory is checked on average.
    var = np.mean([I.probe(I.InitParams(initializer=name, activation="relu", depth=4,
                                        width=512, seed=s)).act_std ** 2 for s in range(8)],
                  axis=0)
    assert var[0] == pytest.approx(1 - 1 / np.pi, rel=0.03)
    assert var == pytest.approx(np.full(4, 1 - 1 / np.pi), rel=0.1)


def test_relu_with_glorot_halves_the_signal_every_two_layers_and_he_does_not():
    glorot = I.probe(I.InitParams(initializer="glorot_normal", activation="relu", depth=10))
    he = I.probe(I.InitParams(initializer="he_normal", activation="relu", depth=10))
    rate = (glorot.act_std[-1] / glorot.act_std[0]) ** (1 / 9)
    assert rate == pytest.approx(np.sqrt(0.5), rel=0.05)  # E[h²] halves every layer
    assert re.search(r"halves every 2\.\d layers", I.verdict(glorot))
    assert "vanishing" in I.verdict(glorot)
    assert "keeps its order of magnitude" in I.verdict(he)


def test_verdicts_name_what_was_measured():
    base = I.InitParams(activation="tanh", depth=10, width=128)
    probes = I.probe_all(base)
    assert set(probes) == set(I.INITIALIZERS) and "constant" in probes
    assert "same constant" in I.verdict(probes["zeros"])
    assert "exactly the same value" in I.verdict(probes["constant"])
    assert probes["constant"].unit_spread.max() < 1e-12
    assert probes["glorot_uniform"].unit_spread.min() > 0.1
    assert "vanishing" in I.verdict(probes["small"])
    assert "saturated" in I.verdict(probes["large"])
    assert probes["large"].saturated.mean() > 0.5 > probes["glorot_uniform"].saturated.mean()
    linear = I.probe_all(base.replace(activation="linear"))
    assert "exploding" in I.verdict(linear["large"])


def test_identical_units_stay_identical_after_training_random_ones_differ():
    p = I.TrainParams(epochs=25)
    same = I.train_one(p, "constant")
    assert I.units_identical(same)
    assert not np.allclose(same.units[0], same.units[-1])  # they did learn, together
    random = I.train_one(p, "glorot_uniform")
    assert not I.units_identical(random)


def test_every_unit_of_a_constant_layer_stays_equal_through_the_engine():
    from core import engine

    p = I.TrainParams(epochs=25)
    result = engine.train(p.network("constant"), p.training(), p.data())
    kernel, bias = result.final.weights[0]
    assert np.allclose(kernel, kernel[:, :1], atol=1e-6) and np.allclose(bias, bias[0])
    other, _ = engine.train(p.network("he_normal"), p.training(), p.data()).final.weights[0]
    assert not np.allclose(other, other[:, :1], atol=1e-3)


def test_zeros_and_tiny_weights_never_learn_glorot_does():
    p = I.TrainParams(epochs=50)
    assert I.never_learned(I.train_one(p, "zeros"))
    assert I.never_learned(I.train_one(p, "small"))
    good = I.train_one(p, "glorot_uniform")
    assert not I.never_learned(good) and good.history["loss"][-1] < 0.3


def test_classify_sorts_the_default_probe():
    probes = I.probe_all(I.InitParams(activation="tanh", depth=10, width=128))
    kinds = {name: I.classify(pr) for name, pr in probes.items()}
    assert kinds["zeros"] == "dead" and kinds["constant"] == "symmetric"
    assert kinds["small"] == "vanishing" and kinds["large"] == "saturated"
    # Glorot's rule keeps the variance of units with slope 1; tanh′ < 1 away from 0, so the
    # signal shrinks layer by layer (without vanishing in ten layers). He's, twice as large
    # for square layers, keeps it.
    assert kinds["glorot_uniform"] == kinds["glorot_normal"] == "shrinking"
    assert kinds["he_normal"] == kinds["he_uniform"] == "stable"


def _tanh_spread(variance: float, depth: int = 10, width: int = 256) -> tuple[float, float]:
    """std of the first and the last layer of a tanh network with N(0, variance/n) weights
    and no bias, in NumPy: the explanation's claim checked without the probe."""
    rng = np.random.default_rng(0)
    h = rng.normal(size=(512, width))
    stds = []
    for _ in range(depth):
        h = np.tanh(h @ rng.normal(0.0, np.sqrt(variance / width), (width, width)))
        stds.append(h.std())
    return stds[0], stds[-1]


def test_glorot_loses_tanh_signal_and_the_gain_five_thirds_keeps_it():
    """Glorot for square layers is Var[W] = 1/n (gain 1); PyTorch's recommended gain for tanh
    is 5/3 (torch.nn.init.calculate_gain), Var[W] = (25/9)/n."""
    first, last = _tanh_spread(1.0)
    assert last / first < 1 / I.STABLE_FACTOR  # shrinking
    first, last = _tanh_spread(25 / 9)
    assert 1 / I.STABLE_FACTOR < last / first < I.STABLE_FACTOR  # kept


def _probe(act_std, saturated=0.0, grad=(1.0, 1.0)) -> I.Probe:
    depth = len(act_std)
    return I.Probe(act_std=np.array(act_std, float), grad_std=np.linspace(*grad, depth),
                   kernel_grad=np.ones(depth), unit_spread=np.array(act_std, float),
                   saturated=np.full(depth, saturated), weight_var=np.ones(depth),
                   hist=np.zeros((depth, 3)), edges=np.linspace(0, 1, 4), batch=32)


@pytest.mark.parametrize("ratio, kind", [(0.05, "vanishing"), (0.3, "shrinking"), (0.8, "stable"),
                                         (1.9, "stable"), (3.0, "growing"), (20.0, "exploding")])
def test_every_kind_of_verdict_names_its_numbers(ratio, kind):
    pr = _probe([0.5, 0.5 * ratio ** 0.5, 0.5 * ratio])
    assert I.classify(pr) == kind
    text = I.verdict(pr)
    if kind in ("shrinking", "growing"):
        assert f"std 0.5 at layer 1, {0.5 * ratio:.2g} at layer 3" in text
        assert f"×{ratio:.2g} over 2 layers" in text
    assert "gradient keeps its scale" in text
