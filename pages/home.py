"""Home: what the dashboard is and where each part of the lecture lives."""

import streamlit as st

from ui.catalog import PAGES
from ui.layout import require_router

require_router()
st.title("How fully connected networks learn")
st.markdown(
    "Interactive demonstrations for the lecture on fully connected networks: every page "
    "trains real Keras models live, and every picture follows its controls. Each page's "
    "address holds its settings, so a link reproduces exactly what you see."
)

for section in dict.fromkeys(p.section for p in PAGES):
    st.subheader(section)
    for page in (p for p in PAGES if p.section == section):
        with st.container(border=True):
            st.page_link(page.path, label=page.title, icon=page.icon)
            st.markdown(page.summary)
            st.caption(f"Lecture: {page.lecture}")

st.divider()
st.markdown(
    "**For lecturers:** change a control and copy the address bar into your slides; "
    "`?hide=learning_rate,seed` in a link hides those controls for students, and "
    "`?present=1` (or *Presenter mode* in the sidebar) sizes figures and text for the back of "
    "the hall, with the sidebar collapsed and explanations hidden. Nothing is fetched from the "
    "internet: the app works in a hall without a connection. "
    "**For students:** nothing you do here can break anything; try extreme values."
)
