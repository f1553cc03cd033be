"""The small network's backward pass against tf.GradientTape on the same Keras model
(1e-12 in float64), against finite differences, and by hand for the lecture's XOR network;
each layer's gradient is the next one's times one Jacobian, with the numbers the page shows."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from core.backprop import graph as G
from core.backprop import network as N

CONFIGS = [N.NetParams(point=pt, target=t) for pt in N.POINTS for t in (-1.0, 0.0, 1.5)] + [
    N.NetParams(network=N.RANDOM, hidden_units=units, hidden_activation=act, net_seed=seed,
                point=pt, target=0.5)
    for units, act, seed, pt in itertools.product(((3, 2), (2,), (4, 4), (1, 3)),
                                                  N.HIDDEN_ACTIVATIONS, (0, 7), ("01", "11"))]


def _ids(p: N.NetParams) -> str:
    return f"{p.network}-{p.hidden_units}-{p.hidden_activation}-{p.net_seed}-{p.point}-{p.target}"


@pytest.mark.parametrize("p", CONFIGS, ids=_ids)
def test_every_gradient_equals_gradient_tape_in_float64(p):
    run = N.network_run(p)
    tape = N.keras_gradients(run)
    for ours, theirs in zip(run.grad_h, tape["h"]):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for ours, theirs in zip(run.grad_z[1:], tape["z"]):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for ours, theirs in zip(run.grad_kernels, tape["kernel"]):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for ours, theirs in zip(run.grad_biases, tape["bias"]):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("p", CONFIGS[::5], ids=_ids)
def test_float32_tape_agrees_to_its_precision(p):
    run = N.network_run(p)
    tape = N.keras_gradients(run, "float32")
    for ours, theirs in zip(run.grad_kernels, tape["kernel"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def _loss(run: N.NetRun, layers) -> float:
    """The network's loss in NumPy, written out here (no code of the module)."""
    act = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh,
           "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[run.params.activation]
    h = run.h[0]
    for i, (kernel, bias) in enumerate(layers):
        z = h @ kernel + bias
        h = z if i == len(layers) - 1 else act(z)
    return float(np.sum((h - run.params.target) ** 2))


@pytest.mark.parametrize("p", [c for c in CONFIGS if c.network == N.RANDOM][::3], ids=_ids)
def test_weight_gradients_equal_central_finite_differences(p):
    run = N.network_run(p)
    step = 1e-6
    for k, (kernel, _) in enumerate(run.layers):
        for index in np.ndindex(kernel.shape):
            up = [(w.copy(), b) for w, b in run.layers]
            down = [(w.copy(), b) for w, b in run.layers]
            up[k][0][index] += step
            down[k][0][index] -= step
            fd = (_loss(run, up) - _loss(run, down)) / (2 * step)
            assert run.grad_kernels[k][index] == pytest.approx(fd, rel=1e-6, abs=1e-8)


def test_the_xor_network_by_hand():
    """x = (1, 1), y = 1: z = W₁x + b₁ = (2, 1), h = (2, 1), ŷ = 1·2 − 2·1 = 0, ∂L/∂ŷ = −2,
    ∂L/∂h = −2·(1, −2) = (−2, 4), both units active, ∂L/∂W₁ = ∂L/∂z ⊗ x."""
    run = N.network_run(N.NetParams())
    np.testing.assert_array_equal(run.h[1], [2.0, 1.0])
    assert run.y_hat == 0.0 and run.loss == 1.0
    np.testing.assert_array_equal(run.grad_h[2], [-2.0])
    np.testing.assert_array_equal(run.grad_h[1], [-2.0, 4.0])
    np.testing.assert_array_equal(run.grad_z[1], [-2.0, 4.0])
    np.testing.assert_array_equal(run.grad_kernels[0].T, [[-2.0, -2.0], [4.0, 4.0]])
    np.testing.assert_array_equal(run.grad_kernels[1][:, 0], [-4.0, -2.0])
    exact = N.network_run(N.NetParams(point="01"))  # XOR's own target: nothing to learn
    assert exact.loss == 0.0 and all(np.all(g == 0) for g in exact.grad_kernels)


@pytest.mark.parametrize("p", CONFIGS[::4], ids=_ids)
def test_each_layers_gradient_is_the_next_one_times_one_jacobian(p):
    run = N.network_run(p)
    forward = [s for s in run.walk if s.phase == G.FORWARD]
    backward = [s for s in run.walk if s.phase == G.BACKWARD]
    assert [s.target for s in forward][-1] == "L" and len(forward) == run.depth + 1
    assert backward[0].target == "ŷ" and backward[-1].target == "x"
    assert len(run.walk) == (N.MAX_STEPS if run.depth == 3 else N.MAX_STEPS - 3)
    seen = {"L"}
    for step in backward:
        assert step.upstream_name in seen  # the gradient it reuses was computed before
        seen.add(step.target)
        np.testing.assert_allclose(step.value, step.upstream @ step.jacobian, rtol=0,
                                   atol=1e-15)
        up, jac, out = (N.rounded(a) for a in (step.upstream, step.jacobian, step.value))
        scale = np.abs(up) @ np.abs(jac)
        assert np.all(np.abs(up @ jac - out) <= 2e-3 * np.maximum(scale, np.abs(out)) + 1e-12)
        shown = [float(v) for v in re.findall(r"-?[\d.]+(?:e-?\d+)?", N.step_latex(step))]
        for arr in (up, jac, out):
            for v in arr.ravel():
                assert any(v == pytest.approx(s, rel=1e-9, abs=1e-12) for s in shown)


def test_the_shown_product_check_can_fail():
    step = N.network_run(N.NetParams()).walk[4]  # ∂L/∂h⁽¹⁾ = ∂L/∂ŷ · W⁽²⁾
    wrong = step.value + np.array([0.5, 0.0])
    assert not np.allclose(N.rounded(step.upstream) @ N.rounded(step.jacobian), wrong)
    assert step.jacobian_name == "W⁽²⁾" and step.target == "h⁽¹⁾"


def test_the_xor_weights_are_the_xor_pages():
    from core import xor as X

    hand = X.HandParams()
    run = N.network_run(N.NetParams())
    np.testing.assert_array_equal(run.layers[0][0].T, hand.w1_matrix)
    np.testing.assert_array_equal(run.layers[1][0][:, 0], hand.W2)
    for name, x in zip(N.POINTS, X.XOR_INPUTS):  # the same four points, in the same order
        assert N.POINTS[name] == tuple(x)
