"""What each page teaches, in the lecture's words: a one-paragraph recap, the key formula in
the slides' notation, "What to notice" questions and "Try this" presets, each with its
answer. One module per page (``ui.lectures.<url_path>``, its ``LECTURE``).

ui.flow draws it, the home page lists it, and tests/test_flow.py opens every preset. An
answer is text, or a function that writes it from the (cached) run it describes, so that
every number it names is that run's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from core.presets import Preset


@dataclass(frozen=True)
class Question:
    """A question of the lecture and its answer (shown collapsed): text, or a function that
    writes it from the page's own run."""

    question: str
    answer: str | Callable[[], str]

    def answer_text(self) -> str:
        return self.answer() if callable(self.answer) else self.answer


@dataclass(frozen=True)
class Lecture:
    recap: str
    formula: str  # LaTeX, in the slides' notation
    notice: tuple[Question, ...]
    presets: tuple[Preset, ...]


def lecture(url_path: str) -> Lecture | None:
    """The lecture content of the page at ``url_path`` (None for a page without any, and for
    any name that is not a page of the catalogue: only those modules are ever imported)."""
    from ui.catalog import PAGES

    if url_path not in {p.url_path for p in PAGES}:
        return None
    try:
        module = importlib.import_module(f"{__name__}.{url_path}")
    except ModuleNotFoundError as err:
        if err.name == f"{__name__}.{url_path}":
            return None
        raise
    return module.LECTURE
