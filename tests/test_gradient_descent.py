"""Gradient-descent core: every number checked against a closed form, a finite difference, a
hand computation or a plain re-implementation written here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import engine
from core import gradient_descent as GD
from core import quadratic as Q

P = GD.GradientDescentParams


def _data(**changes) -> tuple[np.ndarray, np.ndarray]:
    return GD.make_data(P(**changes))


def _closed_form(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares by the textbook formula: W* = cov(x, y)/var(x), b* = ȳ − W*·x̄."""
    w = np.mean((x - x.mean()) * (y - y.mean())) / np.var(x)
    return np.array([w, y.mean() - w * x.mean()])


# ----------------------------------------------------------------------------------------
# Loss, gradient, one step
# ----------------------------------------------------------------------------------------


def test_gradient_matches_central_finite_differences():
    x, y = _data(n_points=40, noise=1.0, seed=3)
    rng = np.random.default_rng(0)
    for theta in rng.normal(0.0, 3.0, size=(5, 2)):
        h = 1e-6
        numeric = [(GD.loss(theta + e, x, y) - GD.loss(theta - e, x, y)) / (2 * h)
                   for e in np.eye(2) * h]
        np.testing.assert_allclose(GD.gradient(theta, x, y), numeric, rtol=1e-6, atol=1e-7)


def test_a_step_is_theta_minus_alpha_times_the_gradient():
    x, y = _data()
    theta = np.array([0.5, -1.5])
    expected = theta - 0.3 * GD.gradient(theta, x, y)
    np.testing.assert_array_equal(GD.step(theta, x, y, 0.3), expected)
    # and the path of descend() takes exactly these steps
    path = GD.descend(x, y, theta, 0.3, epochs=20).thetas
    ref = [theta]
    for _ in range(20):
        ref.append(GD.step(ref[-1], x, y, 0.3))
    np.testing.assert_allclose(path, ref, rtol=1e-12, atol=1e-12)


def test_minibatch_sgd_matches_a_plain_loop_over_shuffled_batches():
    x, y = _data(n_points=23)
    theta0, alpha, batch, epochs = np.array([1.0, 2.0]), 0.05, 5, 4
    path = GD.descend(x, y, theta0, alpha, epochs=epochs, batch_size=batch,
                      rng=np.random.default_rng(11)).thetas
    rng, ref = np.random.default_rng(11), [theta0]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):  # the last batch has 3 points
            sel = order[start:start + batch]
            ref.append(GD.step(ref[-1], x[sel], y[sel], alpha))
    assert len(path) == 1 + epochs * 5
    np.testing.assert_allclose(path, ref, rtol=1e-12, atol=1e-12)


def test_sgd_with_one_batch_of_all_points_is_full_batch_descent():
    x, y = _data(n_points=30)
    full = GD.descend(x, y, np.zeros(2), 0.2, epochs=40)
    sgd = GD.descend(x, y, np.zeros(2), 0.2, epochs=40, batch_size=30,
                     rng=np.random.default_rng(5))
    np.testing.assert_allclose(sgd.thetas, full.thetas, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sgd.losses, full.losses, rtol=1e-12)


# ----------------------------------------------------------------------------------------
# Closed forms
# ----------------------------------------------------------------------------------------


def test_hessian_and_its_eigenvalues_by_hand():
    # x = 0, 1, 2: XᵀX = [[5, 3], [3, 3]], H = 2/3·XᵀX, trace 16/3, det 8/3,
    # λ = (8 ∓ 2√10)/3.
    x = np.array([0.0, 1.0, 2.0])
    q = Q.quadratic(x, 2 * x + 1)
    np.testing.assert_allclose(q.hessian, [[10 / 3, 2], [2, 2]])
    lam = np.array([8 - 2 * math.sqrt(10), 8 + 2 * math.sqrt(10)]) / 3
    np.testing.assert_allclose(q.eigenvalues, lam)
    assert q.critical_rate == pytest.approx(3 / (4 + math.sqrt(10)))
    assert q.best_rate == pytest.approx(3 / 8)
    np.testing.assert_allclose(q.theta_star, [2, 1], atol=1e-12)
    assert q.j_min == pytest.approx(0, abs=1e-20)


