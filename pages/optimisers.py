"""Optimisers: SGD, momentum, NAG, Adagrad, Adadelta, RMSprop and Adam walking down test
surfaces from the same start point; the momentum explorer on the ill-conditioned quadratic;
and the same optimizers training one small network."""

from functools import partial

import pandas as pd
import streamlit as st

from core import datasets, optimizers, surfaces
from core import momentum as M
from core import optimiser_network as N
from core import optimiser_page as page_params
from core import optimiser_paths as O
from core.figures import momentum as fig_mom
from core.figures import optimisers as fig_opt
from ui import layout, results, state, widgets

PAGE = "optimisers"
C, V = page_params.PathControls, page_params.ViewParams
NOTICE = {
    "beale": "Beale is nearly flat on a wide plateau and steep at its walls. Plain SGD's step "
             "is proportional to the gradient, so it is slow where the surface is flat; "
             "momentum and NAG gather speed and swing wide where the valley bends; RMSprop and "
             "Adam divide each coordinate's step by its recent gradient size and keep a steady "
             "pace.",
    "rosenbrock": "Reaching the curved valley takes a few steps; travelling along its almost "
                  "flat floor to (1, 1) is the hard part. SGD's rate is capped by the steep "
                  "walls (multiplier × 5 and it diverges within three steps), so it crawls along "
                  "the floor; momentum keeps the speed it has gathered. Adaptive methods "
                  "survive the × 5: their steps do not grow with the gradient.",
    "saddle": "At the saddle point the gradient is almost zero. SGD's step is proportional to "
              "the gradient, so it stalls next to the saddle; RMSprop, Adam and Adagrad divide "
              "by the gradient's size and leave at a steady pace; momentum leaves faster and "
              "faster. The surface has no minimum: every path that escapes runs off to −∞.",
    "himmelblau": "Four minima, all with f = 0. The start lies next to the local maximum, so "
                  "which minimum a path reaches depends on the optimiser: the SGD family "
                  "follows the steepest slope; the adaptive methods scale x and y separately "
                  "and head for another minimum.",
    "quadratic": "A long, narrow valley: curvature 100 across it, 1 along it, turned by 30°. "
                 "SGD's rate is capped by the steep direction (α < 2/100), so along the valley "
                 "it gains only about 2 % per step; momentum swings across the valley as well, "
                 "but gathers speed along it and closes in several orders of magnitude faster. "
                 "RMSprop and Adam step about α per coordinate whatever the curvature: no "
                 "zig-zag, but near the minimum they jitter at the scale of α.",
}
THEORY = ("sgd", "momentum", "nesterov")
#: Short names for the optimizer pills (the registry's labels are the long form).
SHORT = optimizers.SHORT_LABELS
LMIN, LMAX = "λₘᵢₙ", "λₘₐₓ"
#: Surface names that fit the select box (the registry's labels are the long form).
SURFACE_LABELS = {**{k: s.label.split(" (")[0] for k, s in surfaces.SURFACES.items()},
                  "quadratic": "Quadratic valley"}

compute_paths = results.compute_paths  # filled at server start for the defaults
run_momentum = layout.cached(M.run, max_entries=256, spinner=False)
rate_map = layout.cached(M.rate_map, max_entries=4, spinner=False)
train_network = layout.cached(N.train_all, max_entries=64, spinner="Training the network…")


def load(cls):
    """The parameters of ``cls`` (from the link on the first visit: its keys, not the
    other parts' keys, count)."""
    return state.load(cls, PAGE, others=[o for o in OTHERS if o is not cls])


def label(name: str) -> str:
    return optimizers.get(name).label


def paths_view(top) -> C:
    """Every chosen optimizer's path on a test surface, f along each path, and the theory."""
    widgets.control(C, "surface", PAGE, container=top[1], labels=SURFACE_LABELS)
    widgets.control(C, "learning_rate_scale", PAGE, container=top[2], fmt=lambda v: f"× {v:g}",
                    help="Multiplies every optimiser's learning rate: push them into "
                         "instability.")
    chosen = widgets.control(C, "optimizers", PAGE, labels=SHORT)
    with st.sidebar:
        st.markdown("**Paths**")
        widgets.control(C, "steps", PAGE)
        cols = st.columns(2)
        for col, name in zip(cols, ("start_x", "start_y")):
            widgets.control(C, name, PAGE, container=col)
        for name in chosen:
            widgets.control(C, f"rate_{name}", PAGE)
    controls = state.current(C, PAGE)
    params = controls.paths()
    surface = surfaces.get(params.surface)
    result = compute_paths(params)
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_opt.paths_replay, result), "optimisers.paths", left)
    if result.paths:
        layout.chart(partial(fig_opt.loss_per_step, result), "optimisers.loss", right)
    else:
        right.info("Choose at least one optimiser above.")
    for path in result.diverged:
        escape = (" On this surface that is escape: f has no minimum and falls to −∞."
                  if surface.minimum_value is None else "")
        st.warning(f"{path.label} diverged at step {path.diverged_at}: it left the box |x|, "
                   f"|y| ≤ {result.box:g} with α = {path.learning_rate:g}, and was stopped "
                   f"there.{escape}")
    st.latex(surface.latex)
    layout.explain(f"**What to notice.** {NOTICE[params.surface]}")
    outcome_table(result, params.surface)
    if surface.curvatures:
        theory(params, surface)
    update_rules(result, params)
    return controls


