"""The gradient-descent page through app.py (AppTest): the learning rate drives the regime,
divergence is a message and never a broken page, links pin and survive mangling."""

import json

from conftest import link_notes, open_page, problems

PATH = "pages/gradient_descent.py"
RATE = "gradient_descent.learning_rate"


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


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
    assert at.latex  # the lecture's formulas
    assert str(at.query_params["learning_rate"]) in ("0.2", "['0.2']")


def test_a_diverging_rate_is_a_message_not_a_broken_page():
    at = open_page(PATH)
    at.select_slider(key=RATE).set_value(1.0).run()
    assert not problems(at)
    errors = _texts(at.error)
    assert "Diverged at step" in errors and "2/λ_max" in errors
    assert "Keras diverged too" in errors
    assert len(at.get("plotly_chart")) >= 3
    for spec in _specs(at):  # every number sent to the browser is finite
        assert "NaN" not in json.dumps(spec) and "Infinity" not in json.dumps(spec)
    assert "1" in str(at.query_params["learning_rate"])


def test_the_preset_buttons_set_the_learning_rate():
    at = open_page(PATH)
    [b for b in at.button if b.label.startswith("too small")][0].click().run()
    assert at.select_slider(key=RATE).value == 0.01
    assert "Too small" in _texts(at.info)
    [b for b in at.button if b.label.startswith("too large")][0].click().run()
    assert "Diverged at step" in _texts(at.error)


def test_minibatches_show_their_controls_and_noise():
    at = open_page(PATH, {"full_batch": "0", "batch_size": "4", "epochs": "20"})
    assert not problems(at)
    assert at.select_slider(key="gradient_descent.batch_size").value == 4
    assert "mini-batches" in _texts(at.caption)
    assert "1 epoch = 13 steps" in at.get("plotly_chart")[1].proto.spec


def test_a_mangled_link_loads_with_a_warning_naming_it():
    at = open_page(PATH, {"learning_rate": "abc", "batch_size": "7"})
    assert not problems(at)
    notes = link_notes(at)
    assert "learning_rate" in notes and "batch_size" in notes
    assert at.select_slider(key=RATE).value == 0.2  # the default
    assert len(at.get("plotly_chart")) >= 3


def test_a_classroom_link_hiding_the_rate_hides_its_presets_too():
    at = open_page(PATH, {"hide": "learning_rate", "learning_rate": "0.05"})
    assert not problems(at)
    assert not [w for w in at.select_slider if w.key == RATE]
    assert not [b for b in at.button if b.label.startswith("too")]
    assert "Too small" in _texts(at.info)  # 0.05 from the link is used
