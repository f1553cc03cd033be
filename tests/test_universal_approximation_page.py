"""The universal-approximation page through AppTest: defaults, controls and the link, the
preset, the tabs, and expressions typed or linked (including hostile ones)."""

import json

from conftest import open_page, problems
from sentences import chart_captions

PATH = "pages/universal_approximation.py"


def _open(query: dict[str, str] | None = None):
    # A generous ceiling: on a busy shared machine the first run imports TensorFlow and
    # compiles; the test measures behaviour, the benchmark measures speed.
    return open_page(PATH, query, timeout=600)


def _titles(at) -> list[str]:
    out = []
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"].get("title", {})
        out.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return [t.replace("<br>", " ") for t in out]  # the style wraps long titles


def _query(at, name: str) -> str | None:
    """The link's value of ``name``; None when the link leaves it out (at its default)."""
    if name not in at.query_params:
        return None
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


def _open_tab(at, label: str):
    at.session_state["universal_approximation.tab"] = label
    return at.run()


def test_defaults_show_the_fit_and_the_loss():
    at = _open()
    assert not problems(at)
    titles = _titles(at)
    assert any(t.startswith("Fit at epoch 400") for t in titles)
    assert "Loss (MSE) per epoch" in titles
    assert len(chart_captions(at)) == 2 and None not in chart_captions(at)
    assert {m.label for m in at.metric} >= {"max error", "RMS error", "parameters"}
    assert _query(at, "target") is None and _query(at, "hidden_units") is None  # defaults
    assert not at.error and not at.warning


def test_a_control_retrains_and_updates_the_link():
    at = _open()
    at.slider(key="universal_approximation.hidden_units").set_value(8).run()
    assert not problems(at)
    assert _query(at, "hidden_units") == "8"
    assert [m.value for m in at.metric if m.label == "parameters"] == ["25"]


def test_the_lecture_preset_is_one_click():
    at = _open({"epochs": "100"})
    [b for b in at.button if b.label == "2 × 30"][0].click().run()
    assert not problems(at)
    assert _query(at, "hidden_layers") == "2" and _query(at, "hidden_units") == "30"
    assert _query(at, "activation") is None and _query(at, "epochs") == "1500"  # tanh: default


def test_a_mangled_link_keeps_the_page_going():
    at = _open({"hidden_units": "abc", "target": "nope", "epochs": "1e9",
                          "hand_heights": "1,2", "nonsense": "1"})
    assert not problems(at)
    notes = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "could not use" in notes and "nonsense" in notes and "hidden_units" in notes
    assert any(t.startswith("Fit at epoch") for t in _titles(at))


def test_a_hostile_expression_in_the_link_is_refused_and_not_echoed():
    at = _open({"target": "custom", "expression": "__import__('os').system('ls')"})
    assert not problems(at)
    notes = " ".join(w.value for w in at.warning)
    assert "unknown name" in notes and "__import__" not in notes and "import" not in notes
    assert at.text_input(key="universal_approximation.expression").value == "sin(3*x) + 0.5*x"
    assert any(t.startswith("Fit at epoch") for t in _titles(at))


def test_a_linked_expression_is_fitted():
    at = _open({"target": "custom", "expression": "abs(x) - x^2/4", "x_min": "-2",
                          "x_max": "2", "epochs": "100"})
    assert not problems(at) and not at.warning and not at.error
    assert at.text_input(key="universal_approximation.expression").value == "abs(x) - x^2/4"
    assert _query(at, "expression") == "abs(x) - x^2/4"


def test_a_typed_hostile_expression_is_shown_as_text_with_a_message():
    at = _open({"target": "custom", "epochs": "100"})
    at.text_input(key="universal_approximation.expression").input("9**9**9").run()
    assert not problems(at)
    assert any("exponent" in w.value and "too large" in w.value for w in at.warning)
    assert any(c.value.startswith("9**9**9\n") and c.value.endswith("^") for c in at.code)
    assert _query(at, "expression") is None  # the last accepted one (the default) stays
    assert any(t.startswith("Fit at epoch") for t in _titles(at))


def test_an_expression_undefined_on_the_range_says_where():
    at = _open({"target": "custom", "expression": "sqrt(x)", "x_min": "-1",
                          "x_max": "1"})
    assert not problems(at)
    assert any("not finite" in e.value and "x in [-1, " in e.value.replace("\\", "")
               for e in at.error)


def test_the_unit_tab_takes_one_hidden_layer_apart():
    at = _open_tab(_open(), "Unit by unit")
    assert not problems(at)
    assert "The fit as a sum of 16 tanh steps" in _titles(at)


def test_the_hand_tab_builds_a_sum_and_places_pieces_evenly():
    at = _open_tab(_open(), "By hand")
    assert not problems(at)
    assert "A sum of 5 ReLU hinges, built by hand" in _titles(at)
    [b for b in at.button if b.label == "Place evenly"][0].click().run()
    assert not problems(at)
    assert "A sum of 8 ReLU hinges, built by hand" in _titles(at)
    assert len(_query(at, "hand_positions").split(",")) == 8


def test_the_width_sweep_runs_behind_a_button():
    at = _open_tab(_open({"epochs": "100", "points": "50"}), "Width")
    [b for b in at.button if "sweep" in b.label][0].click().run(timeout=600)
    assert not problems(at)
    assert "Error against width (one hidden layer)" in _titles(at)


def test_shallow_and_deep_side_by_side_with_their_parameter_counts():
    at = _open_tab(_open({"epochs": "100"}), "Shallow vs deep")
    assert not problems(at)
    titles = _titles(at)
    assert "1 × 56: 169 parameters" in titles and "3 × 8: 169 parameters" in titles


def test_an_edit_of_the_hand_table_becomes_the_link_and_a_fresh_table():
    at = _open_tab(_open(), "By hand")
    [key] = [k for k in at.session_state if str(k).startswith(
        "universal_approximation.hand_table.")]
    at.session_state[key] = {"edited_rows": {0: {"height": 3.0}}, "added_rows": [],
                             "deleted_rows": [4]}
    at.run()
    assert not problems(at)
    assert _query(at, "hand_heights") == "3,-2,2,-2"
    assert _query(at, "hand_positions") == "-2,-1,0,1"
    assert "A sum of 4 ReLU hinges, built by hand" in _titles(at)
    # The next run shows the new pieces in a table of its own (no edits replayed on them).
    at.run()
    assert _query(at, "hand_heights") == "3,-2,2,-2" and not problems(at)
    # Positive case for the message: a table without rows is not used.
    [key] = [k for k in at.session_state if str(k).startswith(
        "universal_approximation.hand_table.") and k != key]
    at.session_state[key] = {"edited_rows": {}, "added_rows": [],
                             "deleted_rows": [0, 1, 2, 3]}
    at.run()
    assert any("Table not used" in w.value for w in at.warning)
    assert _query(at, "hand_heights") == "3,-2,2,-2"
