"""Entry point: `streamlit run app.py`. Lists the pages in lecture order and runs the chosen one."""

import streamlit as st

from ui import layout
from ui.catalog import PAGES

layout.keep_keras_state()
st.set_page_config(page_title="How networks learn", page_icon=":material/hub:", layout="wide")

home = st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)
sections: dict[str, list] = {"": [home]}
for page in PAGES:
    sections.setdefault(page.section, []).append(
        st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path))

layout.start_warm_up(tuple(p.warm_up for p in PAGES if p.warm_up))
layout.run_guarded(st.navigation(sections))
