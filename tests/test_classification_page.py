"""The classification page through AppTest (app.py), and its lecture content: every answer is
the text its own run writes, and says what that run shows."""

from __future__ import annotations

import json
import math

import numpy as np
from conftest import open_page, problems

from core.classification import calculator as CC
from core.classification import saturation as CS
from core.classification import softmax as CM
from core.classification import tasks as CT
from core.classification import wrong_layer as CW
from core.engine import losses
from ui.lectures import classification as L
from ui.lectures import lecture

PATH = "pages/classification.py"
TABS = ["1 · Two tasks", "2 · Why cross-entropy", "3 · Softmax", "4 · Wrong output layer"]


def _titles(at) -> str:
    titles = []
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"].get("title", {})
        titles.append((title.get("text", "") if isinstance(title, dict) else "").replace(
            "<br>", " "))
    return " | ".join(titles)


def _text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_every_tab_opens_with_its_pictures_and_the_default_link_is_empty():
    at = open_page(PATH)
    assert not problems(at) and not at.warning and not at.error
    assert [t.label for t in at.tabs] == TABS
    assert at.latex and dict(at.query_params) == {}
    assert "Regression: linear output" in _titles(at)
    assert "Classification: sigmoid output" in _titles(at)
    assert "answers a value in the target's units" in _text(at)
    for label, charts, title in zip(TABS[1:], (4, 2, 3), (
            "Gradient dL/dz for label 1", "Softmax: the winning class",
            "Target above 1: sigmoid output")):
        at.session_state["classification.tab"] = label
        at.run()
        assert not problems(at) and not at.error, label
        assert len(at.get("plotly_chart")) == charts and title in _titles(at), label
    assert str(at.query_params["tab"]).strip("[]'") == "4"
    assert any(CW.RULE in i.value for i in at.info)


def test_a_control_retrains_and_the_link_follows():
    at = open_page(PATH)
    at.select_slider(key="classification.threshold").set_value(0.25).run()
    assert not problems(at)
    assert str(at.query_params["threshold"]).strip("[]'") == "0.25"
    assert "probability that the target is above 0.25" in _text(at)
    at.select_slider(key="classification.threshold").set_value(0.0).run()
    assert "threshold" not in at.query_params


def test_a_link_pins_every_class_of_the_page():
    query = {"dataset": "plane", "epochs": "150", "wrong_logit": "6", "gd_rate": "0.3",
             "three_class_data": "spiral3", "probe_x1": "2.5", "labels": "1 0",
             "logits": "1 2; 3 4", "target_shift": "1", "tab": "2"}
    at = open_page(PATH, query)
    assert not problems(at) and not at.warning
    assert at.select_slider(key="classification.wrong_logit").value == 6.0
    written = {k: str(v).strip("[]'") for k, v in at.query_params.items()}
    assert written == query
    assert "Cross-entropy is" in _text(at) or "has not reached" in _text(at)


