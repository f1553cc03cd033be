"""Playground: the lecture's recap and key formula, what to notice, the presets to try, and
the lecture's three Playground exercises as one-click steps. Every step is a
:class:`~core.presets.Preset` whose answer is written from its own run (the cached run the
page shows after the click), so every number in an answer is that run's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import activations, optimizers
from core import overtraining as ot
from core import playground as pg
from core.playground import exercises as C
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

#: Test accuracy from which a task counts as solved: at most 1 test point in 50 wrong.
SOLVED = 0.98
#: Share of a quadrant's test points that must be right for the quadrant to count as right.
QUADRANT_SHARE = 0.9


@dataclass(frozen=True)
class Exercise:
    """A hands-on task of the lecture: its questions, its one-click steps, and an answer
    written from the steps' runs (computed when asked for)."""

    name: str
    title: str
    questions: tuple[str, ...]
    steps: tuple[Preset, ...]
    answer: Callable[[], str]


def run(p: pg.PlaygroundParams) -> pg.PlaygroundRun:
    return results.playground_run(p)


# ----------------------------------------------------------------------------------------
# Sentences from a run's numbers
# ----------------------------------------------------------------------------------------


def percent(share: float) -> str:
    """An accuracy as the page's metric shows it (no rounding up to 100 %)."""
    return f"{share:.0%}" if share == 1 else f"{share:.1%}"


def verdict(m: pg.Metrics, n_test: int) -> str:
    """Solved, nearly, or not, with the test accuracy, the points it gets wrong, the loss."""
    wrong = int(round((1 - m.test_accuracy) * n_test))
    numbers = (f"test accuracy {percent(m.test_accuracy)} ({wrong} of {n_test} test points "
               f"wrong), test loss {m.test_loss:.3f}")
    if m.test_accuracy >= SOLVED:
        return f"Solved: {numbers}."
    if m.test_accuracy >= 0.9:
        return f"Nearly: {numbers}."
    return f"Not solved: {numbers}."


def quadrants_right(r: pg.PlaygroundRun, share: float = QUADRANT_SHARE) -> int:
    """Quadrants of the plane in which at least ``share`` of the test points are right."""
    x, y = r.test.x, r.test.y
    right = r.head.classes(r.predict(x)) == y
    count = 0
    for sx in (-1, 1):
        for sy in (-1, 1):
            inside = (np.sign(x[:, 0]) == sx) & (np.sign(x[:, 1]) == sy)
            count += bool(inside.any() and right[inside].mean() >= share)
    return count


def told(p: pg.PlaygroundParams) -> str:
    """The verdict of ``p``'s cached run."""
    r = run(p)
    return verdict(r.metrics, len(r.test))


def shape(p: pg.PlaygroundParams) -> str:
    """The network and its training in words, from the parameters."""
    layers = len(p.hidden_units)
    return (f"{layers} layer{'s' if layers != 1 else ''} of {p.hidden_units[0]} "
            f"{activations.get(p.activation).label} units with "
            f"{optimizers.SHORT_LABELS[p.optimizer]} (α {p.learning_rate:g}), {p.epochs} epochs")


# ----------------------------------------------------------------------------------------
# 1 · Checkerboard
# ----------------------------------------------------------------------------------------


def three_units(p: pg.PlaygroundParams) -> str:
    """A three-unit run, and what the two starting points together show."""
    a, b = run(C.CHECKERBOARD_THREE), run(C.CHECKERBOARD_THREE_SEED_3)
    solved = [r.metrics.test_accuracy >= SOLVED for r in (a, b)]
    both = (f"Seed {C.CHECKERBOARD_THREE.seed}: {percent(a.metrics.test_accuracy)}, seed "
            f"{C.CHECKERBOARD_THREE_SEED_3.seed}: {percent(b.metrics.test_accuracy)} test "
            "accuracy")
    if all(solved):
        lesson = "three units solve it from both starts."
    elif any(solved):
        lesson = ("three units can solve it, but training does not find the solution from "
                  "every start: try a few seeds.")
    else:
        lesson = f"neither start finds a solution within {p.epochs} epochs."
    return f"{told(p)} {both}: {lesson}"


def two_units() -> str:
    r = run(C.CHECKERBOARD_TWO)
    n = quadrants_right(r)
    return (f"{told(C.CHECKERBOARD_TWO)} It gets {n} of the four quadrants right (at least "
            f"{QUADRANT_SHARE:.0%} of each quadrant's test points); four ReLU units are enough: "
            "|x₁+x₂| − |x₁−x₂| has the sign of x₁x₂ and is four ReLUs, since "
            "|a| = ReLU(a) + ReLU(−a).")


