"""The activations page through AppTest: both tabs, a widget change, a link, a mangled link.
Then every sentence the page and its lecture show, held to its result: the presets' answers
against a NumPy forward pass written here, and each branch of the texts on a result made to
take it."""

import base64
import dataclasses
import json

import numpy as np
import pytest
from conftest import open_page, problems
from sentences import after, close

from core import activation_functions as A
from core import activation_notes as N
from core import initialisation as I
from core import initializers
from ui.lectures import activations as lecture

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
    assert "activations" not in at.query_params  # the default: not in the link
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


# ----------------------------------------------------------------------------------------
# Every sentence held to its result
# ----------------------------------------------------------------------------------------

ACTIVATION = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh,
              "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "linear": lambda z: z}


def numpy_spread(p: I.InitParams) -> list[float]:
    """The std of every layer's activations, forward in NumPy from the probe's own weights
    and inputs (the probe runs TensorFlow)."""
    weights = initializers.initial_weights((p.width,) * (p.depth + 1), p.initializer, p.seed)
    rng = np.random.default_rng([p.seed, 0x9B0BE])
    h = rng.normal(size=(I.batch_size(p.width), p.width))
    stds = []
    for kernel, bias in weights:
        h = ACTIVATION[p.activation](h @ kernel.astype(np.float64) + bias)
        stds.append(float(h.std()))
    return stds


def test_the_glorot_relu_answer_is_its_probe():
    p = lecture.INIT_GLOROT_RELU
    text = lecture.glorot_relu()
    stds = numpy_spread(p)
    assert text.startswith("No:")
    assert close(after(text, "Glorot's Var[W] = "), 1 / p.width)  # 2/(n + n), square layers
    assert close(after(text, "He's "), 2 / p.width)
    assert after(text, f"He's {2 / p.width:.3g}, ") == 2
    per_layer = (stds[-1] / stds[0]) ** (1 / (p.depth - 1))
    assert abs(after(text, "halves every ") - np.log(0.5) / np.log(per_layer)) < 0.06
    assert close(after(text, f"{p.depth} layers: the signal halves every "), 2.1, digits=2)
    assert close(after(text, "to ×"), stds[-1] / stds[0], digits=2)
    assert "(vanishing)" in text and stds[-1] / stds[0] < 0.1


def test_the_he_relu_answer_is_its_probe():
    text = lecture.he_relu()
    stds = numpy_spread(lecture.INIT_HE_RELU)
    assert "keeps its order of magnitude" in text and 0.5 < stds[-1] / stds[0] < 2
    assert close(after(text, "(std "), stds[0], digits=2)
    assert close(after(text, "at layer 1, "), stds[-1], digits=2)
    assert text.endswith("He's rule is made for ReLU.")


def test_the_constant_answer_is_its_probe():
    text = lecture.constant()
    p = lecture.INIT_CONSTANT
    weights = initializers.initial_weights((p.width,) * (p.depth + 1), p.initializer, p.seed)
    h = np.random.default_rng([p.seed, 0x9B0BE]).normal(size=(I.batch_size(p.width), p.width))
    for kernel, bias in weights:
        h = np.tanh(h @ kernel.astype(np.float64) + bias)
        assert np.ptp(h, axis=1).max() < 1e-12 * max(h.std(), 1e-300) + 1e-15  # units equal
    assert text.startswith("All units of a layer compute exactly the same value")
    assert after(text, "every one of the ") == p.depth


def test_the_glorot_tanh_explanation_is_the_probes():
    ip = I.InitParams()  # the page's default: Glorot, tanh, 10 × 256
    probes = I.probe_all(ip)
    text = N.probe_notice(probes, ip)
    glorot = numpy_spread(ip)
    he = numpy_spread(ip.replace(initializer="he_uniform"))
    assert "shrinking: Glorot uniform, Glorot normal" in text
    assert "scale kept: He uniform, He normal" in text
    assert close(after(text, "(Glorot uniform: std "), glorot[0], digits=2)
    assert close(after(text, f"std {glorot[0]:.2g} → "), glorot[-1], digits=2)
    assert close(after(text, "a variance "), 25 / 9)
    assert after(text, "He's 2/n_in, ") == 2
    assert close(after(text, "keeps more of it (std "), he[0], digits=2)
    assert he[-1] / he[0] > glorot[-1] / glorot[0]  # "keeps more" is what the probe measured
    verdict = I.verdict(probes["glorot_uniform"])
    assert verdict.startswith("The signal shrinks") and "×0.37 over 9 layers" in verdict


def _probe(act_std, unit_spread=None) -> I.Probe:
    depth = len(act_std)
    spread = act_std if unit_spread is None else unit_spread
    return I.Probe(act_std=np.array(act_std, float), grad_std=np.ones(depth),
                   kernel_grad=np.ones(depth), unit_spread=np.array(spread, float),
                   saturated=np.zeros(depth), weight_var=np.ones(depth),
                   hist=np.zeros((depth, 3)), edges=np.linspace(0, 1, 4), batch=32)


