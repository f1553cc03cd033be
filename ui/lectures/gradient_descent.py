"""Gradient descent: the lecture's recap and key formula, what to notice, and the presets to
try, with their answers written from their own runs."""

from __future__ import annotations

from core import gradient_descent as GD
from core import gradient_descent_notes as notes
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

GD_SLOW = GD.GradientDescentParams(learning_rate=0.02)
GD_DIVERGES = GD.GradientDescentParams(learning_rate=0.7)


def larger_rate() -> str:
    return notes.larger_rate_answer(results.gd_run(GD.GradientDescentParams()))


def slow() -> str:
    return notes.slow_answer(results.gd_run(GD_SLOW))


def diverges() -> str:
    return notes.diverges_answer(results.gd_run(GD_DIVERGES))


LECTURE = Lecture(
    "Regression fits a model yₘ(x, θ) = Wx + b to data {xᵢ, yᵢ} by minimising the mean "
    "squared error J(θ). Gradient descent walks downhill: each step moves θ against the "
    "gradient, scaled by the learning rate α. Too small an α crawls, too large an α "
    "overshoots and diverges; stochastic gradient descent (SGD) takes each step on a "
    "mini-batch (about 32 points), so one epoch is many cheap, noisy steps.",
    r"J(\theta) = \frac{1}{N}\sum_i \left(y_m(x_i,\theta) - y_i\right)^2,\qquad "
    r"\theta \leftarrow \theta - \alpha\,\frac{dJ}{d\theta}",
    (Question("Why is the loss surface of a line fit a bowl?",
              "J is a quadratic function of (W, b): its contours are ellipses around the "
              "one least-squares solution, so gradient descent has one minimum to find."),
     Question("When does a larger learning rate stop helping?", larger_rate)),
    (Preset("α = 0.02", "Ten times smaller a learning rate: where is the line after "
            "100 epochs?", slow, (GD_SLOW,)),
     Preset("α = 0.7", "A learning rate of 0.7: above or below this data's limit 2/λₘₐₓ, "
            "and what happens?", diverges, (GD_DIVERGES,))))
