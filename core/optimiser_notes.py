"""What the optimisers page says about its paths, the momentum explorer and the real
network, written from them: the surfaces' facts, what each optimiser did on screen, the
quadratic theory's verdicts, the update rules' fine print, and the answers of the lecture's
presets. Every number is the result's or a closed form's; every claim that could fail for
some setting has its branch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core import momentum as M
from core import optimiser_paths as O
from core import optimizers, surfaces
from core.figures.optimisers import plot_ranges
from core.notes import Note, listing
from core.quadratic import LAMBDA_MAX, LAMBDA_MIN

#: The SGD family, for which the quadratic theory gives a limit.
THEORY = ("sgd", "momentum", "nesterov")

#: What each surface is, independent of any run (its formula: core.surfaces).
SURFACE_FACTS = {
    "beale": "Beale is nearly flat on a wide plateau and steep at its walls; its minimum is "
             "f(3, 0.5) = 0.",
    "rosenbrock": "Rosenbrock's minimum f(1, 1) = 0 lies at the end of a curved valley along "
                  "y = x²: reaching the valley takes a few steps, travelling along its almost "
                  "flat floor is the hard part.",
    "saddle": "f = x² − y² has a saddle point at (0, 0), where the gradient is zero; near it "
              "the gradient is almost zero. The surface has no minimum: along y it falls to "
              "−∞, so every path that escapes runs off.",
    "himmelblau": "Himmelblau has four minima, all with f = 0; which one a path reaches "
                  "depends on how it steps.",
    "quadratic": (f"A long, narrow valley turned by {math.degrees(surfaces.QUADRATIC_ANGLE):g}°: "
                  f"curvature {max(surfaces.QUADRATIC_CURVATURES):g} across it, "
                  f"{min(surfaces.QUADRATIC_CURVATURES):g} along it."),
}

#: How each optimiser steps (the algorithms, not a run), in the order the text lists them.
MECHANISMS = {
    ("sgd",): "plain SGD's step is proportional to the gradient, so it is slow where the "
              "surface is flat",
    ("momentum", "nesterov"): "momentum and NAG add up past gradients in a velocity, so they "
                              "gather speed on a steady slope and overshoot where the path "
                              "bends",
    ("rmsprop", "adam"): "RMSprop and Adam divide each coordinate's step by the size of its "
                         "recent gradients, so their steps do not shrink with the slope",
    ("adagrad",): "Adagrad divides by the root of all past squared gradients (plus Keras's "
                  "start 0.1), so its steps shrink as the gradients add up, and stay "
                  "proportional to tiny gradients",
    ("adadelta",): "Adadelta scales each step by the ratio of recent step sizes to recent "
                   "gradient sizes (times α in Keras)",
}

#: The fine print of the update rules as the expander writes them (Keras 3, keras/src/
#: optimizers/): momentum's sign, Adagrad's accumulator start, Adadelta's learning rate.
RULE_NOTES = {
    "momentum": "Keras's form. The lecture (after Ruder) writes v ← βv + α∇J, θ ← θ − v: the "
                "same algorithm, with v negated.",
    "nesterov": "Keras's form of Nesterov's momentum: the gradient at θ, the step looking "
                "ahead by βv.",
    "adagrad": "Keras starts the accumulator at G₀ = 0.1 (initial_accumulator_value), not "
               "0, so the first step is α·g/√(0.1 + g² + ε), not α·sign(g).",
    "adadelta": "Keras multiplies Δθ by the learning rate: θ ← θ + α·Δθ. Only α = 1 gives the "
                "rule as Zeiler wrote it; the paths use larger α, because Keras's ε = 10⁻⁷ "
                "makes the first steps tiny.",
}


# ----------------------------------------------------------------------------------------
# What each path did
# ----------------------------------------------------------------------------------------


def left_picture_at(path: O.OptimizerPath, result: O.PathsResult) -> int | None:
    """The first step at which the path is outside the picture the page draws (None: it
    stays in)."""
    (x0, x1), (y0, y1) = plot_ranges(surfaces.get(result.params.surface), result.start)
    x, y = path.xy[:, 0], path.xy[:, 1]
    outside = np.flatnonzero((x < x0) | (x > x1) | (y < y0) | (y > y1))
    return int(outside[0]) if len(outside) else None


def arrived_at(path: O.OptimizerPath, point: tuple[float, float]) -> int:
    """The first step from which the path stays within reach of ``point``."""
    far = np.hypot(path.xy[:, 0] - point[0], path.xy[:, 1] - point[1]) >= O.REACHED_TOLERANCE
    return int(np.flatnonzero(far)[-1] + 1) if far.any() else 0


def short_label(optimizer: str) -> str:
    """The name the page's pills use ("NAG", "Momentum")."""
    return optimizers.SHORT_LABELS.get(optimizer) or optimizers.get(optimizer).label


