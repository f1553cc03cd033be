"""The notice a session sees while its training run waits in line for one of the server's
training slots (core.engine.slots): drawn at the place of the result, updated while the line
moves, removed when the run starts."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.patches import unrecorded

#: What a session sees while its run waits in line for one of the training slots.
WAIT_TEXT = ("Waiting for a free trainer: {running} runs are training for other students, "
             "{ahead} more ahead of yours. Yours starts as soon as one finishes.")


class WaitNotice:
    """The listener core.engine.slots calls while a run waits for a slot: an info box at
    the place of the result, updated while the line moves, removed when the run starts.
    A settings change while waiting gives up the wait (the page reruns with the new ones)."""

    def __init__(self) -> None:
        self._box: Any = None
        self._text = ""

    def __call__(self, ahead: int | None) -> None:
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            get_run_yield_check,
        )

        check = get_run_yield_check()
        if check is None:  # no page to draw on (a warm-up or benchmark thread)
            return
        if ahead is None:
            if self._box is not None:
                unrecorded(self._box.empty)
            return
        from core.engine import SLOTS

        text = WAIT_TEXT.format(running=SLOTS.running, ahead=ahead)
        if text != self._text:
            self._text = text
            unrecorded(lambda: self._show(text))
        check()  # raises Streamlit's rerun/stop request, which leaves the line

    def _show(self, text: str) -> None:
        if self._box is None:
            self._box = st.empty()
        self._box.info(text, icon=":material/hourglass_top:")
