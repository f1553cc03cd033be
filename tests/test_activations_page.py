"""The activations page through AppTest: both tabs, a widget change, a link, a mangled link,
and the claims its texts make."""

import base64
import json

import numpy as np
from conftest import open_page, problems

PAGE = "pages/activations.py"
TAB = "activations.tab"
VIEW = "activations.subtab"
INIT_TAB = "2 · Initialisation"


def _titles(at) -> list[str]:
    titles = []
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        titles.append(layout.get("title", {}).get("text", ""))
    return [t.replace("<br>", " ") for t in titles]  # the style wraps long titles


def _array(value) -> np.ndarray:
    """A trace's data array from the figure JSON (a list, or Plotly's typed-array form)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value, float)


def _open_view(view: str, query=None):
    at = open_page(PAGE, query)
    at.session_state[VIEW] = view
    at.run()
    return at


def _open_init_tab(query=None):
    at = open_page(PAGE, query)
    at.session_state[TAB] = INIT_TAB
    at.run(timeout=600)
    return at


def test_default_view_draws_the_functions_tab_only():
    at = open_page(PAGE)
    assert not problems(at)
    assert [t.label for t in at.tabs] == ["1 · Activation functions", "f and f′",
                                          "One neuron, two make a bump",
                                          "Stacked linear layers", "2 · Initialisation"]
    titles = _titles(at)
    assert titles[:2] == ["f(x) from keras.activations", "Slope f′(x), by GradientTape"]
    assert len(titles) == 2  # the other views and the other tab stay idle (lazy tabs)
    assert "relu,sigmoid,tanh" in str(at.query_params["activations"])
    table = at.dataframe[0].value
    assert len(table) == 15 and table.loc["tanh", "zero-centred"]


def test_choosing_activations_redraws_the_overlay_and_the_link():
    at = open_page(PAGE)
    at.get("button_group")[0].set_value(["elu", "selu"]).run()
    assert not problems(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["ELU", "SELU"]
    assert "elu,selu" in str(at.query_params["activations"])


def test_the_neuron_step_follows_w_and_b():
    at = _open_view("One neuron, two make a bump", {"w": "4", "b": "2"})
    assert not problems(at)
    assert len(at.get("plotly_chart")) == 2
    assert any("One neuron: step at −b/w = -0.50" in t for t in _titles(at))
    at.slider(key="activations.b").set_value(-6.0).run()
    assert any("step at −b/w = 1.50" in t for t in _titles(at))


def test_the_linear_stack_title_is_its_effective_line():
    at = _open_view("Stacked linear layers", {"stack_depth": "12"})
    assert not problems(at)
    linear = next(t for t in _titles(at) if t.startswith("12 linear layers: y = "))
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    output, line = spec["data"][0], spec["data"][1]
    x, y = _array(output["x"]), _array(output["y"])
    slope = (y[-1] - y[0]) / (x[-1] - x[0])
    assert f"{slope:.3g}" in linear and line["name"] == "W_eff·x + b_eff"


def test_initialisation_tab_probes_trains_and_says_what_it_measured():
    at = _open_init_tab()
    assert not problems(at)
    titles = _titles(at)
    assert "Activations: Glorot uniform" in titles
    assert "Training loss from each initialisation" in titles
    assert any("Glorot uniform, tanh" in i.value for i in at.info)
    notes = " ".join(m.value for m in at.markdown)
    assert "Never learns" in notes and "zeros" in notes
    assert "Two units starting from constant 0.1 weights stay identical" in notes


def test_a_link_opens_a_vanishing_configuration():
    at = _open_init_tab({"initializer": "small", "activation": "relu", "depth": "20"})
    assert not problems(at)
    assert any("vanishing" in i.value for i in at.info)
    assert at.selectbox(key="activations.initializer").value == "small"


def test_a_mangled_link_is_reported_and_the_page_goes_on():
    at = open_page(PAGE, {"activations": "relu,bogus", "width": "300", "depth": "x",
                          "<b>bad</b>": "1"})
    assert not problems(at)
    notes = " ".join(w.value for w in at.warning)
    assert "could not use" in notes and "width" in notes and "activations" in notes
    assert "<b>" not in notes or "&lt;b&gt;" in notes or "\\<b" in notes
    assert len(at.get("plotly_chart")) == 2


def test_more_activations_join_the_overlay_in_registry_order():
    at = open_page(PAGE, {"activations": "tanh", "more": "gelu,softsign"})
    assert not problems(at)
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["tanh", "softsign", "GELU"]
    at.get("button_group")[0].set_value([]).run()  # none of the common ones: still drawn
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["softsign", "GELU"]


def test_a_classroom_link_hides_the_pills_but_keeps_their_value():
    at = open_page(PAGE, {"hide": "activations,more", "activations": "elu", "more": "gelu"})
    assert not problems(at)
    assert not at.get("button_group")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["ELU", "GELU"]
