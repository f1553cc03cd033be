"""Your own data on the Playground: an uploaded CSV file or a table of points. A table cannot
be in a link, so it lives in the session, here and nowhere else: :data:`USER_FRAME` holds the
points (tests put a DataFrame there), :data:`UPLOAD_SEEN` the upload last read into it, and
:data:`TABLE` is the editor showing it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import datasets
from ui.state import plain

USER_FRAME = "playground.user_frame"
UPLOAD_SEEN = "playground.upload_signature"
TABLE = "playground.table"


def example_frame() -> pd.DataFrame:
    """Forty points of the checkerboard, to start editing from."""
    rng = np.random.default_rng(0)
    x = np.round(rng.uniform(-5, 5, (40, 2)), 1)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": (x[:, 0] * x[:, 1] >= 0) * 1})


def _read_upload(upload, kind: str) -> None:
    """Load an upload into the table once (a rerun shows the same file again)."""
    try:
        loaded = datasets.dataset_from_csv(upload.getvalue(), kind)
    except ValueError as err:
        st.error(f"{plain(upload.name)}: {plain(str(err))}")
        return
    signature = (upload.name, upload.size, kind)
    if st.session_state.get(UPLOAD_SEEN) != signature:
        st.session_state[UPLOAD_SEEN] = signature
        st.session_state[USER_FRAME] = pd.DataFrame(
            {"x1": loaded.x[:, 0], "x2": loaded.x[:, 1], "label": loaded.y})
        st.session_state.pop(TABLE, None)  # the editor's edits belonged to the old table


def table(kind: str) -> datasets.Dataset | None:
    """Upload (→ loaded into the table) or edit the table; the table is the data (None, with
    a message, while it is not usable)."""
    st.markdown(f"**Your own data** ({kind}): columns `x1`, `x2`, `label`, at most "
                f"{datasets.MAX_USER_POINTS} rows. An upload replaces the table; edit, add or "
                "delete rows below.")
    upload = st.file_uploader("CSV file", type=["csv", "txt"], key="playground.upload",
                              help=datasets.upload_help(st.get_option("server.maxUploadSize")))
    if upload is not None:
        _read_upload(upload, kind)
    frame = st.session_state.setdefault(USER_FRAME, example_frame())
    edited = st.data_editor(frame, num_rows="dynamic", key=TABLE, height=260)
    try:
        return datasets.dataset_from_frame(edited, kind)
    except ValueError as err:
        st.error(f"The table: {plain(str(err))}")
        return None