def _at(point: Sequence[float]) -> str:
    x, y = (round(float(v), 2) + 0.0 for v in point)  # + 0.0: never "-0.00"
    return f"({x:.2f}, {y:.2f})"


def outcome(path: O.OptimizerPath, result: O.PathsResult) -> str:
    """One optimiser's outcome as a clause: "Adam reached the minimum (3.00, 2.00) at step
    85"."""
    surface = surfaces.get(result.params.surface)
    name = short_label(path.optimizer)
    out = left_picture_at(path, result)
    if path.diverged_at is not None:
        where = "" if out is None or out >= path.diverged_at else (
            f" (it left the picture at step {out})")
        verb = "ran off towards −∞" if surface.minimum_value is None else "diverged"
        return f"{name} {verb}, leaving the box at step {path.diverged_at}{where}"
    reached = O.reached_minimum(path, result.params.surface)
    if reached is not None:
        return f"{name} reached the minimum {_at(reached)} at step {arrived_at(path, reached)}"
    if out is not None:
        return f"{name} left the picture at step {out} and was at {_at(path.final)} by step " \
               f"{path.steps_run}"
    if surface.minima:
        gap = min(np.hypot(*(np.array(path.final) - m)) for m in surface.minima)
        return (f"{name} is still on its way after {path.steps_run} steps, at "
                f"{_at(path.final)} ({gap:.2g} from the nearest minimum, f = "
                f"{path.loss[-1]:.2g})")
    return f"{name} is at {_at(path.final)} after {path.steps_run} steps"


def divergence_notes(result: O.PathsResult) -> list[Note]:
    """A warning per path that left the box (the run's own α and step)."""
    surface = surfaces.get(result.params.surface)
    escape = (" On this surface that is escape: f has no minimum and falls to −∞."
              if surface.minimum_value is None else "")
    return [Note("warning", f"{path.label} diverged at step {path.diverged_at}: it left the "
                 f"box |x|, |y| ≤ {result.box:g} with α = {path.learning_rate:g}, and was "
                 f"stopped there.{escape}") for path in result.diverged]


def _mechanisms(chosen: Sequence[str]) -> str:
    text = "; ".join(how for names, how in MECHANISMS.items() if set(names) & set(chosen))
    return f" In theory {text}." if text else ""


def paths_notice(result: O.PathsResult) -> str:
    """What to notice under the paths: the surface, how the chosen optimisers step, and what
    each one did here."""
    surface = result.params.surface
    text = f"**What to notice.** {SURFACE_FACTS[surface]}"
    if not result.paths:
        return text
    done = "; ".join(outcome(p, result) for p in result.paths)
    return f"{text}{_mechanisms(result.params.chosen)} Here {done}."


def outcome_rows(result: O.PathsResult) -> list[dict[str, str]]:
    """The table under the paths: α, how each ended, f and the end point."""
    rows = []
    for path in result.paths:
        reached = O.reached_minimum(path, result.params.surface)
        end = "still moving" if reached is None else f"at the minimum {_at(reached)}"
        if path.diverged_at is not None:
            end = f"diverged at step {path.diverged_at}"
        rows.append({"optimiser": path.label, "α": f"{path.learning_rate:g}", "outcome": end,
                     "f at the end": f"{path.loss[-1]:.3g}",
                     "end (x, y)": f"({path.final[0]:.3f}, {path.final[1]:.3f})"})
    return rows


# ----------------------------------------------------------------------------------------
# The quadratic theory (surfaces with a constant Hessian)
# ----------------------------------------------------------------------------------------


def _beta(name: str) -> float:
    return float(dict(optimizers.get(name).options).get("momentum", 0.0))


