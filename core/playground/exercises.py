"""Classroom: links that hide controls, and the configurations of the lecture's three
Playground exercises (checkerboard, spiral, overtraining).

The configurations are plain :class:`PlaygroundParams`; ``ui.lectures.playground`` makes
them one-click presets with their questions and answers (written from their runs), and the
server's warm-up trains every one of them (:data:`CONFIGURATIONS`), so a click on a preset
shows its finished run at once.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable

from core import activations, datasets, engine, optimizers
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


# -- 1 · the checkerboard (Playground's "xor" data) ------------------------------------------

CHECKERBOARD = PlaygroundParams(dataset="xor", hidden_units=(4,), activation="relu")
CHECKERBOARD_TANH = CHECKERBOARD.replace(activation="tanh")
CHECKERBOARD_LINEAR = CHECKERBOARD.replace(hidden_units=(4, 2), activation="linear")
CHECKERBOARD_TWO_LAYERS = CHECKERBOARD.replace(hidden_units=(4, 2), activation="tanh")
#: Fewer ReLU units: three from two starting points (seed 1 is the default, seed 3 another),
#: and two.
CHECKERBOARD_THREE = CHECKERBOARD.replace(hidden_units=(3,))
CHECKERBOARD_THREE_SEED_3 = CHECKERBOARD_THREE.replace(seed=3)
CHECKERBOARD_TWO = CHECKERBOARD.replace(hidden_units=(2,))
#: The feature x₁x₂ alone, no hidden layer: the output unit sees the class's sign directly.
CHECKERBOARD_X1X2 = CHECKERBOARD.replace(x1=False, x2=False, x1x2=True, hidden_units=())

# -- 2 · the spiral ----------------------------------------------------------------------------

SPIRAL = PlaygroundParams(dataset="spiral", hidden_units=(8, 8), activation="tanh",
                          sin_x1=True, sin_x2=True)
SPIRAL_BARE = PlaygroundParams(dataset="spiral", hidden_units=(8, 8, 8), activation="relu",
                               optimizer="adam", learning_rate=0.01)
SPIRAL_BARE_SGD = SPIRAL_BARE.replace(hidden_units=(8, 8, 8, 8), activation="tanh",
                                      optimizer="sgd", learning_rate=0.03, epochs=1000)

# -- 3 · overtraining --------------------------------------------------------------------------

#: The lecture's overtraining task ("checkerboard data, noise 50 %, a deep network, 1000
#: epochs"; the slide's network has 5 hidden layers of ReLU units), the one configuration
#: both the Playground's preset and the overfitting page's exercise train. Two choices the
#: task leaves open, said on screen by :func:`overtraining_setup`: 8 units per layer
#: (Playground's largest layer) and a training share of 20 % instead of Playground's default
#: 50 %: with fewer training points the overtraining shows within the 1000 epochs.
OVERTRAINING = PlaygroundParams(dataset="xor", noise=50, train_ratio=20,
                                hidden_units=(8,) * 5, activation="relu", epochs=1000)
#: Its four runs, in the task's order: plain, L2 with a low and a high rate, then L1.
OVERTRAINING_STEPS: dict[str, PlaygroundParams] = {
    "plain": OVERTRAINING,
    "low_l2": OVERTRAINING.replace(regularization="l2", regularization_rate=0.01),
    "high_l2": OVERTRAINING.replace(regularization="l2", regularization_rate=0.1),
    "l1": OVERTRAINING.replace(regularization="l1", regularization_rate=0.01),
}


def overtraining_setup(p: PlaygroundParams) -> str:
    """The overtraining configuration in words, with the share of training points said
    (and Playground's own default beside it when it differs)."""
    layers = len(p.hidden_units)
    units = "/".join(map(str, sorted(set(p.hidden_units)))) if p.hidden_units else "no"
    default = PlaygroundParams().train_ratio
    share = (f"{p.train_ratio} % of the points train"
             + (f" (Playground's default is {default} %: fewer training points make the "
                "overtraining show sooner)" if p.train_ratio != default else ""))
    return (f"{datasets.DATASETS[p.dataset].label} data with {p.noise} % noise, "
            f"{layers} hidden layer{'s' if layers != 1 else ''} of {units} "
            f"{activations.get(p.activation).label} units, "
            f"{optimizers.SHORT_LABELS[p.optimizer]} with learning rate {p.learning_rate:g} "
            f"and batch size {p.batch_size}, {p.epochs} epochs; {share}.")


#: Every configuration of the exercises (each a one-click preset), for the warm-up and tests.
CONFIGURATIONS: tuple[PlaygroundParams, ...] = (
    CHECKERBOARD, CHECKERBOARD_TANH, CHECKERBOARD_LINEAR, CHECKERBOARD_TWO_LAYERS,
    CHECKERBOARD_THREE, CHECKERBOARD_THREE_SEED_3, CHECKERBOARD_TWO, CHECKERBOARD_X1X2,
    SPIRAL, SPIRAL_BARE, SPIRAL_BARE_SGD, *OVERTRAINING_STEPS.values())


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
    for p in CONFIGURATIONS:
        run(p.replace(epochs=1), frames=1)
    for p in NEIGHBOURS:
        if len(engine.TRAINERS) >= engine.MAX_TRAINERS:
            break  # more would drop trainers the warm-up compiled first (other pages' defaults)
        run(p.replace(epochs=1), frames=1)