CHECKERBOARD_STEPS = (
    Preset("one layer, 4 ReLU", "Four ReLU units: is it solved, and what shape is the "
           "boundary?", lambda: f"{told(C.CHECKERBOARD)} A ReLU network's output is piecewise "
           "linear, so its boundary is made of straight pieces.", (C.CHECKERBOARD,)),
    Preset("same with tanh", "The same network with tanh:",
           lambda: f"{told(C.CHECKERBOARD_TANH)} tanh bends smoothly, so the boundary is a "
           "smooth curve. Sigmoid (activation menu) gives the same shapes; its slope is at "
           "most ¼ against tanh's 1, so the same learning rate moves it more slowly.",
           (C.CHECKERBOARD_TANH,)),
    Preset("linear activation (fails)", "Two layers, but a linear activation:",
           lambda: f"{told(C.CHECKERBOARD_LINEAR)} With x₁, x₂ as the only inputs, stacked "
           "linear layers are one linear function: its boundary is one straight line, which "
           "cannot separate the four quadrants.", (C.CHECKERBOARD_LINEAR,)),
    Preset("two layers (4, 2) tanh", "What do the second layer's neurons compute (tab "
           "*Inside the network*)?", lambda: f"{told(C.CHECKERBOARD_TWO_LAYERS)} Every "
           "first-layer neuron splits the plane along one line; the second layer's neurons "
           "combine those splits into corners and stripes.", (C.CHECKERBOARD_TWO_LAYERS,)),
    Preset("3 ReLU units", "Fewer units: three?",
           lambda: three_units(C.CHECKERBOARD_THREE), (C.CHECKERBOARD_THREE,)),
    Preset("3 ReLU units, seed 3", "Three units from another start:",
           lambda: three_units(C.CHECKERBOARD_THREE_SEED_3), (C.CHECKERBOARD_THREE_SEED_3,)),
    Preset("2 ReLU units", "And two?", two_units, (C.CHECKERBOARD_TWO,)),
    Preset("x₁x₂ only, no hidden layer", "No hidden layer at all, only the feature x₁x₂:",
           lambda: f"{told(C.CHECKERBOARD_X1X2)} The sign of x₁x₂ is the class, so the output "
           "unit needs nothing else: no hidden layer and no activation inside. A linear "
           "network fails only with x₁, x₂ as its inputs.", (C.CHECKERBOARD_X1X2,)),
)

# ----------------------------------------------------------------------------------------
# 2 · Spiral
# ----------------------------------------------------------------------------------------

SPIRAL_STEPS = (
    Preset("sin features, two layers of 8", "sin(x₁) and sin(x₂) as extra inputs, two "
           "layers of 8 tanh units:", lambda: f"{told(C.SPIRAL)} The periodic features give "
           f"the first layer curved pieces to start from ({shape(C.SPIRAL)}).", (C.SPIRAL,)),
    Preset("bonus: x₁, x₂ only (ReLU, Adam)", "Without extra features:",
           lambda: f"{told(C.SPIRAL_BARE)} With x₁, x₂ only the network has to build the "
           f"winding from straight cuts: {shape(C.SPIRAL_BARE)}.", (C.SPIRAL_BARE,)),
    Preset("bonus with Playground's SGD", "Without extra features, with Playground's SGD:",
           lambda: f"{told(C.SPIRAL_BARE_SGD)} Plain SGD needs a deeper network and more "
           f"epochs here: {shape(C.SPIRAL_BARE_SGD)}.", (C.SPIRAL_BARE_SGD,)),
)

# ----------------------------------------------------------------------------------------
# 3 · Overtraining
# ----------------------------------------------------------------------------------------

#: Playground compares its runs on its "test" set: here that set plays the validation role.
ROLE = ("As in TensorFlow Playground, the runs are compared on the 'test' set: it plays the "
        "validation role here, and once it has chosen a run its loss is no longer an unbiased "
        "test of that run (the Overfitting page's exercise keeps a separate test set for it).")


def overtraining_summaries() -> dict[str, ot.RunSummary]:
    return results.exercise_summaries(ot.ExerciseParams())


def overtraining_step(name: str) -> str:
    return ot.step_texts(overtraining_summaries(), compared_on="test")[name]


def overtraining_answer() -> str:
    return (f"{pg.overtraining_setup(C.OVERTRAINING)} "
            f"{ot.notice(overtraining_summaries(), compared_on='test')} "
            "Playground's λ adds ½λw² per weight: with its SGD each step shrinks a weight by "
            f"α·λ·w, so L2 here is weight decay. {ROLE}")


def overtraining_label(name: str, p: pg.PlaygroundParams) -> str:
    rate = p.regularization_rate
    return {"plain": "no regularisation", "low_l2": f"L2, low rate {rate:g}",
            "high_l2": f"L2, high rate {rate:g}", "l1": f"L1, rate {rate:g}"}[name]