def test_the_calculator_gives_the_books_answer_and_names_bad_input_in_plain_text():
    at = open_page(PATH, {"tab": "3"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["mean CE, Keras"] == metrics["mean CE, NumPy"] == "0.684028"
    assert metrics["accuracy, Keras"] == metrics["accuracy, NumPy"] == "0.75"
    hostile = "[1, 2](https://evil.example)"
    at.text_input(key="classification.logits").set_value(hostile).run()
    assert not problems(at)
    errors = " ".join(e.value for e in at.error)
    assert "logits" in errors and "never closed" in errors
    assert "](" not in errors.replace("\\]\\(", "")  # escaped: no Markdown link
    assert not at.metric  # no stale result beside the message
    at.text_input(key="classification.logits").set_value("4 5 1; -1 -2 -3; 0.1 0.2 0.3").run()
    assert "3 labels" not in " ".join(e.value for e in at.error)
    assert "4 labels but 3 rows of logits" in " ".join(e.value for e in at.error).replace(
        "\\", "")
    at.text_input(key="classification.labels").set_value("0, 0, 2").run()
    assert not at.error and at.metric  # positive case: good input, numbers again


def test_a_hostile_calculator_link_gets_a_message_and_the_page_goes_on():
    at = open_page(PATH, {"tab": "3", "labels": "<script>alert(1)</script>",
                          "logits": "x" * 1000})
    assert not problems(at) and at.get("plotly_chart")
    shown = " ".join(m.value for m in (*at.warning, *at.error))
    assert "<script>" not in shown and "logits" in shown


def test_presenter_mode_keeps_the_numbers_and_hides_the_explanations():
    at = open_page(PATH, {"tab": "2", "present": "1"})
    assert not problems(at)
    text = _text(at)
    assert "times larger" in text  # what the curves say stays
    assert "Circles: the engine's own losses" not in text  # the explanation goes


# ----------------------------------------------------------------------------------------
# The lecture content: answers written by their own runs, saying what the runs show
# ----------------------------------------------------------------------------------------


def test_every_answer_is_written_from_its_run():
    content = lecture("classification")
    assert "J = -" in content.formula.replace(" ", "") or r"\log y_m(x_i)" in content.formula
    seed = CT.TaskParams().seed
    race = CS.race(L.CONFIDENTLY_WRONG, seed)
    assert L.confidently_wrong() == CS.race_notice(race, L.CONFIDENTLY_WRONG.target_accuracy)
    ceiling = CW.ceiling(CT.TaskParams(), L.TARGET_UP_TO_2)
    assert L.target_up_to_2() == CW.ceiling_notice(ceiling)
    plane = CT.two_tasks(L.PLANE)
    assert L.plane_meanings() == CT.meaning(plane).replace("  \n", " ")
    spirals = CM.softmax_run(L.SPIRALS, L.SPIRAL_NETWORK)
    assert f"puts {spirals.accuracy:.0%} of the points" in L.spirals()
    assert all(q.answer_text() for q in content.notice)


def test_the_answers_say_what_their_runs_show():
    race = CS.race(L.CONFIDENTLY_WRONG, CT.TaskParams().seed)
    ce, mse = race.reached("binary_crossentropy", 0.95), race.reached("mse", 0.95)
    assert ce is not None and (mse is None or mse > ce)
    ceiling = CW.ceiling(CT.TaskParams(), L.TARGET_UP_TO_2)
    assert ceiling.above.sum() > 0 and ceiling.sigmoid.points.max() < 1
    assert ceiling.target.max() > 1.5  # "up to 2": the target moved up by 1
    # The confident mistake, by hand: −ln p = ln(e¹⁰ + 2) − z_y.
    text = L.confident_mistake()
    assert f"{math.log(math.exp(10) + 2):.4f}" in text
    assert f"{math.log(math.exp(10) + 2) - 10:.1e}" in text
    assert "accuracy 50%" in text
    softmax = CM.softmax_run(CM.SoftmaxParams(), CT.TaskParams())
    assert np.abs(softmax.probabilities.sum(axis=1) - 1).max() < 1e-5
    assert f"{np.abs(softmax.probabilities.sum(axis=1) - 1).max():.0e}" in L.sums_to_one()
    assert CC.calculate(L.CONFIDENT_MISTAKE).keras.accuracy == 0.5


def test_the_playground_names_its_default_loss_and_links_here():
    at = open_page("pages/playground.py")
    assert not problems(at)
    notes = " ".join([*(c.value for c in at.caption), *(m.value for m in at.markdown)])
    assert "½·squared error on a tanh output" in notes
    assert "](classification?tab=2)" in notes


def test_the_playgrounds_cross_entropy_is_the_loss_this_page_trains_with():
    from core import playground as pg
    from core.engine import trainer

    head = pg.Head.of(pg.PlaygroundParams(loss="cross_entropy"), 2)
    assert (head.output_activation, head.loss) == ("sigmoid", "binary_crossentropy")
    assert head.loss in CS.LOSS_NAMES  # the registry entry this page trains and plots
    assert pg.Head.of(pg.PlaygroundParams(), 2).loss == "half_mse"  # its default: not CE
    # The trainer minimises exactly the registry's function (no copy of it anywhere).
    s = trainer.Structure(8, (16,), ("tanh",), 1, "sigmoid", 0.0, head.loss, "sgd")
    assert trainer.Trainer(s).loss == losses.get(head.loss).fn
