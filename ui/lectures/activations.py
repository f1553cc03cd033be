"""Activations & initialisation: the lecture's recap and key formula, what to notice, and
the presets to try, with their answers written from their own runs."""

from __future__ import annotations

from core import activation_functions as A
from core import activation_notes as notes
from core import initialisation as I
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

INIT_GLOROT_RELU = I.InitParams(activation="relu", initializer="glorot_uniform")
INIT_HE_RELU = I.InitParams(activation="relu", initializer="he_normal")
INIT_CONSTANT = I.InitParams(initializer="constant")


def linear_stack() -> str:
    p = A.StackParams()
    return notes.stack_answer(results.act_stack(p), p)


def sigmoid_slope() -> str:
    return notes.sigmoid_slope_answer(results.act_curves(("sigmoid",), A.CurveParams().threshold))


def glorot_relu() -> str:
    return notes.relu_glorot_answer(results.probes(INIT_GLOROT_RELU), INIT_GLOROT_RELU)


def he_relu() -> str:
    return notes.he_relu_answer(results.probes(INIT_HE_RELU), INIT_HE_RELU)


def constant() -> str:
    return notes.constant_answer(results.probes(INIT_CONSTANT), INIT_CONSTANT)


LECTURE = Lecture(
    "A layer computes h = σ(Wx + b). Without the non-linear activation σ a stack of "
    "layers is still one linear map (the product of the matrices), however deep. "
    "ReLU max(0, x), sigmoid 1/(1 + e⁻ˣ) and tanh bend the line; where their slope is "
    "flat (saturated) the gradient vanishes. The starting weights must break the "
    "symmetry between units and keep the signal's scale through the layers: "
    "Var[W] = 2/(n_in + n_out) (Glorot, for tanh) or 2/n_in (He, for ReLU). Glorot's rule "
    "assumes units of slope 1; tanh's slope is below 1 away from 0, so a deep tanh stack "
    "started with it loses some signal at every layer (the initialisation tab measures it).",
    r"h = \sigma(Wx + b),\qquad \mathrm{Var}[W] = \frac{2}{n_\mathrm{in} + n_\mathrm{out}}"
    r"\ \text{(Glorot)},\quad \frac{2}{n_\mathrm{in}}\ \text{(He)}",
    (Question("Why does a stack of linear layers stay linear?", linear_stack),
     Question("Where is the sigmoid's slope largest, and how large is it?", sigmoid_slope)),
    (Preset("ReLU, Glorot", "Ten ReLU layers started with Glorot's variance: does the "
            "signal keep its scale?", glorot_relu, (INIT_GLOROT_RELU,), tab=2),
     Preset("ReLU, He", "The same network with He's variance 2/n_in:", he_relu,
            (INIT_HE_RELU,), tab=2),
     Preset("Constant", "Every weight the same constant: what do the units of a layer "
            "compute?", constant, (INIT_CONSTANT,), tab=2)))
