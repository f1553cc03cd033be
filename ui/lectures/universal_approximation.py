"""Universal approximation: the lecture's recap and key formula, what to notice, and the presets to
try (with their answers)."""

from __future__ import annotations

from core import universal_approximation as U
from core.presets import Preset
from ui.lectures import Lecture, Question

UA_LECTURE = U.ApproxParams().replace(**U.LECTURE_PRESET)
UA_WIDTH = U.ApproxParams(target="sin", points=100, seed=1)

LECTURE = Lecture(
    "The universal approximation theorem: one hidden layer with enough units can "
    "approximate any reasonable function on a bounded range as closely as we like. Each "
    "sigmoid unit is a smoothed step at x = −b/w, each ReLU unit a hinge; the output "
    "layer adds them up. The theorem says nothing about how many units it takes or "
    "whether training finds the weights, and nothing outside the training range.",
    r"y(x) = \sum_i w^{(2)}_i\,\sigma\!\left(w^{(1)}_i x + b^{(1)}_i\right) + b^{(2)}",
    (Question("Does the fit continue the function outside the training data?",
              "No: outside the data the network's output goes its own way. With the "
              "lecture's 2 × 30 network the error outside is more than three times "
              "the error inside."),),
    (Preset("2 × 30 (lecture)", "The slide's network: two hidden layers of 30 tanh "
            "units, 1500 epochs:",
            "It follows the bumpy function closely (largest error below 0.25), where "
            "the default single layer of 16 units leaves errors above 0.5.",
            (UA_LECTURE,)),
     Preset("Width sweep", "Open 'Width' on sin(x) and run the sweep: how does the "
            "error change with the number of units?",
            "It falls: one unit's RMS error is more than twice that of four units, and "
            "16 units are better still.", (UA_WIDTH,), tab=4)))
