"""One shape for a page: ui.page.PageState (the link read once, validated changes, the one
link writer), core.presets (links of changed fields only), the catalogue's rule that a
page's classes never share a field name, and ui.state.plain (text that can never become a
link)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from streamlit.testing.v1 import AppTest

from core import xor as X
from core.params import Params, number
from core.presets import Preset, changed_fields, link, query
from ui import catalog
from ui.state import WORD_JOINER, plain


@dataclasses.dataclass(frozen=True)
class _Seeded(Params):
    seed: int = number(7, 0, 9)
    epochs: int = number(100, 50, 300)
    rate: float = number(0.5, 0.0, 1.0)


@dataclasses.dataclass(frozen=True)
class _AlsoSeeded(Params):
    seed: int = number(1, 0, 9)


@dataclasses.dataclass(frozen=True)
class _Tabbed(Params):
    tab: int = number(1, 1, 3)


def test_a_page_whose_classes_share_a_field_is_rejected_when_catalogued():
    with pytest.raises(ValueError, match="both have a field 'seed'"):
        catalog.PageInfo("pages/x.py", "X", "", catalog.FUNDAMENTALS, "", "",
                         params=(_Seeded, _AlsoSeeded))
    with pytest.raises(ValueError, match="page furniture"):
        catalog.field_owners([_Tabbed])
    owners = catalog.field_owners([_Seeded, X.HandParams])  # positive case: distinct fields
    assert owners["seed"] is _Seeded and owners["W1"] is X.HandParams


def test_every_catalogued_page_has_parameter_classes_with_distinct_fields():
    for info in catalog.PAGES:
        assert info.params, info.url_path
        owners = catalog.field_owners(info.params)
        assert len(owners) == sum(len(c.field_names()) for c in info.params)
    assert catalog.page("xor").title == "XOR"
    with pytest.raises(KeyError, match="no_such_page"):
        catalog.page("no_such_page")


def test_stepped_clamps_or_wraps_within_the_fields_range():
    p = _Seeded()
    assert p.stepped("epochs", 250).epochs == 300  # clamped at the top
    assert p.stepped("epochs", -500).epochs == 50
    assert p.stepped("seed", 1, wrap=True).seed == 8
    assert p.stepped("seed", 3, wrap=True).seed == 0  # 7 + 3 goes round to the bottom
    assert p.stepped("seed", -8, wrap=True).seed == 9
    assert p.stepped("rate", 0.25).rate == 0.75
    assert isinstance(p.stepped("epochs", 1).epochs, int)


def test_a_link_holds_only_the_changed_fields_and_reads_back():
    p = X.XorParams(hidden_units=3, activation="tanh")
    assert changed_fields(p) == {"hidden_units": "3", "activation": "tanh"}
    assert changed_fields(X.XorParams()) == {}
    pairs = query(p, X.HandParams(b2=1.0), tab=3, subtab=2)
    assert pairs == {"hidden_units": "3", "activation": "tanh", "b2": "1", "tab": "3",
                     "subtab": "2"}
    assert link("xor", pairs) == "xor?hidden_units=3&activation=tanh&b2=1&tab=3&subtab=2"
    assert link("xor", {}) == "xor"
    assert link("xor", {"W1": "1,0,1,1"}) == "xor?W1=1,0,1,1"  # commas stay readable
    read, notes = X.XorParams.from_query(changed_fields(p))
    assert read == p and notes == []


def test_a_preset_is_one_type_with_a_link_and_an_answer_from_its_run():
    calls = []

    def answer() -> str:
        calls.append(1)
        return "from the run"

    preset = Preset("one unit", "q", answer, (X.XorParams(hidden_units=1),), tab=3)
    assert preset.link("xor") == "xor?hidden_units=1&tab=3"
    assert calls == []  # written only when asked for
    assert preset.answer_text() == "from the run" and calls == [1]
    assert Preset("t", "q", "text", (X.XorParams(),)).answer_text() == "text"
    with pytest.raises(ValueError, match="Params instances"):
        Preset("t", "q", "a", ())
    with pytest.raises(ValueError, match="count from 1"):
        Preset("t", "q", "a", (X.XorParams(),), tab=0)


HOSTILE = ("[free exam answers](https://evil.example/x)", "https://evil.example/x",
           "www.evil.example", "bob@evil.example", "xmpp:bob@evil.example",
           "<a href='https://evil.example'>x</a>", ":red[alarm] $x$ **b**")


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_breaks_every_link_pattern_but_reads_the_same(text):
    out = plain(text)
    shown = out.replace(WORD_JOINER, "").replace("\\", "")
    assert shown == text  # what the reader sees is unchanged
    for pattern in ("://", "www.", "@e", ":b", ":r"):
        if pattern in text:
            assert pattern not in out, pattern
    assert re.search(r"(?<!\\)[\[\]<>*$_`]", out) is None  # every markup mark escaped
    # positive case: without the joiners the escapes alone leave "www." and "://" intact
    unjoined = out.replace(WORD_JOINER, "")
    assert "www" not in text or "www\\." in unjoined


def _page_script() -> None:
    import streamlit as st

    from core import xor as X
    from ui.page import PageState

    page = PageState.load("xor")
    page.control("seed", as_input=True)
    st.button("new seed", key="new", on_click=page.change,
              args=(X.XorParams, lambda p: p.stepped("seed", 1, wrap=True)))
    st.button("too many", key="bad", on_click=page.update, args=(X.XorParams,),
              kwargs={"hidden_units": 99})
    st.button("lecture", key="reset", on_click=page.set, args=(X.XorParams(seed=3),))
    st.write(f"seed={page.current(X.XorParams).seed}")
    page.write_url()


def _seed_shown(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("seed="))


def test_changes_go_through_validation_and_the_link_follows():
    at = AppTest.from_function(_page_script)
    at.query_params["seed"] = "9999"
    at.run()
    assert not at.exception
    assert _seed_shown(at) == "seed=9999" and at.query_params["seed"] == "9999"
    at.button(key="new").click().run()
    assert _seed_shown(at) == "seed=0"  # wrapped within the field's range
    assert at.number_input(key="xor.seed").value == 0
    at.button(key="bad").click().run()  # 99 units are outside the field: nothing changes
    assert not at.exception and _seed_shown(at) == "seed=0"
    assert any("Not changed" in w.value and "hidden\\_units" in w.value for w in at.warning)
    at.button(key="reset").click().run()
    assert _seed_shown(at) == "seed=3" and at.query_params["seed"] == "3"
    at.number_input(key="xor.seed").set_value(7).run()  # the default: gone from the link
    assert "seed" not in at.query_params


def test_a_links_bad_values_are_named_once_and_never_become_links():
    at = AppTest.from_function(_page_script)
    at.query_params["seed"] = "[free exam answers](https://evil.example/x)"
    at.query_params["nonsense"] = "1"
    at.run()
    assert not at.exception and _seed_shown(at) == "seed=7"
    [warning] = at.warning
    assert warning.value.count("nonsense") == 1  # unknown to both classes, said once
    assert "https://" not in warning.value and "](" not in warning.value
    at.run()
    assert not at.warning  # reported once
