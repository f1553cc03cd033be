"""ui.widgets draws every kind of parameter field, honours ?hide= for each, and a rejected
combination keeps the last valid parameters (tests/apps/controls.py is the app)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parent / "apps" / "controls.py")


def open_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def shown(at: AppTest) -> str:
    return at.text[-1].value


def query(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def widget_keys(at: AppTest) -> set[str]:
    kinds = ("number_input", "slider", "select_slider", "selectbox", "toggle",
             "button_group", "multiselect")
    return {w.key for kind in kinds for w in at.get(kind) if getattr(w, "key", None)}


def test_every_kind_is_drawn_with_its_values():
    at = open_app()
    assert not at.exception
    keys = widget_keys(at)
    for name in ("units", "rate", "patience", "dataset", "bias"):
        assert f"t.{name}" in keys
    assert {"t.layers.n", "t.layers.0", "t.layers.1"} <= keys
    assert {f"t.weights.{i}" for i in range(4)} <= keys and "t.weights.n" not in keys
    assert "shown=('relu',)" in shown(at) and "patience=None" in shown(at)


def test_a_link_sets_every_kind_and_the_url_follows_the_widgets():
    at = open_app({"shown": "tanh,relu", "patience": "5", "layers": "3,3,3",
                   "problem": "regression", "dataset": "plane", "weights": "0,0,0,1"})
    text = shown(at)
    assert "shown=('relu', 'tanh')" in text and "patience=5" in text
    assert "layers=(3, 3, 3)" in text and "dataset='plane'" in text
    at.number_input(key="t.layers.n").set_value(1).run()
    assert "layers=(3,)" in shown(at) and query(at, "layers") == "3"
    at.number_input(key="t.patience").set_value(None).run()
    # off is the default: the link, which holds only what differs, drops it
    assert "patience=None" in shown(at) and "patience" not in at.query_params
    at.number_input(key="t.patience").set_value(7).run()
    assert query(at, "patience") == "7"


def test_a_dependent_choice_offers_only_what_fits():
    at = open_app()
    assert at.selectbox(key="t.dataset").options == ["circle", "xor"]
    (segmented,) = [b for b in at.get("button_group") if b.key == "t.problem"]
    segmented.set_value("regression").run()
    assert at.selectbox(key="t.dataset").options == ["plane"]
    assert "dataset='plane'" in shown(at) and not at.warning


@pytest.mark.parametrize("name, widget", [
    ("units", "t.units"), ("rate", "t.rate"), ("patience", "t.patience"),
    ("dataset", "t.dataset"), ("bias", "t.bias"), ("layers", "t.layers.n"),
    ("weights", "t.weights.0"), ("problem", None), ("shown", None),
])
def test_hide_removes_each_kind_and_keeps_its_value(name, widget):
    query = {"hide": name, "units": "9", "patience": "4", "bias": "0", "layers": "5",
             "weights": "1,1,1,1", "shown": "sigmoid"}
    visible = open_app({k: v for k, v in query.items() if k != "hide"})
    hidden = open_app(query)
    assert not hidden.exception and shown(hidden) == shown(visible)
    if widget:
        assert widget in widget_keys(visible) and widget not in widget_keys(hidden)
    else:  # the pills and the segmented control: one button group fewer
        assert len(hidden.get("button_group")) == len(visible.get("button_group")) - 1


def test_a_rejected_combination_keeps_the_last_valid_parameters():
    at = open_app({"units": "3"})
    assert "units=3" in shown(at)
    at.number_input(key="t.layers.n").set_value(4).run()  # 4 layers but only 3 units
    assert "layers=(4, 2)" in shown(at) and "units=3" in shown(at)
    assert any("Kept the last valid settings" in w.value for w in at.warning)
    at.number_input(key="t.units").set_value(8).run()
    assert "units=8" in shown(at) and "layers=(4, 2, 2, 2)" in shown(at)


def test_a_links_text_is_never_markdown():
    at = open_app({"dataset": "[free exam answers](https://example.org/x)", "y" * 5000: "1"})
    (warning,) = at.warning
    assert "[free exam answers](" not in warning.value
    assert r"\[free exam answers\]\(https" in warning.value
    assert len(warning.value) < 1000
    ok = open_app({"units": "99"})
    assert "units" in ok.warning[0].value  # a plain bad value is named all the same
