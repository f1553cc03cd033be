"""Sentences written from results: a page's message boxes and "what to notice" say what the
run on screen did, never what a default run once did.

A :class:`Note` is a sentence and the box it belongs in; the helpers format lists and
numbers the same way on every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.engine.api import DIVERGENCE_FACTOR

LEVELS = ("info", "success", "warning", "error")
#: How the texts name the engine's divergence rule (core.engine.first_divergence): a loss
#: over this factor of its start.
BLOWN_UP = f"{DIVERGENCE_FACTOR:g}×"


@dataclass(frozen=True)
class Note:
    """A text for a message box: ``level`` is one of :data:`LEVELS` (Streamlit's box of the
    same name), chosen from the result like the text itself."""

    level: str
    text: str

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {self.level!r}")


def listing(items: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def times(x: float) -> str:
    """A factor as the pages write it: ×0.37, ×2.5e-05 when tiny."""
    return f"×{x:.2g}" if x >= 0.01 else f"×{x:.1e}"