def outcome_table(result: O.PathsResult, surface: str) -> None:
    rows = []
    for path in result.paths:
        reached = O.reached_minimum(path, surface)
        outcome = ("still moving" if reached is None else
                   f"at the minimum ({reached[0]:.2f}, {reached[1]:.2f})")
        if path.diverged_at is not None:
            outcome = f"diverged at step {path.diverged_at}"
        rows.append({"optimiser": path.label, "α": f"{path.learning_rate:g}",
                     "outcome": outcome, "f at the end": f"{path.loss[-1]:.3g}",
                     "end (x, y)": f"({path.final[0]:.3f}, {path.final[1]:.3f})"})
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def theory(params: O.PathParams, surface: surfaces.Surface) -> None:
    lam_min, lam_max = min(surface.curvatures), max(surface.curvatures)
    st.subheader("When does it converge? The quadratic theory")
    st.markdown(
        f"On a quadratic, each step multiplies the error along a curvature-λ direction by a "
        f"fixed factor. Plain gradient descent converges iff 0 < αλ < 2 for every λ, so here "
        f"iff **α < 2/{LMAX} = {2 / lam_max:g}** (fastest at α = 2/({LMIN} + {LMAX}) = "
        f"{2 / (lam_min + lam_max):.4f}); momentum β iff αλ < 2 + 2β, **α < "
        f"{O.stability_limit('momentum', lam_max):.4g}** for β = 0.9; Keras's Nesterov form "
        f"iff αλ < (2 + 2β)/(1 + 2β), **α < {O.stability_limit('nesterov', lam_max):.4g}**. "
        "The Momentum view maps the rate for every (α, β).")
    chosen = {n: params.learning_rate(n) for n in THEORY if n in params.chosen}
    lines = []
    for name, alpha in chosen.items():
        limit = O.stability_limit(name, lam_max)
        factor = float(O.convergence_factor(name, alpha, surface.curvatures)[0])
        verdict = (f"below the limit {limit:.4g}: converges, the error shrinks × {factor:.3f} "
                   "per step" if alpha < limit else
                   f"above the limit {limit:.4g}: diverges, the error grows × {factor:.3f} "
                   "per step")
        lines.append(f"- {label(name)}: α = {alpha:g} is {verdict}.")
    st.markdown("\n".join(lines) or "Choose SGD or momentum to see where their α stands.")
    layout.chart(partial(fig_opt.convergence_factors, surface.curvatures, chosen, THEORY),
                 "optimisers.theory")


def update_rules(result: O.PathsResult, params: O.PathParams) -> None:
    if not result.paths:
        return
    with st.expander("How each one steps"):
        for path in result.paths:
            st.markdown(f"**{path.label}** (α = {path.learning_rate:g})")
            st.latex(optimizers.get(path.optimizer).latex)

    def paths_csv() -> bytes:  # built only when the button is clicked
        table = pd.concat([pd.DataFrame({"optimizer": p.optimizer, "step": range(len(p.loss)),
                                         "x": p.xy[:, 0], "y": p.xy[:, 1], "f": p.loss})
                           for p in result.paths])
        return table.to_csv(index=False).encode()

    st.download_button("Download the paths (CSV)", paths_csv,
                       file_name=f"optimiser-paths-{params.surface}.csv", mime="text/csv",
                       key="optimisers.download", on_click="ignore")


def momentum_view(top) -> M.MomentumParams:
    """The heavy ball on the quadratic: its path beside the map of ρ over (α, β)."""
    widgets.control(M.MomentumParams, "learning_rate", PAGE, container=top[1])
    widgets.control(M.MomentumParams, "momentum", PAGE, container=top[2])
    with st.sidebar:
        st.markdown("**Momentum explorer**")
        widgets.control(M.MomentumParams, "iterations", PAGE)
    params = state.current(M.MomentumParams, PAGE)
    r, plain = run_momentum(params), run_momentum(params.replace(momentum=0.0))
    lam_min, lam_max = M.curvatures()
    alpha_star, beta_star, rho_star = M.optimum(lam_min, lam_max)
    left, right = st.columns([1, 1])
    layout.chart(partial(fig_mom.path, r, plain), "optimisers.momentum.path", left)
    layout.chart(partial(fig_mom.rate_map, rate_map(lam_min, lam_max),
                                  (params.learning_rate, params.momentum)),
                 "optimisers.momentum.map", right)
    best_gd = M.gd_rate(2 / (lam_min + lam_max), lam_min, lam_max)
    slow, steep = r.regimes
    message = (f"ρ = {r.rho:.3f} per step (plain GD at this α: {plain.rho:.3f}). Along the "
               f"valley (λ = {lam_min:g}) the ball is {slow}, across it (λ = {lam_max:g}) "
               f"{steep}.")
    if r.rho >= 1:
        st.error(f"**Diverges.** α = {params.learning_rate:g} is above (2 + 2β)/{LMAX} = "
                 f"{M.stable_limit(params.momentum, lam_max):.4g}. {message}")
    else:
        st.success(f"**Converges.** {message}")
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_mom.loss_per_step, r, plain), "optimisers.momentum.loss", left)
    layout.explain(f"""
**What to notice**
- Momentum turns the step into v ← βv − α∇f, θ ← θ + v. Inside the black line
  α < (2 + 2β)/{LMAX} it converges: momentum allows larger α than plain GD's 2/{LMAX}.
- Between the two orange curves the steep direction oscillates, right of the pink one
  the flat one does; where both oscillate every direction shrinks by exactly √β per step
  (the horizontal bands of the map). Left of the pink curve the flat direction is
  overdamped and crawls.
- The star is the optimum α* = 4/(√{LMAX} + √{LMIN})² = {alpha_star:.4f},
  β* = ((√κ − 1)/(√κ + 1))² = {beta_star:.3f} (κ = {lam_max / lam_min:g}), where both
  directions are critically damped: ρ* = {rho_star:.3f}, against {best_gd:.3f}
  for plain GD at its best.
""", right)
    return params


