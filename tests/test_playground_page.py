"""The Playground page through AppTest (app.py, as a browser would open it): the default run,
links (hidden controls, bad values), presets, own data (upload and table), divergence and
the buttons that continue or restart training."""

from __future__ import annotations

import json

import pandas as pd
from conftest import as_read, link_notes, open_page, problems

from core.playground import PlaygroundParams

PAGE = "pages/playground.py"
P = PlaygroundParams


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _errors(at) -> str:
    """The error boxes' text as the reader sees it (the page escapes an upload's text)."""
    return as_read(" ".join(e.value for e in at.error))


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _strings(value) -> list[str]:
    """Every string inside a parsed JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _chart_texts(at) -> set[str]:
    """Every text of every chart (titles, names, hover templates, labels), from the specs
    parsed as JSON: how they are serialised (escaped non-ASCII or not) does not matter."""
    return {s for c in at.get("plotly_chart") for s in _strings(json.loads(c.proto.spec))}


def test_default_page_trains_and_draws_everything():
    at = open_page(PAGE)
    assert not problems(at) and not at.error
    # The main view, then the first of the lazy detail tabs: replay, loss, accuracy, confusion.
    assert len(at.get("plotly_chart")) == 4
    assert _metric(at, "epoch") == "500"
    assert float(_metric(at, "test accuracy").rstrip("%")) >= 95
    assert not at.get("download_button")  # the export tab is not open, so not computed
    assert at.latex  # Playground's loss
    assert str(at.query_params["dataset"]) in ("circle", "['circle']")


def test_the_detail_tabs_draw_the_network_and_the_exports_when_opened():
    inside = open_page(PAGE, {"tab": "2"})
    assert not problems(inside) and not inside.error
    # Replay and loss, then the network diagram and one node over the plane.
    assert len(inside.get("plotly_chart")) == 4
    assert [s for s in inside.selectbox if s.key.startswith("playground.node.")]
    export = open_page(PAGE, {"tab": "3"})
    assert not problems(export) and len(export.get("download_button")) == 3
    assert len(export.get("plotly_chart")) == 2


WIDGET_TYPES = ("selectbox", "select_slider", "slider", "number_input", "toggle", "radio",
                "button_group", "multiselect", "checkbox", "text_input")
FIELDS = set(P.field_names())


def _drawn_controls(at) -> set[str]:
    """Parameter fields with a widget on the page (a tuple's boxes count for their field)."""
    keys = {w.key for t in WIDGET_TYPES for w in at.get(t) if w.key}
    return {k.split(".")[1] for k in keys if k.startswith("playground.")} & FIELDS


def test_every_control_is_drawn_and_a_link_can_hide_every_one():
    at = open_page(PAGE, {"epochs": "20"})
    assert not problems(at) and _drawn_controls(at) == FIELDS
    hidden = open_page(PAGE, {"epochs": "20", "learning_rate": "0.1", "hidden_units": "3,2",
                              "hide": ",".join(sorted(FIELDS))})
    assert not problems(hidden) and _drawn_controls(hidden) == set()
    assert _metric(hidden, "epoch") == "20"
    assert "0.1" in str(hidden.query_params["learning_rate"])


def test_a_classroom_link_hides_controls_and_keeps_their_values():
    at = open_page(PAGE, {"hide": "learning_rate,hidden_units,problem",
                          "learning_rate": "0.1", "hidden_units": "3", "tab": "2"})
    assert not problems(at)
    assert not [w for w in at.select_slider if w.key == "playground.learning_rate"]
    assert not [w for w in at.number_input if w.key.startswith("playground.hidden_units")]
    assert not [w for w in at.button_group if w.key == "playground.problem"]
    assert {"learning_rate", "hidden_units", "problem"}.isdisjoint(_drawn_controls(at))
    assert {"dataset", "activation", "epochs"} <= _drawn_controls(at)
    assert "0.1" in str(at.query_params["learning_rate"])
    assert "learning_rate,hidden_units,problem" in str(at.query_params["hide"])
    texts = _chart_texts(at)  # the network diagram (tab 2) has the hidden units' names
    assert any("layer 1 · neuron 3" in t for t in texts)
    assert not any("layer 2" in t for t in texts)


def test_a_bad_link_loads_the_page_and_names_what_was_ignored():
    at = open_page(PAGE, {"dataset": "nope", "learning_rate": "abc"})
    assert not problems(at)
    notes = link_notes(at)
    assert "dataset" in notes and "learning_rate" in notes
    assert len(at.get("plotly_chart")) >= 3


def test_a_preset_loads_the_exercise_with_its_question_and_answer():
    at = open_page(PAGE)
    _button(at, "one layer, 4 ReLU").click().run()
    assert not problems(at)
    assert at.session_state["playground.activation"] == "relu"
    assert at.session_state["playground.dataset"] == "xor"
    assert str(at.query_params["hidden_units"]) in ("4", "['4']")
    text = " ".join(m.value for m in at.markdown)
    assert "how few layers and neurons" in text  # the exercise's questions
    assert any(e.label == "Answer" for e in at.expander)


def test_divergence_is_a_message_not_a_broken_plot():
    at = open_page(PAGE, {"dataset": "plane", "learning_rate": "10", "epochs": "50"})
    assert not problems(at)
    assert "lower the learning rate" in _errors(at) and "diverged at epoch" in _errors(at)
    assert len(at.get("plotly_chart")) >= 2


def test_train_more_reset_and_new_seed():
    at = open_page(PAGE, {"epochs": "100"})
    _button(at, "+250 epochs").click().run()
    assert not problems(at) and _metric(at, "epoch") == "350"
    assert "350" in str(at.query_params["epochs"])
    _button(at, "reset").click().run()
    assert _metric(at, "epoch") == "100"
    _button(at, "new seed").click().run()
    assert at.session_state["playground.seed"] == 2
    _button(at, "new data").click().run()
    assert at.session_state["playground.data_seed"] == 2 and not problems(at)


def test_switching_to_regression_picks_a_regression_data_set():
    at = open_page(PAGE, {"epochs": "50"})
    next(r for r in at.button_group if r.key == "playground.problem").set_value(
        "regression").run()
    assert not problems(at)
    assert at.session_state["playground.dataset"] == "plane"
    assert any(m.label == "test R²" for m in at.metric)


def _own_data_page():
    return open_page(PAGE, {"dataset": "user", "epochs": "30"})


def test_own_data_starts_from_an_editable_example_table():
    at = _own_data_page()
    assert not problems(at) and not at.error
    assert at.get("arrow_data_frame") or at.data_editor
    assert _metric(at, "epoch") == "30"


def test_bad_uploads_show_the_reason_and_the_page_goes_on():
    at = _own_data_page()
    cases = [
        (b"a,b,c\n1,2,3\n", "Missing column"),
        (b"x1,x2,label\n1,2,1\n3,oops,0\n1,1,0\n2,2,1\n", "Non-numeric value 'oops'"),
        (b"x1,x2,label\n1,2,1\n3,NaN,0\n1,1,0\n2,2,1\n", "NaN"),
        (b"x1,x2,label\n1,2,1\n3,4,1\n1,1,1\n2,2,1\n", "at least two classes"),
        (b"x1,x2,label\n" + b"1,2,1\n" * 2001, "Too many rows"),
    ]
    for content, reason in cases:
        at.file_uploader[0].set_value(("points.csv", content, "text/csv")).run()
        assert not problems(at)
        assert reason in _errors(at) and "points.csv" in _errors(at)
        assert _metric(at, "epoch") == "30"  # still trained on the table


def test_an_uploads_name_and_cells_are_never_markdown():
    at = _own_data_page()
    content = b"x1,x2,label\n1,2,1\n3,![](https://evil.example/p.png),0\n1,1,0\n2,2,1\n"
    at.file_uploader[0].set_value(("[x](https://evil.example).csv", content, "text/csv")).run()
    raw = " ".join(e.value for e in at.error)
    assert "](" not in raw.replace("\\]\\(", "")  # every ] ( escaped
    assert "[x](https://evil.example).csv" in _errors(at)  # named all the same, as text
    assert "Non-numeric value" in _errors(at)


def test_a_good_upload_replaces_the_table_and_trains_on_it():
    at = _own_data_page()
    rows = "\n".join(f"{x},{y},{int(x > 0)}" for x in range(-5, 6) for y in (-3, 0, 3))
    at.file_uploader[0].set_value(("mine.csv", f"x1,x2,label\n{rows}\n".encode(),
                                   "text/csv")).run()
    assert not problems(at) and not at.error
    assert len(at.session_state["playground.user_frame"]) == 33
    assert _metric(at, "epoch") == "30"


def test_the_table_hook_feeds_the_page_and_its_errors_are_messages():
    at = open_page(PAGE, {"dataset": "user", "epochs": "30"}, timeout=120)
    at.session_state["playground.user_frame"] = pd.DataFrame(
        {"x1": [1.0, 2.0, 3.0, 4.0], "x2": [0.0, 1.0, 0.0, 1.0], "label": [1, 1, 1, 1]})
    if "playground.table" in at.session_state:
        del at.session_state["playground.table"]  # the editor's edits belong to the old table
    at.run()
    assert not problems(at)
    assert "The table" in _errors(at) and "at least two classes" in _errors(at)
    assert any("Fix your data" in w.value for w in at.warning)