def test_closed_form_loss_equals_the_mean_of_squared_residuals():
    x, y = _data(noise=0.8)
    q = Q.quadratic(x, y)
    np.testing.assert_allclose(q.theta_star, _closed_form(x, y), rtol=1e-10)
    assert q.j_min == pytest.approx(GD.loss(q.theta_star, x, y), rel=1e-12)
    thetas = np.random.default_rng(1).normal(0, 4, size=(20, 2))
    np.testing.assert_allclose(q.loss_at(thetas), [GD.loss(t, x, y) for t in thetas],
                               rtol=1e-10)


@pytest.mark.parametrize("fraction", [0.3, 0.9, 0.99])
def test_below_the_critical_rate_descent_converges_to_least_squares(fraction):
    x, y = _data(x_center=-0.5, noise=0.7, seed=9)
    q = Q.quadratic(x, y)
    d = GD.descend(x, y, np.array([4.0, -4.0]), fraction * q.critical_rate, epochs=2000)
    assert not d.diverged
    np.testing.assert_allclose(d.final, _closed_form(x, y), rtol=1e-7, atol=1e-9)
    assert d.losses[-1] == pytest.approx(q.j_min, rel=1e-9)


@pytest.mark.parametrize("fraction", [1.02, 1.3, 3.0])
def test_above_the_critical_rate_descent_diverges_and_says_when(fraction):
    x, y = _data()
    q = Q.quadratic(x, y)
    d = GD.descend(x, y, np.array([-1.0, 3.0]), fraction * q.critical_rate, epochs=5000)
    assert d.diverged and 0 < d.diverged_at <= 5000
    # cut at the blow-up: everything kept is finite, the last point is the one that blew up
    assert len(d.thetas) == len(d.losses) == d.diverged_at + 1
    assert np.all(np.isfinite(d.thetas)) and np.all(np.isfinite(d.losses))
    # the engine's one rule: the first loss above 1000 × J(θ₀) (or not finite)
    limit = engine.DIVERGENCE_FACTOR * d.losses[0]
    assert d.losses[-1] > limit >= np.max(d.losses[:-1])
    assert engine.first_divergence(d.losses) == d.diverged_at
    # the excess loss grows by ρ² per step once the steepest direction dominates
    rho = q.contraction(fraction * q.critical_rate)
    excess = d.losses - q.j_min
    assert excess[-1] / excess[-2] == pytest.approx(rho**2, rel=1e-3)


def test_a_huge_rate_is_cut_at_the_first_non_finite_value():
    x, y = _data()
    d = GD.descend(x, y, np.array([-1.0, 3.0]), 1e300, epochs=100)
    assert d.diverged_at == 1  # θ₁ ~ 1e301 is finite, its loss ~ 1e602 is not
    assert np.all(np.isfinite(d.thetas)) and np.all(np.isfinite(d.losses))
    assert len(d.thetas) == d.diverged_at  # the non-finite step itself is dropped
    d = GD.descend(x, y, np.array([-1.0, 3.0]), 1e140, epochs=100)
    assert d.diverged_at == 1 and len(d.thetas) == 2  # huge but finite: kept, and flagged


def test_steps_to_converge_is_what_descent_needs_from_the_worst_start():
    x, y = _data()
    q = Q.quadratic(x, y)
    slow = np.linalg.eigh(q.hessian)[1][:, 0]  # the slowest direction is the worst start
    for alpha in (0.05, 0.2, 0.4):
        needed = int(q.steps_to_converge(alpha))
        d = GD.descend(x, y, q.theta_star + 3 * slow, alpha, epochs=needed)
        excess = d.losses - q.j_min
        assert excess[needed] <= excess[0] / Q.CONVERGED_FACTOR < excess[needed - 1]
    assert q.steps_to_converge(q.critical_rate) == math.inf


