"""What a page calls to draw itself: the header it opens with, secondary text, charts laid
out for the hall, its (lazy) tabs, and the cache layer between the page and ``core``.

The server's side of a run (the error guard, the warm-up) is ui.server; presenter mode is
ui.presenter; the notice of a run waiting for a trainer is ui.waiting; every reach into
Streamlit's internals is ui.patches."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import plotly.graph_objects as go
import streamlit as st

from core.engine.slots import notify_waits
from core.figures import prepared, style
from ui.patches import require_router
from ui.presenter import is_presenting
from ui.state import plain
from ui.waiting import WaitNotice

F = TypeVar("F", bound=Callable[..., Any])


def header(title: str, intro: str, formula: str | None = None) -> None:
    """The page's title on one line with its key formula small beside it (or under it when
    the line is full), then the intro as one small paragraph, hidden in presenter mode: the
    figure comes first.

    Every page starts with it, so it also makes sure the page runs inside the router. The
    title row ends with the lecture's recap (ui.flow.recap: a button, no extra height)."""
    from ui import flow

    require_router()
    with st.container(key="page_header", horizontal=True, wrap=True,
                      vertical_alignment="center", gap="medium"):
        st.title(title, width="content", anchor=False)
        if formula:
            st.latex(formula, width="content")
        flow.recap()
    if not is_presenting():
        st.caption(intro)


def explain(markdown: str, container: Any = None) -> None:
    """Secondary text (explanations, "what to notice"): shown to readers, hidden while
    presenting, where the lecturer says it instead."""
    if not is_presenting():
        (container or st).markdown(markdown)


def chart(fig: Any, key: str, container: Any = None, caption: str | None = None) -> None:
    """Show a Plotly figure full width, laid out by the hall's rules (core.figures.style.tidy:
    legend in its band, titles that fit, fonts readable from the back; larger in presenter
    mode), in the dashboard's own style rather than Streamlit's theme, which would replace the
    projector-sized fonts and the class colours; recoloured for a light or dark page
    (core.figures.theme), with ``caption`` (default: a description made from the figure)
    below it as its text alternative.

    ``fig`` is best the call that makes the figure, ``functools.partial(figure_function,
    *args)``: the finished figure is then built once per arguments and view and shared by
    every session (core.figures.prepared). A figure object is laid out anew every time (a
    streamed, partial run)."""
    width = style.NARROW_WIDTH if container is not None else style.WIDE_WIDTH
    scale = 1.0
    if is_presenting():  # the sidebar is out of the way: wider charts, larger text
        scale, width = style.PRESENTER_SCALE, int(width * style.PRESENTER_ROOM)
    ready = prepared.prepare(fig, scale=scale, width=width,
                             dark=st.context.theme.type == "dark")
    # One element holding both: drawn into an st.empty (a streamed chart's slot), the caption
    # would otherwise replace the chart.
    box = (container or st).container()
    box.plotly_chart(_Spec(ready.spec), width="stretch", theme=None, key=key,
                     config={"displaylogo": False})
    box.caption(caption or plain(ready.caption))


class _Spec(go.Figure):
    """A finished spec handed to ``st.plotly_chart`` as it is: Streamlit asks a figure for
    ``to_dict()``, which for a graph-objects figure copies and re-encodes everything (a
    dict would be validated through graph objects again). The spec is shared, never
    modified: Streamlit only serialises it."""

    def __init__(self, spec: dict) -> None:
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def cached(fn: F, *, max_entries: int = 64, spinner: str | bool = "Training…") -> F:
    """Cache a core function's result per parameter set, shared by all sessions.

    Bounded (``max_entries``), because a lecture hall of students explores many
    configurations. Two sessions asking for the same missing entry at once compute it once:
    ``st.cache_data`` holds a lock per entry while computing, and the second caller gets the
    first one's result (tests/test_limits.py checks it with threads). While a training in
    ``fn`` waits for a free trainer (core.engine.slots), the page says so.
    """
    compute = st.cache_data(max_entries=max_entries, show_spinner=spinner)(fn)

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        with notify_waits(WaitNotice()):
            return compute(*args, **kwargs)

    call.clear = compute.clear  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


def tabs(page: str, views: dict[str, Callable[[], None]]) -> None:
    """The page's tabs, lazy: ``views`` maps each tab's label to the function that draws it,
    and only the open tab's function runs, so a page computes and sends one view, not all."""
    for tab, view in zip(lazy_tabs(list(views), page), views.values()):
        if tab.open:
            with tab:
                view()


def lazy_tabs(labels: list[str], page: str, name: str = "tab") -> list[Any]:
    """Streamlit's lazy tabs (each container's ``.open`` says whether to draw it), with the
    open tab in the link: ``?tab=3`` opens the third (the first needs none), so a slide can
    point at exactly the view the lecturer shows. ``name`` is the link's key, for a second
    row of tabs inside a tab (``subtab``)."""
    key = f"{page}.{name}"
    if key not in st.session_state:
        st.session_state[key] = labels[_tab_from_link(len(labels), name)]
    containers = st.tabs(labels, key=key, on_change="rerun")
    number = next((i for i, tab in enumerate(containers) if tab.open), 0) + 1
    if number > 1:
        if st.query_params.get(name) != str(number):
            st.query_params[name] = str(number)
    elif name in st.query_params:
        del st.query_params[name]
    return containers


def _tab_from_link(count: int, name: str) -> int:
    """The tab a link asks for (0-based); a value that names no tab is reported and ignored."""
    raw = st.query_params.get(name, "1").strip()
    if raw.isdigit() and 1 <= int(raw) <= count:
        return int(raw) - 1
    st.warning(f"This link asked for {name} {plain(raw[:40])}; this page has tabs 1 to "
               f"{count} there, so it opens on the first.")
    return 0


