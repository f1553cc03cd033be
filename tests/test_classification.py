"""Classification vs regression (core.classification, core.figures.classification): losses
and gradients against closed forms, finite differences and Keras called directly; the
calculator against the book's exercise worked by hand and against hostile input; the runs
against NumPy forward passes of their own weights; the presets' answers against their runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import network
from core.classification import calculator as CC
from core.classification import saturation as CS
from core.classification import softmax as CM
from core.classification import tasks as CT
from core.classification import wrong_layer as CW
from core.engine import losses
from core.figures import classification as fig

RNG = np.random.default_rng(7)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, np.float64)))


# ----------------------------------------------------------------------------------------
# The loss registry, per example
# ----------------------------------------------------------------------------------------


def test_losses_per_example_are_the_formulas_and_their_mean_is_what_training_minimises():
    import keras

    z = RNG.normal(0, 3, (6, 1))
    y = (RNG.random((6, 1)) > 0.5).astype(np.float64)
    p = _sigmoid(z)
    expected = {"mse": ((p - y) ** 2)[:, 0], "half_mse": (0.5 * (p - y) ** 2)[:, 0],
                "binary_crossentropy": -(y * np.log(p) + (1 - y) * np.log(1 - p))[:, 0]}
    for name, want in expected.items():
        got = keras.ops.convert_to_numpy(losses.get(name).per_example(y, z, "sigmoid"))
        np.testing.assert_allclose(got, want, rtol=1e-10)
        mean = float(losses.get(name).fn(y, z, "sigmoid"))
        assert mean == pytest.approx(want.mean(), rel=1e-10)
    logits = RNG.normal(0, 2, (5, 3))
    one_hot = np.eye(3)[[0, 2, 1, 1, 0]]
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    got = keras.ops.convert_to_numpy(
        losses.get("categorical_crossentropy").per_example(one_hot, logits, "softmax"))
    np.testing.assert_allclose(got, -(one_hot * log_p).sum(axis=1), rtol=1e-10)


# ----------------------------------------------------------------------------------------
# 2 · Loss and gradient of a sigmoid output for label 1
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def curves():
    return CS.curves()


def test_gradient_tape_of_the_engine_losses_equals_the_closed_forms(curves):
    closed = CS.closed_forms(curves.z_tape)
    for name in CS.LOSS_NAMES:
        for got, want in zip(curves.tape[name], closed[name]):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)
    # Positive case: the squared error's gradient without its σ'(z) factor is far off.
    no_slope = 2.0 * (_sigmoid(curves.z_tape) - 1.0)
    assert np.abs(no_slope - curves.tape["mse"][1]).max() > 1.0


def test_the_closed_forms_are_their_own_derivatives_by_finite_differences():
    z, h = np.linspace(-9.5, 9.5, 39), 1e-5
    plus, minus, at = CS.closed_forms(z + h), CS.closed_forms(z - h), CS.closed_forms(z)
    for name in CS.LOSS_NAMES:
        numeric = (plus[name][0] - minus[name][0]) / (2 * h)
        np.testing.assert_allclose(at[name][1], numeric, rtol=1e-6, atol=1e-10)


def test_the_curves_agree_with_keras_losses_called_directly(curves):
    import keras

    z = curves.z_tape
    ones = np.ones_like(z)
    bce = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(
        ones[:, None], z[:, None], from_logits=True))
    mse = keras.ops.convert_to_numpy(keras.losses.mean_squared_error(
        ones[:, None], _sigmoid(z)[:, None]))
    np.testing.assert_allclose(curves.tape["binary_crossentropy"][0], bce, rtol=1e-10)
    np.testing.assert_allclose(curves.tape["mse"][0], mse, rtol=1e-10)


def test_the_curves_notice_reads_the_vanishing_gradient_off_the_curves(curves):
    text = CS.curves_notice(curves)
    s = _sigmoid(-10.0)
    mse_at_minus_10 = 2 * (s - 1) * s * (1 - s)  # −9.08e-5, worked by hand
    assert "-9.1·10⁻⁵" in text and "-1.00" in text
    assert f"{abs((s - 1) / mse_at_minus_10):,.0f} times larger" in text
    # The squared error's gradient is largest at σ = 1/3, z = −ln 2, where it is −8/27.
    # (The curve's grid has a point every 0.05: −0.70 is the one nearest −ln 2 = −0.693.)
    assert f"z = {-0.70:.2f}" in text and f"gradient {-8 / 27:.3f}" in text


# ----------------------------------------------------------------------------------------
# 2 · The race from a confidently wrong start
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wrong_race():
    return CS.race(CS.SaturationParams(wrong_logit=8.0), 1)


def test_the_wrong_start_puts_each_class_centre_at_the_stated_logit():
    data = CS.clouds(3)
    (w, b), = CS.wrong_start(data.x, data.y, 6.0)
    c0, c1 = (data.x[data.y == k].mean(axis=0) for k in (0, 1))
    assert float(c1 @ w[:, 0] + b[0]) == pytest.approx(-6.0)
    assert float(c0 @ w[:, 0] + b[0]) == pytest.approx(6.0)


def test_from_a_confidently_wrong_start_cross_entropy_gets_out_and_the_squared_error_crawls(
        wrong_race):
    assert wrong_race.start_accuracy == 0.0 and wrong_race.confidently_wrong == 1.0
    ce, mse = (wrong_race.reached(n, 0.95) for n in ("binary_crossentropy", "mse"))
    assert ce is not None and ce <= 5
    assert mse is None or mse > 10 * ce
    # The first gradient-descent step from the same weights, in NumPy: the squared error's
    # step is hundreds of times smaller.
    (w, b), = wrong_race.start
    x, y = wrong_race.x, wrong_race.labels.astype(np.float64)
    p = _sigmoid(x @ w[:, 0] + b[0])
    step_ce = np.abs(((p - y)[:, None] * x).mean(axis=0)).max()
    step_mse = np.abs((2 * (p - y) * p * (1 - p))[:, None] * x).mean(axis=0).max()
    assert step_ce > 300 * step_mse
    text = CS.race_notice(wrong_race, 0.95)
    assert f"reaches 95% after {ce} epoch" in text
    assert "100% of them get p < 0.05" in text


def test_from_a_random_start_both_losses_get_there():
    race = CS.race(CS.SaturationParams(), 1)
    assert all(race.reached(n, 0.95) is not None for n in CS.LOSS_NAMES)


def test_reached_counts_float32_accuracies_as_the_points_they_are(wrong_race):
    history = wrong_race.runs["mse"].history
    saved = history["accuracy"]
    try:
        history["accuracy"] = np.array([0.0, 0.5, 190 / 200, 1.0], np.float32)
        assert float(history["accuracy"][2]) < 0.95  # float32 of 0.95 is 0.9499999
        assert wrong_race.reached("mse", 0.95) == 3
        assert wrong_race.reached("mse", 0.99) == 4
        history["accuracy"] = np.array([0.0, 0.5], np.float32)
        assert wrong_race.reached("mse", 0.95) is None
    finally:
        history["accuracy"] = saved


# ----------------------------------------------------------------------------------------
# 1 · Same data, two tasks
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two():
    return CT.two_tasks(CT.TaskParams())


def test_both_networks_output_what_their_weights_compute(two):
    hidden = ("tanh", "tanh")
    grid = CT.grid_points()
    for trained, output in ((two.regression, "linear"), (two.classification, "sigmoid")):
        weights = trained.result.final.weights
        np.testing.assert_allclose(trained.grid, network.predict(weights, hidden, output, grid),
                                   atol=2e-5)
        np.testing.assert_allclose(trained.points,
                                   network.predict(weights, hidden, output, two.x), atol=2e-5)


def test_a_run_that_diverges_at_once_has_no_outputs_and_says_so():
    from core import engine

    p = CT.TaskParams()
    data = CT.task_data(p)
    wild = engine.Training("mse", "sgd", 100.0, 200, 5, seed=1)
    trained = CT.fit(p.network("linear"), wild, data.x, data.y * 1e3)
    assert trained.result.diverged and "diverged at epoch" in trained.result.message
    # It stopped before its one snapshot (the end): no output was ever recorded.
    assert trained.result.final.epoch == 0 and trained.result.final.outputs is None
    assert trained.grid.shape == (CT.GRID_SIZE ** 2, 1) and trained.points.shape == (200, 1)
    assert np.isnan(trained.grid).all() and np.isnan(trained.points).all()


def test_a_value_and_a_probability(two):
    np.testing.assert_array_equal(two.labels, (two.target > 0).astype(int))
    reg, prob = two.regression.grid[:, 0], two.classification.grid[:, 0]
    assert reg.min() < -0.5 and reg.max() > 0.5  # in the target's units, below 0 too
    assert prob.min() > 0 and prob.max() < 1
    assert two.accuracy > 0.9 and two.rmse < 0.25
    assert two.regression_accuracy == pytest.approx(
        np.mean((two.regression.points[:, 0] > 0) == two.labels))
    text = CT.meaning(two)
    assert f"{two.rmse:.2f}" in text and f"{two.accuracy:.0%}" in text
    assert f"{two.regression_accuracy:.0%}" in text
    high = int(np.argmax(two.target))
    assert f"it says {CT.value(two.regression.points[high, 0])}" in text


# ----------------------------------------------------------------------------------------
# 3 · Softmax and the calculator
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def softmax():
    return CM.softmax_run(CM.SoftmaxParams(), CT.TaskParams())


def test_softmax_probabilities_sum_to_one_and_a_point_is_its_weights_forward_pass(softmax):
    np.testing.assert_allclose(softmax.probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert softmax.accuracy > 0.95
    corner = CT.grid_points()[0]
    np.testing.assert_allclose(softmax.probe(corner), softmax.probabilities[0], atol=2e-5)
    assert CM.SoftmaxParams(probe_x1=3.0).run_key() == CM.SoftmaxParams()
    text = CM.probe_notice(softmax, np.array([0.0, 3.5]))
    assert "they sum to 1.00" in text and "class 0" in text
    assert [CT.probability(q) for q in (0.004, 0.0051, 0.5, 0.9949, 0.995)] == [
        "< 0.01", "0.01", "0.50", "0.99", "> 0.99"]


def _by_hand() -> tuple[list[float], float]:
    """The book's exercise worked by hand: −ln softmax(z)_y = ln Σ e^zⱼ − z_y."""
    rows = [([4, 5, 1], 0), ([-1, -2, -3], 0), ([0.1, 0.2, 0.3], 2), ([-1, 17, 1], 1)]
    each = [math.log(sum(math.exp(v) for v in z)) - z[y] for z, y in rows]
    return each, sum(each) / len(each)