def test_regimes_on_the_hand_computed_data():
    x = np.array([0.0, 1.0, 2.0])
    q = Q.quadratic(x, 2 * x + 1)
    lam_max = (8 + 2 * math.sqrt(10)) / 3
    assert Q.regime(q, 0.001, steps=100).name == "too_small"
    # the boundaries αλ_max = 1 (overshoot starts) and αλ_max = 2 (divergence starts)
    expected = {0.5: "good", 0.99: "good", 1.01: "zigzag", 1.5: "zigzag", 1.99: "zigzag",
                2.0: "too_large", 2.01: "too_large"}
    for alpha_lam, name in expected.items():
        assert Q.regime(q, alpha_lam / lam_max, steps=100).name == name, alpha_lam
    # "too small" is about the steps at hand: the same α is fine with enough of them
    alpha = 0.1 / lam_max
    needed = int(q.steps_to_converge(alpha))
    assert Q.regime(q, alpha, steps=needed - 1).name == "too_small"
    assert Q.regime(q, alpha, steps=needed).name == "good"
    assert "2/λₘₐₓ" in Q.regime(q, 3.0 / lam_max, steps=100).explanation


def test_the_preset_rates_land_in_their_regimes_on_the_default_data():
    p = P()
    q = GD.run(p).quadratic
    presets = Q.preset_rates(q, GD.LEARNING_RATES, 100)
    assert set(presets.values()) <= set(GD.LEARNING_RATES)
    regimes = {name: GD.run(p.replace(learning_rate=rate)) for name, rate in presets.items()}
    assert regimes["too small"].regime.name == "too_small"
    assert regimes["just right"].regime.name == "good"
    assert regimes["too large"].regime.name == "too_large"
    assert regimes["too large"].descent.diverged  # within the default epochs
    assert GD.run(p).regime.name == "good"  # the page opens on a descent that arrives


# ----------------------------------------------------------------------------------------
# Parameters and the page's run
# ----------------------------------------------------------------------------------------


def test_runs_are_deterministic_and_the_seed_matters():
    p = P(full_batch=False, batch_size=4, epochs=10)
    a, b = GD.run(p), GD.run(p)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.descent.thetas, b.descent.thetas)
    c = GD.run(p.replace(seed=2))
    assert not np.array_equal(a.x, c.x)


def test_data_follow_the_true_line():
    x, y = _data(n_points=500, noise=0.0, w_true=-1.5, b_true=0.5, x_center=-1.0)
    assert x.min() >= -2.0 and x.max() <= 0.0
    np.testing.assert_allclose(y, -1.5 * x + 0.5)


@pytest.mark.parametrize("field, value", [
    ("learning_rate", 0.123), ("learning_rate", 5.0), ("n_points", 1), ("noise", -0.1),
    ("batch_size", 3), ("epochs", 0), ("epochs", 2.5), ("x_center", math.nan),
    ("full_batch", "yes"), ("W0", 10.0),
])
def test_bad_parameters_raise_naming_the_parameter(field, value):
    with pytest.raises(ValueError, match=field):
        P(**{field: value})


def test_parameters_round_trip_through_the_url():
    p = P(learning_rate=0.7, full_batch=False, batch_size=16, noise=0.25, W0=2.5, seed=42)
    back, notes = P.from_query(p.to_query())
    assert back == p and notes == []
    _, notes = P.from_query({"learning_rate": "abc"})
    assert any("learning_rate" in n for n in notes)


def test_long_runs_are_cut_to_max_steps():
    p = P(n_points=500, full_batch=False, batch_size=1, epochs=200)
    r = GD.run(p)
    assert r.truncated and p.epochs_run == GD.MAX_STEPS // 500
    assert r.descent.steps == GD.MAX_STEPS


