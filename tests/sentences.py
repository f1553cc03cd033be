"""Checking a sentence the page shows against the run it describes: every number in it must
be one the test formatted from that run (or a named constant), so no number can be a
leftover of another run, a default, or a guess."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A number as the pages write them: 12, 0.275, 1,981, 78.8%, 3.7× (a digit glued to a
#: letter, as in L2, x₁ or 2-D, is a name, not a number).
NUMBER = re.compile(r"(?<![\w.\-−])\d+(?:,\d{3})*(?:\.\d+)?%?(?![\w\-])")


def numbers(text: str) -> list[str]:
    """The numbers of ``text`` (Markdown emphasis and escapes removed first)."""
    return NUMBER.findall(re.sub(r"\\(.)", r"\1", text.replace("*", "")))


def assert_numbers_from(text: str, allowed: Iterable[str]) -> None:
    """Every number of ``text`` is one of ``allowed`` (and there is at least one: a check
    that finds nothing proves nothing)."""
    found, allowed = numbers(text), set(allowed)
    assert found, f"no number in: {text}"
    unexpected = [n for n in found if n not in allowed]
    assert not unexpected, f"{unexpected} in: {text}"


def chart_captions(at) -> list[str | None]:
    """For every chart of an AppTest run, in page order, the caption drawn right after it in
    the same container (ui.layout.chart draws the two together), or None if it has none."""
    found: list[str | None] = []

    def walk(node) -> None:
        children = getattr(node, "children", None) or {}
        nodes = [children[k] for k in sorted(children)]
        for i, child in enumerate(nodes):
            if getattr(child, "type", "") == "plotly_chart":
                after = nodes[i + 1] if i + 1 < len(nodes) else None
                found.append(after.value if getattr(after, "type", "") == "caption" else None)
            walk(child)

    walk(at._tree)
    return found