def test_the_calculator_gives_the_books_answer_from_keras_and_from_numpy():
    c = CC.calculate(CC.CalculatorParams())
    each, mean = _by_hand()
    for scores in (c.keras, c.numpy):
        assert scores.mean_loss == pytest.approx(0.684028, abs=5e-7)
        assert scores.mean_loss == pytest.approx(mean, rel=1e-12)
        np.testing.assert_allclose(scores.losses, each, rtol=1e-9, atol=1e-12)
        assert scores.accuracy == 0.75  # three of four: example 1's largest logit is class 1
        np.testing.assert_allclose(scores.probabilities.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(c.keras.probabilities, c.numpy.probabilities, rtol=1e-12)


@pytest.mark.parametrize("labels, logits", [
    ("0 0 2 1", "4 5 1; -1 -2 -3; 0.1 0.2 0.3; -1 17 1"),
    ("0,0,2,1", "4, 5, 1\n−1, −2, −3\n0.1, 0.2, 0.3\n−1, 17, 1"),
    (" [ 0, 0, 2, 1 ] ", "[[4,5,1],[-1,-2,-3],[0.1,0.2,0.3],[-1,17,1]]"),
])
def test_the_calculator_reads_the_usual_ways_of_typing_lists(labels, logits):
    c = CC.calculate(CC.CalculatorParams(labels=labels, logits=logits))
    assert c.keras.mean_loss == pytest.approx(0.684028, abs=5e-7)


@pytest.mark.parametrize("labels, logits, says", [
    ("[0, 0, 2]", CC.BOOK_LOGITS, "3 labels but 4 rows of logits"),
    ("[0, 0, 3, 1]", CC.BOOK_LOGITS, "example 3 has label 3, but with 3 logits per row"),
    ("[0, x, 2, 1]", CC.BOOK_LOGITS, "entry 2, 'x', is not a number"),
    ("[0, 1.5]", "1 2; 3 4", "entry 2 is 1.5"),
    ("[-1]", "1 2", "entry 1 is -1"),
    ("", "1 2", "labels is empty"),
    ("0", "", "logits is empty"),
    ("0 1", "[[1, 2], [3]]", "row 2 has 1 number, row 1 has 2"),
    ("0 1", "[[1, 2], [3, 4]", "the brackets do not pair up"),
    ("0", "[[1, 2]], [3]", "the brackets do not pair up"),
    ("0", "[1, 2", "a '[' is never closed"),
    ("0]", "1 2", "a ']' closes nothing"),
    ("[[0]]", "1 2", "one flat list"),
    ("0", "1, nan", "'nan', is not a finite number"),
    ("0", "1e400, 2", "is not a finite number"),
    ("0", "1e7, 2", "between −1e+06 and 1e+06"),
    ("0", "[1]", "rows of 1 number; give 2 to 10"),
    ("0", "1 2 3 4 5 6 7 8 9 10 11", "rows of 11 numbers"),
    (",".join(["0"] * 21), "; ".join(["1 2"] * 21), "at most 20 examples"),
    ("0", "1, click(https://evil.example)", "is not a number"),
])
def test_malformed_input_gets_a_message_naming_what_is_wrong(labels, logits, says):
    with pytest.raises(CC.CalculatorError) as err:
        CC.calculate(CC.CalculatorParams(labels=labels, logits=logits))
    assert says in str(err.value)
    assert "https://" not in str(err.value)  # long tokens are cut, never repeated whole


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(labels=st.text(max_size=40), logits=st.one_of(
    st.text(max_size=60), st.text(alphabet="[]0123456789.,;- e\n−", max_size=60)))
def test_any_typed_text_gives_a_result_or_a_calculator_error(labels, logits):
    try:
        labels_, logits_ = CC.parse(labels, logits)
    except CC.CalculatorError as err:
        assert str(err)
        return
    assert len(labels_) == len(logits_) and labels_.max() < logits_.shape[1]
    assert np.all(np.isfinite(CC.numpy_scores(labels_, logits_).losses))


# ----------------------------------------------------------------------------------------
# 4 · The wrong output layer
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ceiling():
    return CW.ceiling(CT.TaskParams(), CW.WrongParams())


def test_a_sigmoid_output_stays_below_a_target_above_one(ceiling):
    assert ceiling.target.max() > 1.3 and ceiling.above.sum() > 10
    assert ceiling.sigmoid.points.max() < 1 and ceiling.sigmoid.grid.max() < 1
    # Below 1 it must fall short by at least target − 1 wherever the target passes 1.
    short = ceiling.shortfall(ceiling.above)
    assert np.all(short >= ceiling.target[ceiling.above] - 1 - 1e-6)
    assert ceiling.rmse(ceiling.linear) < ceiling.rmse(ceiling.sigmoid)
    text = CW.ceiling_notice(ceiling)
    assert f"passes 1 at {int(ceiling.above.sum())} of 200 points" in text
    assert f"by up to {short.max():.2f}" in text


def test_a_linear_classifier_classifies_but_leaves_zero_one(ceiling):
    c = CW.linear_classifier(CT.TaskParams())
    out = c.trained.points[:, 0]
    assert c.accuracy > 0.9
    low, high, n = c.outside()
    assert (low, high, n) == (int((out < 0).sum()), int((out > 1).sum()), 200)
    assert low + high > 0
    text = CW.linear_classifier_notice(c)
    assert f"{low} of its 200 outputs on the points are below 0 and {high} above 1" in text
    assert f"{out.min():.2f}" in text and f"{out.max():.2f}" in text


# ----------------------------------------------------------------------------------------
# Parameters and links
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [
    CT.TaskParams(dataset="plane", noise=20, threshold=-0.25, hidden_units=(4, 2, 3),
                  activation="relu", learning_rate=0.01, epochs=300, seed=42),
    CS.SaturationParams(wrong_logit=4.0, gd_rate=0.3, gd_epochs=500, target_accuracy=0.8),
    CM.SoftmaxParams(three_class_data="spiral3", probe_x1=-2.5, probe_x2=6.0),
    CC.CalculatorParams(labels="[click me](https://x.y) <b>", logits="1; 2\n3 , ,"),
    CW.WrongParams(target_shift=1.0),
])
def test_every_parameter_class_round_trips_through_a_link(params):
    back, notes = type(params).from_query(params.to_query())
    assert back == params and notes == []
    assert back != type(params)()  # positive case: these are not the defaults


