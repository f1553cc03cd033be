"""The misunderstandings page's experiments, run: each default run settles its claim the way
the page's sentence says, the sentence quotes the run's own numbers, the experiment reports
its progress, and its figures draw what it computed."""

from __future__ import annotations

import numpy as np
import pytest

from core import playground as pg
from core.figures import misunderstandings as fig
from core.figures import style
from core.misunderstandings import data_size as D
from core.misunderstandings import existence as E
from core.misunderstandings import linear_layers as L
from core.misunderstandings import retraining as R
from core.misunderstandings import selection as S
from core.misunderstandings import simple_fits as F


def _run(module, params):
    seen = []
    result = module.run(params, lambda done, total: seen.append((done, total)))
    total = seen[-1][1]
    assert seen == [(k, total) for k in range(1, total + 1)]  # after every run, in order
    return result


@pytest.fixture(scope="module")
def layers() -> L.LayerRun:
    return _run(L, L.LayerParams())


@pytest.fixture(scope="module")
def existence() -> E.Existence:
    return _run(E, E.ExistenceParams())


@pytest.fixture(scope="module")
def choice() -> S.Choice:
    p = S.SelectionParams()
    return S.choose(p.split_key(), p.data_seed)


@pytest.fixture(scope="module")
def retraining() -> R.Retraining:
    return _run(R, R.RetrainParams())


@pytest.fixture(scope="module")
def fits() -> F.LearningCurves:
    return _run(F, F.SimpleFitParams())


@pytest.fixture(scope="module")
def sizes() -> D.DataCurves:
    return _run(D, D.DataSizeParams())


def _tidy(figure):
    """The figure as the page shows it (laid out by the hall's rules, sent as JSON)."""
    style.tidy(figure)
    assert figure.to_json()
    return figure


def test_the_linear_network_is_the_product_of_its_layers(layers):
    (w1, b1), (w2, b2), (w3, b3) = layers.runs["linear"].weights
    np.testing.assert_allclose(layers.w_eff, w1 @ w2 @ w3, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layers.b_eff, (b1 @ w2 + b2) @ w3 + b3, rtol=1e-9, atol=1e-12)
    assert layers.one_layer_gap <= L.SAME_OUTPUT_TOL
    lin, non = layers.runs["linear"], layers.runs["nonlinear"]
    assert lin.test_accuracy < 0.7 < 0.9 < non.test_accuracy  # XOR: no line, but tanh
    text = L.answer(layers)
    assert f"{lin.test_accuracy:.0%} of the test points" in text
    assert f"with tanh gets {non.test_accuracy:.0%}" in text
    assert L.boundary_text(layers.w_eff, layers.b_eff) in text


def test_deep_sigmoid_trains_slower_than_relu(layers):
    relu = layers.runs["deep_relu"].history["loss"]
    sigmoid = layers.runs["deep_sigmoid"].history["loss"]
    assert sigmoid[-1] > L.SLOWER_FACTOR * relu[-1]
    assert f"sigmoid only to {sigmoid[-1]:.3g}" in L.deep_answer(layers)


def test_layer_figures(layers):
    maps = _tidy(fig.linear_maps(layers))
    titles = [a.text for a in maps.layout.annotations]
    assert titles[0].startswith("no σ") and titles[1].startswith("tanh")
    curves = _tidy(fig.deep_curves(layers))
    assert len(curves.data) == 4  # training and test loss of both deep networks


def test_hand_built_weights_beat_every_trained_seed(existence):
    e = existence
    assert e.errors.shape == (6, 2) and not e.diverged
    assert e.built_errors[1] < np.min(e.errors[:, 1])
    ranked = e.ranked()
    text = E.answer(e)
    for rank in ("best", "worst"):
        assert f"{e.errors[ranked[rank], 1]:.3f} ({rank})" in text
    assert f"RMS error of {e.built_errors[1]:.3f}" in text and "did not find them" in text
    shown = _tidy(fig.existence_fits(e))
    assert [t.name for t in shown.data][-4:] == [
        "by hand", *(f"{r} (seed {s})" for r, s in ranked.items())]
    bars = _tidy(fig.existence_errors(e))
    np.testing.assert_allclose(bars.data[0].y, np.sort(e.errors[:, 1]))


