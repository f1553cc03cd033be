"""Walking through the lecture: the recap at the top of a page, and at its end "What to
notice", "Try this" presets, the link to this view (copyable, and as a QR code for the
hall's phones) and the previous and next page in lecture order.

The router (app.py) tells :func:`set_page` which page runs; ``ui.layout.header`` calls
:func:`recap`, app.py calls :func:`page_end` after the page. The content is ui.lecture's.
"""

from __future__ import annotations

import io
import urllib.parse
from typing import Any

import streamlit as st

from ui.catalog import PAGES, PageInfo
from ui.lectures import Lecture, lecture
from ui.presenter import is_presenting

_PAGE_KEY = "flow.page"
#: The QR code's size in the dialog (px): large enough to scan from the back rows when
#: projected, small enough for a phone held upright.
QR_PX = 420


def set_page(url_path: str) -> None:
    """Remember which page this run shows (the router knows; the page furniture asks)."""
    st.session_state[_PAGE_KEY] = url_path


def current() -> PageInfo | None:
    """The catalogue entry of the page this run shows (None on the home page)."""
    path = st.session_state.get(_PAGE_KEY)
    return next((p for p in PAGES if p.url_path == path), None)


def neighbours(info: PageInfo) -> tuple[PageInfo | None, PageInfo | None]:
    """The previous and the next page in lecture order (None at either end)."""
    i = PAGES.index(info)
    return (PAGES[i - 1] if i > 0 else None, PAGES[i + 1] if i + 1 < len(PAGES) else None)


# ----------------------------------------------------------------------------------------
# The top of a page
# ----------------------------------------------------------------------------------------


def recap(where: Any = None) -> None:
    """A "Recap" button in the title row (or in ``where``) that opens the lecture's
    paragraph and key formula: it takes no height, so the main figure stays on the first
    screen. Not drawn while presenting (the lecturer says it)."""
    info = current()
    content = lecture(info.url_path) if info else None
    if content is None or is_presenting():
        return
    with (where or st).popover("Recap", icon=":material/school:",
                    help="The lecture's summary of this page and its key formula"):
        st.markdown(content.recap)
        st.latex(content.formula)


# ----------------------------------------------------------------------------------------
# The end of a page
# ----------------------------------------------------------------------------------------


def page_end() -> None:
    """What follows every page: the lecture's questions, the presets, the link to this view
    and the way on (nothing on the home page, which lists it all)."""
    info = current()
    if info is None:
        return
    content = lecture(info.url_path)
    st.divider()
    if content is not None:
        notice, tries = st.columns(2, gap="large")
        with notice:
            questions(content)
        with tries:
            presets(info, content)
    share()
    prev_next(info)


def questions(content: Lecture) -> None:
    """ "What to notice": each question, its answer collapsed below it (written when it is
    opened: an answer may be computed from a run)."""
    st.subheader("What to notice", anchor=False)
    for i, q in enumerate(content.notice):
        answer = st.expander(q.question, key=f"flow.notice.{i}", on_change="rerun")
        if answer.open:
            answer.markdown(q.answer_text())


def presets(info: PageInfo, content: Lecture) -> None:
    """ "Try this": each preset a plain link (the same a slide can hold), the question
    beside it, the answer collapsed (written from the preset's own run when opened)."""
    st.subheader("Try this", anchor=False)
    for i, preset in enumerate(content.presets):
        st.markdown(f"**[{preset.label}]({preset.link(info.url_path)})** · {preset.question}")
        answer = st.expander("Answer", key=f"flow.answer.{i}", on_change="rerun")
        if answer.open:
            answer.markdown(preset.answer_text())


def view_link() -> str:
    """The address of exactly this view: the page's URL with its query string as the page
    wrote it in this run (the relative link when the browser did not say its URL)."""
    query = urllib.parse.urlencode(st.query_params.to_dict(), safe=",")
    base = (st.context.url or "").split("?")[0].split("#")[0]
    if not base:
        info = current()
        base = info.url_path if info else ""
    return f"{base}?{query}" if query else base


def share() -> None:
    """The link to this view in a code box (its copy button copies it), and a QR code of it
    for the hall's phones."""
    link = view_link()
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    with left:
        st.markdown("**Link to this view**")
        st.code(link, language=None, wrap_lines=True)
    if right.button("QR code", icon=":material/qr_code_2:", key="flow.qr", width="stretch",
                    help="Show a large QR code of this view's link, for phones in the hall"):
        qr_dialog(link)


@st.dialog("Scan to open this view")
def qr_dialog(link: str) -> None:
    st.image(qr_png(link), width="stretch")
    st.code(link, language=None, wrap_lines=True)


def qr_png(link: str, scale: int = 10) -> bytes:
    """A QR code of ``link`` as PNG bytes, made here (no web service): dark modules on white
    with the standard quiet zone, so phones read it on a light or a dark page."""
    import segno

    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="png", scale=scale, border=4,
                                                  dark="#000000", light="#FFFFFF")
    return out.getvalue()


def prev_next(info: PageInfo) -> None:
    """Links to the previous and the next page in lecture order."""
    before, after = neighbours(info)
    left, right = st.columns(2)
    if before is not None:
        left.page_link(before.path, label=f"Previous: {before.title}", icon=":material/arrow_back:")
    if after is not None:
        with right.container(horizontal_alignment="right"):
            st.page_link(after.path, label=f"Next: {after.title}",
                         icon=":material/arrow_forward:")


def preset_rows() -> list[dict[str, Any]]:
    """Every page's presets, for the home page: page, label, link, question."""
    return [{"page": info, "preset": preset, "link": preset.link(info.url_path)}
            for info in PAGES if (content := lecture(info.url_path))
            for preset in content.presets]