def theory_text(surface: surfaces.Surface) -> str:
    """The convergence conditions of the SGD family on this quadratic, with its numbers."""
    lam_min, lam_max = min(surface.curvatures), max(surface.curvatures)
    beta = _beta("momentum")
    return (f"On a quadratic, each step multiplies the error along a curvature-λ direction by "
            f"a fixed factor. Plain gradient descent converges iff 0 < αλ < 2 for every λ, so "
            f"here iff **α < 2/{LAMBDA_MAX} = {2 / lam_max:g}** (fastest at α = "
            f"2/({LAMBDA_MIN} + {LAMBDA_MAX}) = {2 / (lam_min + lam_max):.4f}); momentum β iff "
            f"αλ < 2 + 2β, **α < {O.stability_limit('momentum', lam_max):.4g}** for "
            f"β = {beta:g}; Keras's Nesterov form iff αλ < (2 + 2β)/(1 + 2β), **α < "
            f"{O.stability_limit('nesterov', lam_max):.4g}**. The Momentum view maps the rate "
            "for every (α, β).")


def theory_rates(params: O.PathParams) -> dict[str, float]:
    """The α of each chosen SGD-family optimiser."""
    return {n: params.learning_rate(n) for n in THEORY if n in params.chosen}


def theory_lines(params: O.PathParams, surface: surfaces.Surface) -> str:
    """Where each chosen SGD-family α stands against its limit, and its factor per step."""
    lam_max = max(surface.curvatures)
    lines = []
    for name, alpha in theory_rates(params).items():
        limit = O.stability_limit(name, lam_max)
        factor = float(O.convergence_factor(name, alpha, surface.curvatures)[0])
        verdict = (f"below the limit {limit:.4g}: converges, the error shrinks × {factor:.3f} "
                   "per step" if alpha < limit else
                   f"above the limit {limit:.4g}: diverges, the error grows × {factor:.3f} "
                   "per step")
        lines.append(f"- {optimizers.get(name).label}: α = {alpha:g} is {verdict}.")
    return "\n".join(lines) or "Choose SGD or momentum to see where their α stands."


# ----------------------------------------------------------------------------------------
# The momentum explorer
# ----------------------------------------------------------------------------------------


def momentum_note(r: M.MomentumRun, plain: M.MomentumRun) -> Note:
    """Converges or diverges, with the rate per step against plain GD's at the same α."""
    lam_min, lam_max = M.curvatures()
    p = r.params
    slow, steep = r.regimes
    message = (f"ρ = {r.rho:.3f} per step (plain GD at this α: {plain.rho:.3f}). Along the "
               f"valley (λ = {lam_min:g}) the ball is {slow}, across it (λ = {lam_max:g}) "
               f"{steep}.")
    if r.rho >= 1:
        return Note("error", f"**Diverges.** α = {p.learning_rate:g} is not below "
                    f"(2 + 2β)/{LAMBDA_MAX} = {M.stable_limit(p.momentum, lam_max):.4g}. "
                    f"{message}")
    return Note("success", f"**Converges.** {message}")


def momentum_notice() -> str:
    """What to notice beside the explorer (closed forms of the page's quadratic)."""
    lam_min, lam_max = M.curvatures()
    alpha_star, beta_star, rho_star = M.optimum(lam_min, lam_max)
    best_gd = M.gd_rate(2 / (lam_min + lam_max), lam_min, lam_max)
    return f"""
**What to notice**
- Momentum turns the step into v ← βv − α∇f, θ ← θ + v (Keras's form; the lecture writes
  v ← βv + α∇J, θ ← θ − v, the same algorithm with v negated). Inside the black line
  α < (2 + 2β)/{LAMBDA_MAX} it converges: momentum allows larger α than plain GD's
  2/{LAMBDA_MAX}.
- Between the two orange curves the steep direction oscillates, right of the pink one
  the flat one does; where both oscillate every direction shrinks by exactly √β per step
  (the horizontal bands of the map). Left of the pink curve the flat direction is
  overdamped and crawls.
- The star is the optimum α* = 4/(√{LAMBDA_MAX} + √{LAMBDA_MIN})² = {alpha_star:.4f},
  β* = ((√κ − 1)/(√κ + 1))² = {beta_star:.3f} (κ = {lam_max / lam_min:g}), where both
  directions are critically damped: ρ* = {rho_star:.3f}, against {best_gd:.3f}
  for plain GD at its best.
"""


# ----------------------------------------------------------------------------------------
# The lecture's presets, from their runs
# ----------------------------------------------------------------------------------------


