"""Every sentence of the universal-approximation page and its lecture content against the
runs it describes: the presets' answers, the page's "what to notice", the unit-by-unit
caption, the width sweep's verdict and the shallow-vs-deep comparison; each branch shown
with a constructed run where the presets' runs take only one of them."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from sentences import assert_numbers_from

from core import universal_approximation as U
from core import universal_approximation_notes as notes
from ui import results
from ui.lectures import universal_approximation as lecture


def _errors(run) -> set[str]:
    (max_in, rms_in), rms_out = run.errors, run.outside_errors[1]
    return {f"{max_in:.3f}", f"{rms_in:.3f}", f"{rms_out:.3f}",
            f"{rms_out / rms_in:.1f}"}


@pytest.fixture(scope="module")
def lecture_run() -> U.Fit:
    return results.approx_fits(lecture.UA_LECTURE)


@pytest.fixture(scope="module")
def default_run() -> U.Fit:
    return results.approx_fits(lecture.UA_DEFAULT)


def test_the_outside_answer_is_the_lecture_runs(lecture_run):
    text = lecture.outside()
    assert_numbers_from(text, _errors(lecture_run) | {"2", "30"})
    inside, outside = lecture_run.errors[1], lecture_run.outside_errors[1]
    assert (f"{outside / inside:.1f}× the" in text) == (outside > inside)
    assert outside > 2 * inside  # the lecture's network does not extrapolate (wide margin)
    # Independent: RMS of f − fit over the grid points beyond the training range.
    out = ~lecture_run.inside
    diff = lecture_run.outputs()[out] - lecture_run.truth[out]
    assert outside == pytest.approx(np.sqrt(np.mean(diff ** 2)), rel=1e-9)


def test_the_lecture_network_answer_compares_both_runs(lecture_run, default_run):
    text = lecture.lecture_network()
    (deep_max, deep_rms), (shallow_max, shallow_rms) = lecture_run.errors, default_run.errors
    allowed = {f"{deep_max:.3f}", f"{deep_rms:.3f}", f"{shallow_max:.3f}", f"{shallow_rms:.3f}",
               f"{shallow_max / deep_max:.1f}", "2", "30", str(lecture.UA_DEFAULT.hidden_units)}
    assert_numbers_from(text, allowed)
    assert ("follows the bumpy function" in text) == (deep_max < shallow_max)
    assert deep_max < 0.5 * shallow_max  # the 2 × 30 network fits far better (wide margin)


def test_the_width_answer_is_its_sweeps_verdict():
    errors = results.width_sweeps(U.sweep_key(lecture.UA_WIDTH))
    assert errors.shape == (len(U.SWEEP_WIDTHS), 2)
    # Each row is a one-layer run of that width (sweep_point), independently retrained.
    assert tuple(errors[2]) == U.sweep_point(lecture.UA_WIDTH, U.SWEEP_WIDTHS[2])
    text = lecture.width_sweep()
    rms = errors[:, 1]
    assert_numbers_from(text, {f"{rms[0]:.3g}", f"{rms[-1]:.3g}", *map(str, U.SWEEP_WIDTHS)})
    rises = [w for w, a, b in zip(U.SWEEP_WIDTHS[1:], rms[:-1], rms[1:]) if b > a]
    assert ("falls with every doubling" in text) == (not rises)
    assert rms[0] > 2 * rms[2]  # one unit is far worse than four (wide margin)


def test_the_sweep_verdict_follows_its_numbers_in_both_cases():
    falling = notes.sweep_verdict(np.array([0.5, 0.2, 0.1]), (1, 2, 4))
    assert falling == ("RMS error 0.5 with 1 unit, 0.1 with 4. It falls with every doubling "
                       "of the width, as the theorem suggests.")
    bumpy = notes.sweep_verdict(np.array([0.5, 0.6, 0.1, 0.2]), (1, 2, 4, 8))
    assert "it rises at 2, 8 units" in bumpy


def test_the_notice_is_written_from_the_run_on_screen(default_run):
    text = notes.notice(default_run)
    p = default_run.params
    count = U.parameter_count(p.hidden_layers, p.hidden_units)
    assert_numbers_from(text, _errors(default_run) | {str(p.hidden_layers), str(p.hidden_units),
                                                       str(count), str(p.epochs), "2", "30"})
    assert "levels off to a constant" in text  # tanh


def _run(activation: str, inside: float, outside: float, layers: int = 1, units: int = 8):
    params = U.ApproxParams(activation=activation, hidden_layers=layers, hidden_units=units)
    return SimpleNamespace(params=params, errors=(2 * inside, inside),
                           outside_errors=(2 * outside, outside))


def test_the_outside_sentence_follows_the_activation_and_the_numbers():
    assert "beyond its last kink a ReLU network is a straight line" in notes.outside_text(
        _run("relu", 0.1, 0.5))
    assert "5.0× the 0.100 inside" in notes.outside_text(_run("relu", 0.1, 0.5))
    assert "tends to a straight line" in notes.outside_text(_run("softplus", 0.1, 0.5))
    same = notes.outside_text(_run("tanh", 0.2, 0.1))
    assert "no larger than inside" in same and "levels off" in same
    assert "not defined beyond" in notes.outside_text(_run("tanh", 0.2, float("nan")))


def test_shallow_against_deep_follows_their_errors():
    deep, shallow = _run("tanh", 0.05, 1, layers=3), _run("tanh", 0.2, 1, units=56)
    assert "the deep network's RMS error is 4.0× smaller" in notes.compare_text(shallow, deep)
    assert "the shallow network's RMS error is 4.0× smaller" in notes.compare_text(deep, shallow)
    even = notes.compare_text(_run("tanh", 0.1, 1, units=56), _run("tanh", 0.105, 1, layers=3))
    assert "about the same RMS error (0.100 and 0.105)" in even
    assert "(169 and 169 parameters)" in notes.compare_text(shallow, deep)


def test_the_unit_caption_names_a_difference_only_beyond_rounding():
    outputs = np.array([0.5, -2.0])
    assert "to float32 precision" in notes.decomposition_caption(1e-6, outputs)
    assert "differs from the trained model's own by up to 0.01" in notes.decomposition_caption(
        0.01, outputs)


def test_the_unit_terms_add_up_to_the_trained_output(default_run):
    """The page's default takes the rounding branch: its terms reproduce its output."""
    dec = U.decompose(default_run.weights(), "tanh", default_run.grid)
    gap = float(np.max(np.abs(dec.total - default_run.outputs())))
    assert "to float32 precision" in notes.decomposition_caption(gap, default_run.outputs())