def test_the_surface_window_holds_the_start_and_the_minimum():
    r = GD.run(P())
    (w_lo, w_hi), (b_lo, b_hi) = Q.surface_window(r.quadratic, r.params.theta0)
    for w, b in (r.params.theta0, r.quadratic.theta_star, r.descent.final):
        assert w_lo < w < w_hi and b_lo < b < b_hi


def test_contour_ellipses_are_level_sets_of_j():
    x, y = _data(noise=0.4)
    q = Q.quadratic(x, y)
    window = Q.surface_window(q, np.array([-1.0, 3.0]))
    levels = Q.contour_levels(q, window)
    assert 3 <= len(levels) <= 10 and levels == sorted(levels) and levels[0] > q.j_min
    for level in levels:
        ring = Q.contour_ellipse(q, level)
        np.testing.assert_allclose([GD.loss(t, x, y) for t in ring], level, rtol=1e-9)
def test_contour_labels_are_kept_apart_outermost_first():
    """The map's J labels never overlap on the smallest map: inner levels crowd near the
    minimum, so those too close to an outer label are left unlabelled."""
    from core.figures import gradient_descent as gd_figures

    r = GD.run(P())
    window = Q.surface_window(r.quadratic, r.params.theta0)
    traces = gd_figures._surface(r.quadratic, window)  # noqa: SLF001 - the map's own traces
    labels = [t for t in traces if t.get("mode") == "text"][0]
    spots = list(zip(labels["x"], labels["y"], labels["text"]))
    for i, (x0, y0, a) in enumerate(spots):
        for x1, y1, b in spots[i + 1:]:
            assert gd_figures._apart((x0, y0), a, (x1, y1), b, window)  # noqa: SLF001
    # Positive case: the rule drops labels here (the default map's inner levels crowd), and
    # the outermost level inside the window keeps its label.
    levels = Q.contour_levels(r.quadratic, window)
    assert 2 <= len(spots) < len(levels)
    assert float(labels["text"][0]) == max(float(t) for t in labels["text"])


# ----------------------------------------------------------------------------------------
# The same thing in Keras
# ----------------------------------------------------------------------------------------


def test_keras_reaches_the_closed_form_minimum():
    p = P(learning_rate=0.4, epochs=200)
    k = GD.keras_fit(p)
    x, y = GD.make_data(p)
    assert not k.diverged and k.epochs == 200
    np.testing.assert_allclose(k.theta, _closed_form(x, y), atol=1e-4)
    assert not np.allclose(k.theta0, p.theta0)  # its own start, yet the same end


def test_keras_diverges_where_the_theory_says():
    p = P(learning_rate=0.7)
    k = GD.keras_fit(p)
    assert k.diverged and k.diverged_at <= p.epochs
    assert GD.run(p).descent.diverged


# ----------------------------------------------------------------------------------------
# Reduce on plateau
# ----------------------------------------------------------------------------------------


def test_the_plateau_rule_by_hand():
    # patience 2: J = 5, 4 improve; 4.0 and 3.9996 (< 0.01 % better) do not: after the second
    # of them α halves and the count restarts; 3 improves; two more non-improvements halve again
    schedule = GD.Plateau(2).rates(0.8)
    assert next(schedule) == 0.8
    sent = [5.0, 4.0, 4.0, 3.9998, 3.0, 3.0, 3.5, 2.0]
    got = [schedule.send(j) for j in sent]
    assert got == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]


def _plain_descent_with_plateau(x, y, theta, alpha, epochs, batch, patience, rng):
    """Reference: mini-batch SGD written plainly, α halved after ``patience`` epochs whose
    loss on all points did not beat the best by 0.01 %."""
    best, wait, path, rates = math.inf, 0, [theta], []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            sel = order[start:start + batch]
            path.append(GD.step(path[-1], x[sel], y[sel], alpha))
            rates.append(alpha)
        j = GD.loss(path[-1], x, y)
        best, wait = (j, 0) if j < best * (1 - 1e-4) else (best, wait + 1)
        if wait >= patience:
            alpha, wait = alpha * 0.5, 0
    return np.array(path), np.array(rates)


