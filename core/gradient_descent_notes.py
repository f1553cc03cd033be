"""What the gradient-descent page says about a run, written from that run: the regime's
message, "what to notice" under each view, the comparison with Keras and the answers of the
lecture's questions and presets. Every number is the run's (or a closed form of its data),
and every claim that could fail for some setting has its branch.
"""

from __future__ import annotations

import numpy as np

from core import gradient_descent as GD
from core import one_weight as OW
from core.notes import BLOWN_UP, Note, listing
from core.quadratic import LAMBDA_MAX, LAMBDA_MIN, Quadratic

#: A valley at least this elongated (λₘₐₓ/λₘᵢₙ) is "long and narrow" in the text.
NARROW_VALLEY = 5.0
#: A run "arrived" when its excess loss J − J(θ*) shrank below this share of its start.
ARRIVED = 1e-2
#: Distances to θ* below this share of (1 + |θ*|) are float32 rounding in the Keras fit: the
#: text says "at θ*" instead of printing them.
AT_MINIMUM = 1e-4

LEVEL = {"too_small": "info", "good": "success", "zigzag": "warning", "too_large": "error"}


def excess_left(losses: np.ndarray, q: Quadratic) -> float:
    """J − J(θ*) at the end as a share of its start (0 at the minimum, > 1 when it grew)."""
    start = float(losses[0]) - q.j_min
    return (float(losses[-1]) - q.j_min) / start if start > 0 else 0.0


def arrived(losses: np.ndarray, q: Quadratic) -> bool:
    return excess_left(losses, q) < ARRIVED


# ----------------------------------------------------------------------------------------
# The regime's message (line and parabola views)
# ----------------------------------------------------------------------------------------


def regime_note(regime, diverged_at: int | None, p: GD.GradientDescentParams) -> Note:
    """The box under the main figure: the full-batch theory's regime for α, and what the run
    did when it diverged."""
    alpha = p.learning_rate
    if diverged_at is not None and regime.name != "too_large":
        if p.full_batch:
            return Note("error", f"**Diverged at step {diverged_at}.** {regime.explanation}")
        return Note("error", f"**Diverged at step {diverged_at}**, although α = {alpha:g} is "
                    f"below the full-batch limit: a mini-batch of {p.batch} points can be "
                    "steeper than the whole data set, and one such batch is enough. Lower α "
                    "or use larger batches.")
    if diverged_at is not None:
        return Note("error", f"**Diverged at step {diverged_at}.** {regime.explanation} "
                    "Lower α.")
    if regime.name == "too_large":
        return Note("error", f"**{regime.label.capitalize()}.** {regime.explanation} This "
                    f"run stopped before the loss passed {BLOWN_UP} its start, the point at "
                    "which a run counts as diverged.")
    return Note(LEVEL[regime.name], f"**{regime.label.capitalize()}.** {regime.explanation}")


# ----------------------------------------------------------------------------------------
# The line view
# ----------------------------------------------------------------------------------------


def line_caption(r: GD.GradientDescentRun) -> str:
    """The caption under the replay: what mini-batches and the step limit change."""
    p, parts = r.params, []
    if not p.full_batch:
        parts.append("With mini-batches each step follows the gradient of a few points only: "
                     "the path is noisy, and the regime above is the full-batch theory.")
    if r.truncated:
        parts.append(f"{p.epochs} epochs of {p.steps_per_epoch} steps exceed the limit of "
                     f"{GD.MAX_STEPS:,} steps per run: trained {p.epochs_run} epochs.")
    return " ".join(parts)


def _direction(r: GD.GradientDescentRun) -> str:
    q, p = r.quadratic, r.params
    if not p.full_batch:
        return (f"Each step goes against the gradient of one mini-batch of {p.batch} points, "
                "not of J: it does not cross the contour lines at right angles, and the path "
                "wanders.")
    shape = (f"In this long, narrow valley ({LAMBDA_MAX}/{LAMBDA_MIN} = {q.condition:.3g}) "
             "the path first drops to the valley floor, then crawls along it."
             if q.condition >= NARROW_VALLEY else
             f"This valley is nearly round ({LAMBDA_MAX}/{LAMBDA_MIN} = {q.condition:.3g}): "
             "downhill points almost at the minimum.")
    return ("The steps cross the contour lines at right angles: each goes straight downhill, "
            f"against the gradient, not towards the minimum. {shape}")


