"""One page's state: its parameter classes, read from the link once, drawn as controls, read
back as validated values, changed only through validated updates, and written back as one
link.

The parameters live in three places kept in step: the address bar (a link reproduces the
view), the widgets (the lecturer changes them) and one frozen dataclass per class (the cache
key and the input of ``core``). On a session's first visit of a page its link is read: what
it holds that is unknown, malformed or out of range is reported once and replaced by the
default. Then the widgets own the values, and :meth:`PageState.write_url` rewrites the
address bar from them after every run.

A page never writes a widget's key itself: a button that changes settings (a preset, "new
seed", "+250 epochs", a reset) calls :meth:`PageState.update`, :meth:`~PageState.change`,
:meth:`~PageState.set` or :meth:`~PageState.apply` as its ``on_click``, which validates the
new parameters first and keeps the old ones, with a message, when they are rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import streamlit as st

from core.params import Params
from core.presets import Preset, query
from ui import catalog, widgets
from ui.patches import require_router
from ui.state import RESERVED_KEYS, plain, widget_key

P = TypeVar("P", bound=Params)


class PageState:
    """The parameters of the page at ``url_path``: every class its catalogue line lists."""

    def __init__(self, url_path: str, classes: Iterable[type[Params]]) -> None:
        self.url_path = url_path
        self.classes = tuple(classes)
        self._owner = catalog.field_owners(self.classes)  # rejects a shared field name

    @classmethod
    def load(cls, url_path: str, classes: Iterable[type[Params]] | None = None) -> PageState:
        """The state of a catalogued page for this run: read from the link on the session's
        first visit, from the session afterwards; the link's ignored values reported once.
        ``classes`` are the catalogue's for the page unless given (a test's own app).

        The page must run inside app.py's router first: on a fresh server the first request
        reruns through it, and notes shown before that rerun would be lost with it."""
        require_router()
        state = cls(url_path, catalog.page(url_path).params if classes is None else classes)
        state._restore()
        state._show_notes()
        return state

    # -- reading -----------------------------------------------------------------------------

    def control(self, name: str, *, container: Any = None, **options: Any) -> Any:
        """Draw the widget of field ``name`` (of whichever class holds it) and return its
        value; ``options`` as :func:`ui.widgets.control` takes them."""
        return widgets.control(self._owner[name], name, self.url_path, container=container,
                               **options)

    def value(self, name: str) -> Any:
        """The value field ``name`` has in this run (set by its widget, drawn or not yet)."""
        return st.session_state[widget_key(self.url_path, name)]

    def current(self, cls: type[P]) -> P:
        """The parameters of ``cls`` as the widgets now set them. A combination the class
        rejects (a rule across fields) keeps the last valid parameters, with a message naming
        the rule: nothing the user set before is lost."""
        values = {}
        for name in cls.field_names():
            value = st.session_state.get(widget_key(self.url_path, name))
            values[name] = tuple(value) if isinstance(value, list) else value
        try:
            params = cls(**values)
        except ValueError as err:
            st.warning(f"Kept the last valid settings: {plain(str(err))}")
            params = self._last(cls) or cls()
        self._keep(params)
        return params

    # -- changing (as a button's on_click, before the widgets are drawn) ----------------------

    def set(self, *params: Params) -> None:
        """Put the widgets of each of ``params``' classes to exactly those values."""
        for p in params:
            if type(p) not in self.classes:
                raise ValueError(f"{type(p).__name__} is not a parameter class of "
                                 f"{self.url_path}")
            self._keep(p)
            for name in type(p).field_names():
                self._put(name, getattr(p, name))

    def update(self, cls: type[Params], **changes: Any) -> None:
        """Change some fields of ``cls``; rejected values keep the old ones, with a note."""
        self.change(cls, lambda p: p.replace(**changes))

    def change(self, cls: type[P], how: Callable[[P], P]) -> None:
        """Replace ``cls``'s parameters by ``how(current)``, validated like any new value
        (e.g. ``lambda p: p.stepped("seed", 1, wrap=True)``)."""
        try:
            self.set(how(self._last(cls) or self._from_widgets(cls)))
        except ValueError as err:
            st.session_state[self._key("refused")] = str(err)

    def reset(self, cls: type[Params]) -> None:
        """Put ``cls``'s widgets back to their defaults."""
        self.set(cls())

    def apply(self, preset: Preset) -> None:
        """Load a preset's parameters (the tab it names is the link's business)."""
        self.set(*preset.params)

    # -- the link ------------------------------------------------------------------------------

    def write_url(self) -> None:
        """Rewrite the address bar so that it pins exactly this view: the changed fields of
        every class (as the widgets set them in this run, or last set them), and the keys of
        the page furniture (tab, presenter mode, hidden controls) as they are."""
        wanted = {k: v for k, v in st.query_params.to_dict().items() if k in RESERVED_KEYS}
        wanted.update(query(*(self._last(c) or self._from_widgets(c) for c in self.classes)))
        if wanted != st.query_params.to_dict():
            st.query_params.from_dict(wanted)

    # -- inside ----------------------------------------------------------------------------------

    def _key(self, what: str) -> str:
        # ":" never occurs in a widget key ("page.field"), so no field name can collide.
        return f"{self.url_path}:{what}"

    def _stored(self) -> dict[str, Params]:
        return st.session_state.setdefault(self._key("params"), {})

    @staticmethod
    def _name(cls: type[Params]) -> str:
        # By name, not by class object: a script that defines its own class defines it anew
        # on every run.
        return f"{cls.__module__}.{cls.__qualname__}"

    def _last(self, cls: type[P]) -> P | None:
        """The parameters ``cls`` had at the end of the last run (None before the first)."""
        return self._stored().get(self._name(cls))

    def _keep(self, params: Params) -> None:
        self._stored()[self._name(type(params))] = params

    def _notes(self) -> list[str]:
        return st.session_state.setdefault(self._key("notes"), [])

    def _restore(self) -> None:
        stored = self._stored()
        if not stored:
            link = st.query_params.to_dict()
            for cls in self.classes:
                # A class may read renamed keys of older links (its OLD_KEYS): they are
                # not unknown to the others either.
                others = [*RESERVED_KEYS, *(n for n in self._owner if self._owner[n] is not cls),
                          *(k for c in self.classes if c is not cls
                            for k in getattr(c, "OLD_KEYS", ()))]
                params, notes = cls.from_query(link, other_keys=others)
                self._keep(params)
                self._notes().extend(notes)
            # Keys no class knows are reported once, not once per class.
            self._dedupe_notes()
        for cls in self.classes:
            params = self._last(cls) or cls()
            for name in cls.field_names():
                # After another page Streamlit has dropped this page's widget state.
                st.session_state.setdefault(widget_key(self.url_path, name),
                                            getattr(params, name))

    def _dedupe_notes(self) -> None:
        notes = self._notes()
        notes[:] = list(dict.fromkeys(notes))

    def _show_notes(self) -> None:
        refused = st.session_state.pop(self._key("refused"), None)
        if refused:
            st.warning(f"Not changed: {plain(refused)}")
        notes = list(dict.fromkeys(st.session_state.pop(self._key("notes"), [])))
        if notes:
            st.warning("This link had values the page could not use:\n\n"
                       + "\n".join(f"- {plain(n)}" for n in notes))

    def _put(self, name: str, value: Any) -> None:
        key = widget_key(self.url_path, name)
        st.session_state[key] = value
        for sub in [k for k in st.session_state if str(k).startswith(f"{key}.")]:
            del st.session_state[sub]  # the element boxes of a tuple field start afresh

    def _from_widgets(self, cls: type[P]) -> P:
        try:
            return cls(**{n: self.value(n) for n in cls.field_names()})
        except (KeyError, ValueError):
            return cls()
