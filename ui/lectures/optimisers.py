"""Optimisers: the lecture's recap and key formula, what to notice, and the presets to
try (with their answers)."""

from __future__ import annotations

from core import optimiser_page as OP
from core.presets import Preset
from ui.lectures import Lecture, Question

OPT_SADDLE = OP.PathControls(surface="saddle")
OPT_TOO_FAST = OP.PathControls(surface="quadratic", learning_rate_scale=2.0)
OPT_ROSENBROCK = OP.PathControls(surface="rosenbrock")

LECTURE = Lecture(
    "Plain gradient descent follows the steepest slope, so it zig-zags across narrow "
    "valleys and crawls on flat ground. Momentum keeps a velocity v from past gradients "
    "(Nesterov looks ahead before it steps); adaptive methods (Adagrad, Adadelta, "
    "RMSprop, Adam) scale each parameter's step by the size of its past gradients. On a "
    "quadratic, plain descent converges for αλ < 2, momentum β for αλ < 2 + 2β.",
    r"v \leftarrow \beta v - \alpha\,\nabla J(\theta),\qquad \theta \leftarrow \theta + v",
    (Question("Why does SGD zig-zag in a narrow valley?",
              "The gradient points across the valley, not along it: a rate small enough "
              "for the steep direction is tiny for the shallow one."),),
    (Preset("Saddle", "Start next to a saddle point: who escapes?",
            "Plain SGD lingers: after 300 steps it has moved only 0.4 along the "
            "downhill direction. Momentum and Nesterov run off the picture after about "
            "200 steps; RMSprop and Adam escape too, because they scale up the tiny "
            "gradient.", (OPT_SADDLE,)),
     Preset("Rates × 2", "The valley (eigenvalues 1 and 100) with every rate doubled:",
            "SGD and Nesterov diverge within ten steps (αλₘₐₓ is past their limit); "
            "momentum and Adam still reach the minimum.", (OPT_TOO_FAST,)),
     Preset("Rosenbrock", "The curved Rosenbrock valley, minimum at (1, 1):",
            "None arrives within 300 steps: SGD barely enters the valley, momentum "
            "gets closest, at about (0.89, 0.79).", (OPT_ROSENBROCK,))))