# ----------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------


def test_the_gradient_figure_draws_gradient_tape_on_the_closed_forms(curves):
    f = fig.saturation_curves(curves, "gradient")
    lines = [t for t in f.data if t.mode == "lines"]
    marks = [t for t in f.data if t.mode == "markers"]
    assert len(lines) == len(marks) == 2
    for line, mark in zip(lines, marks):
        np.testing.assert_allclose(np.interp(mark.x, line.x, line.y), mark.y, atol=2e-3)


def test_the_softmax_map_hovers_every_probability_and_colours_the_winner(softmax):
    f = fig.softmax_map(softmax, np.array([1.0, -2.0]))
    heat = f.data[0]
    probs = np.asarray(heat.customdata).reshape(-1, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(np.floor(np.asarray(heat.z)).ravel(), probs.argmax(axis=1))
    assert f.data[-1].x == (1.0,) and f.data[-1].y == (-2.0,)
    bars = fig.probability_bars(softmax.probe([1.0, -2.0]), np.array([1.0, -2.0]))
    assert sum(bars.data[0].y) == pytest.approx(1.0) and "sum 1.00" in bars.layout.title.text


def test_the_linear_outputs_histogram_counts_every_point():
    c = CW.linear_classifier(CT.TaskParams())
    f = fig.linear_outputs(c)
    assert sum(len(t.x) for t in f.data) == 200
    edges = f.data[0].xbins
    assert round(edges.start / 0.05, 9).is_integer()  # 0 and 1 are bin edges