def test_descent_with_a_plateau_schedule_matches_the_plain_rule():
    x, y = _data(n_points=40, noise=1.0)
    theta0 = np.array([-1.0, 3.0])
    d = GD.descend(x, y, theta0, 0.2, epochs=60, batch_size=4, rng=np.random.default_rng(3),
                   plateau=GD.Plateau(3))
    path, rates = _plain_descent_with_plateau(x, y, theta0, 0.2, 60, 4, 3,
                                              np.random.default_rng(3))
    np.testing.assert_allclose(d.thetas, path, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(d.rates, rates)
    assert d.rates[-1] < 0.2 / 4  # noise made J plateau, and α was cut several times


def test_reducing_on_plateau_brings_noisy_sgd_closer_to_the_minimum():
    p = P(full_batch=False, batch_size=4, learning_rate=0.2, epochs=100)
    plain, reduced = GD.run(p), GD.run(p.replace(plateau_patience=3))
    j_min = plain.quadratic.j_min
    tail = slice(-50, None)  # the last 50 steps
    assert np.all(plain.descent.rates == 0.2)
    excess_plain = np.mean(plain.descent.losses[tail] - j_min)
    excess_reduced = np.mean(reduced.descent.losses[tail] - j_min)
    assert excess_reduced < excess_plain / 10


# ----------------------------------------------------------------------------------------
# Full batch, mini-batches, single samples
# ----------------------------------------------------------------------------------------


def test_the_batch_comparison_trains_the_same_epochs_with_more_steps_per_epoch():
    p = P(n_points=30, batch_size=8, epochs=20, learning_rate=0.05)
    c = GD.compare_batches(p)
    full, mini, single = c.descents.values()
    assert c.epochs == 20
    assert (full.steps, mini.steps, single.steps) == (20, 20 * 4, 20 * 30)
    assert (full.steps_per_epoch, mini.steps_per_epoch, single.steps_per_epoch) == (1, 4, 30)
    np.testing.assert_allclose(full.thetas, GD.descend(c.x, c.y, p.theta0, 0.05,
                                                       epochs=20).thetas)
    for d in (full, mini, single):
        np.testing.assert_array_equal(d.thetas[0], p.theta0)
    # a small α and few epochs: more (noisy) steps per epoch get further
    assert single.losses[-1] < mini.losses[-1] < full.losses[-1]


def test_with_enough_epochs_the_full_batch_arrives_and_single_samples_jitter():
    c = GD.compare_batches(P())  # α = 0.2, 100 epochs
    full, mini, single = (d.losses - c.quadratic.j_min for d in c.descents.values())
    assert full[-1] < 1e-3 * full[0]
    assert np.mean(single[-c.params.n_points:]) > 10 * full[-1]  # a noisy band, not a point
    assert full[-1] < mini[-1] < single[-1]


def test_the_batch_comparison_cuts_epochs_for_all_three_alike():
    c = GD.compare_batches(P(n_points=500, epochs=100))
    assert c.epochs == GD.MAX_STEPS // 500
    assert {d.epochs for d in c.descents.values()} == {c.epochs}


# ----------------------------------------------------------------------------------------
# One weight: the parabola
# ----------------------------------------------------------------------------------------


def test_one_weight_closed_forms_by_hand():
    from core import one_weight as OW

    # x = 1, 2, y = 2, 5: Σx² = 5, Σxy = 12 → W* = 2.4, λ = 2·5/2 = 5,
    # J_min = ((2.4 − 2)² + (4.8 − 5)²)/2 = 0.1
    x, y = np.array([1.0, 2.0]), np.array([2.0, 5.0])
    q = Q.quadratic(x, y, intercept=False)
    assert q.theta_star[0] == pytest.approx(2.4)
    assert q.eigenvalues[0] == pytest.approx(5.0)
    assert q.j_min == pytest.approx(0.1)
    assert q.critical_rate == pytest.approx(2 / 5) and q.best_rate == pytest.approx(1 / 5)
    np.testing.assert_allclose(q.loss_at(np.array([[0.0], [3.0]])),
                               [OW.loss(0.0, x, y), OW.loss(3.0, x, y)])


@pytest.mark.parametrize("alpha_lambda", [0.3, 1.0, 1.4, 1.9])
def test_one_weight_steps_follow_w_k_minus_w_star_equals_factor_to_the_k(alpha_lambda):
    from core import one_weight as OW

    p = P(epochs=30)
    x, y = GD.make_data(p)
    lam = 2 * np.mean(x * x)
    w_star = np.sum(x * y) / np.sum(x * x)
    r = OW.run(p.replace(learning_rate=0.1).replace(epochs=30))  # λ, W* from the run too
    assert r.curvature == pytest.approx(lam) and r.w_star == pytest.approx(w_star)
    w, _, stop = OW.descend(x, y, p.W0, alpha_lambda / lam, 30)
    k = np.arange(31)
    np.testing.assert_allclose(w - w_star, (1 - alpha_lambda) ** k * (p.W0 - w_star),
                               rtol=1e-9, atol=1e-12)
    assert stop is None


def test_one_weight_thresholds_one_and_two_over_lambda():
    from core import one_weight as OW

    x, y = GD.make_data(P())
    lam = 2 * np.mean(x * x)
    w_star = np.sum(x * y) / np.sum(x * x)
    w, _, _ = OW.descend(x, y, -1.0, 1 / lam, 3)
    assert w[1] == pytest.approx(w_star)  # α = 1/λ: one step lands on the minimum
    w, losses, _ = OW.descend(x, y, -1.0, 2 / lam, 4)
    np.testing.assert_allclose(w, [-1, 2 * w_star + 1, -1, 2 * w_star + 1, -1], rtol=1e-9)
    np.testing.assert_allclose(losses, losses[0], rtol=1e-9)  # α = 2/λ: bounces, no progress
    w, losses, stop = OW.descend(x, y, -1.0, 1.1 * 2 / lam, 500)
    assert stop is not None and losses[-1] > losses[0] * engine.DIVERGENCE_FACTOR  # climbs
    w, _, _ = OW.descend(x, y, -1.0, 0.5 / lam, 3)
    assert -1 < w[1] < w[2] < w_star  # below 1/λ: short of W*, from one side
    w, _, _ = OW.descend(x, y, -1.0, 1.5 / lam, 3)
    assert w[1] > w_star > w[2]  # between: over it, to the other side, and back


def test_one_weight_regimes_and_presets_on_the_default_data():
    from core import one_weight as OW

    p = P()
    q = OW.run(p).quadratic
    presets = Q.preset_rates(q, GD.LEARNING_RATES, p.epochs)
    lam = float(q.eigenvalues[0])
    assert presets["just right"] * lam <= 1 < GD.LEARNING_RATES[
        GD.LEARNING_RATES.index(presets["just right"]) + 1] * lam
    names = {rate: OW.run(p.replace(learning_rate=rate)).regime.name
             for rate in presets.values()}
    assert list(names.values()) == ["too_small", "good", "too_large"]
    assert "2/λ " in Q.regime(q, 3 / lam, 100).explanation  # plain λ, no subscript


def test_reducing_on_plateau_shrinks_the_single_sample_band_as_the_page_says():
    p = P()
    plain = GD.compare_batches(p).descents["single sample"]
    reduced = GD.compare_batches(p.replace(plateau_patience=3)).descents["single sample"]
    j_min = GD.compare_batches(p).quadratic.j_min
    band = np.mean(plain.losses[-50:]) - j_min
    assert np.mean(reduced.losses[-50:]) - j_min < band / 10