def _floor(r: GD.GradientDescentRun) -> str:
    q, d, p = r.quadratic, r.descent, r.params
    if q.j_min <= 1e-12 * max(q.y_variance, 1e-300):
        where = "The points lie exactly on a line (noise 0), so J(θ*) = 0"
    else:
        where = (f"The lowest J any line reaches on these points is J(θ*) = {q.j_min:.3g}, not "
                 f"0: the noise (σ = {p.noise:g}, σ² = {p.noise ** 2:.3g}) is what no line can "
                 "explain")
    if d.diverged:
        return f"{where}. This run never gets there: it diverged."
    if arrived(d.losses, q):
        return f"{where}, and the loss stops there."
    return f"{where}; after {d.steps:,} steps this run is at J = {float(d.losses[-1]):.3g}."


def line_notice(r: GD.GradientDescentRun) -> str:
    """What to notice under the line view, from its run."""
    q = r.quadratic
    low, top = float(q.eigenvalues[0]), float(q.eigenvalues[-1])
    return f"""
**What to notice**
- {_direction(r)}
- Too small an α crawls; above 1/{LAMBDA_MAX} = {1 / top:.3g} the path zig-zags; above
  2/{LAMBDA_MAX} = {q.critical_rate:.3g} every step lands further away and J explodes. The
  limit is a property of the data, not of the code (move the centre of x away from 0 and
  watch it drop); Keras, below, runs the same α on the same points.
- {_floor(r)}
- {LAMBDA_MIN} = {low:.3g} sets how slowly the flat direction of the valley is travelled: the
  "Parabola" view shows a single direction alone, "Batches" what mini-batches change.
"""


def hessian_caption(q: Quadratic) -> str:
    return (f"Along each eigenvector of H a step multiplies the distance to the minimum by "
            f"1 − αλ. Condition number {LAMBDA_MAX}/{LAMBDA_MIN} = {q.condition:.3g}: the "
            "larger, the narrower the valley and the slower the descent along it.")


# ----------------------------------------------------------------------------------------
# The same fit in Keras
# ----------------------------------------------------------------------------------------


def comparison_rows(r: GD.GradientDescentRun, k: GD.KerasFit
                    ) -> dict[str, tuple[float, float, float]]:
    """(W, b, J) of the true line, the least-squares fit, NumPy's and Keras's ends."""
    p, q, d = r.params, r.quadratic, r.descent
    thetas = {"true line": (p.w_true, p.b_true), "least squares θ*": tuple(q.theta_star),
              f"NumPy, {d.steps} steps": tuple(d.final), f"Keras, {k.epochs} epochs":
              tuple(k.theta)}
    return {name: (float(w), float(b), GD.loss(np.array([w, b]), r.x, r.y))
            for name, (w, b) in thetas.items()}


def _gap(theta: np.ndarray, q: Quadratic) -> tuple[float, float]:
    """Distance of ``theta`` from θ*, and the scale below which it counts as "at θ*"."""
    scale = 1.0 + float(np.linalg.norm(q.theta_star))
    return float(np.linalg.norm(np.asarray(theta) - q.theta_star)), AT_MINIMUM * scale


def _where(theta: np.ndarray, q: Quadratic) -> str:
    gap, tiny = _gap(theta, q)
    return "at θ*" if gap < tiny else f"{gap:.2g} from θ*"


def keras_note(r: GD.GradientDescentRun, k: GD.KerasFit) -> Note:
    """Keras beside NumPy: both diverged, one did, both arrived, or Keras still on its way."""
    q, d = r.quadratic, r.descent
    start = f"from its own start W = {k.theta0[0]:.2f}, b = {k.theta0[1]:.2f}"
    if k.diverged and d.diverged:
        return Note("error", f"Keras diverged too, at epoch {k.diverged_at}: the limit is a "
                    "property of the data and α, not of the code.")
    if k.diverged:
        return Note("error", f"Keras diverged at epoch {k.diverged_at} ({start} and its own "
                    "shuffles); the NumPy descent did not.")
    gap, _ = _gap(k.theta, q)
    if gap <= 0.01 * (1.0 + float(np.linalg.norm(q.theta_star))):
        numpy = ("diverged" if d.diverged else f"ends {_where(d.final, q)}")
        return Note("success", f"Keras ends {_where(k.theta, q)} (θ*: the closed-form "
                    f"minimum), {start}; NumPy {numpy}: the same algorithm, the same answer.")
    return Note("info", f"Keras is still {gap:.3g} away from θ* after {k.epochs} epochs "
                f"({start}): more epochs or a larger α.")


