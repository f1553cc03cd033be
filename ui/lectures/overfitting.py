"""Overfitting: the lecture's recap and key formula, what to notice, and the presets to
try (with their answers)."""

from __future__ import annotations

from core import overfitting as of
from core import overtraining as ot
from core.presets import Preset
from ui.lectures import Lecture, Question

LECTURE = Lecture(
    "A model should generalise: do well on data it never saw. The data are split into "
    "training, validation and test sets (the test set is used once, at the end). A "
    "model too small underfits; one too large fits the noise (overfitting): its "
    "training loss keeps falling while the validation loss passes a minimum, where "
    "overtraining starts. Regularisation fights it: L2 (weight decay) adds λ‖θ‖², L1 "
    "adds λ‖θ‖₁ and makes weights exactly zero, dropout switches units off while "
    "training, early stopping keeps the weights of the validation minimum.",
    r"J_\mathrm{reg}(\theta) = J(\theta) + \lambda_2\lVert\theta\rVert_2^2 "
    r"+ \lambda_1\lVert\theta\rVert_1",
    (Question("Why not pick the model by its test loss?",
              "Then the test set takes part in training decisions and no longer "
              "estimates the error on new data: choose on validation, test once."),),
    (Preset("Model vs truth", "Three networks on the same noisy data: which one "
            "overtrains?",
            "The large one (3 × 64): its validation loss reaches its minimum early and "
            "then climbs, while its training loss keeps falling below the noise level. "
            "The 1-unit network underfits; the middle one is chosen on validation.",
            (of.OverfitParams(),)),
     Preset("Exercise", "The lecture's exercise (noisy XOR, deep net, 1000 epochs): "
            "press Train, then compare the four runs.",
            "Without regularisation the test loss passes a minimum and rises. Low L2 "
            "ends with a lower test loss; high L2 underfits (it answers almost the same "
            "everywhere); L1 sets many weights exactly to 0 and has the lowest test "
            "loss.", (ot.ExerciseParams(),), tab=3)))
