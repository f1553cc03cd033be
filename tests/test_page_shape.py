"""The page shape, read from the page files: one PageState loaded, one link writer (at the end
of the page, and at the end of a fragment, whose reruns stop there), no widget
key or result written into the session state, no widget drawn past PageState, no label map
or cached function defined in the page. Pages on the shape are listed here; a page joins the
list when it moves onto ui.page.PageState."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ON_THE_SHAPE = ("xor", "gradient_descent", "activations", "optimisers")


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
                ("session_state.setdefault", "session_state.update")):
            found.append(f"writes via {ast.unparse(node.func)}")
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.DictComp) and \
                "label" in ast.unparse(node.value):
            found.append(f"builds a label map {ast.unparse(node.targets[0])}")
    return found


@pytest.mark.parametrize("page", ON_THE_SHAPE)
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
'''
    found = shape_problems(bad)
    assert any("writes st.session_state['x.learning_rate']" in f for f in found)
    assert any("session_state.setdefault" in f for f in found)
    assert any("widgets.control" in f for f in found)
    assert any("layout.cached" in f for f in found)
    assert any("label map LABELS" in f for f in found)
    assert "page.write_url called 2 times at the end of the page" in found
    assert "view writes the link (only a fragment's run ends there)" in found
    assert shape_problems('page = PageState.load("x")\npage.write_url()\n') == []