def _path(result: O.PathsResult, name: str) -> O.OptimizerPath | None:
    return next((p for p in result.paths if p.optimizer == name), None)


#: Why an optimiser leaves the saddle where SGD lingers (the algorithms, not a run).
SADDLE_ESCAPES = {
    ("momentum", "nesterov"): "momentum and NAG gather speed as they roll downhill",
    ("rmsprop", "adam"): "RMSprop and Adam divide the tiny gradient by its own recent size, so "
                         "their steps do not shrink with it",
    ("adagrad",): "Adagrad's steps grow as the gradient does (its sum starts at 0.1 in Keras)",
    ("adadelta",): "Adadelta's steps grow with its record of past steps",
}


def saddle_answer(result: O.PathsResult) -> str:
    """Who escapes the saddle, and at which step each leaves the picture."""
    parts = []
    left = {p.optimizer: left_picture_at(p, result) for p in result.paths}
    sgd = _path(result, "sgd")
    if sgd is not None and left["sgd"] is None:
        moved = abs(sgd.final[1] - result.start[1])
        parts.append(f"Plain SGD lingers: after {sgd.steps_run} steps it has moved only "
                     f"{moved:.2g} along the downhill direction y.")
    escaped = [n for n, k in left.items() if k is not None]
    if escaped:
        parts.append("Leaving the picture: " + listing(
            f"{short_label(n)} at step {left[n]}" for n in sorted(escaped, key=left.get)) + ".")
        why = [how for names, how in SADDLE_ESCAPES.items() if set(names) & set(escaped)]
        if why:
            parts.append(f"In theory {'; '.join(why)}.")
    stopped = [p for p in result.paths if p.diverged_at is not None]
    if stopped:
        parts.append(f"{listing(short_label(p.optimizer) for p in stopped)} run off towards −∞: "
                     f"the page stops a path when it leaves the box |x|, |y| ≤ {result.box:g} "
                     "(" + listing(f"{short_label(p.optimizer)} at step {p.diverged_at}"
                                   for p in stopped) + ") and reports it as diverged.")
    stayed = [short_label(n) for n, k in left.items() if k is None and n != "sgd"]
    if stayed:
        parts.append(f"Still in the picture after {result.params.steps} steps: "
                     f"{listing(stayed)}.")
    return " ".join(parts)


def too_fast_answer(result: O.PathsResult) -> str:
    """The doubled rates on the valley: each SGD-family α against its limit, and the rest."""
    surface = surfaces.get(result.params.surface)
    lam_max = max(surface.curvatures)
    limits = []
    for name in THEORY:
        path = _path(result, name)
        if path is not None:
            limit = O.stability_limit(name, lam_max)
            side = "above" if path.learning_rate > limit else "below"
            limits.append(f"{short_label(name)}'s α = {path.learning_rate:g} is {side} its "
                          f"limit {limit:.4g}")
    done = "; ".join(outcome(p, result) for p in result.paths)
    said = "; ".join(limits)
    return f"{said[:1].upper()}{said[1:]}. Here {done}." if said else f"Here {done}."


def rosenbrock_answer(result: O.PathsResult) -> str:
    """Who gets closest to (1, 1), and who stays furthest."""
    (goal,) = surfaces.get(result.params.surface).minima
    sound = {p.optimizer: p for p in result.paths if p.diverged_at is None}
    if not sound:
        return "Every path diverged."
    gap = {n: float(np.hypot(*(np.array(p.final) - goal))) for n, p in sound.items()}
    arrived = [short_label(n) for n, p in sound.items()
               if O.reached_minimum(p, result.params.surface) is not None]
    closest, furthest = min(gap, key=gap.get), max(gap, key=gap.get)
    head = (f"{listing(arrived)} {'arrives' if len(arrived) == 1 else 'arrive'} within "
            f"{result.params.steps} steps" if arrived else
            f"None arrives within {result.params.steps} steps")
    x, y = sound[furthest].final
    floor = ", on the valley floor y = x², far along it from (1, 1)" if abs(y - x * x) < 0.05 \
        else ""
    return (f"{head}: {short_label(closest)} gets closest, at {_at(sound[closest].final)} "
            f"({gap[closest]:.2g} from {_at(goal)}); {short_label(furthest)} stays furthest, at "
            f"{_at((x, y))} ({gap[furthest]:.2g} away){floor}.")
