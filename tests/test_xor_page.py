"""The XOR page through AppTest: controls change the picture and the link; weights edit live."""

import json

from conftest import open_page, problems


def _chart_titles(at) -> str:
    """Every chart's title, read from the parsed spec (its JSON escapes non-ASCII text unless
    orjson is installed)."""
    titles = []
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"].get("title", {})
        titles.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return " | ".join(titles)


def test_default_page_shows_every_part():
    at = open_page("pages/xor.py")
    assert not problems(at)
    assert len(at.tabs) == 4
    assert len(at.get("plotly_chart")) == 6  # 2 linear, 1 hand-set, 3 trained
    assert any("solves XOR" in s.value for s in at.success)
    assert at.latex  # the lecture's formula
    assert at.query_params["hidden_units"] == ["2"] or at.query_params["hidden_units"] == "2"


def test_changing_a_control_retrains_and_updates_the_link():
    at = open_page("pages/xor.py")
    at.slider(key="xor.hidden_units").set_value(5).run()
    assert not problems(at)
    assert "5" in str(at.query_params["hidden_units"])
    assert "Hidden space after training (h₁, h₂ only)" in _chart_titles(at)


def test_link_pins_a_configuration():
    at = open_page("pages/xor.py", {"hidden_units": "1", "seed": "3", "activation": "tanh"})
    assert not problems(at)
    assert at.slider(key="xor.hidden_units").value == 1
    assert at.selectbox(key="xor.activation").value == "tanh"
    assert any("Not solved" in i.value for i in at.info)


def test_editing_a_weight_breaks_and_the_button_repairs():
    at = open_page("pages/xor.py")
    at.number_input(key="xor.W2.1").set_value(-1.0).run()
    assert any("gets 75%" in w.value for w in at.warning)
    assert "-1" in str(at.query_params["W2"])
    at.button[0].click().run()  # "Lecture's weights"
    assert any("solves XOR" in s.value for s in at.success)


def test_the_sweep_answers_the_lecture_question():
    at = open_page("pages/xor.py", {"epochs": "200"})
    run_button = [b for b in at.button if "experiment" in b.label][0]
    run_button.click().run(timeout=300)
    assert not problems(at)
    assert "Runs that solve XOR" in _chart_titles(at)


def test_a_classroom_link_hides_controls_but_keeps_their_values():
    at = open_page("pages/xor.py", {"hide": "learning_rate,seed", "seed": "8",
                                     "learning_rate": "0.1"})
    assert not problems(at)
    assert not [w for w in at.select_slider if w.key == "xor.learning_rate"]
    assert not [w for w in at.number_input if w.key == "xor.seed"]
    assert "8" in str(at.query_params["seed"]) and "0.1" in str(at.query_params["learning_rate"])
    assert "learning_rate,seed" in str(at.query_params["hide"])
