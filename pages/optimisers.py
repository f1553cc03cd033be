"""Optimisers: SGD, momentum, NAG, Adagrad, Adadelta, RMSprop and Adam walking down test
surfaces from the same start point, with the quadratic theory of when they converge."""

import pandas as pd
import streamlit as st

from core import optimiser_paths as O
from core import optimizers, surfaces
from core.figures import optimisers as fig_opt
from ui import layout, state, widgets

PAGE = "optimisers"
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

compute_paths = layout.cached(O.compute_paths, spinner="Computing the paths…")


def label(name: str) -> str:
    return optimizers.get(name).label


def choose_optimizers(params: O.PathParams, container) -> None:
    """A multiselect in the page, stored as the parameters' ``use_<name>`` flags."""
    key = state.widget_key(PAGE, "optimizers")
    st.session_state.setdefault(key, list(params.chosen))
    if "optimizers" not in state.hidden_controls():
        container.multiselect("optimisers", list(optimizers.OPTIMIZERS), key=key,
                              format_func=label)
    for name, on in O.flags_for(st.session_state[key]).items():
        st.session_state[state.widget_key(PAGE, name)] = on


def choose_start(container) -> None:
    """A toggle for an own start point and, when on, two boxes for (x₀, y₀)."""
    key, toggle = state.widget_key(PAGE, "start"), f"{PAGE}.own_start"
    st.session_state.setdefault(toggle, bool(st.session_state[key]))

    def switched() -> None:
        surface = surfaces.get(st.session_state[state.widget_key(PAGE, "surface")])
        st.session_state[key] = surface.start if st.session_state[toggle] else ()
        for i in (0, 1):
            st.session_state.pop(f"{key}.{i}", None)

    container.toggle("own start point (x₀, y₀)", key=toggle, on_change=switched)
    if st.session_state[key]:
        widgets.control(O.PathParams, "start", PAGE, columns=2, container=container)


def choose_rates(surface: str, chosen: list[str]) -> None:
    """A box per chosen optimiser for its own rate; empty = the surface's default (rate 0)."""
    cols = st.columns(max(len(chosen), 1))
    for col, name in zip(cols, chosen):
        field, box = state.widget_key(PAGE, f"rate_{name}"), f"{PAGE}.rate_{name}.box"
        st.session_state.setdefault(box, st.session_state[field] or None)
        col.number_input(f"α {label(name)}", min_value=1e-6, max_value=O.MAX_LEARNING_RATE,
                         step=None, format="%g", key=box,
                         placeholder=f"{O.DEFAULT_RATES[surface][name]:g}")
        st.session_state[field] = float(st.session_state[box] or 0.0)


layout.header(
    "Optimisers: paths across a surface",
    "Every optimiser starts at the same point and takes the same number of steps, each with "
    "the exact gradient of the surface and Keras's own update rule. What differs is how they "
    "turn gradients into steps.",
    r"\theta_{t+1} = \theta_t + \Delta\theta_t, \qquad "
    r"\Delta\theta_t \text{ built from } g_1, \dots, g_t, \quad g_t = \nabla f(\theta_t)",
)
params = state.load(O.PathParams, PAGE)
state.show_notes(PAGE)

c = st.columns([1, 2])
widgets.control(O.PathParams, "surface", PAGE, container=c[0],
                labels={k: s.label for k, s in surfaces.SURFACES.items()})
choose_optimizers(params, c[1])
c = st.columns(3)
widgets.control(O.PathParams, "learning_rate_scale", PAGE, container=c[0],
                fmt=lambda v: f"× {v:g}",
                help="Multiplies every optimiser's learning rate: push them into instability.")
widgets.control(O.PathParams, "steps", PAGE, container=c[1])
choose_start(c[2])
surface_name = st.session_state[state.widget_key(PAGE, "surface")]
with st.expander("Learning rate of each optimiser (empty: this surface's default)"):
    choose_rates(surface_name, list(st.session_state[state.widget_key(PAGE, "optimizers")]))
params = state.current(O.PathParams, PAGE)
surface = surfaces.get(params.surface)
st.latex(surface.latex)

result = compute_paths(params)
if not result.paths:
    st.info("Choose at least one optimiser above.")
for path in result.diverged:
    escape = (" On this surface that is escape: f has no minimum and falls to −∞."
              if surface.minimum_value is None else "")
    st.warning(f"{path.label} diverged at step {path.diverged_at}: it left the box |x|, |y| ≤ "
               f"{result.box:g} with α = {path.learning_rate:g}, and was stopped there.{escape}")

layout.chart(fig_opt.paths_replay(result), "optimisers.paths")
left, right = st.columns([3, 2])
if result.paths:
    layout.chart(fig_opt.loss_per_step(result), "optimisers.loss", left)
right.markdown(f"**What to notice.** {NOTICE[params.surface]}")
rows = []
for path in result.paths:
    reached = O.reached_minimum(path, params.surface)
    outcome = ("still moving" if reached is None else
               f"at the minimum ({reached[0]:.2f}, {reached[1]:.2f})")
    if path.diverged_at is not None:
        outcome = f"diverged at step {path.diverged_at}"
    rows.append({"optimiser": path.label, "α": f"{path.learning_rate:g}", "outcome": outcome,
                 "f at the end": f"{path.loss[-1]:.3g}",
                 "end (x, y)": f"({path.final[0]:.3f}, {path.final[1]:.3f})"})
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

if surface.curvatures:
    lam_min, lam_max = min(surface.curvatures), max(surface.curvatures)
    st.subheader("When does it converge? The quadratic theory")
    st.markdown(
        f"On a quadratic, each step multiplies the error along a curvature-λ direction by a "
        f"fixed factor. Plain gradient descent converges iff 0 < αλ < 2 for every λ, so here "
        f"iff **α < 2/λ_max = {2 / lam_max:g}** (fastest at α = 2/(λ_min + λ_max) = "
        f"{2 / (lam_min + lam_max):.4f}); momentum β iff αλ < 2 + 2β, **α < "
        f"{O.stability_limit('momentum', lam_max):.4g}** for β = 0.9; Keras's Nesterov form iff "
        f"αλ < (2 + 2β)/(1 + 2β), **α < {O.stability_limit('nesterov', lam_max):.4g}**.")
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
    layout.chart(fig_opt.convergence_factors(surface.curvatures, chosen, THEORY),
                 "optimisers.theory")

if result.paths:
    st.subheader("How each one steps")
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

state.write_url(params)
