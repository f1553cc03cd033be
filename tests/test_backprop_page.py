"""The backpropagation page through AppTest: every tab draws, the step buttons walk the graph
and write the link, the gradient-descent step sets w and b, links pin every view, and typed
or linked hostile expressions are refused with the parser's message, never echoed."""

from __future__ import annotations

import json

from conftest import link_notes, open_page, problems

PAGE = "pages/backpropagation.py"
TABS = ["1 · One neuron", "2 · A network", "3 · Why backwards", "4 · Through depth",
        "5 · Your f(a, b, c)"]


def _titles(at) -> list[str]:
    out = []
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"].get("title", {})
        out.append((title.get("text", "") if isinstance(title, dict) else str(title))
                   .replace("<br>", " "))
    return out


def _query(at, key: str) -> str | None:
    value = at.query_params.get(key)
    return None if value is None else str(value).strip("[]'")


def _button(at, label: str, key_part: str = ""):
    return next(b for b in at.button if b.label == label and key_part in (b.key or ""))


def test_every_tab_draws_its_chart():
    at = open_page(PAGE)
    assert not problems(at) and [t.label for t in at.tabs] == TABS
    assert _titles(at) == ["Step 9/9: ∂L/∂x = ∂L/∂z · ∂z/∂x = (−0.3) × 0.5 = −0.15",
                           "Loss along the step"]
    assert dict(at.query_params) == {}  # the defaults need no link
    for label in TABS[1:]:
        at.session_state["backpropagation.tab"] = label
        at.run()
        assert not problems(at) and len(at.get("plotly_chart")) >= 1, label
    assert _query(at, "tab") == "5"


def test_the_step_buttons_walk_the_graph_and_write_the_link():
    at = open_page(PAGE)
    _button(at, "◀", "step").click().run()
    assert not problems(at) and _query(at, "step") == "8"
    assert _titles(at)[0].startswith("Step 8/9: ∂L/∂b = ∂L/∂z · ∂z/∂b")
    for _ in range(8):
        _button(at, "◀", "step").click().run()
    assert _query(at, "step") == "0" and _button(at, "◀", "step").disabled
    assert "The inputs" in _titles(at)[0]
    _button(at, "▶", "step").click().run()
    assert _titles(at)[0] == "Step 1/9: z = w·x + b = 0.5·1.5 + 0.1 = 0.85"
    assert not _button(at, "◀", "step").disabled  # positive case of the disabled check


def test_taking_the_gradient_step_moves_w_and_b():
    at = open_page(PAGE)
    assert any("The loss falls from 0.0225 to 0.002756" in m.value for m in at.markdown)
    _button(at, "Take this step").click().run()
    assert not problems(at)
    assert _query(at, "w") == "0.545" and _query(at, "b") == "0.13"
    assert at.number_input(key="backpropagation.w").value == 0.545


def test_a_link_pins_the_neuron_and_its_step():
    at = open_page(PAGE, {"w": "-1", "step": "6", "sigma": "relu"})
    assert not problems(at)
    assert _titles(at)[0] == "Step 6/9: ∂L/∂z = ∂L/∂ŷ · ∂ŷ/∂z = (−2) × 0 = 0"
    assert any("dead unit" in m.value for m in at.markdown)
    assert at.number_input(key="backpropagation.w").value == -1.0


def test_the_network_walks_back_layer_by_layer():
    at = open_page(PAGE, {"tab": "2"})
    assert not problems(at)
    assert any("Step 7 of 7" in m.value for m in at.markdown)
    assert _button(at, "▶", "layer_step").disabled
    _button(at, "◀", "layer_step").click().run()
    assert _query(at, "layer_step") == "6"
    assert any("Step 6 of 7" in m.value for m in at.markdown)
    assert any(r"\operatorname{diag}" in lat.value for lat in at.latex)
    assert any("agrees with GradientTape" in m.value and "12 digits" in m.value
               for m in at.markdown)
    random = open_page(PAGE, {"tab": "2", "network": "random", "hidden_units": "4,3"})
    assert not problems(random) and random.number_input(key="backpropagation.net_seed")
    assert any("Step 10 of 10" in m.value for m in random.markdown)


def test_the_cost_tab_refuses_a_model_too_large_to_time():
    at = open_page(PAGE, {"tab": "3", "widths": "64,64,64"})
    assert not problems(at)
    assert "at most 3,000" in link_notes(at)
    assert _query(at, "widths") is None  # the default model was timed instead
    assert any(m.label == "parameters P" and m.value == "337" for m in at.metric)


def test_the_depth_tab_follows_its_link():
    at = open_page(PAGE, {"tab": "4", "activation": "sigmoid", "initializer": "small",
                          "depth": "6", "width": "64"})
    assert not problems(at)
    assert any("vanishes" in m.value for m in at.markdown)


def test_a_typed_hostile_expression_is_refused_and_the_last_one_kept():
    at = open_page(PAGE, {"tab": "5"})
    box = at.text_input(key="backpropagation.expression")
    box.input("__import__('os').system('ls')").run()
    assert not problems(at)
    errors = " ".join(e.value for e in at.error)
    assert "This expression is not accepted" in errors and "unknown name" in errors
    assert "__import__" not in errors and "__import__" in at.code[0].value  # shown as text
    assert _query(at, "expression") is None  # the link keeps the accepted default
    at.text_input(key="backpropagation.expression").input("a*b - c").run()
    assert not problems(at) and _query(at, "expression") == "a*b - c"
    assert not at.error


def test_an_expression_undefined_at_the_point_says_where():
    at = open_page(PAGE, {"tab": "5", "expression": "log(b) + a"})
    assert not problems(at)
    assert any("cannot be differentiated here" in e.value and "log" in e.value
               for e in at.error)


def test_a_hostile_expression_in_a_link_is_ignored_and_not_echoed():
    at = open_page(PAGE, {"tab": "5", "expression": "[a](javascript:alert(1))"})
    assert not problems(at)
    notes = link_notes(at)
    assert "expression" in notes and "javascript" not in notes
    assert at.text_input(key="backpropagation.expression").value == "a*b + sin(a*c)"
