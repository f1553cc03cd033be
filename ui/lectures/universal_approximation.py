"""Universal approximation: the lecture's recap and key formula, what to notice, and the
presets to try, with answers written from the presets' own (cached) runs."""

from __future__ import annotations

import math

from core import universal_approximation as U
from core import universal_approximation_notes as notes
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

UA_DEFAULT = U.ApproxParams()
UA_LECTURE = UA_DEFAULT.replace(**U.LECTURE_PRESET)
UA_WIDTH = U.ApproxParams(target="sin", points=100, seed=1)


def outside() -> str:
    """How the lecture's 2 × 30 network does beyond its training range."""
    return ("No: " + notes.outside_text(results.approx_fits(UA_LECTURE))
            + f" (the lecture's {notes.LECTURE_BUTTON} network on the default target).")


def lecture_network() -> str:
    """The 2 × 30 network against the default single layer, from both runs."""
    deep, shallow = results.approx_fits(UA_LECTURE), results.approx_fits(UA_DEFAULT)
    (deep_max, deep_rms), (shallow_max, shallow_rms) = deep.errors, shallow.errors
    text = (f"The {notes.LECTURE_BUTTON} network reaches a max error of {deep_max:.3f} (RMS "
            f"{deep_rms:.3f}) on the range, the default single layer of "
            f"{UA_DEFAULT.hidden_units} units {shallow_max:.3f} (RMS {shallow_rms:.3f})")
    if not (math.isfinite(deep_max) and math.isfinite(shallow_max)):
        return text + ": a run diverged."
    if deep_max < shallow_max:
        return text + (f": it follows the bumpy function {shallow_max / deep_max:.1f}× more "
                       "closely at its worst point, with more units, a second layer and more "
                       "epochs.")
    return text + ": here it does not follow the function more closely."


def width_sweep() -> str:
    """What the width sweep of the preset shows, from its errors."""
    errors = results.width_sweeps(U.sweep_key(UA_WIDTH))
    return notes.sweep_verdict(errors[:, 1])


LECTURE = Lecture(
    "The universal approximation theorem: one hidden layer with enough units can "
    "approximate any reasonable function on a bounded range as closely as we like. Each "
    "sigmoid unit is a smoothed step at x = −b/w, each ReLU unit a hinge; the output "
    "layer adds them up. The theorem says nothing about how many units it takes or "
    "whether training finds the weights, and nothing outside the training range.",
    r"y(x) = \sum_i w^{(2)}_i\,\sigma\!\left(w^{(1)}_i x + b^{(1)}_i\right) + b^{(2)}",
    (Question("Does the fit continue the function outside the training data?", outside),),
    (Preset(f"{notes.LECTURE_BUTTON} (lecture)", f"The slide's network: "
            f"{UA_LECTURE.hidden_layers} hidden layers of {UA_LECTURE.hidden_units} units (here "
            f"{UA_LECTURE.activation}, {UA_LECTURE.epochs} epochs):", lecture_network,
            (UA_LECTURE,)),
     Preset("Width sweep", "Open 'Width' on sin(x) and run the sweep: how does the "
            "error change with the number of units?", width_sweep, (UA_WIDTH,), tab=4)))
