"""Classroom: links that hide controls, and the lecture's three Playground exercises as
one-click presets with their questions and answers."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from core import engine
from core.playground.model import run
from core.playground.params import PlaygroundParams


def hide_link(p: PlaygroundParams, hidden: Iterable[str], base: str = "") -> str:
    """A link to ``p`` on the page with the controls ``hidden`` not drawn (``?hide=a,b``).

    Unknown names raise ValueError, so a typo never silently leaves a control visible.
    """
    hidden = list(dict.fromkeys(hidden))
    unknown = [h for h in hidden if h not in PlaygroundParams.field_names()]
    if unknown:
        raise ValueError(f"hide: unknown control(s) {', '.join(unknown)}")
    query = dict(p.to_query())
    if hidden:
        query["hide"] = ",".join(hidden)
    return f"{base}?{urllib.parse.urlencode(query, safe=',')}"


@dataclass(frozen=True)
class Step:
    """One configuration of an exercise, loaded with one click."""

    label: str
    params: PlaygroundParams


@dataclass(frozen=True)
class Exercise:
    """A hands-on task of the lecture: its configurations, questions, and the answer."""

    name: str
    title: str
    steps: tuple[Step, ...]
    questions: tuple[str, ...]
    answer: str


_XOR = PlaygroundParams(dataset="xor", hidden_units=(4,), activation="relu")
_SPIRAL = PlaygroundParams(dataset="spiral", hidden_units=(8, 8), activation="tanh",
                           sin_x1=True, sin_x2=True)
_SPIRAL_BARE = PlaygroundParams(dataset="spiral", hidden_units=(8, 8, 8), activation="relu",
                                optimizer="adam", learning_rate=0.01)
_OVERFIT = PlaygroundParams(dataset="xor", noise=50, train_ratio=20,
                            hidden_units=(8, 8, 8, 8, 8, 8), activation="relu", epochs=1000)

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "checkerboard", "1 · Checkerboard (XOR data)",
        (Step("one layer, 4 ReLU", _XOR),
         Step("same with tanh", _XOR.replace(activation="tanh")),
         Step("linear activation (fails)", _XOR.replace(hidden_units=(4, 2),
                                                         activation="linear")),
         Step("two layers (4, 2) tanh", _XOR.replace(hidden_units=(4, 2), activation="tanh")),
         Step("x₁x₂ only, no hidden layer", _XOR.replace(x1=False, x2=False, x1x2=True,
                                                         hidden_units=()))),
        ("How do the decision boundaries differ between ReLU, tanh, sigmoid and linear?",
         "What do the neurons of the second hidden layer compute, compared with the first?",
         "With ReLU: how few layers and neurons still solve the data?",
         "Which single extra input feature helps most?"),
        "ReLU gives boundaries made of straight pieces, tanh smooth curves, sigmoid the same "
        "shapes but slower training (its gradient is at most ¼), and linear cannot solve it at "
        "all: stacked linear layers stay one linear function, one straight line. Every "
        "first-layer neuron is a half-plane split by one line; second-layer neurons combine "
        "those lines into corners and stripes. One hidden layer of 4 ReLU units is enough and "
        "trains reliably (|x₁+x₂| − |x₁−x₂| is four ReLUs); 3 units solve it from most "
        "starting points but not all (7 of seeds 1–10; try a few seeds), 2 get about three "
        "quadrants (70–76 % test accuracy). The most useful "
        "feature is x₁x₂: its sign is the class, so a network without any hidden layer "
        "solves the data with it alone.",
    ),
    Exercise(
        "spiral", "2 · Spiral",
        (Step("sin features, two layers of 8", _SPIRAL),
         Step("bonus: x₁, x₂ only (ReLU, Adam)", _SPIRAL_BARE),
         Step("bonus with Playground's SGD", _SPIRAL_BARE.replace(
             hidden_units=(8, 8, 8, 8), activation="tanh", optimizer="sgd",
             learning_rate=0.03, epochs=1000))),
        ("Find any architecture and features that separate the two arms.",
         "Bonus: solve it with x₁ and x₂ only (no extra features)."),
        "With sin(x₁) and sin(x₂) as extra inputs two layers of 8 tanh neurons separate the "
        "arms within a few hundred epochs: the sines already wind like the spiral. With x₁, x₂ "
        "only, the network has to build the winding itself from straight cuts: it needs depth "
        "(three layers of 8 ReLU units with Adam solve it in 500 epochs; with Playground's "
        "plain SGD four layers of 8 tanh units need about 1000 epochs and still miss a few "
        "test points). Noise makes both harder.",
    ),
    Exercise(
        "overtraining", "3 · Overtraining",
        (Step("no regularisation", _OVERFIT),
         Step("L2, low rate 0.01", _OVERFIT.replace(regularization="l2",
                                                     regularization_rate=0.01)),
         Step("L2, high rate 0.1", _OVERFIT.replace(regularization="l2",
                                                    regularization_rate=0.1)),
         Step("L1, rate 0.01", _OVERFIT.replace(regularization="l1",
                                                regularization_rate=0.01))),
        ("Train the deep net for 1000 epochs on the noisy data: what happens to the training "
         "and the test loss?",
         "Add L2 regularisation with a low and with a high rate: what changes?",
         "Compare L1 with L2: what happens to the weights in the network diagram (tab "
         "*Inside the network*)?"),
        "The training loss keeps falling while the test loss reaches its minimum after a few "
        "hundred epochs and then rises: the network learns the noise (overtraining), its "
        "boundary bends around single mislabelled points. A small training set (20 % here) "
        "makes it show sooner. A low L2 rate keeps the weights small and the boundary "
        "smooth, and the test loss stays closer to the training loss; a high rate shrinks "
        "every weight so much that the network underfits (it predicts nearly a constant). L1 "
        "drives most weights to (nearly) zero, so most lines of the diagram vanish and only a "
        "few paths remain (a sparse network); L2 keeps all weights, just small.",
    ),
)


def exercise(name: str) -> Exercise:
    """The exercise called ``name``; ValueError naming the parameter if unknown."""
    for ex in EXERCISES:
        if ex.name == name:
            return ex
    raise ValueError(f"exercise must be one of {', '.join(e.name for e in EXERCISES)}, "
                     f"got {name!r}")


#: Structures one click away from the defaults that the lecture reaches for first (the
#: activation menu's ReLU and sigmoid, a third layer, cross-entropy, Adam, L2), compiled at
#: start-up after the defaults and the exercises. Widths need no entry (every width up to
#: 16 shares a trainer), nor do feature sets (inputs are padded) or rates and seeds
#: (regularisation switched on does: core.engine.trainer.Structure). Each compiled trainer
#: costs ~0.7 s of tracing on a quiet core (10–19 s measured at a load average of 9) and
#: ~12 MB, so the list stays short.
NEIGHBOURS: tuple[PlaygroundParams, ...] = (
    PlaygroundParams(activation="relu"),
    PlaygroundParams(activation="sigmoid"),
    PlaygroundParams(hidden_units=(4, 2, 2)),
    PlaygroundParams(loss="cross_entropy"),
    PlaygroundParams(optimizer="adam"),
    PlaygroundParams(regularization="l2", regularization_rate=0.01),
)


def warm_up() -> None:
    """Compile the trainers of the defaults, of every exercise and of the defaults'
    :data:`NEIGHBOURS` (once, at server start, in the background), so that neither the first
    visitor nor a click on a preset or on the most used settings waits for TensorFlow to
    trace. The neighbours come last and only while the pool of compiled trainers has room."""
    run(PlaygroundParams())
    for ex in EXERCISES:
        for step in ex.steps:
            run(step.params.replace(epochs=1), frames=1)
    for p in NEIGHBOURS:
        if len(engine.TRAINERS) >= engine.MAX_TRAINERS:
            break  # more would drop trainers the warm-up compiled first (other pages' defaults)
        run(p.replace(epochs=1), frames=1)