def test_one_split_measures_every_candidate_three_ways(choice):
    c = choice
    assert c.widths == S.WIDTHS and len(c.val) == len(c.test) == len(c.new) == 10
    assert c.by_validation == int(np.argmin(c.val)) and c.by_test == int(np.argmin(c.test))
    assert np.all(c.new > S.SelectionParams().noise ** 2)  # noise is a floor on new data
    assert f"{c.test[c.by_validation]:.3f}" in S.answer(c)
    shown = _tidy(fig.candidates(c))
    assert [t.name for t in shown.data] == ["validation", "test", "new data",
                                            "validation's choice", "test's choice"]


def test_a_repeat_of_cached_splits_uses_them_and_draws_both_gains(choice):
    p = S.SelectionParams(splits=10)
    repeat = S.repeat(p, lambda seed: choice if seed == p.data_seed else S.choose(p, seed))
    assert repeat.choices[0] is choice and len(repeat.choices) == 10
    assert np.all(repeat.apparent_gain() >= 0)  # by construction
    shown = _tidy(fig.gains(repeat))
    np.testing.assert_allclose(shown.data[0].y, repeat.apparent_gain())
    assert f"{np.mean(repeat.apparent_gain()):.3f} lower" in S.repeat_answer(repeat)


def test_retrained_networks_differ_in_weights_and_agree_in_decisions(retraining):
    r = retraining
    assert len(r.pairs) == 15 and r.maps.shape == (6, 8, pg.THUMB_SIZE, pg.THUMB_SIZE)
    assert abs(float(np.mean(r.raw))) < 0.3
    assert float(np.mean(r.matched)) > float(np.mean(r.raw)) + 0.3
    assert np.min(r.off_diagonal()) > 0.95
    np.testing.assert_allclose(np.diag(r.agreement), 1.0)
    assert "the same features, found again" in R.answer(r)
    np.testing.assert_allclose(_tidy(fig.agreement(r)).data[0].z, 100 * r.agreement,
                               atol=0.05)
    assert len(_tidy(fig.unit_maps(r)).data) == 6 * 8
    assert len(_tidy(fig.correlations(r)).data) == 6


def test_the_cubic_fit_beats_the_network_at_every_size(fits):
    poly, net = fits.means()
    assert fits.winners() == ["polynomial"] * len(F.POINTS)
    assert np.all(poly < net)
    text = F.answer(fits)
    assert f"by {poly[0]:.3g} (mean squared)" in text and "wins at every size" in text
    shown = _tidy(fig.simple_fit_curves(fits))
    assert "degree 3, mean" in [t.name for t in shown.data]


def test_the_network_stops_overfitting_only_with_enough_data(sizes):
    train, test = np.mean(sizes.train, axis=1), np.mean(sizes.test, axis=1)
    assert sizes.n_parameters == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    assert train[0] < 0.05 and test[0] > 0.2  # ten points learnt by heart
    at = sizes.settled()
    assert at is not None and at > sizes.sizes[0]
    assert f"From {at} points on" in D.answer(sizes)
    shown = _tidy(fig.data_size_curves(sizes))
    assert shown.layout.shapes[0].x0 == sizes.n_parameters
    assert 10 ** shown.layout.annotations[0].x == pytest.approx(sizes.n_parameters)


def test_every_preset_shows_its_experiment_coming_out_the_other_way():
    """The lecture's presets are there because their runs take the other branch of the
    sentence: each answer is written from the preset's own run."""
    from ui.lectures import misunderstandings as lecture

    expected = {"Sigmoid, 100 epochs": "does no better", "4 units": "only 4 units",
                "3 hidden units": "pairs classify less than 90%",
                "Wave, degree 5": "follows the noise", "Easy task": "simple enough"}
    answers = {p.label: p.answer_text() for p in lecture.LECTURE.presets}
    assert set(answers) == set(expected)
    for label, words in expected.items():
        assert words in answers[label], label
    for question in lecture.LECTURE.notice:
        assert question.answer_text()
