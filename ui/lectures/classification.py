"""Classification vs regression: the lecture's recap and key formula, what to notice, and the
presets to try (with their answers, written from their runs)."""

from __future__ import annotations

import numpy as np

from core.classification import calculator as CC
from core.classification import saturation as CS
from core.classification import softmax as CM
from core.classification import tasks as CT
from core.classification import wrong_layer as CW
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

CONFIDENTLY_WRONG = CS.SaturationParams(wrong_logit=8.0)
TARGET_UP_TO_2 = CW.WrongParams(target_shift=1.0)
SPIRALS = CM.SoftmaxParams(three_class_data="spiral3")
SPIRAL_NETWORK = CT.TaskParams(hidden_units=(16, 16), epochs=300)
CONFIDENT_MISTAKE = CC.CalculatorParams(labels="1,1", logits="10,0,0;0,10,0")
PLANE = CT.TaskParams(dataset="plane")


def two_meanings() -> str:
    return CT.meaning(results.two_tasks(CT.TaskParams())).replace("  \n", " ")


def vanishing_gradient() -> str:
    return CS.curves_notice(results.saturation_curves())


def sums_to_one() -> str:
    run = results.softmax_runs(CM.SoftmaxParams(), CT.TaskParams())
    sums = run.probabilities.sum(axis=1)
    low, high = run.probabilities.min(), run.probabilities.max()
    return (f"Always: over the whole plane of the default run the three probabilities add up "
            f"to 1 within {np.abs(sums - 1).max():.0e} (float32 rounding), and each lies "
            f"between {low:.2g} and {high:.4f}, never 0 or below, never 1 or above: "
            "softmax divides positive numbers e^zₖ by their sum.")


def confidently_wrong() -> str:
    run = results.races(CONFIDENTLY_WRONG.run_key(), CT.TaskParams().seed)
    return CS.race_notice(run, CONFIDENTLY_WRONG.target_accuracy)


def target_up_to_2() -> str:
    return CW.ceiling_notice(results.ceilings(CT.TaskParams(), TARGET_UP_TO_2))


def spirals() -> str:
    run = results.softmax_runs(SPIRALS.run_key(), SPIRAL_NETWORK)
    torn = float(np.mean(run.probabilities.max(axis=1) < 0.6))
    return (f"A network of two layers of 16 tanh units, 300 epochs, puts {run.accuracy:.0%} of "
            f"the points in their arm. The winning class forms three interleaved bands; where "
            f"two arms meet the colour fades: at {torn:.0%} of the plane no class gets 0.6. "
            + CM.probe_notice(run, SPIRALS.probe))


def confident_mistake() -> str:
    c = CC.calculate(CONFIDENT_MISTAKE)
    wrong, right = c.keras.losses
    return (f"The first example (label 1, but logit 10 for class 0) costs {wrong:.4f}: "
            f"p(class 1) = {c.keras.probabilities[0, 1]:.1e}, and −ln of it is about the gap of "
            f"the logits, 10. The second, right with the same confidence, costs {right:.1e}. "
            f"Mean {c.keras.mean_loss:.4f}, accuracy {c.keras.accuracy:.0%}: one confident "
            "mistake dominates the mean, which is why cross-entropy learns fastest from it.")


def plane_meanings() -> str:
    return CT.meaning(results.two_tasks(PLANE)).replace("  \n", " ")


LECTURE = Lecture(
    "Regression predicts a continuous label: the last layer has no activation (linear) and "
    "training minimises the mean squared error. Classification separates classes: the last "
    "layer is a sigmoid (two classes) or a softmax (more), its outputs are probabilities, "
    "and training minimises the cross-entropy. With a sigmoid the cross-entropy's gradient "
    "stays large where the answer is confidently wrong; the squared error's vanishes there. "
    "One task can sometimes be converted into the other (a threshold turns values into "
    "classes). Frequent misunderstanding: sigmoid only at the last layer in classification; "
    "in regression the last layer has no activation.",
    r"J = \frac{1}{N}\sum_i \left(y_i - y_m(x_i)\right)^2 \ \text{(regression)},\qquad "
    r"J = -\frac{1}{N}\sum_i y_i \log y_m(x_i) \ \text{(classification)}",
    (Question("What does each network's output mean at the same point?", two_meanings),
     Question("Why does the squared error learn so slowly from a confidently wrong sigmoid?",
              vanishing_gradient),
     Question("Do a softmax layer's outputs always sum to 1?", sums_to_one)),
    (Preset("Confidently wrong", "Start the sigmoid unit with every point on the wrong side, "
            "logit ∓8 at the class centres: which loss gets out?", confidently_wrong,
            (CONFIDENTLY_WRONG,), tab=2),
     Preset("Target up to 2", "Move the regression target up by 1 and fit it with a sigmoid "
            "output:", target_up_to_2, (TARGET_UP_TO_2,), tab=4),
     Preset("Three spirals", "Softmax on three interleaved spirals, with a larger network:",
            spirals, (SPIRALS, SPIRAL_NETWORK), tab=3),
     Preset("A confident mistake", "In the calculator: one example confidently wrong, one "
            "confidently right:", confident_mistake, (CONFIDENT_MISTAKE,), tab=3),
     Preset("Plane", "The plane data (target (x₁ + x₂)/10) as both tasks:", plane_meanings,
            (PLANE,))))