def network_view(top) -> N.NetworkParams:
    """The same 2-8-8-1 network trained by each chosen optimizer, loss and accuracy."""
    widgets.control(N.NetworkParams, "dataset", PAGE, container=top[1],
                    labels={n: datasets.DATASETS[n].label for n in N.DATASETS})
    widgets.control(N.NetworkParams, "rate_scale", PAGE, container=top[2],
                    fmt=lambda v: f"× {v:g}")
    chosen = widgets.control(C, "optimizers", PAGE, labels=SHORT)
    with st.sidebar:
        st.markdown("**Real network**")
        for name in ("epochs", "batch_size", "noise"):
            widgets.control(N.NetworkParams, name, PAGE)
        widgets.control(N.NetworkParams, "seed", PAGE, as_input=True)
    params = state.current(N.NetworkParams, PAGE)
    if not chosen:
        st.info("Choose at least one optimiser above.")
        return params
    runs = train_network(params, chosen)
    left, right = st.columns(2)
    layout.chart(partial(fig_opt.network_curves, runs, "loss"), "optimisers.network.loss", left)
    layout.chart(partial(fig_opt.network_curves, runs, "accuracy", legend=False),
                 "optimisers.network.accuracy", right)
    for run in runs:
        if run.diverged_at is not None:
            st.warning(f"{run.label} diverged at epoch {run.diverged_at} with α = "
                       f"{run.learning_rate:g}.")
    network_notes(params, runs)
    return params


def network_notes(params: N.NetworkParams, runs) -> None:
    sound = [r for r in runs if r.diverged_at is None]
    rows = [{"optimiser": r.label, "α": f"{r.learning_rate:g}",
             "loss after 10 epochs": f"{r.loss[min(9, len(r.loss) - 1)]:.3g}",
             "final loss": f"{r.loss[-1]:.3g}", "final accuracy": f"{r.accuracy[-1]:.0%}"}
            for r in runs]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if not sound:
        return
    early = min(sound, key=lambda r: r.loss[min(9, len(r.loss) - 1)])
    late = min(sound, key=lambda r: r.loss[-1])
    slowest = max(sound, key=lambda r: r.loss[-1])
    layout.explain(f"""
**What to notice.** A 2 → 8 → 8 → 1 tanh network with a sigmoid output and binary
cross-entropy, {N.N_POINTS} points of {datasets.DATASETS[params.dataset].label}, batch
{params.batch_size}: same data, same initial weights, same shuffles; only the optimizer
differs. After 10 epochs {early.label} is lowest; after {params.epochs} epochs
{late.label} (loss {late.loss[-1]:.3g}), and {slowest.label} is furthest behind
(loss {slowest.loss[-1]:.3g}). Each optimizer runs at a rate typical for it
(× {params.rate_scale:g}): SGD + momentum at a tenth of SGD's rate takes about the same
steps, since β = 0.9 makes its steady step 1/(1 − β) = 10 times α·g.
""")


layout.header("Optimisers", "")
OTHERS = (C, M.MomentumParams, N.NetworkParams, V)
# Every part of the page is in the link, also the views not open now: load them all.
stored = {cls: load(cls) for cls in OTHERS}
state.show_notes(PAGE)
top = st.columns([2.3, 1.3, 1.4], vertical_alignment="bottom")
widgets.control(V, "view", PAGE, container=top[0], labels=page_params.VIEWS, segmented=True)
view = state.current(V, PAGE)
shown = {"momentum": momentum_view, "network": network_view}.get(view.view, paths_view)(top)
stored.update({V: view, type(shown): shown})
if view.view == "network":  # its optimizer pills are the paths' choice too
    stored[C] = state.current(C, PAGE)
state.write_url(*stored.values())
