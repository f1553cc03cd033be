"""Hostile links, property-based: every page of the catalogue is opened through app.py with
random and hostile query strings (huge, tiny, NaN/inf, negative, wrong types, very long,
unicode, HTML/script, Markdown links, path-like text, repeated and unknown keys, ``hide=``
and ``tab=`` garbage, keys taken from the demos' own parameter fields).

Each run must end without an exception or the guard's "Something went wrong", draw a chart
(or its open tab's content), name every ignored value's key in the warning, and never echo
a link's Markdown or HTML unescaped. Pages landing later are covered through ui.catalog.
"""

from __future__ import annotations

import re

import pytest
from conftest import link_notes, open_page, problems
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.params import defined_params
from ui.catalog import PAGES
from ui.state import RESERVED_KEYS

# Pages are opened fresh for every example (several seconds each): few examples, fixed
# seeds (derandomize) so CI sees the same links on every run, no example database on disk.
FEW = settings(max_examples=6, deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(1)">'
LINK = "[click me](https://evil.example/steal)"
HOSTILE_TEXTS = (
    SCRIPT, IMAGE, LINK, "![x](https://evil.example/x.png)", "**bold** _it_ `code`",
    ":red[alarm]", "$\\int x$", "../../../../etc/passwd", "/etc/shadow", "C:\\Windows\\win.ini",
    "file:///etc/passwd", "%00", "\x00", "\n\n# heading", "😀" * 50, "ÆØÅ ünïcødé 中文 עברית",
    "\u202egnp.exe", "x" * 10_000, "9" * 400, "-" * 3, "", " ", ",", ",,,", "1,2,3,4,5,6,7,8,9",
    "true", "yes", "None", "null", "off", "[]", "{}", "()", "__import__('os')",
)
NUMBERS_AS_TEXT = ("nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309",
                   "1e-320", "5e-324", "0", "-0", "-1", "-1e9", "1e9", "2**31", "0x10", "1_000",
                   "1.5", "3.0", "0.0001", "1e100", "-0.0")

#: One link with a value of every kind, always tried first on every page.
EVERY_KIND = {"learning_rate": "nan", "seed": "-1", "epochs": "1e309", "noise": "inf",
              "hidden_units": "1,2,3,4,5,6,7,8,9,10,11,12", "activation": IMAGE,
              "optimizer": ["sgd", LINK], "x" * 300: "y" * 10_000, "../../etc/passwd": "1",
              "hide": "<b>x</b>,,seed,,,nonsense", "tab": "99", "present": SCRIPT}




PARAMS_CLASSES = defined_params()
FIELD_NAMES = sorted({n for c in PARAMS_CLASSES for n in c.field_names()})

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS + NUMBERS_AS_TEXT),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.text(max_size=30),
    st.lists(st.sampled_from(NUMBERS_AS_TEXT + ("relu", "tanh", "x")), max_size=6).map(",".join),
)
keys = st.one_of(
    st.sampled_from(FIELD_NAMES),
    st.sampled_from(RESERVED_KEYS),
    st.sampled_from(("nonsense", SCRIPT, LINK, "../etc/passwd", "a" * 300, "ключ", "hide ")),
    st.text(min_size=1, max_size=12),
)
# A repeated key reaches the page as a list (the last value wins, as in a browser).
values = st.one_of(texts, st.lists(texts, min_size=2, max_size=3))
queries = st.dictionaries(keys, values, min_size=1, max_size=5)


def _last(value: str | list[str]) -> str:
    return value[-1] if isinstance(value, list) else value


def _kept(key: str, given_text: str, url_value) -> bool:
    """True if the page took ``given_text`` for field ``key``: the URL it wrote back holds a
    value that parses to the same thing, or none when that is the field's default (in some
    demo that has that field)."""
    from core.params import _parse, check_field

    for cls in PARAMS_CLASSES:
        if key not in cls.field_names():
            continue
        try:
            wanted = _parse(cls, key, given_text)
            check_field(cls, key, wanted)
            # A link holds only what differs from the defaults: a default taken is absent.
            written = (getattr(cls(), key) if url_value is None
                       else _parse(cls, key, _last(url_value)))
            if written == wanted:
                return True
        except ValueError:
            continue
    return False


def _named(key: str, notes: str) -> bool:
    """The key appears in the notes, as ``key=…`` or quoted (cut to the notes' 40 chars)."""
    shown = repr(key if len(key) <= 40 else key[:40] + "…")
    return f"{key}=" in notes or shown in notes or re.search(rf"\b{re.escape(key)}\b", notes)


UNESCAPED_TAG = re.compile(r"(?<!\\)<[A-Za-z/!?]")
UNESCAPED_LINK = re.compile(r"(?<!\\)\]\(")


def _raw_warnings(at) -> str:
    return "\n".join(w.value for w in at.warning)


def _draws_something(at) -> bool:
    """A chart, or (when a tab without charts is open) content inside the open tab."""
    if at.get("plotly_chart"):
        return True
    return any(len(tab.children) > 0 for tab in at.tabs)


def check_hostile_link(path: str, query: dict):
    """Open ``path`` with ``query`` and check every rule above; returns the AppTest."""
    at = open_page(path, query)
    assert not problems(at), (query, problems(at))
    assert _draws_something(at), query
    raw = _raw_warnings(at)
    assert not UNESCAPED_TAG.search(raw), (query, raw)
    assert not UNESCAPED_LINK.search(raw), (query, raw)
    notes = link_notes(at)
    for key, value in query.items():
        if key in RESERVED_KEYS:
            continue
        assert _named(key, notes) or _kept(key, _last(value).strip(), at.query_params.get(key)), \
            (f"{key}={_last(value)!r} was neither used nor named", query, notes)
    tab = _last(query.get("tab", "1")).strip()
    if at.tabs and not tab.isdigit():
        assert "tab" in notes, (query, notes)
    return at


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_hostile_links_never_break_a_page(page):
    @FEW
    @given(query=queries)
    @example(query=EVERY_KIND)
    def run(query):
        check_hostile_link(page.path, query)

    run()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_a_plain_bad_value_is_named_and_hostile_text_shown_inert(page):
    """The positive side of the checks above: a bad value of one of the page's own fields,
    an unknown key and hostile text are all named, as plain text the reader can see."""
    own = [n for cls in page.params for n in cls.field_names()
           if cls.meta(n)["kind"] == "number"]
    assert own, "the page has a number field"
    query = {own[0]: "1e999", "nonsense": SCRIPT, LINK: "1", "tab": IMAGE, "hide": SCRIPT}
    at = check_hostile_link(page.path, query)
    notes, raw = link_notes(at), _raw_warnings(at)
    assert f"{own[0]}='1e999'" in notes
    assert "'nonsense'" in notes and f"{LINK!r}" in notes  # named, readable as typed
    assert LINK not in raw and SCRIPT not in raw  # but never as Markdown/HTML
    # escaped, and the address broken by invisible word joiners: no autolink in a browser
    assert "\\[click me\\]\\(https\u2060\\:\u2060\\/\\/" in raw


def test_every_demo_field_is_a_candidate_key():
    """The keys drawn above include each demo's parameter fields (found through core)."""
    assert len(PARAMS_CLASSES) >= len({p.path for p in PAGES})
    assert {"seed", "learning_rate"} <= set(FIELD_NAMES)
