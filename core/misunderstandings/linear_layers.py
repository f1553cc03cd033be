"""Claim 1: "a layer without an activation still adds something".

The Playground's network (two hidden layers, 4 and 2 units) is trained twice on data no line
can separate: once with a non-linear σ, once with none. Without σ its layers multiply into
one linear layer (the activations page's :func:`core.activation_functions.effective_linear`),
so its decision boundary is one straight line. A second pair shows where σ matters in a
deep network: sigmoid hidden layers (slope at most ¼) against ReLU (slope 1), trained alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import activation_functions as A
from core import playground as pg
from core.params import Params, choice, number

DATASETS = ("xor", "circle")
NONLINEAR = ("tanh", "relu", "sigmoid")
#: The Playground's default network: two hidden layers of 4 and 2 units.
HIDDEN = (4, 2)
#: Units of every layer of the deep pair (the Playground's deep exercise network's width).
DEEP_WIDTH = 8
DEEP_ACTIVATIONS = ("relu", "sigmoid")
EPOCH_OPTIONS = (50, 100, 200, 400)
#: A non-linear network "does better" when its test accuracy is this much higher.
CLEARLY_BETTER = 0.1
#: The deep sigmoid network "trains slower" when its final training loss is this many times
#: the ReLU network's.
SLOWER_FACTOR = 2.0
#: How closely the linear network's output must match one layer's (float32 training).
SAME_OUTPUT_TOL = 1e-4


@dataclass(frozen=True)
class LayerParams(Params):
    """The data, the non-linear σ compared with none, the training and the deep pair."""

    dataset: str = choice("xor", DATASETS, label="data set")
    activation: str = choice("tanh", NONLINEAR, label="σ",
                             help="the hidden layers' activation in the network with σ")
    epochs: int = number(100, 50, 400, options=EPOCH_OPTIONS, label="epochs")
    seed: int = number(1, 0, 9999, label="seed")
    depth: int = number(6, 3, 8, label="deep: layers",
                        help=f"hidden layers of {DEEP_WIDTH} units in the deep pair")

    def playground(self, activation: str, hidden: tuple[int, ...]) -> pg.PlaygroundParams:
        """The Playground run of this data and training with ``hidden`` units and σ."""
        return pg.PlaygroundParams(dataset=self.dataset, hidden_units=hidden,
                                   activation=activation, epochs=self.epochs, seed=self.seed)

    def runs(self) -> dict[str, pg.PlaygroundParams]:
        """The four runs: with σ, without (linear), and the deep pair."""
        deep = (DEEP_WIDTH,) * self.depth
        return {"nonlinear": self.playground(self.activation, HIDDEN),
                "linear": self.playground("linear", HIDDEN),
                **{f"deep_{a}": self.playground(a, deep) for a in DEEP_ACTIVATIONS}}


@dataclass(frozen=True)
class Trained:
    """One Playground run, reduced to what the tab shows."""

    activation: str
    grid_output: np.ndarray  # tanh output on the Playground's grid, (GRID_SIZE²,)
    history: dict[str, np.ndarray]
    test_accuracy: float
    test_loss: float
    weights: list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class LayerRun:
    """The four runs and what the linear one equals."""

    params: LayerParams
    runs: dict[str, Trained]
    axis: np.ndarray
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    #: The one layer the linear network equals: y = tanh(x·W + b), W (2, 1), b (1,).
    w_eff: np.ndarray
    b_eff: np.ndarray
    #: Largest difference between the linear network's output and that one layer's.
    one_layer_gap: float

    @property
    def majority(self) -> float:
        """The share of the commonest class among the test points (guessing it scores so)."""
        y = self.test[1]
        return float(max(np.mean(y == 0), np.mean(y == 1)))


def _trained(r: pg.PlaygroundRun) -> Trained:
    return Trained(r.params.activation, r.grid_outputs[-1][:, 0], r.result.history,
                   float(r.metrics.test_accuracy), float(r.metrics.test_loss),
                   [(np.asarray(k, np.float64), np.asarray(b, np.float64))
                    for k, b in r.result.final.weights])


def one_layer_gap(outputs: np.ndarray, w_eff: np.ndarray, b_eff: np.ndarray,
                  x: np.ndarray) -> float:
    """Largest |network's output − one layer's output| over the inputs ``x`` (the one layer
    with the Playground's tanh output, tanh(x·W + b))."""
    one_layer = np.tanh(np.asarray(x, np.float64) @ w_eff + b_eff)[:, 0]
    return float(np.max(np.abs(np.asarray(outputs, np.float64) - one_layer)))


def run(p: LayerParams, on_progress: Callable[[int, int], None] | None = None) -> LayerRun:
    """Train the four Playground networks of ``p`` one after the other, reporting
    (done, total) after each."""
    configs = p.runs()
    out = {}
    for i, (name, config) in enumerate(configs.items()):
        r = pg.run(config, frames=1)
        out[name] = _trained(r)
        if on_progress:
            on_progress(i + 1, len(configs))
    train, test, plane = pg.make_data(configs["linear"])
    w_eff, b_eff = A.effective_linear(out["linear"].weights)
    grid = plane.grid(pg.GRID_SIZE)
    return LayerRun(p, out, plane.axes(pg.GRID_SIZE)[0], (train.x, train.y),
                    (test.x, test.y), w_eff, b_eff,
                    one_layer_gap(out["linear"].grid_output, w_eff, b_eff, grid))


# ----------------------------------------------------------------------------------------
# What the run shows
# ----------------------------------------------------------------------------------------


def boundary_text(w: np.ndarray, b: np.ndarray) -> str:
    """The linear network's decision boundary as an equation, W₁x₁ + W₂x₂ + b = 0."""
    w1, w2, b0 = float(w[0, 0]), float(w[1, 0]), float(b[0])
    sign = "−" if w2 < 0 else "+"
    bias = f" {'−' if b0 < 0 else '+'} {abs(b0):.3g}"
    return f"{w1:.3g}·x₁ {sign} {abs(w2):.3g}·x₂{bias} = 0".replace("-", "−")


def answer(r: LayerRun) -> str:
    """The tab's sentence about the linear network, from the run."""
    lin, non = r.runs["linear"], r.runs["nonlinear"]
    sigma = A.ACTIVATIONS[r.params.activation].label
    same = r.one_layer_gap <= SAME_OUTPUT_TOL
    text = ("Without σ the two hidden layers multiply into one linear layer, "
            f"{boundary_text(r.w_eff, r.b_eff)}" if same else
            "Without σ the layers should multiply into one linear layer, but here the "
            f"network's output differs from it by {r.one_layer_gap:.1g}")
    text += (f": one straight line, {lin.test_accuracy:.0%} of the test points right "
             f"(guessing the commoner class: {r.majority:.0%}). ")
    if non.test_accuracy - lin.test_accuracy >= CLEARLY_BETTER:
        return text + (f"The same network with {sigma} gets {non.test_accuracy:.0%}: the "
                       "activation is what lets the layers bend the boundary.")
    return text + (f"Here the network with {sigma} does no better "
                   f"({non.test_accuracy:.0%}) after {r.params.epochs} epochs: it has not "
                   "found the pattern yet. More epochs or another seed let σ show.")


def deep_answer(r: LayerRun) -> str:
    """The sentence about the deep pair: sigmoid against ReLU hidden layers."""
    relu, sig = (r.runs[f"deep_{a}"].history["loss"] for a in DEEP_ACTIVATIONS)
    if not (len(relu) and len(sig)):
        return "A deep run stopped before its first epoch ended."
    a, b = float(relu[-1]), float(sig[-1])
    layers = f"{r.params.depth} hidden layers of {DEEP_WIDTH}"
    if b >= SLOWER_FACTOR * a:
        return (f"With {layers}, ReLU brings the training loss down to {a:.3g} in "
                f"{len(relu)} epochs, sigmoid only to {b:.3g}: its slope is at most ¼, so "
                "the gradient shrinks layer by layer on its way back.")
    return (f"With {layers}, sigmoid ends at a training loss of {b:.3g} and ReLU at {a:.3g}: "
            "here sigmoid kept up. Its slope (at most ¼) shrinks the gradient per layer; add "
            "layers and it falls behind.")
