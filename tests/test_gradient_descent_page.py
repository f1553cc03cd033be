"""The gradient-descent page through app.py (AppTest): the learning rate drives the regime,
divergence is a message and never a broken page, the three views draw what they promise,
links pin and survive mangling, a classroom link hides controls."""

import base64
import json
import re

import numpy as np
from conftest import link_notes, open_page, problems

PATH = "pages/gradient_descent.py"
RATE = "gradient_descent.learning_rate"


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _names(spec: dict) -> list[str]:
    return [t.get("name", "") for t in spec["data"]]


def _array(values) -> np.ndarray:
    """A trace's array as sent: a list, or Plotly's typed array {"dtype", "bdata"}."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def _query(at, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def test_default_page_draws_the_descent_and_keras_agrees():
    at = open_page(PATH)
    assert not problems(at)
    specs = _specs(at)
    assert len(specs) >= 3
    replay = specs[0]
    assert len(replay["frames"]) >= 20 and replay["layout"]["sliders"]
    assert sum(t.get("fill") == "toself" for t in replay["data"]) >= 3  # contours of J
    assert "Just right" in _texts(at.success)
    assert "the same answer" in _texts(at.success)  # Keras ends at the closed form
    assert at.latex  # the Hessian
    assert _query(at, "learning_rate") == "0.2" and _query(at, "view") == "line"
    text = _texts(at.markdown) + _texts(at.success)
    # Subscripts as ᵢ/ₘₐₓ, never a literal underscore in prose (a preset link's target,
    # `](page?learning_rate=…)`, is an address, not prose).
    prose = re.sub(r"\]\([^)]*\)", "]", text.replace("`", ""))
    assert "](" in text and "_" not in prose


def test_a_diverging_rate_is_a_message_not_a_broken_page():
    at = open_page(PATH)
    at.select_slider(key=RATE).set_value(1.0).run()
    assert not problems(at)
    errors = _texts(at.error)
    assert "Diverged at step" in errors and "2/λₘₐₓ" in errors
    assert "Keras diverged too" in errors
    assert len(at.get("plotly_chart")) >= 3
    for spec in _specs(at):  # every number sent to the browser is finite
        assert "NaN" not in json.dumps(spec) and "Infinity" not in json.dumps(spec)
    assert _query(at, "learning_rate") == "1"


def test_the_preset_buttons_set_the_learning_rate():
    at = open_page(PATH)
    labels = [b.label for b in at.button]
    assert {"too small", "just right", "too large"} <= set(labels)  # short labels
    [b for b in at.button if b.label == "too small"][0].click().run()
    assert at.select_slider(key=RATE).value == 0.02
    assert "Too small" in _texts(at.info)
    [b for b in at.button if b.label == "too large"][0].click().run()
    assert "Diverged at step" in _texts(at.error)


def test_minibatches_show_their_controls_and_noise():
    at = open_page(PATH, {"full_batch": "0", "batch_size": "4", "epochs": "20"})
    assert not problems(at)
    assert at.select_slider(key="gradient_descent.batch_size").value == 4
    assert "mini-batches" in _texts(at.caption)
    loss = _specs(at)[1]
    assert loss["layout"]["xaxis"]["title"]["text"] == "step (1 epoch = 13 steps)"


def test_the_one_weight_view_draws_the_parabola_and_the_thresholds():
    at = open_page(PATH, {"view": "one_weight", "learning_rate": "0.5"})
    assert not problems(at)
    parabola, factor = _specs(at)[:2]
    assert any(n.startswith("steps, α = 0.5") for n in _names(parabola))
    assert "step 1 at α = 1/λ, 2/λ" in _names(parabola)
    assert factor["layout"]["xaxis"]["ticktext"] == ["0", "1/λ", "2/λ"]
    assert "zig-zags" in _texts(at.warning)  # 1/λ < 0.5 < 2/λ on the default data
    assert "1/λ" in _texts(at.markdown)
    # the view is a segmented control, and switching it redraws
    (view,) = [b for b in at.get("button_group") if b.key == "gradient_descent.view"]
    view.set_value("batches").run()
    assert not problems(at)
    assert _query(at, "view") == "batches"


def test_the_batch_view_shows_three_runs_of_the_same_epochs():
    at = open_page(PATH, {"view": "batches"})
    assert not problems(at)
    names = [n for n in _names(_specs(at)[0]) if n]
    assert names == ["full batch: 100 steps", "mini-batch 8: 700 steps",
                     "single sample: 5,000 steps"]
    notes = _texts(at.markdown)
    assert "1 step with the full batch" in notes and "N = 50" in notes
    assert "lowest with the full batch" in notes  # checked against the run: 0.172 vs 0.289


def test_reduce_on_plateau_draws_the_learning_rate_steps():
    at = open_page(PATH, {"full_batch": "0", "batch_size": "4", "plateau_patience": "3"})
    assert not problems(at)
    rates = [s for s in _specs(at) if s["layout"].get("title", {}).get("text", "").startswith(
        "Learning rate")]
    assert rates and _array(rates[0]["data"][0]["y"]).min() < 0.2 / 4
    assert _query(at, "plateau_patience") == "3"


def test_a_mangled_link_loads_with_a_warning_naming_it():
    at = open_page(PATH, {"learning_rate": "abc", "batch_size": "7", "view": "[x](http://e)"})
    assert not problems(at)
    notes = link_notes(at)
    assert "learning_rate" in notes and "batch_size" in notes and "view" in notes
    assert "](http" not in _texts(at.warning)  # the link's text is never Markdown
    assert at.select_slider(key=RATE).value == 0.2  # the default
    assert len(at.get("plotly_chart")) >= 3


def test_a_classroom_link_hiding_the_rate_hides_its_presets_too():
    at = open_page(PATH, {"hide": "learning_rate,view,plateau_patience",
                          "learning_rate": "0.05"})
    assert not problems(at)
    assert not [w for w in at.select_slider if w.key == RATE]
    assert not [b for b in at.button if b.label.startswith("too")]
    assert not [b for b in at.get("button_group") if b.key == "gradient_descent.view"]
    assert "Too small" in _texts(at.info)  # 0.05 from the link is used
    assert _query(at, "learning_rate") == "0.05"
