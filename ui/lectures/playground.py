"""Playground: the lecture's recap and key formula, what to notice, and the presets to
try (with their answers)."""

from __future__ import annotations

from core.playground import EXERCISES
from core.presets import Preset
from ui.lectures import Lecture, Question

PLAYGROUND_STEPS = {ex.name: ex.steps[0].params for ex in EXERCISES}
PLAYGROUND_X1X2 = next(s.params for s in EXERCISES[0].steps if not s.params.hidden_units)

LECTURE = Lecture(
    "TensorFlow Playground trains a small network on 2-D points in the browser; this "
    "page does the same with Keras. Its lecture tasks: the checkerboard (XOR data), the "
    "spiral, and overtraining on noisy data. Choose the input features, the layers and "
    "units, the activation, the learning rate and regularisation, and watch the "
    "decision boundary, the neurons and the training and test loss.",
    r"\hat y = \tanh\!\left(W^{(L)} \sigma\left(\cdots\sigma(W^{(1)}x + b^{(1)})"
    r"\cdots\right) + b^{(L)}\right)",
    (Question("Why can a linear activation never solve the checkerboard?",
              "Stacked linear layers stay one linear function: one straight line, and no "
              "line separates the four quadrants."),),
    (Preset("Checkerboard", "XOR data, one hidden layer of 4 ReLU units:",
            "Solved: test accuracy at least 98 %, test loss below 0.02.",
            (PLAYGROUND_STEPS["checkerboard"],)),
     Preset("x₁x₂ only", "No hidden layer at all, only the feature x₁x₂:",
            "Solved as well: the sign of x₁x₂ is the class, so the output unit needs "
            "nothing else.", (PLAYGROUND_X1X2,)),
     Preset("Spiral", "The spiral with sin(x₁), sin(x₂) and two layers of 8 tanh units:",
            "The arms are separated (test accuracy at least 95 %).",
            (PLAYGROUND_STEPS["spiral"],)),
     Preset("Overtraining", "50 % noise, six layers of 8 ReLU units, 1000 epochs:",
            "The test loss ends well above the training loss (more than 1.5×) after "
            "passing a minimum: the network learnt the noise.",
            (PLAYGROUND_STEPS["overtraining"],))))
