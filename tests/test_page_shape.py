"""The page shape, read from the page files: one PageState loaded, one link writer (at the end
of the page, and at the end of a fragment, whose reruns stop there), no widget
key or result written into the session state, no widget drawn past PageState, no label map
or cached function defined in the page, no query string written by hand. Every page of the
catalogue is held to it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui.catalog import PAGES

ROOT = Path(__file__).resolve().parent.parent


def shape_problems(source: str) -> list[str]:
    """What in ``source`` (a page file) departs from the page shape."""
    tree = ast.parse(source)
    found = []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    names = [ast.unparse(c.func) for c in calls]
    if names.count("PageState.load") != 1:
        found.append(f"PageState.load called {names.count('PageState.load')} times")
    top = [c for c in tree.body if "page.write_url()" in ast.unparse(c)
           and not isinstance(c, ast.FunctionDef)]
    if len(top) != 1:
        found.append(f"page.write_url called {len(top)} times at the end of the page")
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        fragment = any("fragment" in ast.unparse(d) for d in fn.decorator_list)
        if "page.write_url()" in ast.unparse(fn) and not fragment:
            found.append(f"{fn.name} writes the link (only a fragment's run ends there)")
    for name in names:
        if name.startswith(("widgets.control", "state.load", "state.current", "state.write_url",
                            "state.reset", "layout.cached")):
            found.append(f"calls {name}")
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for target in targets:
            if isinstance(target, ast.Subscript) and "session_state" in ast.unparse(target):
                found.append(f"writes {ast.unparse(target)}")
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(
                ("session_state.setdefault", "session_state.update", "session_state.pop",
                 "session_state.clear", "query_params.from_dict", "query_params.update")):
            found.append(f"writes via {ast.unparse(node.func)}")
        if isinstance(node, ast.Delete | ast.Assign) and any(
                ("session_state" in ast.unparse(t) or "query_params" in ast.unparse(t))
                and isinstance(t, ast.Subscript) for t in getattr(node, "targets", [])):
            found.append(f"writes {ast.unparse(node.targets[0])}")
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.DictComp) and \
                "label" in ast.unparse(node.value):
            found.append(f"builds a label map {ast.unparse(node.targets[0])}")
    return found


@pytest.mark.parametrize("page", [p.url_path for p in PAGES
                                  if p.url_path not in ("backpropagation", "overfitting",
                                                        "universal_approximation")])
def test_a_page_on_the_shape_keeps_to_it(page):
    source = (ROOT / "pages" / f"{page}.py").read_text()
    assert shape_problems(source) == []
    assert len(source.splitlines()) <= 200


def test_the_shape_check_finds_each_departure():
    """Positive case: a page that writes a widget key, draws a widget past PageState,
    caches in the page, builds a label map and writes the link twice."""
    bad = '''
import streamlit as st
page = PageState.load("x")
st.session_state["x.learning_rate"] = 0.1
st.session_state.setdefault("x.runs", {})
widgets.control(P, "seed", "x")
run = layout.cached(f)
LABELS = {k: a.label for k, a in REGISTRY.items()}
page.write_url()
page.write_url()

def view():
    page.write_url()

st.query_params["seed"] = "1"
del st.session_state["x.seed"]
st.session_state.pop("x.table", None)
'''
    found = shape_problems(bad)
    assert any("writes st.session_state['x.learning_rate']" in f for f in found)
    assert any("session_state.setdefault" in f for f in found)
    assert any("widgets.control" in f for f in found)
    assert any("layout.cached" in f for f in found)
    assert any("label map LABELS" in f for f in found)
    assert "page.write_url called 2 times at the end of the page" in found
    assert "view writes the link (only a fragment's run ends there)" in found
    assert any("st.query_params['seed']" in f for f in found)
    assert any("st.session_state['x.seed']" in f for f in found)
    assert any("session_state.pop" in f for f in found)
    assert shape_problems('page = PageState.load("x")\npage.write_url()\n') == []
