"""The overfitting page through AppTest (via app.py's router): defaults, a control change that
retrains and rewrites the link, a mangled link, and each tab's one-click runs."""

from __future__ import annotations

import json

from conftest import open_page, problems
from sentences import chart_captions

PATH = "pages/overfitting.py"
TAB = "overfitting.tab"
#: A cold first run imports TensorFlow and compiles three trainers: on a busy shared machine
#: that takes longer than the helper's default.
TIMEOUT = 400


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _titles(at) -> list[str]:
    out = []
    for spec in _specs(at):
        layout = spec["layout"]
        out.append(layout.get("title", {}).get("text", ""))
        out += [a.get("text", "") for a in layout.get("annotations", [])]
    return [t.replace("<br>", " ") for t in out]  # the style wraps long titles


def _query(at, key: str) -> str | None:
    """The link's value of ``key``; None when the link leaves it out (at its default)."""
    if key not in at.query_params:
        return None
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def _open_tab(at, label: str):
    at.session_state[TAB] = label
    return at.run()


def test_defaults_show_three_capacities_and_the_loss_curves():
    at = open_page(PATH, timeout=TIMEOUT)
    assert not problems(at)
    titles = _titles(at)
    assert len(at.get("plotly_chart")) == 2 == len(chart_captions(at))
    assert None not in chart_captions(at)  # each chart with its own text alternative
    assert {"too small (1×1)", "about right (1×6)", "too large (3×64)"} <= set(titles)
    assert "overtraining starts here" in titles
    assert any("about right" in i.value and "test loss" in i.value for i in at.info)
    assert _query(at, "n_points") is None and _query(at, "large_width") is None  # defaults


def test_a_capacity_change_retrains_and_updates_the_link():
    at = open_page(PATH, timeout=TIMEOUT)
    at.slider(key="overfitting.large_width").set_value(8).run()
    assert not problems(at)
    assert "too large (3×8)" in _titles(at)
    assert _query(at, "large_width") == "8"
    [preset] = [b for b in at.button if b.label == "Presets"]
    preset.click().run()
    assert "too large (3×64)" in _titles(at) and _query(at, "large_width") is None


def test_a_mangled_link_loads_the_defaults_with_a_message():
    at = open_page(PATH, {"n_points": "many", "l2_rate": "7", "truth": "<b>x</b>",
                          "bogus": "1", "ex_layers": "99"}, timeout=TIMEOUT)
    assert not problems(at)
    [note] = [w.value for w in at.warning if "could not use" in w.value]
    # ex_layers is an old name of hidden_layers: its bad value is named by the new name.
    for name in ("n_points", "l2_rate", "truth", "bogus", "hidden_layers"):
        assert name.replace("_", "\\_") in note or name in note
    assert "<b>" not in note  # the link's text is never rendered as HTML
    assert _query(at, "n_points") is None and _query(at, "l2_rate") is None


def test_a_link_pins_the_regularisation_tab():
    at = open_page(PATH, {"l2_rate": "0", "l1_rate": "0.01", "regularised": "large"},
                   timeout=TIMEOUT)
    _open_tab(at, "2 · Regularisation")
    assert not problems(at)
    assert len(at.get("plotly_chart")) == 3  # fit, both loss curves, weight histogram
    zeros = [m for m in at.metric if m.label == "exact zeros"][0]
    assert int(zeros.value) > 0  # L1's soft threshold gives exact zeros
    assert _query(at, "l1_rate") == "0.01"


def test_one_click_trains_the_four_exercise_runs_and_tests_the_chosen_one_once():
    at = open_page(PATH, {"epochs_2d": "250"}, timeout=TIMEOUT)
    _open_tab(at, "3 · Overtraining exercise")
    assert not at.get("plotly_chart")  # behind the button
    [button] = [b for b in at.button if b.label == "Train the four runs"]
    button.click().run(timeout=600)
    assert not problems(at)
    titles = _titles(at)
    assert {"no regularisation", "L2 0.01", "L2 0.1", "L1 0.01"} <= set(titles)
    table = at.dataframe[0].value
    assert list(table["run"]) == ["no regularisation", "L2 0.01", "L2 0.1", "L1 0.01"]
    assert "validation loss" in table.columns and not any("test" in c for c in table.columns)
    [chosen] = [i.value for i in at.info if "Chosen on validation" in i.value]
    assert "fresh points looked at once" in chosen
    assert _query(at, "epochs_2d") == "250"
    # The same runs, seen again (another session): no button, at once.
    again = open_page(PATH, {"epochs_2d": "250", "tab": "3"}, timeout=TIMEOUT)
    assert not [b for b in again.button if b.label == "Train the four runs"]
    assert len(again.get("plotly_chart")) == 2


def test_an_old_exercise_link_opens_with_its_values_under_the_new_names():
    at = open_page(PATH, {"ex_epochs": "250", "ex_layers": "2", "tab": "3"}, timeout=TIMEOUT)
    assert not problems(at) and not [w for w in at.warning if "could not use" in w.value]
    assert at.session_state["overfitting.epochs_2d"] == 250
    assert at.session_state["overfitting.hidden_layers"] == 2
    assert _query(at, "epochs_2d") == "250" and "ex_epochs" not in at.query_params


def test_the_sweeps_run_behind_a_button_and_mark_the_best_value():
    at = open_page(PATH, {"seeds": "2", "epochs": "200"}, timeout=TIMEOUT)
    _open_tab(at, "4 · Sweeps")
    [button] = [b for b in at.button if b.label == "Run the sweeps"]
    button.click().run(timeout=900)
    assert not problems(at)
    specs = _specs(at)
    assert len(specs) == 2
    for spec in specs:
        assert spec["layout"]["xaxis"]["type"] == "log"
        assert any(t["name"].startswith("best: ") for t in spec["data"])
