"""Overfitting: the lecture's recap and key formula, what to notice, and the presets to
try, with answers written from the presets' own (cached) runs."""

from __future__ import annotations

from core import overfitting as of
from core import overfitting_notes as notes
from core import overtraining as ot
from core import playground as pg
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

CAPACITIES = of.OverfitParams()
EXERCISE = ot.ExerciseParams()


def capacities() -> str:
    """The three capacities of the default data, from their runs, and the one chosen."""
    p = CAPACITIES
    fits = {w: results.fit_of(p, p.capacity(w)) for w in of.CAPACITIES}
    chosen = fits[of.choose(fits)]
    return (f"{notes.capacity_notice(p, fits)} "
            f"{notes.choice_text(fits, of.test_loss(p.run_key(), chosen))}")


def exercise() -> str:
    """The four runs of the exercise, the one the validation set chooses, and its test loss
    (looked at once)."""
    summaries = results.exercise_summaries(EXERCISE)
    chosen = ot.choose(summaries)
    run = results.exercise_runs(EXERCISE)[chosen]
    return (f"{pg.overtraining_setup(pg.OVERTRAINING)} {ot.notice(summaries)} "
            f"{ot.test_text(summaries[chosen], ot.test_score(EXERCISE, run))}")


LECTURE = Lecture(
    "A model should generalise: do well on data it never saw. The data are split into "
    "training, validation and test sets (the test set is used once, at the end). A "
    "model too small underfits; one too large fits the noise (overfitting): its "
    "training loss keeps falling while the validation loss passes a minimum, where "
    "overtraining starts. Regularisation fights it: L2 adds λ₂‖W‖² (weight decay when "
    "trained with plain SGD; this page's 1-D runs use Adam, where it is not), L1 adds "
    "λ₁‖W‖₁ and drives weights to 0 (exactly 0 with the step this dashboard applies, as "
    "TensorFlow Playground; Keras's L1 regularizer leaves them near 0), dropout switches "
    "units off while training, early stopping keeps the weights of the validation minimum. "
    "The penalties act on the weights W, not on the biases.",
    r"J_\mathrm{reg}(\theta) = J(\theta) + \lambda_2\lVert W\rVert_2^2 "
    r"+ \lambda_1\lVert W\rVert_1",
    (Question("Why not pick the model by its test loss?",
              "Then the test set takes part in training decisions and no longer "
              "estimates the error on new data: choose on validation, test once."),),
    (Preset("Model vs truth", "Three networks on the same noisy data: which one "
            "overtrains?", capacities, (CAPACITIES,)),
     Preset("Exercise", f"The lecture's exercise (noisy checkerboard, deep ReLU net, "
            f"{EXERCISE.epochs_2d} epochs): press Train, then compare the four runs.", exercise,
            (EXERCISE,), tab=3)))
