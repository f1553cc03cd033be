"""Checking a sentence the page shows against the run it describes, and a chart against its
caption: the numbers a sentence names (as written, or read back as floats), whether every one
of them was formatted from the run, and the charts drawn without their caption."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A number as the pages write them: 12, 0.275, 1,981, 78.8%, 3.7× (a digit glued to a
#: letter, as in L2, x₁ or 2-D, is a name, not a number).
NUMBER = re.compile(r"(?<![\w.\-−])\d+(?:,\d{3})*(?:\.\d+)?%?(?![\w\-])")
#: The same read as a value: an optional sign (ASCII or Unicode minus), digits with thousands
#: commas, a decimal part, an exponent, an optional percent sign.
_VALUE = re.compile(r"(?<![\w.,])([-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?)"
                    r"(?![\d,]*\d)(%?)")


def number_texts(text: str) -> list[str]:
    """The numbers of ``text`` as written (Markdown emphasis and escapes removed first)."""
    return NUMBER.findall(re.sub(r"\\(.)", r"\1", text.replace("*", "")))


def numbers(text: str) -> list[float]:
    """Every number in ``text`` in order, as a value (a percentage as a fraction: "1.1%" →
    0.011). Subscripts and superscripts (λₘₐₓ, 10⁻⁴) are not digits and are skipped."""
    found = []
    for digits, percent in _VALUE.findall(text):
        value = float(digits.replace(",", "").replace("−", "-"))
        found.append(value / 100 if percent else value)
    return found


def assert_numbers_from(text: str, allowed: Iterable[str]) -> None:
    """Every number of ``text`` is one of ``allowed`` (and there is at least one: a check
    that finds nothing proves nothing)."""
    found, allowed = number_texts(text), set(allowed)
    assert found, f"no number in: {text}"
    unexpected = [n for n in found if n not in allowed]
    assert not unexpected, f"{unexpected} in: {text}"


def after(text: str, label: str) -> float:
    """The number that follows the first ``label`` in ``text`` (AssertionError if none)."""
    at = text.find(label)
    assert at >= 0, f"{label!r} not in {text!r}"
    found = numbers(text[at + len(label):])
    assert found, f"no number after {label!r} in {text!r}"
    return found[0]


def close(value: float, expected: float, digits: int = 3) -> bool:
    """``value`` is ``expected`` as printed to ``digits`` significant digits: within one unit
    of the last printed digit (so it holds whichever way a machine rounds the last bits)."""
    if expected == 0:
        return abs(value) < 10.0 ** -digits
    scale = 10.0 ** (int(f"{abs(expected):e}".split("e")[1]) - digits + 1)
    return abs(value - expected) <= scale


def _charts(at) -> list[tuple[object, object]]:
    """Every chart of an AppTest run in page order, with the element drawn right after it in
    the same container (ui.layout.chart draws a chart and its caption together)."""
    found = []

    def walk(node) -> None:
        children = getattr(node, "children", None) or {}
        nodes = [children[k] for k in sorted(children)]
        for i, child in enumerate(nodes):
            if getattr(child, "type", "") == "plotly_chart":
                found.append((child, nodes[i + 1] if i + 1 < len(nodes) else None))
            walk(child)

    walk(at._tree)  # noqa: SLF001 - AppTest's element tree, in page order
    return found


def chart_captions(at) -> list[str | None]:
    """For every chart, the caption drawn right after it, or None if it has none."""
    return [after.value if getattr(after, "type", "") == "caption" else None
            for _, after in _charts(at)]


def charts_without_caption(at) -> list[str]:
    """The ids of the charts without a (non-empty) caption right after them: checked chart
    by chart, not counted per page."""
    return [chart.proto.id or "?" for chart, after in _charts(at)
            if getattr(after, "type", None) != "caption" or not after.value.strip()]
