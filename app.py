"""Entry point: `streamlit run app.py`. Lists the pages in lecture order and runs the chosen one."""

import os

# Before anything imports TensorFlow (the warm-up thread, a page): its C++ INFO and WARNING
# lines would otherwise fill the server log during a lecture.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import logging  # noqa: E402 - after the environment above

import streamlit as st  # noqa: E402

from core.engine import runtime  # noqa: E402
from ui import flow, patches, presenter, server  # noqa: E402
from ui.catalog import PAGES  # noqa: E402

logging.getLogger("tensorflow").setLevel(logging.ERROR)
try:  # absl (TensorFlow's Python logging) prints warnings at import and on every retrace
    from absl import logging as absl_logging

    absl_logging.set_verbosity(absl_logging.ERROR)
except ImportError:  # pragma: no cover - absl comes with TensorFlow
    logging.getLogger("absl").setLevel(logging.ERROR)
patches.keep_keras_state()
# The favicon is a local file: an icon name would make the browser fetch it from a font
# server, and a lecture hall may have no internet.
st.set_page_config(page_title="How networks learn", page_icon=presenter.FAVICON, layout="wide",
                   initial_sidebar_state="collapsed" if presenter.is_presenting() else "auto")
presenter.page_style()

home = st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)
sections: dict[str, list] = {"": [home]}
for page in PAGES:
    sections.setdefault(page.section, []).append(
        st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path))

navigation = st.navigation(sections)
if any(p.warm_up and p.url_path == navigation.url_path for p in PAGES):
    # A page that trains: TensorFlow's import (seconds on a fresh server) starts now, beside
    # the page's own first work (benchmarks.cold_start).
    runtime.import_in_background()
flow.set_page(navigation.url_path)
presenter.presenter_toggle()
server.run_guarded(navigation)
# After every page: its questions and presets, the link to this view, the way on.
flow.page_end()
# After the first page: the warm-up thread imports TensorFlow and compiles the pages' default
# trainers whenever no page has run for a moment, so it never slows a visitor's page. A page
# that trains imports TensorFlow itself when it needs it (benchmarks.cold_start measures the
# first visit of every page).
server.start_warm_up(tuple(p.warm_up for p in PAGES if p.warm_up))
