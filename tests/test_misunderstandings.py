"""The misunderstandings page's core: each experiment's pieces against independent references
(products of matrices, numpy.polyfit, numbers worked out by hand, Monte Carlo), and each
sentence's branches on constructed results, including the ones where the claim's usual
answer would be false."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core import network
from core import overfitting as of
from core import universal_approximation as U
from core.misunderstandings import CLAIMS
from core.misunderstandings import data_size as D
from core.misunderstandings import existence as E
from core.misunderstandings import linear_layers as L
from core.misunderstandings import retraining as R
from core.misunderstandings import selection as S
from core.misunderstandings import simple_fits as F


def test_six_claims_in_the_slides_order_with_distinct_keys():
    assert [c.key for c in CLAIMS] == ["linear_layers", "existence", "selection",
                                       "retraining", "simple_fits", "data_size"]
    assert [c.tab[0] for c in CLAIMS] == list("123456")


# ----------------------------------------------------------------------------------------
# 1 · A layer without activation
# ----------------------------------------------------------------------------------------


def _random_linear_stack(rng: np.random.Generator, sizes=(2, 4, 2, 1)):
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes, sizes[1:])]


def test_the_one_layer_gap_is_zero_for_a_linear_stack_and_large_with_relu():
    rng = np.random.default_rng(0)
    weights = _random_linear_stack(rng)
    (w1, b1), (w2, b2), (w3, b3) = weights
    w_eff, b_eff = w1 @ w2 @ w3, (b1 @ w2 + b2) @ w3 + b3  # multiplied out by hand
    x = rng.uniform(-6, 6, size=(500, 2))
    linear = network.predict(weights, ("linear", "linear"), "tanh", x)[:, 0]
    assert L.one_layer_gap(linear, w_eff, b_eff, x) < 1e-12
    bent = network.predict(weights, ("relu", "relu"), "tanh", x)[:, 0]
    assert L.one_layer_gap(bent, w_eff, b_eff, x) > 0.1  # the check can fire


def test_the_boundary_is_written_with_its_signs():
    text = L.boundary_text(np.array([[0.5], [-0.25]]), np.array([-1.5]))
    assert text == "0.5·x₁ − 0.25·x₂ − 1.5 = 0"
    assert L.boundary_text(np.array([[-2.0], [3.0]]), np.array([0.125])) == \
        "−2·x₁ + 3·x₂ + 0.125 = 0"


def _trained(accuracy: float, losses=(0.5, 0.4), activation="relu") -> L.Trained:
    history = {"loss": np.array(losses, np.float32), "val_loss": np.array(losses, np.float32)}
    return L.Trained(activation, np.zeros(4), history, accuracy, 0.3, [])


def _layer_run(linear=0.5, nonlinear=0.99, gap=1e-7, relu=(0.5, 0.01), sigmoid=(0.5, 0.49),
               activation="relu") -> L.LayerRun:
    runs = {"linear": _trained(linear, activation="linear"),
            "nonlinear": _trained(nonlinear, activation=activation),
            "deep_relu": _trained(1.0, relu), "deep_sigmoid": _trained(0.5, sigmoid)}
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 1])  # 70 % class 1
    x = np.zeros((10, 2))
    return L.LayerRun(L.LayerParams(activation=activation), runs, np.linspace(-6, 6, 2),
                      (x, y), (x, y), np.array([[0.5], [-0.25]]), np.array([0.1]), gap)


def test_the_linear_answer_names_the_line_the_accuracies_and_the_guess():
    text = L.answer(_layer_run())
    assert "one linear layer, 0.5·x₁ − 0.25·x₂ + 0.1 = 0" in text
    assert "50% of the test points" in text and "commoner class: 70%" in text
    assert "with ReLU gets 99%" in text and "bend" in text


def test_when_the_network_with_sigma_does_no_better_the_answer_says_so():
    text = L.answer(_layer_run(linear=0.5, nonlinear=0.55, activation="sigmoid"))
    assert "does no better (55%)" in text and "bend the boundary" not in text


def test_when_the_linear_network_is_not_one_layer_the_answer_says_by_how_much():
    text = L.answer(_layer_run(gap=0.2))
    assert "differs from it by 0.2" in text and "= 0" not in text


def test_the_deep_answer_follows_the_losses():
    slow = L.deep_answer(_layer_run(relu=(0.5, 0.01), sigmoid=(0.5, 0.49)))
    assert "sigmoid only to 0.49" in slow and "at most ¼" in slow
    even = L.deep_answer(_layer_run(relu=(0.5, 0.01), sigmoid=(0.5, 0.015)))
    assert "sigmoid kept up" in even and "only to" not in even


def test_layer_params_describe_four_playground_runs():
    runs = L.LayerParams(dataset="circle", activation="tanh", depth=4).runs()
    assert list(runs) == ["nonlinear", "linear", "deep_relu", "deep_sigmoid"]
    assert runs["linear"].activation == "linear" and runs["linear"].hidden_units == L.HIDDEN
    assert runs["deep_sigmoid"].hidden_units == (L.DEEP_WIDTH,) * 4
    assert {r.dataset for r in runs.values()} == {"circle"}
    with pytest.raises(ValueError, match="dataset"):
        L.LayerParams(dataset="gauss")


# ----------------------------------------------------------------------------------------
# 2 · Exists, but found?
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["tanh", "relu", "sigmoid"])
def test_the_hand_built_sum_is_a_network_of_that_many_units(unit):
    p = E.ExistenceParams(unit=unit, width=9)
    h = p.hand()
    weights = E.hand_weights(h, unit)
    assert weights[0][0].shape == (1, 9) and weights[1][0].shape == (9, 1)
    x = np.linspace(*U.x_range(p.approx()), 301)
    as_network = network.predict(weights, (unit,), "linear", x[:, None])[:, 0]
    np.testing.assert_allclose(as_network, U.hand_sum(h, x), rtol=0, atol=1e-9)
    other = "linear"  # the check can fire
    assert np.max(np.abs(network.predict(weights, (other,), "linear", x[:, None])[:, 0]
                         - U.hand_sum(h, x))) > 0.1
    with pytest.raises(ValueError, match="unit"):
        E.hand_weights(h, "relu" if unit != "relu" else "tanh")


def _existence(built_rms: float, rms: list[float], diverged=()) -> E.Existence:
    n = len(rms)
    errors = np.column_stack([np.array(rms) * 3, rms])
    x = np.linspace(-3, 3, 5)
    return E.Existence(E.ExistenceParams(seeds=max(n, E.MIN_SEEDS)), x, x, x,
                       (3 * built_rms, built_rms), np.zeros((n, 5)), errors, tuple(diverged))


def test_the_ranking_is_best_median_worst_by_rms():
    e = _existence(0.1, [0.5, 0.3, 0.9, 0.4, 0.6])
    assert e.ranked() == {"best": 1, "median": 0, "worst": 2}
    text = E.answer(e)
    assert "between 0.300 (best) and 0.900 (worst), median 0.500" in text
    assert "did not find them" in text


def test_when_some_seeds_match_the_hand_built_fit_the_answer_counts_them():
    text = E.answer(_existence(0.35, [0.3, 0.4, 0.5, 0.6]))
    assert "1 of 4 seeds found weights at least as good" in text
    assert "did not find them" not in text


def test_when_the_hand_built_fit_is_rough_the_answer_blames_the_width():
    text = E.answer(_existence(0.9, [0.5, 0.6, 0.95]))
    assert "only 16 units" in text and "2 of 3 seeds placed their units better" in text


def test_diverged_seeds_are_named():
    assert "1 of the runs diverged" in E.answer(_existence(0.1, [0.5, 0.6, np.inf], [2]))


# ----------------------------------------------------------------------------------------
# 3 · Validation is not test
# ----------------------------------------------------------------------------------------


def _choice(val, test, new, seed=0) -> S.Choice:
    return S.Choice(seed, S.WIDTHS[:len(val)], np.array(val, float), np.array(test, float),
                    np.array(new, float))


def test_the_bias_of_choosing_on_the_test_set_worked_out_by_hand():
    # Split 1: validation picks 0 (test 0.30, new 0.32); test picks 2 (test 0.20, new 0.35).
    # Split 2: both pick 1 (test 0.25, new 0.30).
    # Split 3: validation picks 2 (test 0.28, new 0.31); test picks 0 (test 0.22, new 0.33).
    r = S.Repeat((_choice([0.1, 0.3, 0.2], [0.30, 0.40, 0.20], [0.32, 0.40, 0.35]),
                  _choice([0.3, 0.1, 0.2], [0.40, 0.25, 0.50], [0.50, 0.30, 0.40]),
                  _choice([0.3, 0.2, 0.1], [0.22, 0.40, 0.28], [0.33, 0.40, 0.31])))
    np.testing.assert_allclose(r.apparent_gain(), [0.10, 0.00, 0.06])
    np.testing.assert_allclose(r.real_gain(), [-0.03, 0.00, -0.02])
    gaps = np.array([0.13, 0.00, 0.08])
    mean, error = r.bias()
    assert mean == pytest.approx(0.07)
    assert error == pytest.approx(np.sqrt(np.sum((gaps - 0.07) ** 2) / 2) / np.sqrt(3))


def test_the_repeat_answer_calls_the_bias_measured_only_beyond_two_standard_errors():
    clear = S.Repeat(tuple(_choice([0.1, 0.2], [0.3, 0.2], [0.3, 0.31 + k / 1000])
                           for k in range(10)))
    text = S.repeat_answer(clear)
    assert "Over 10 splits" in text and "0.100 lower on average" in text
    assert "second validation set" in text
    noisy = S.Repeat((_choice([0.1, 0.2], [0.3, 0.2], [0.3, 0.2]),
                      _choice([0.1, 0.2], [0.3, 0.2], [0.4, 0.2]),
                      _choice([0.1, 0.2], [0.3, 0.2], [0.2, 0.5])))
    text = S.repeat_answer(noisy)
    assert "within 2 standard errors" in text and "second validation set" not in text


def test_the_split_answer_says_when_both_ways_choose_alike():
    same = S.answer(_choice([0.1, 0.2], [0.1, 0.2], [0.15, 0.25]))
    assert "picks the same network" in same and f"{S.WIDTHS[0]} units" in same
    different = S.answer(_choice([0.1, 0.2], [0.3, 0.2], [0.31, 0.33]))
    assert f"picks {S.WIDTHS[1]} units instead and reports 0.200" in different
    assert "0.330" in different


def test_the_new_data_loss_matches_a_monte_carlo_estimate():
    p = of.OverfitParams(n_points=40, noise=0.5, epochs=200)
    split = of.make_split(p)
    rng = np.random.default_rng(7)
    weights = [(rng.normal(size=(1, 3)), rng.normal(size=3)),
               (rng.normal(size=(3, 1)), rng.normal(size=1))]
    fit = of.Fit((3,), of.NONE, {}, np.zeros(0), weights, 1, None, None)
    x = rng.uniform(-1, 1, 400_000)
    y = of.TRUTHS[p.truth].fn(x) + p.noise * rng.standard_normal(x.size)
    monte_carlo = float(np.mean((fit.predict(x) - y) ** 2))
    assert S.new_data_loss(p, split, fit) == pytest.approx(monte_carlo, rel=0.01)


def test_the_repeat_runs_one_split_per_seed_and_reports_progress():
    p = S.SelectionParams(data_seed=9995, splits=10)
    assert p.split_seeds() == (9995, 9996, 9997, 9998, 9999, 0, 1, 2, 3, 4)
    seen, asked = [], []

    def fake(seed: int) -> S.Choice:
        asked.append(seed)
        return _choice([0.1, 0.2], [0.2, 0.1], [0.3, 0.3], seed)

    r = S.repeat(p, fake, lambda done, total: seen.append((done, total)))
    assert asked == list(p.split_seeds()) and len(r.choices) == 10
    assert seen == [(k, 10) for k in range(1, 11)]


def test_the_splits_are_bounded_by_the_limit():
    with pytest.raises(ValueError, match="splits"):
        S.SelectionParams(splits=80)
    with pytest.raises(ValueError, match="candidates"):
        S.SelectionParams(candidates=11)


# ----------------------------------------------------------------------------------------
# 4 · Retraining
# ----------------------------------------------------------------------------------------


def test_unit_correlations_match_numpy_and_a_silent_unit_correlates_with_nothing():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(4, 50)), rng.normal(size=(3, 50))
    reference = np.corrcoef(a, b)[:4, 4:]
    np.testing.assert_allclose(R.unit_correlations(a, b), reference, atol=1e-12)
    a[2] = 0.0
    assert np.all(R.unit_correlations(a, b)[2] == 0.0)


def test_matching_recovers_a_permutation_of_the_units():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(6, 200))
    order = np.array([3, 0, 5, 1, 4, 2])
    b = a[order] + 0.1 * rng.normal(size=(6, 200))  # unit k of b is unit order[k] of a
    match = R.match_units(R.unit_correlations(a, b))
    np.testing.assert_array_equal(order[match], np.arange(6))


def test_reordering_hidden_units_keeps_the_function_and_changes_the_weights():
    rng = np.random.default_rng(5)
    weights = _random_linear_stack(rng, (2, 5, 1))
    order = np.array([4, 2, 0, 1, 3])
    moved = R.permuted(weights, order)
    x = rng.normal(size=(100, 2))
    np.testing.assert_allclose(network.predict(moved, ("relu",), "tanh", x),
                               network.predict(weights, ("relu",), "tanh", x), atol=1e-12)
    assert not np.allclose(R.flat_weights(moved), R.flat_weights(weights))
    assert R.flat_weights(weights).size == 2 * 5 + 5 + 5 + 1


def _retraining(agreement: np.ndarray, raw, matched, accuracy=None) -> R.Retraining:
    n = len(agreement)
    pairs = tuple((i, j) for i in range(n) for j in range(i + 1, n))
    return R.Retraining(R.RetrainParams(retrainings=n), tuple(range(1, n + 1)),
                        np.array(accuracy or [1.0] * n), agreement, pairs, np.array(raw),
                        np.array(matched), np.array(matched), np.zeros((n, 2, 2, 2)),
                        np.arange(2.0))


def test_the_retraining_answer_when_everything_agrees():
    agree = np.array([[1, 0.99, 0.98], [0.99, 1, 0.995], [0.98, 0.995, 1]])
    text = R.answer(_retraining(agree, [0.1, -0.2, 0.0], [0.8, 0.7, 0.9]))
    assert "correlate at −0.03 on average (pairs from −0.20 to 0.10)" in text
    assert "at 0.80: the same units in another order" in text
    assert "98.8% of the plane alike" in text and "least alike pair 98.0%" in text


def test_the_retraining_answer_names_a_pair_that_found_another_solution():
    agree = np.array([[1, 0.99, 0.6], [0.99, 1, 0.62], [0.6, 0.62, 1]])
    text = R.answer(_retraining(agree, [0.0, 0.1, 0.1], [0.2, 0.3, 0.1], [1.0, 0.99, 0.7]))
    assert "built their boundary from different units" in text
    assert "2 of 3 pairs classify less than 90%" in text
    assert "seeds 1 and 3 agree on only 60.0%" in text and "100% and 70%" in text


def test_the_retraining_answer_when_units_differ_but_decisions_agree():
    agree = np.array([[1, 0.97], [0.97, 1]])
    text = R.answer(_retraining(agree, [0.1], [0.2]))
    assert "different units, the same decision" in text


# ----------------------------------------------------------------------------------------
# 5 · Simple fits
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("degree", [1, 3, 5])
def test_the_polynomial_fit_is_numpys_least_squares(degree):
    rng = np.random.default_rng(degree)
    x = rng.uniform(-1, 1, 12)
    y = np.sin(3 * x) + 0.1 * rng.normal(size=12)
    np.testing.assert_allclose(F.polynomial_fit(x, y, degree), np.polyfit(x, y, degree),
                               rtol=1e-8, atol=1e-10)


def test_the_largest_degree_fits_the_smallest_training_set():
    n_train = of.split_counts(F.POINTS[0])[0]
    assert n_train - 1 == F.MAX_DEGREE
    with pytest.raises(ValueError, match="degree"):
        F.SimpleFitParams(degree=F.MAX_DEGREE + 1)


def _curves(poly, net, **params) -> F.LearningCurves:
    return F.LearningCurves(F.SimpleFitParams(**params), (6, 10, 20, 40, 100),
                            np.array(poly, float)[:, None], np.array(net, float)[:, None])


def test_the_simple_fit_answer_for_each_course_of_the_curves():
    always = F.answer(_curves([0.1, 0.05, 0.02, 0.01, 0.001], [0.2, 0.1, 0.05, 0.03, 0.01]))
    assert "wins at every size" in always and "degree-3 polynomial misses the law by 0.1" in always
    catches = F.answer(_curves([0.1, 0.05, 0.02, 0.01, 0.01], [0.2, 0.1, 0.021, 0.01, 0.005]))
    assert ("The polynomial is closer with 6 to 10 points; the two are about even with 20 to "
            "40 points; the network is closer from 100 points on.") in catches
    assert "the network catches up" in catches
    noisy = F.answer(_curves([900, 1.5, 0.02, 0.01, 0.001], [0.2, 0.1, 0.05, 0.03, 0.01],
                             truth="wave", degree=5))
    assert "The network is closer with 6 to 10 points" in noisy and "follows the noise" in noisy
    never = F.answer(_curves([0.6, 0.5, 0.45, 0.44, 0.43], [0.2, 0.1, 0.05, 0.03, 0.01],
                             degree=1))
    assert "closer at every size" in never and "cannot follow the law" in never


# ----------------------------------------------------------------------------------------
# 6 · Data size
# ----------------------------------------------------------------------------------------


def test_epochs_make_about_the_steps_asked_for():
    assert D.epochs_for(1000, 10) == 1000  # one batch per epoch
    assert D.epochs_for(1000, 3000) == 3  # 300 batches per epoch
    assert D.epochs_for(500, 5000) == 1  # at least one epoch
    assert D.epochs_for(1000, 95) == 100


def _data_curves(train, test) -> D.DataCurves:
    return D.DataCurves(D.DataSizeParams(), D.SIZES, np.array(train, float)[:, None],
                        np.array(test, float)[:, None], 105)


def test_the_data_size_answer_for_each_course_of_the_curves():
    closes = _data_curves([0.001, 0.02, 0.07, 0.09, 0.1, 0.1], [0.4, 0.3, 0.12, 0.1, 0.1, 0.1])
    assert closes.settled() == 300
    text = D.answer(closes)
    assert "training loss of 0.001 but a test loss of 0.400" in text
    assert "From 300 points on (2.9 per parameter)" in text
    never = _data_curves([0.0, 0.0, 0.01, 0.02, 0.03, 0.04], [0.4, 0.3, 0.2, 0.15, 0.12, 0.1])
    assert never.settled() is None and "still wants more data" in D.answer(never)
    easy = _data_curves([1e-4] * 6, [3e-3, 2e-3, 1e-3, 1e-3, 1e-3, 1e-3])
    assert easy.settled() == 10 and "simple enough for little data" in D.answer(easy)
    # A gap that closes and opens again counts from where it stays closed.
    back = _data_curves([0.1] * 6, [0.11, 0.3, 0.11, 0.11, 0.11, 0.11])
    assert back.settled() == 100


def test_parameters_name_what_they_reject():
    with pytest.raises(ValueError, match="layer_units"):
        D.DataSizeParams(layer_units=32)
    with pytest.raises(ValueError, match="task"):
        D.DataSizeParams(task="spiral")
    with pytest.raises(ValueError, match="hidden"):
        R.RetrainParams(hidden=99)
    with pytest.raises(ValueError, match="width"):
        E.ExistenceParams(width=U.MAX_PIECES + 1)


def test_field_names_are_distinct_across_the_claims():
    from core.misunderstandings import PARAMS

    names = [n for cls in PARAMS for n in cls.field_names()]
    assert len(names) == len(set(names))
    assert dataclasses.is_dataclass(PARAMS[0])
