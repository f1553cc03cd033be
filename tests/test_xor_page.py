"""The XOR page through AppTest: controls change the picture and the link; weights edit live."""

import json

from conftest import open_page, problems


def _chart_titles(at) -> str:
    """Every chart's title, read from the parsed spec (its JSON escapes non-ASCII text unless
    orjson is installed)."""
    titles = []
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"].get("title", {})
        text = title.get("text", "") if isinstance(title, dict) else str(title)
        titles.append(text.replace("<br>", " "))  # the style wraps long titles
    return " | ".join(titles)


TABS = ["1 · A line fails", "2 · The hand-set network", "3 · Train it", "4 · How many units?"]


def test_default_page_shows_every_part_one_tab_at_a_time():
    at = open_page("pages/xor.py")
    assert not problems(at)
    assert [t.label for t in at.tabs] == TABS
    assert len(at.get("plotly_chart")) == 2  # only the open tab runs: the linear views
    assert at.latex  # the lecture's formula
    # The link holds only what differs from the defaults: nothing on the default view.
    assert dict(at.query_params) == {}
    for label, charts in zip(TABS[1:], (1, 3, 0)):
        at.session_state["xor.tab"] = label
        at.run()
        assert not problems(at) and len(at.get("plotly_chart")) == charts, label
    assert str(at.query_params["tab"]).strip("[]'") == "4"  # the link names the open tab
    assert any("Run the experiment" in b.label for b in at.button)


def test_a_link_opens_a_tab_and_a_bad_tab_is_named():
    at = open_page("pages/xor.py", {"tab": "2"})
    assert any("solves XOR" in s.value for s in at.success)
    at = open_page("pages/xor.py", {"tab": "[9](x)"})
    assert not problems(at) and len(at.get("plotly_chart")) == 2
    assert any("asked for tab" in w.value and "[9](" not in w.value for w in at.warning)


def test_changing_a_control_retrains_and_updates_the_link():
    at = open_page("pages/xor.py", {"tab": "3"})
    at.number_input(key="xor.hidden_units").set_value(5).run()
    assert not problems(at)
    assert "5" in str(at.query_params["hidden_units"])
    assert "Hidden space after training (h₁, h₂ only)" in _chart_titles(at)
    at.number_input(key="xor.hidden_units").set_value(2).run()  # back to the default
    assert "hidden_units" not in at.query_params and "tab" in at.query_params


def test_link_pins_a_configuration():
    at = open_page("pages/xor.py", {"hidden_units": "1", "seed": "3", "activation": "tanh",
                                     "tab": "3"})
    assert not problems(at)
    assert at.number_input(key="xor.hidden_units").value == 1
    assert at.selectbox(key="xor.activation").value == "tanh"
    assert any("Not solved" in i.value for i in at.info)


def test_editing_a_weight_breaks_and_the_button_repairs():
    at = open_page("pages/xor.py", {"tab": "2"})
    at.number_input(key="xor.W2.1").set_value(-1.0).run()
    assert any("gets 75%" in w.value for w in at.warning)
    assert "-1" in str(at.query_params["W2"])
    at.button[0].click().run()  # "Lecture's weights"
    assert any("solves XOR" in s.value for s in at.success)
    assert at.number_input(key="xor.W2.1").value == -2.0 and "W2" not in at.query_params


def test_the_sweep_answers_the_lecture_question():
    at = open_page("pages/xor.py", {"epochs": "200", "tab": "4"})
    run_button = [b for b in at.button if "experiment" in b.label][0]
    run_button.click().run(timeout=300)
    assert not problems(at)
    assert "Runs that solve XOR" in _chart_titles(at)


def test_a_classroom_link_hides_controls_but_keeps_their_values():
    at = open_page("pages/xor.py", {"hide": "learning_rate,seed", "seed": "8",
                                     "learning_rate": "0.1", "tab": "3"})
    assert not problems(at)
    assert not [w for w in at.select_slider if w.key == "xor.learning_rate"]
    assert not [w for w in at.number_input if w.key == "xor.seed"]
    assert "8" in str(at.query_params["seed"]) and "0.1" in str(at.query_params["learning_rate"])
    assert "learning_rate,seed" in str(at.query_params["hide"])


def test_texts_follow_what_the_page_shows():
    at = open_page("pages/xor.py", {"activation": "tanh"})
    text = " ".join(m.value for m in at.markdown)
    assert "learns not to decide" in text and "means nothing" in text
    at.session_state["xor.tab"] = TABS[3]
    text = " ".join(m.value for m in at.run().markdown)
    assert "hidden tanh units" in text and "(tanh, adam" in text
    at.session_state["xor.tab"] = TABS[1]
    at.run()
    captions = " ".join(c.value for c in at.caption)
    assert "(0,1) and (1,0) both land on h = (1, 0): in hidden space one line" in captions
    at.number_input(key="xor.W1.1").set_value(0.0).run()  # W1 = [[1,0],[1,1]]
    captions = " ".join(c.value for c in at.caption)
    assert "(0,0) and (0,1) both land on h = (0, 0), although their classes differ" in captions


def test_a_classroom_link_hides_the_hand_set_weights_too():
    at = open_page("pages/xor.py", {"hide": "W1,b2", "W1": "1,0,1,1", "tab": "2"})
    assert not problems(at)
    keys = {w.key for w in at.number_input}
    assert "xor.W1.0" not in keys and "xor.b2" not in keys and "xor.b1.0" in keys
    assert any("gets" in w.value for w in at.warning)  # the link's weights are used