def true_line_caption(rows: dict[str, tuple[float, float, float]], q: Quadratic) -> str:
    true_j = rows["true line"][2]
    if true_j <= q.j_min + 1e-12 * max(q.y_variance, 1e-300):
        return "Without noise the true line is the least-squares fit: J(θ*) = 0."
    return (f"Even the true line scores J = {true_j:.3g} on these points, more than "
            f"J(θ*) = {q.j_min:.3g}: the fit follows the data, not the truth.")


# ----------------------------------------------------------------------------------------
# The parabola view
# ----------------------------------------------------------------------------------------


def one_weight_notice(r: OW.OneWeightRun) -> str:
    """What to notice under the parabola, from its run."""
    lam = r.curvature
    side = ("negative: each step jumps over W*" if r.factor < 0 else
            "0: the first step lands on W*" if r.factor == 0 else
            "positive: the steps stay on the side they started on")
    return f"""
**What to notice**
- One weight, no bias: the loss is a parabola with curvature λ = {lam:.3g}, and every step
  multiplies the distance to the minimum W* = {r.w_star:.3g} by the same factor
  1 − αλ = {r.factor:.2f} ({side}).
- Below α = 1/λ = {1 / lam:.3g} the numbered steps stay on the side they started on and
  slow down as the slope flattens; at exactly 1/λ the first step lands on W*.
- Between 1/λ and 2/λ = {2 / lam:.3g} each step jumps over W* to the other wall, lower every
  time; the diamonds show where step 1 would land at α = 1/λ (on W*) and at α = 2/λ (on the
  mirror image of W₀, just as high: no progress at all).
- Above 2/λ every jump lands higher than the last: the loss grows without bound. With two
  parameters (the line view) the same happens along each eigenvector of the Hessian, and
  the steepest one sets the limit.
"""


# ----------------------------------------------------------------------------------------
# The batches view
# ----------------------------------------------------------------------------------------


def _ends(c: GD.BatchComparison) -> str:
    """Where J ends for each way of batching, and which is lowest (or that they tie)."""
    q = c.quadratic
    sound = {n: float(d.losses[-1]) for n, d in c.descents.items() if not d.diverged}
    if not sound:
        return "All three diverged."
    text = "Here J ends at " + listing(f"{v:.3g} ({n})" for n, v in sound.items())
    text += f"; minimum {q.j_min:.3g}"
    ranked = sorted(sound, key=sound.get)
    if len(ranked) > 1:
        best, second = sound[ranked[0]], sound[ranked[1]]
        # A lead smaller than 1 % of the excess loss is no lead: say they tie.
        if second - best > 1e-2 * max(second - q.j_min, 1e-12):
            text += f": lowest with the {ranked[0]}"
        else:
            text += f": {ranked[0]} and {ranked[1]} end level"
    return text + "."


def _noise_band(c: GD.BatchComparison) -> str:
    q = c.quadratic
    full, single = c.descents["full batch"], c.descents["single sample"]
    if full.diverged or single.diverged or not arrived(full.losses, q):
        return ("Near the minimum the noise of small batches does not go away: with a "
                "constant α single samples keep jittering in a band around θ*.")
    above = float(single.losses[-1]) - q.j_min
    return ("Near the minimum the noise does not go away: the full batch, once there, stays "
            f"on θ*, while single samples keep jittering around it (their last J is "
            f"{above:.2g} above the minimum).")


def batch_notice(c: GD.BatchComparison) -> str:
    """"Epoch or step?" and what to notice under the batches view, from its runs."""
    n, sizes = len(c.x), list(c.batch_sizes.values())
    per_epoch = [d.steps_per_epoch for d in c.descents.values()]
    diverged = [name for name, d in c.descents.items() if d.diverged]
    saw = (f"all three panels saw every point {c.epochs} times" if not diverged else
           f"each panel was to see every point {c.epochs} times ({listing(diverged)} "
           "diverged first)")
    return f"""
**Epoch or step?** One **epoch** is one pass over all N = {n} points. One **step** is one
update of θ from the gradient of one batch. So an epoch is 1 step with the full batch,
⌈N/B⌉ = {per_epoch[1]} steps with mini-batches of B = {sizes[1]}, and N = {per_epoch[2]}
steps with single samples: {saw}.

**What to notice**
- Small batches make many cheap steps per epoch, each along the gradient of a few points:
  the path wanders, but gets far in few epochs.
- {_noise_band(c)} {_ends(c)}
- Reducing α on a plateau (sidebar: reduce α on plateau) shrinks the band.
"""