def test_the_probe_texts_take_their_other_branches():
    ip = I.InitParams()
    relu = I.InitParams(activation="relu")
    probes = {"glorot_uniform": _probe([0.6, 0.2]), "he_uniform": _probe([0.7, 0.1])}
    assert N.glorot_with_tanh(probes, relu) == ""  # only said for tanh
    worse = N.glorot_with_tanh(probes, ip)
    assert "Why Glorot loses" in worse and "keeps more" not in worse  # He did not, here
    kept = {"glorot_uniform": _probe([0.6, 0.5])}
    assert N.glorot_with_tanh(kept, ip) == ""  # nothing lost: nothing to explain
    assert N.relu_glorot_answer({"glorot_uniform": _probe([0.6, 0.5])},
                                lecture.INIT_GLOROT_RELU).startswith("Here it does")
    assert not N.he_relu_answer({"he_normal": _probe([0.6, 0.05])},
                                lecture.INIT_HE_RELU).endswith("made for ReLU.")
    assert N.constant_answer({"constant": _probe([0.6, 0.5])},
                             lecture.INIT_CONSTANT).startswith("Measured:")
    symmetric = N.constant_answer({"constant": _probe([0.6, 0.5], [0.0, 0.0])},
                                  lecture.INIT_CONSTANT)
    assert symmetric.startswith("All units")


def test_the_stack_answer_and_notice_follow_the_stack():
    p = A.StackParams()
    s = A.stack(p)
    assert "agree to rounding error" in lecture.linear_stack()
    off = dataclasses.replace(s, linear=s.linear + 0.01)
    assert "differ by at most 0.01" in N.stack_answer(off, p)
    assert f"up to {s.bend:.0%} of its range" in N.stack_notice(s, p) and s.bend > 0.01
    straight = dataclasses.replace(s, bent=2 * s.x + 1)
    assert "stays almost straight" in N.stack_notice(straight, p)


def test_the_sigmoid_answer_is_the_measured_slope():
    text = lecture.sigmoid_slope()
    assert after(text, "At x = ") == 0 and close(after(text, "where it is "), 0.25, digits=2)
    sigma5 = 1 / (1 + np.exp(-5.0))
    assert close(after(text, "the slope is "), sigma5 * (1 - sigma5), digits=2)


@pytest.mark.parametrize("names, present, absent", [
    (("relu", "sigmoid", "tanh"), ["ReLU's slope is exactly 0", "at most 0.25 (at x = 0)",
                                   "tanh's slope is 1 at x = 0"], []),
    (("elu", "selu"), [], ["ReLU's", "sigmoid's", "tanh's"]),
])
def test_the_saturation_notice_names_only_what_is_drawn(names, present, absent):
    text = N.saturation_notice(A.curves(names, 0.05))
    for claim in present:
        assert claim in text
    for claim in absent:
        assert claim not in text


def test_the_neuron_notice_follows_sigma_and_w():
    steep = A.NeuronParams(w=4.0, b=2.0)
    text = N.neuron_notice(A.neuron(steep), steep)
    assert close(after(text, "x = −b/w = "), -0.5) and "give a bump (peak" in text
    bump = A.neuron(steep).bump
    assert close(after(text, "(peak "), float(np.max(np.abs(bump))), digits=2)
    flat = A.NeuronParams(w=0.0)
    assert "nowhere (w = 0" in N.neuron_notice(A.neuron(flat), flat)
    ramp = A.NeuronParams(neuron_activation="relu")
    assert "unbounded above" in N.neuron_notice(A.neuron(ramp), ramp)


def _run(losses, diverged_at=None, same=False) -> I.Run:
    units = np.zeros((2, 2, 3))
    if not same:
        units[:, 1, :] = 1.0
    return I.Run({"loss": np.array(losses, float)}, diverged_at, np.array([0, 1]), units)


def test_the_training_notice_follows_the_runs():
    runs = {name: _run([0.7, 0.3]) for name in I.INITIALIZERS}
    runs["zeros"] = _run([0.69, 0.69])
    runs["large"] = _run([0.7, np.inf], diverged_at=1)
    runs[I.SYMMETRIC] = _run([0.7, 0.5], same=True)
    text = N.training_notice(runs, I.TrainParams())
    assert "Never learns (loss within 3 % of its first epoch's after 100 epochs" in text
    assert "zeros." in text and "Diverged (the loss overflowed or passed 1000× its start): " \
        "large (σ 1)." in text
    assert "stay identical through training" in text and "break the symmetry" in text
    runs[I.SYMMETRIC] = _run([0.7, 0.5])
    assert "drift apart" in N.training_notice(runs, I.TrainParams())


def test_a_stack_of_linear_layers_is_one_line():
    s = A.stack(A.StackParams())
    assert np.max(np.abs(s.linear - (s.w_eff * s.x + s.b_eff))) < 1e-12
    assert s.bend > 0.1  # positive case: with σ the same weights bend
