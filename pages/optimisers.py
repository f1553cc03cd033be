"""Optimisers: SGD, momentum, NAG, Adagrad, Adadelta, RMSprop and Adam walking down test
surfaces from the same start point; the momentum explorer on the ill-conditioned quadratic;
and the same optimizers training one small network."""

from functools import partial

import pandas as pd
import streamlit as st

from core import momentum as M
from core import optimiser_network as N
from core import optimiser_notes as notes
from core import optimiser_page as OP
from core import optimiser_paths as O
from core import optimizers, surfaces
from core.figures import momentum as fig_mom
from core.figures import optimisers as fig_opt
from ui import layout, results
from ui.notes import show
from ui.page import PageState

SHORT = optimizers.SHORT_LABELS


def times(v: float) -> str:
    return f"× {v:g}"


page = PageState.load("optimisers")
layout.header("Optimisers", "")


def paths_view(top) -> None:
    """Every chosen optimizer's path on a test surface, f along each path, and the theory."""
    page.control("surface", container=top[1], labels=OP.SURFACE_LABELS)
    page.control("learning_rate_scale", container=top[2], fmt=times)
    page.control("optimizers", labels=SHORT)
    with st.sidebar:
        st.markdown("**Paths**")
        page.control("steps")
        for col, name in zip(st.columns(2), ("start_x", "start_y")):
            page.control(name, container=col)
        for name in page.current(OP.PathControls).optimizers:
            page.control(f"rate_{name}")
    params = page.current(OP.PathControls).paths()
    surface = surfaces.get(params.surface)
    result = results.compute_paths(params)  # filled at server start for the defaults
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_opt.paths_replay, result), "optimisers.paths", left)
    if result.paths:
        layout.chart(partial(fig_opt.loss_per_step, result), "optimisers.loss", right)
    else:
        right.info("Choose at least one optimiser above.")
    for note in notes.divergence_notes(result):
        show(note)
    st.latex(surface.latex)
    layout.explain(notes.paths_notice(result))
    if rows := notes.outcome_rows(result):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if surface.curvatures:
        st.subheader("When does it converge? The quadratic theory")
        st.markdown(notes.theory_text(surface))
        st.markdown(notes.theory_lines(params, surface))
        layout.chart(partial(fig_opt.convergence_factors, surface.curvatures,
                             notes.theory_rates(params), notes.THEORY), "optimisers.theory")
    update_rules(result)


def update_rules(result: O.PathsResult) -> None:
    """Each chosen optimizer's rule as Keras runs it, and the paths as CSV."""
    if not result.paths:
        return
    with st.expander("How each one steps"):
        for path in result.paths:
            st.markdown(f"**{path.label}** (α = {path.learning_rate:g})")
            st.latex(optimizers.get(path.optimizer).latex)
            if path.optimizer in notes.RULE_NOTES:
                st.caption(notes.RULE_NOTES[path.optimizer])

    def paths_csv() -> bytes:  # built only when the button is clicked
        table = pd.concat([pd.DataFrame({"optimizer": p.optimizer, "step": range(len(p.loss)),
                                         "x": p.xy[:, 0], "y": p.xy[:, 1], "f": p.loss})
                           for p in result.paths])
        return table.to_csv(index=False).encode()

    st.download_button("Download the paths (CSV)", paths_csv,
                       file_name=f"optimiser-paths-{result.params.surface}.csv",
                       mime="text/csv", key="optimisers.download", on_click="ignore")


def momentum_view(top) -> None:
    """The heavy ball on the quadratic: its path beside the map of ρ over (α, β)."""
    page.control("learning_rate", container=top[1])
    page.control("momentum", container=top[2])
    with st.sidebar:
        st.markdown("**Momentum explorer**")
        page.control("iterations")
    p = page.current(M.MomentumParams)
    r, plain = results.momentum_run(p), results.momentum_run(p.replace(momentum=0.0))
    left, right = st.columns([1, 1])
    layout.chart(partial(fig_mom.path, r, plain), "optimisers.momentum.path", left)
    layout.chart(partial(fig_mom.rate_map, results.momentum_map(*M.curvatures()),
                         (p.learning_rate, p.momentum)), "optimisers.momentum.map", right)
    show(notes.momentum_note(r, plain))
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_mom.loss_per_step, r, plain), "optimisers.momentum.loss", left)
    layout.explain(notes.momentum_notice(), right)


def network_view(top) -> None:
    """The same 2-8-8-1 network trained by each chosen optimizer, loss and accuracy."""
    page.control("dataset", container=top[1], labels=N.DATASET_LABELS)
    page.control("rate_scale", container=top[2], fmt=times)
    page.control("optimizers", labels=SHORT)  # the paths' choice too
    with st.sidebar:
        st.markdown("**Real network**")
        for name in ("epochs", "batch_size", "noise"):
            page.control(name)
        page.control("seed", as_input=True)
    p = page.current(N.NetworkParams)
    chosen = page.current(OP.PathControls).optimizers
    if not chosen:
        st.info("Choose at least one optimiser above.")
        return
    runs = results.train_network(p, chosen)
    left, right = st.columns(2)
    layout.chart(partial(fig_opt.network_curves, runs, "loss"), "optimisers.network.loss", left)
    layout.chart(partial(fig_opt.network_curves, runs, "accuracy", legend=False),
                 "optimisers.network.accuracy", right)
    for note in N.network_divergence(runs):
        show(note)
    st.dataframe(pd.DataFrame(N.network_rows(runs)), hide_index=True, width="stretch")
    layout.explain(N.network_notice(p, runs))


top = st.columns([2.3, 1.3, 1.4], vertical_alignment="bottom")
page.control("view", container=top[0], labels=OP.VIEWS, segmented=True)
view = page.current(OP.ViewParams).view
{"momentum": momentum_view, "network": network_view}.get(view, paths_view)(top)
page.write_url()