def batch_divergence(c: GD.BatchComparison) -> Note | None:
    """The error box when some way of batching diverged (None when none did)."""
    diverged = [name for name, d in c.descents.items() if d.diverged]
    if not diverged:
        return None
    alpha = c.params.learning_rate
    if "full batch" in diverged:
        return Note("error", f"Diverged: {listing(diverged)}. α = {alpha:g} is above the "
                    f"full-batch limit 2/{LAMBDA_MAX} = {c.quadratic.critical_rate:.3g}.")
    return Note("error", f"Diverged: {listing(diverged)}. A single point's loss can be much "
                f"steeper than the average over all points, so α = {alpha:g} can be too large "
                "for small batches although the full batch converges.")


# ----------------------------------------------------------------------------------------
# The lecture's question and presets, from their runs
# ----------------------------------------------------------------------------------------


def larger_rate_answer(r: GD.GradientDescentRun) -> str:
    """When a larger α stops helping: past the fastest rate, and for good past the limit."""
    q = r.quadratic
    low, top = float(q.eigenvalues[0]), float(q.eigenvalues[-1])
    return (f"Up to α = 2/({LAMBDA_MIN} + {LAMBDA_MAX}) = {q.best_rate:.3g} a larger α "
            "shrinks the slowest direction faster; above it the steep direction overshoots by "
            "more than the flat one gains, and the descent slows down again. Above "
            f"2/{LAMBDA_MAX} = {q.critical_rate:.3g} every step overshoots further than it "
            "started and the loss grows without bound. On the page's default data the bowl's "
            f"flattest and steepest curvatures are {LAMBDA_MIN} = {low:.3g} and "
            f"{LAMBDA_MAX} = {top:.3g}.")


def slow_answer(r: GD.GradientDescentRun) -> str:
    """The small-α preset: how far it got, and how long it would need."""
    q, d, alpha = r.quadratic, r.descent, r.params.learning_rate
    rho = q.contraction(alpha)
    pace = (f"each step removes only {1 - rho ** 2:.1%} of the excess loss left in the "
            f"slowest direction, so it would need some {q.steps_to_converge(alpha):,.0f} "
            "steps to get 100× closer")
    j0, end = float(d.losses[0]), float(d.losses[-1])
    if d.diverged:
        return f"It diverged at step {d.diverged_at}."
    if arrived(d.losses, q):
        return (f"It arrives after all: J falls from {j0:.3g} to {end:.3g} (the minimum is "
                f"{q.j_min:.3g}) within {d.steps} steps; {pace}.")
    return (f"Still far from its best fit: after {d.steps} steps J has fallen from {j0:.3g} "
            f"only to {end:.3g} (the minimum is {q.j_min:.3g}); {pace}.")


def diverges_answer(r: GD.GradientDescentRun) -> str:
    """The large-α preset: above or below this data's limit, and what the run did."""
    q, d, alpha = r.quadratic, r.descent, r.params.learning_rate
    limit = f"2/{LAMBDA_MAX} = {q.critical_rate:.3g}"
    if alpha < q.critical_rate:
        return (f"α = {alpha:g} is below this data's limit {limit}: the descent converges "
                f"({'zig-zagging' if alpha * q.eigenvalues[-1] > 1 else 'smoothly'}).")
    if d.diverged:
        return (f"α = {alpha:g} is above this data's limit {limit}: along the steepest "
                "direction every step lands on the other side of the minimum, "
                f"{q.contraction(alpha):.2f}× as far as before, and "
                f"by step {d.diverged_at} the loss is over {BLOWN_UP} its start (diverged).")
    return (f"α = {alpha:g} is above this data's limit {limit}: every step lands further from "
            f"the minimum, although within {d.steps} steps the loss has not yet passed "
            f"{BLOWN_UP} its start.")
