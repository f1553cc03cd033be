"""The cost of a gradient: the parameter count against Keras's own, the finite-difference
gradient against the backpropagated one (so both timings are of the same numbers), the
sweep's models, the limit, and the words for both outcomes. Nothing here asserts a time
(speed belongs to benchmarks)."""

from __future__ import annotations

import pytest

from core import limits
from core.backprop import cost as C


@pytest.mark.parametrize("widths", [(1,), (3, 5), (16, 16), (7, 2, 9)])
def test_the_parameter_count_is_keras_count(widths):
    import keras

    model = keras.Sequential([keras.Input((C.INPUTS,))] + [keras.layers.Dense(w) for w in
                                                            (*widths, 1)])
    assert C.parameter_count(widths) == model.count_params()


def test_both_ways_give_the_same_gradient():
    timing = C.measure((4, 3))
    assert timing.parameters == C.parameter_count((4, 3))
    assert timing.mismatch < 1e-6  # central differences in float64
    assert timing.backprop_s > 0 and timing.finite_s > 0


def test_the_sweep_scales_the_chosen_widths_down():
    assert C.sweep_widths((16, 16)) == [(2, 2), (4, 4), (8, 8), (16, 16)]
    assert C.sweep_widths((1, 3)) == [(1, 1), (1, 2), (1, 3)]  # no model twice
    counts = [C.parameter_count(w) for w in C.sweep_widths((64, 40))]
    assert counts == sorted(counts) and counts[-1] == C.parameter_count((64, 40))


def test_a_model_above_the_limit_is_refused_with_its_count():
    with pytest.raises(ValueError, match=f"at most {limits.BACKPROP_MAX_PARAMETERS:,}"):
        C.CostParams(widths=(64, 64))
    assert C.parameter_count((64, 40)) <= limits.BACKPROP_MAX_PARAMETERS
    C.CostParams(widths=(64, 40))


def _timing(p: int, backprop: float, finite: float) -> C.Timing:
    return C.Timing((p,), p, backprop, finite, 1e-10)


def test_the_notice_says_what_the_sweep_measured():
    growing = (_timing(15, 1e-3, 3e-3), _timing(337, 1e-3, 4e-2))
    text = C.notice(growing)
    assert "40 times as long" in text and "it grows with P" in text
    flat = (_timing(15, 1e-3, 4e-2), _timing(337, 2e-3, 4e-2))
    assert "did not grow" in C.notice(flat)
    assert "P = 337" in C.notice(growing[-1:])
