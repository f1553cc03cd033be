"""Gradient descent: the lecture's recap and key formula, what to notice, and the presets to
try (with their answers)."""

from __future__ import annotations

from core import gradient_descent as GD
from core.presets import Preset
from ui.lectures import Lecture, Question

GD_SLOW = GD.GradientDescentParams(learning_rate=0.02)
GD_DIVERGES = GD.GradientDescentParams(learning_rate=0.7)

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
     Question("When does a larger learning rate stop helping?",
              "Above 2/λₘₐₓ (λₘₐₓ the largest curvature of the bowl) every step "
              "overshoots further than it started: the loss grows without bound.")),
    (Preset("α = 0.02", "Ten times smaller a learning rate: where is the line after "
            "100 epochs?",
            "Still far from the data: J falls from 4.1 only to 0.74 (the minimum is "
            "0.17); each step removes about 1 % of the remaining excess loss, so it "
            "would need some 420 steps to get 100× closer.", (GD_SLOW,)),
     Preset("α = 0.7", "A learning rate above the limit 2/λₘₐₓ = 0.44 of this data: "
            "what happens?",
            "Every step lands on the other side of the minimum, further away than "
            "before: the loss blows up within five steps (diverged).",
            (GD_DIVERGES,))))
