"""Helpers for tests that hold a page's sentences to the runs they describe: the numbers a
sentence names, read back as floats, and the charts drawn without their caption."""

from __future__ import annotations

import re

#: A number as the pages write it: optional sign (ASCII or Unicode minus), digits with
#: thousands commas, a decimal part, an exponent, an optional percent sign.
_NUMBER = re.compile(r"(?<![\w.,])([-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?)"
                     r"(?![\d,]*\d)(%?)")


def numbers(text: str) -> list[float]:
    """Every number in ``text`` in order (a percentage as a fraction: "1.1%" → 0.011).
    Subscripts and superscripts (λₘₐₓ, 10⁻⁴) are not digits and are skipped."""
    found = []
    for digits, percent in _NUMBER.findall(text):
        value = float(digits.replace(",", "").replace("−", "-"))
        found.append(value / 100 if percent else value)
    return found


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


def charts_without_caption(at) -> list[str]:
    """The keys of the charts that have no caption right after them in their container
    (ui.layout.chart writes one under each): checked chart by chart, not counted per page."""
    missing = []

    def walk(node) -> None:
        children = list(getattr(node, "children", {}).values())
        for i, child in enumerate(children):
            if getattr(child, "type", None) == "plotly_chart":
                after = children[i + 1] if i + 1 < len(children) else None
                if getattr(after, "type", None) != "caption" or not after.value.strip():
                    missing.append(child.proto.id or "?")
            walk(child)

    walk(at._tree)  # noqa: SLF001 - AppTest's element tree, in page order
    return missing
