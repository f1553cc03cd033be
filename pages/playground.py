"""Playground: TensorFlow Playground inside the dashboard, trained with Keras, plus what its
users keep asking for (own data, more optimisers, exports, metrics).

At 1280×720 the first screen holds what Playground's does: the settings changed most at the
top of the sidebar, the output over the plane with its replay, the metrics and the loss
curve. The rest sits in collapsed sidebar sections and below the picture.
"""

import streamlit as st

from core import playground as pg
from ui import layout
from ui.page import PageState
from ui.playground import classroom, controls, details, own_data, run_view

page = PageState.load("playground")
layout.header("Playground: a network on 2-D data",
              "TensorFlow Playground's experiments, trained live with Keras.")
controls.sidebar(page)
top = st.container()  # the results go first on the page; own data (if any) below them
user = own_data.table(page.value("problem")) if page.value("dataset") == pg.USER_DATA else None
params = page.current(pg.PlaygroundParams)
with top:
    run = run_view.show(page, params, user)
if run is not None:
    details.tabs(run)
classroom.exercises(page)
classroom.classroom_link(params)
classroom.about(params, run)
page.write_url()
