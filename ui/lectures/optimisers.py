"""Optimisers: the lecture's recap and key formula, what to notice, and the presets to try,
with their answers written from their own runs."""

from __future__ import annotations

from core import optimiser_notes as notes
from core import optimiser_page as OP
from core import surfaces
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

OPT_SADDLE = OP.PathControls(surface="saddle")
OPT_TOO_FAST = OP.PathControls(surface="quadratic", learning_rate_scale=2.0)
OPT_ROSENBROCK = OP.PathControls(surface="rosenbrock")
LOW, HIGH = min(surfaces.QUADRATIC_CURVATURES), max(surfaces.QUADRATIC_CURVATURES)


def saddle() -> str:
    return notes.saddle_answer(results.compute_paths(OPT_SADDLE.paths()))


def too_fast() -> str:
    return notes.too_fast_answer(results.compute_paths(OPT_TOO_FAST.paths()))


def rosenbrock() -> str:
    return notes.rosenbrock_answer(results.compute_paths(OPT_ROSENBROCK.paths()))


LECTURE = Lecture(
    "Plain gradient descent follows the steepest slope, so it zig-zags across narrow "
    "valleys and crawls on flat ground. Momentum keeps a velocity v from past gradients "
    "(Nesterov looks ahead before it steps); adaptive methods (Adagrad, Adadelta, "
    "RMSprop, Adam) scale each parameter's step by the size of its past gradients. On a "
    "quadratic, plain descent converges for αλ < 2, momentum β for αλ < 2 + 2β. The pages "
    "write momentum as Keras does (below); the lecture, after Ruder, writes "
    "v ← βv + α∇J(θ), θ ← θ − v: the same algorithm with v negated.",
    r"v \leftarrow \beta v - \alpha\,\nabla J(\theta),\qquad \theta \leftarrow \theta + v",
    (Question("Why does SGD zig-zag in a narrow valley?",
              "The gradient points across the valley, not along it: a rate small enough "
              "for the steep direction is tiny for the shallow one."),),
    (Preset("Saddle", "Start next to a saddle point: who escapes?", saddle, (OPT_SADDLE,)),
     Preset("Rates × 2", f"The valley (eigenvalues {LOW:g} and {HIGH:g}) with every rate "
            f"× {OPT_TOO_FAST.learning_rate_scale:g}:", too_fast, (OPT_TOO_FAST,)),
     Preset("Rosenbrock", "The curved Rosenbrock valley, minimum at (1, 1):", rosenbrock,
            (OPT_ROSENBROCK,))))