def overtraining_question(name: str, p: pg.PlaygroundParams) -> str:
    if name == "plain":
        return pg.overtraining_setup(p)
    return f"The same with {p.regularization.upper()} at λ = {p.regularization_rate:g}:"


def overtraining_preset(name: str, p: pg.PlaygroundParams) -> Preset:
    def answer() -> str:
        return overtraining_step(name) + (f" {ROLE}" if name == "plain" else "")

    return Preset(overtraining_label(name, p), overtraining_question(name, p), answer, (p,))


OVERTRAINING_STEPS = tuple(overtraining_preset(n, p) for n, p in C.OVERTRAINING_STEPS.items())


def network_words(p: pg.PlaygroundParams) -> str:
    """The hidden layers in words, from the parameters."""
    layers = len(p.hidden_units)
    count = "one hidden layer" if layers == 1 else f"{layers} layers"
    return f"{count} of {p.hidden_units[0]} {activations.get(p.activation).label} units"


EXERCISES: tuple[Exercise, ...] = (
    Exercise("checkerboard", "1 · Checkerboard (XOR data)",
             ("How do the decision boundaries differ between ReLU, tanh, sigmoid and linear?",
              "What do the neurons of the second hidden layer compute, compared with the "
              "first?",
              "With ReLU: how few layers and neurons still solve the data?",
              "Which single extra input feature helps most?"),
             CHECKERBOARD_STEPS,
             lambda: "\n".join(f"- **{s.label}**: {s.answer_text()}"
                               for s in CHECKERBOARD_STEPS)),
    Exercise("spiral", "2 · Spiral",
             ("Find any architecture and features that separate the two arms.",
              "Bonus: solve it with x₁ and x₂ only (no extra features)."),
             SPIRAL_STEPS,
             lambda: "\n".join(f"- **{s.label}**: {s.answer_text()}" for s in SPIRAL_STEPS)),
    Exercise("overtraining", "3 · Overtraining",
             ("Train the deep net for 1000 epochs on the noisy data: what happens to the "
              "training and the test loss?",
              "Add L2 regularisation with a low and with a high rate: what changes?",
              "Compare L1 with L2: what happens to the weights in the network diagram (tab "
              "*Inside the network*)?"),
             OVERTRAINING_STEPS, overtraining_answer),
)


LECTURE = Lecture(
    "TensorFlow Playground trains a small network on 2-D points in the browser; this "
    "page does the same with Keras. Its lecture tasks: the checkerboard (XOR data), the "
    "spiral, and overtraining on noisy data. Choose the input features, the layers and "
    "units, the activation, the learning rate and regularisation, and watch the "
    "decision boundary, the neurons and the training and test loss. Its classification "
    "output is TensorFlow Playground's convention, kept so that its exercises look the "
    "same: a tanh output, labels ±1 and the loss ½(ŷ − y)². The lecture's classification "
    "uses a sigmoid or softmax output with cross-entropy: choose it under Training options.",
    r"\hat y = \tanh\!\left(W^{(L)} \sigma\left(\cdots\sigma(W^{(1)}x + b^{(1)})"
    r"\cdots\right) + b^{(L)}\right),\quad J = \frac{1}{N}\sum_i \tfrac12(\hat y_i - y_i)^2",
    (Question("Why can a linear activation not solve the checkerboard from x₁, x₂?",
              "With x₁, x₂ as the only inputs, stacked linear layers stay one linear "
              "function: one straight line, and no line separates the four quadrants. Give "
              "it the feature x₁x₂ and even no hidden layer solves it (preset *x₁x₂ only*): "
              "the limit is in the inputs, not in the output unit."),),
    (Preset("Checkerboard", f"XOR data, {network_words(C.CHECKERBOARD)}:",
            CHECKERBOARD_STEPS[0].answer, CHECKERBOARD_STEPS[0].params),
     Preset("x₁x₂ only", "No hidden layer at all, only the feature x₁x₂:",
            CHECKERBOARD_STEPS[-1].answer, CHECKERBOARD_STEPS[-1].params),
     Preset("Spiral", f"The spiral with sin(x₁), sin(x₂) and {network_words(C.SPIRAL)}:",
            SPIRAL_STEPS[0].answer, SPIRAL_STEPS[0].params),
     Preset("Overtraining", f"{C.OVERTRAINING.noise} % noise, "
            f"{network_words(C.OVERTRAINING)}, {C.OVERTRAINING.epochs} epochs:",
            OVERTRAINING_STEPS[0].answer, OVERTRAINING_STEPS[0].params)))
