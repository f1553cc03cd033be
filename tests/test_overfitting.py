"""The 1-D overfitting demo: data split, the overtraining the page describes, and what each
regularisation does to the weights, checked against NumPy reference computations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import engine
from core import overfitting as of
from core.figures import overfitting as fig

P = of.OverfitParams()


# ----------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------


def test_split_is_disjoint_deterministic_and_sized():
    a, b = of.make_split(P), of.make_split(P)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    sizes = (len(a.x_train), len(a.x_val), len(a.x_test))
    assert sizes == of.split_counts(P.n_points) == (30, 15, 15)
    everything = np.concatenate([a.x_train, a.x_val, a.x_test])
    assert len(np.unique(everything)) == P.n_points  # no point in two parts
    other = of.make_split(P.replace(data_seed=4))
    assert not np.array_equal(a.x_train, other.x_train)


def test_without_noise_the_points_lie_on_the_truth():
    s = of.make_split(P.replace(noise=0.0))
    x = np.concatenate([s.x_train, s.x_val, s.x_test])
    y = np.concatenate([s.y_train, s.y_val, s.y_test])
    np.testing.assert_allclose(y, np.sin(4 * x) + x / 2)
    np.testing.assert_allclose(s.y_truth, np.sin(4 * s.x_curve) + s.x_curve / 2)


def test_noise_has_the_asked_standard_deviation():
    s = of.make_split(P.replace(n_points=200, noise=0.5))
    x = np.concatenate([s.x_train, s.x_val, s.x_test])
    y = np.concatenate([s.y_train, s.y_val, s.y_test])
    residual = y - (np.sin(4 * x) + x / 2)
    assert abs(residual.std() - 0.5) < 0.07
    assert abs(residual.mean()) < 0.1


def test_test_points_never_reach_the_engine():
    s = of.make_split(P)
    x, _, xv, _ = s.engine_data().arrays()
    seen = np.concatenate([x[:, 0], xv[:, 0]])
    assert not np.isin(s.x_test.astype(np.float32), seen).any()
    assert np.isin(s.x_val.astype(np.float32), xv[:, 0]).all()


def test_parameters_reject_out_of_range_values_naming_them():
    with pytest.raises(ValueError, match="l2_rate"):
        of.OverfitParams(l2_rate=0.5)
    with pytest.raises(ValueError, match="which"):
        P.capacity("huge")
    assert P.capacity("large") == (64, 64, 64)
    assert P.replace(l2_rate=0.01, small_width=3).run_key() == P.run_key()
    assert P.replace(noise=0.5).run_key() != P.run_key()


# ----------------------------------------------------------------------------------------
# Capacities: the page's "what to notice"
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fits() -> dict[str, of.Fit]:
    return {w: of.fit_capacity(P, w) for w in of.CAPACITIES}


def test_large_net_overtrains_validation_rises_while_training_falls(fits):
    large = fits["large"]
    h = large.history
    best = large.best_epoch
    assert best < 0.5 * P.epochs  # the minimum comes early ...
    assert large.final_val_loss > 1.3 * large.min_val_loss  # ... and the loss climbs after it
    after = h["loss"][best - 1:]
    assert after[-1] < 0.9 * after[0]  # while the training loss keeps falling
    # Falling throughout, not just at the end: every later quarter ends lower.
    quarters = np.array_split(after, 4)
    assert all(q2.mean() < q1.mean() for q1, q2 in zip(quarters, quarters[1:]))


def test_small_net_underfits_without_a_validation_minimum(fits):
    small = fits["small"]
    assert small.best_epoch > 0.9 * P.epochs  # its validation loss is still falling
    # Underfitting: the training loss stays far above the noise variance σ².
    assert small.final_train_loss > 2 * P.noise**2
    assert fits["large"].final_train_loss < P.noise**2  # the large one learns the noise


def test_the_right_capacity_is_chosen_and_tested_once(fits):
    assert of.choose(fits) == "right"
    s = of.make_split(P)
    # Reference: the test loss from a NumPy forward pass written out here.
    (w1, b1), (w2, b2) = fits["right"].weights
    out = np.tanh(s.x_test[:, None] @ w1 + b1) @ w2 + b2
    assert of.test_loss(P, fits["right"]) == pytest.approx(np.mean((out[:, 0] - s.y_test)**2),
                                                            rel=1e-9)


def test_recorded_validation_loss_matches_a_numpy_forward_pass(fits):
    s = of.make_split(P)
    f = fits["large"]
    mse = np.mean((f.predict(s.x_val) - s.y_val) ** 2)
    assert f.final_val_loss == pytest.approx(mse, rel=1e-4)


# ----------------------------------------------------------------------------------------
# Regularisation
# ----------------------------------------------------------------------------------------


def _large(reg: of.Regularisation) -> of.Fit:
    return of.train_fit(P, P.capacity("large"), reg)


def test_large_l2_rate_drives_the_weight_norm_toward_zero(fits):
    plain = fits["large"].weight_norm
    small = _large(of.Regularisation(l2_rate=1e-3)).weight_norm
    heavy = _large(of.Regularisation(l2_rate=0.1))
    assert heavy.weight_norm < 0.01 * plain
    assert heavy.weight_norm < small < plain
    assert heavy.weight_norm < 0.1
    # "Too large a rate flattens the fit": underfitting, a nearly constant curve.
    assert heavy.final_train_loss > 3 * fits["large"].final_train_loss
    assert np.ptp(heavy.y_curve) < 0.2 * np.ptp(fits["large"].y_curve)


def test_the_default_l2_run_does_what_the_page_says():
    c = of.compare(P)  # the regularisation tab's default: the large net with L2 = 1e-3
    assert c.plain.regularisation == of.NONE and c.regularised.regularisation.l2_rate == 1e-3
    assert c.regularised.weight_norm < 0.5 * c.plain.weight_norm  # ‖W‖₂ drops
    assert np.std(c.regularised.kernel_weights()) < np.std(c.plain.kernel_weights())
    assert c.regularised.final_val_loss < c.plain.final_val_loss
    # ... and its validation loss climbs far less after its minimum than the plain one's.
    def rise(f: of.Fit) -> float:
        return f.final_val_loss / f.min_val_loss - 1

    assert rise(c.regularised) < 0.5 * rise(c.plain)
    # Smoother: the curve's summed squared second differences (its bending) are smaller.
    bend = {k: np.sum(np.diff(f.y_curve, 2) ** 2) for k, f in (("plain", c.plain),
                                                             ("l2", c.regularised))}
    assert bend["l2"] < bend["plain"]


def test_l1_gives_exact_zeros_and_more_as_the_rate_grows(fits):
    assert fits["large"].exact_zeros == 0  # no L1, no exact zeros
    low = _large(of.Regularisation(l1_rate=1e-3)).exact_zeros
    high = _large(of.Regularisation(l1_rate=1e-2)).exact_zeros
    assert 0 < low < high


def test_early_stopping_returns_the_best_epochs_weights():
    fit = _large(of.Regularisation(patience=100))
    assert fit.stopped_early_at is not None and fit.stopped_early_at < P.epochs
    s = of.make_split(P)
    # The returned weights' validation loss (NumPy forward pass) is the curve's minimum.
    mse = np.mean((fit.predict(s.x_val) - s.y_val) ** 2)
    assert mse == pytest.approx(fit.min_val_loss, rel=1e-4)
    assert mse < fit.final_val_loss  # not simply the last epoch's weights


def test_dropout_is_off_at_evaluation():
    reg = of.Regularisation(dropout=0.3)
    fit = _large(reg)
    s = of.make_split(P)
    # Two evaluations by the engine's compiled model give identical outputs ...
    net = of.network_for(P.capacity("large"), 0.3)
    result = engine.train(net, of.training_for(P, len(s.x_train), reg), s.engine_data(),
                          eval_x=s.x_val.reshape(-1, 1), snapshots_at=(P.epochs,))
    again = engine.train(net, of.training_for(P, len(s.x_train), reg), s.engine_data(),
                         eval_x=s.x_val.reshape(-1, 1), snapshots_at=(P.epochs,))
    np.testing.assert_array_equal(result.final.outputs, again.final.outputs)
    # ... equal to a forward pass without any dropout, and the recorded validation loss is
    # that of the full network.
    np.testing.assert_allclose(result.final.outputs[:, 0], fit.predict(s.x_val), atol=1e-4)
    assert fit.final_val_loss == pytest.approx(np.mean((fit.predict(s.x_val) - s.y_val)**2),
                                               rel=1e-4)
    # Positive case: dropout does act in training (the weights differ from the plain run's).
    assert not np.allclose(fit.kernel_weights(), _large(of.NONE).kernel_weights())


# ----------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------


def _spec(figure) -> dict:
    return json.loads(figure.to_json())


def test_fits_figure_shows_three_parts_in_three_marker_styles(fits):
    s = of.make_split(P)
    spec = _spec(fig.capacity_fits(s, fits, {w: w for w in fits}))
    symbols = {t["name"]: t["marker"]["symbol"] for t in spec["data"]
               if t.get("mode") == "markers"}
    assert set(symbols) == {"training points", "validation points", "test points"}
    assert len(set(symbols.values())) == 3
    assert sum(t["name"] == "network" for t in spec["data"]) == 3


def test_loss_figure_marks_the_validation_minimum_on_a_log_axis(fits):
    f = fits["large"]
    spec = _spec(fig.loss_curves(f, title="Loss"))
    assert spec["layout"]["yaxis"]["type"] == "log"
    star = [t for t in spec["data"] if t["name"] == "val. minimum"][0]
    assert star["x"] == [f.best_epoch] and star["y"][0] == pytest.approx(f.min_val_loss)
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert texts == [fig.OVERTRAINING_NOTE]
    # Positive pair: the small net's curve has no rise, so no such note.
    small = _spec(fig.loss_curves(fits["small"], title="Loss"))
    assert not small["layout"].get("annotations")
