"""Presets and links: a configuration of a page worth a click, and the one way a page's
parameters become a link.

A link holds only the fields that differ from their defaults (the page fills in the rest),
so a preset fits on a slide; the same function writes the address bar of a running page
(ui.page), the "Try this" links, the home page's links and the Playground's exercise steps.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from core.params import Params


def changed_fields(params: Params) -> dict[str, str]:
    """The fields of ``params`` that differ from their class's defaults, as link values."""
    defaults = type(params)().to_query()
    return {k: v for k, v in params.to_query().items() if defaults[k] != v}


def query(*params: Params, tab: int = 1, subtab: int = 1) -> dict[str, str]:
    """The query of a view: every class's changed fields, then the tab and the sub-tab (the
    first of each needs none)."""
    pairs: dict[str, str] = {}
    for p in params:
        pairs.update(changed_fields(p))
    if tab > 1:
        pairs["tab"] = str(tab)
    if subtab > 1:
        pairs["subtab"] = str(subtab)
    return pairs


def link(url_path: str, pairs: Mapping[str, str]) -> str:
    """A link relative to the app's root (``xor?hidden_units=1&tab=3``): it works under any
    host and any base path, in slides and on the page alike. Commas stay readable."""
    text = urllib.parse.urlencode(dict(pairs), safe=",")
    return f"{url_path}?{text}" if text else url_path


@dataclass(frozen=True)
class Preset:
    """A "Try this": a configuration of a page (``params``, opened on ``tab``), what to look
    for in it, and what it shows.

    ``answer`` is text, or a function that writes the text from the preset's own run (so
    its numbers are the run's, whatever machine computes it); :meth:`answer_text` gives it.
    """

    label: str
    question: str
    answer: str | Callable[[], str]
    params: tuple[Params, ...]
    tab: int = 1
    subtab: int = 1

    def __post_init__(self) -> None:
        if not self.params or not all(isinstance(p, Params) for p in self.params):
            raise ValueError(f"preset {self.label!r}: params must be Params instances")
        if self.tab < 1 or self.subtab < 1:
            raise ValueError(f"preset {self.label!r}: tab and subtab count from 1")

    @property
    def query(self) -> dict[str, str]:
        return query(*self.params, tab=self.tab, subtab=self.subtab)

    def link(self, url_path: str) -> str:
        return link(url_path, self.query)

    def answer_text(self) -> str:
        return self.answer() if callable(self.answer) else self.answer
