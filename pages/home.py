"""Home: the lecture's structure (fundamentals → training → generalisation → hands-on), each
page with its question, what it shows, and its presets as plain links."""

import streamlit as st

from ui.catalog import PAGES, PARTS
from ui.layout import require_router
from ui.lectures import lecture

require_router()
st.title("How fully connected networks learn")
st.markdown(
    "Interactive demonstrations for the lecture on fully connected networks: every page "
    "trains real Keras models live, and every picture follows its controls. Each page's "
    "address holds its settings, so a link reproduces exactly what you see."
)
st.markdown("**The lecture in four parts:** " + " → ".join(PARTS) + ". Every page ends with "
            "the lecture's questions, presets to try, a link (and QR code) to the view, "
            "and the way to the next page.")

for number, part in enumerate(PARTS, start=1):
    pages = [p for p in PAGES if p.section == part]
    if not pages:
        continue
    st.subheader(f"{number} · {part}", anchor=False)
    for page in pages:
        with st.container(border=True):
            st.page_link(page.path, label=page.title, icon=page.icon)
            st.markdown(f"**{page.question}**")
            st.markdown(page.summary)
            content = lecture(page.url_path)
            if content is not None and content.presets:
                st.markdown("Try: " + " · ".join(
                    f"[{p.label}]({p.link(page.url_path)})" for p in content.presets))
            st.caption(f"Lecture: {page.lecture}")

st.divider()
st.markdown(
    "**For lecturers:** every preset above is a plain link to paste into slides; on a page, "
    "*Link to this view* gives the address of exactly what is on screen, and *QR code* shows "
    "it large for the hall's phones. `?hide=learning_rate,seed` in a link hides those "
    "controls for students, and `?present=1` (or *Presenter mode* in the sidebar) sizes "
    "figures and text for the back of the hall, with the sidebar collapsed and explanations "
    "hidden. Nothing is fetched from the internet: the app works in a hall without a "
    "connection. **For students:** nothing you do here can break anything; try extreme "
    "values."
)
