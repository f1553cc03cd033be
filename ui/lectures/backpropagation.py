"""Backpropagation: the lecture's recap and key formula, what to notice, and the presets to
try, each answer written from the run it describes."""

from __future__ import annotations

from core import initialisation as I
from core.backprop import cost as BC
from core.backprop import depth as BD
from core.backprop import graph as G
from core.backprop import network as BN
from core.backprop import neuron as BNR
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

DEAD_RELU = BNR.NeuronParams(w=-1.0)
SATURATED = BNR.NeuronParams(sigma="sigmoid", w=4.0, b=1.0, x=2.0, y=0.0)
XOR_EXACT = BN.NetParams(point="01")
DEEP_SIGMOID = I.InitParams(activation="sigmoid")
LARGE_WEIGHTS = I.InitParams(activation="relu", initializer="large")


def reused() -> str:
    run = results.neuron(BNR.NeuronParams())
    g = run.gradients
    return (f"∂L/∂z = {G.number(g[BNR.Z])} is formed once, from ∂L/∂ŷ, and then multiplied by "
            f"one local derivative each for w (x = {G.number(run.params.x)}: "
            f"{G.number(g[BNR.W])}), b (1: {G.number(g[BNR.B])}) and x (w: "
            f"{G.number(g[BNR.X])}). In a deeper network ∂L/∂x is where the previous layer "
            "starts: every layer reuses what the layers after it computed.")


def relu_slope() -> str:
    live, dead = results.neuron(BNR.NeuronParams()), results.neuron(DEAD_RELU)
    return (f"Its local slope is 1 where z > 0 and 0 where z ≤ 0: with z = "
            f"{G.number(live.z)} the gradient passes unchanged (∂L/∂z = ∂L/∂ŷ = "
            f"{G.number(live.gradients[BNR.Z])}); with z = {G.number(dead.z)} it stops "
            "(∂L/∂z = 0), however wrong ŷ is.")


def why_backwards() -> str:
    return BC.notice(results.cost_sweep(BC.CostParams()))


def dead_answer() -> str:
    return BNR.notice(results.neuron(DEAD_RELU)) + " " + BNR.descent_text(
        results.neuron(DEAD_RELU))


def saturated_answer() -> str:
    run = results.neuron(SATURATED)
    slope = run.graph.nodes[BNR.Y_HAT].local[0]
    return (f"ŷ = {G.number(run.graph.nodes[BNR.Y_HAT].value)} against y = 0: the loss is "
            f"{G.number(run.loss)}, nearly as bad as it gets, yet σ′(z) = {G.number(slope)} "
            f"at z = {G.number(run.z)}, so ∂L/∂w is only {G.number(run.backprop[0])}. A "
            "saturated sigmoid learns slowest exactly when it is most wrong.")


def xor_answer() -> str:
    run = results.network(XOR_EXACT)
    zero = all(float(abs(g).max()) == 0.0 for g in run.grad_kernels)
    text = (f"At (0,1) the network outputs ŷ = {G.number(run.y_hat)} and XOR's label is 1: "
            f"the loss is {G.number(run.loss)}, so ∂L/∂ŷ = 2(ŷ − y) = "
            f"{G.number(float(run.grad_h[-1][0]))}")
    if zero:
        return text + (" and every gradient after it is 0: the hand-set weights are a "
                       "minimum of the loss, nothing to learn. Set y = 0 to see the error "
                       "flow back layer by layer.")
    return text + ": the weights still get a gradient."


def sigmoid_answer() -> str:
    return BD.notice(results.probes(DEEP_SIGMOID), DEEP_SIGMOID)


def large_answer() -> str:
    return BD.notice(results.probes(LARGE_WEIGHTS), LARGE_WEIGHTS)


LECTURE = Lecture(
    "A network is a series of simple operations: linear maps, activations, the loss. The "
    "chain rule gives the gradient of the loss with respect to every parameter as a product "
    "of local derivatives along the way, for ŷ = σ(w·x + b) and L = (ŷ − y)²: "
    "∂L/∂w = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w (for ReLU the middle factor is simply 0 or 1). Going "
    "backwards, the part already computed for the later layers is reused: the gradient is "
    "propagated backwards, at the cost of about one more forward pass.",
    r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial \hat y}\,"
    r"\frac{\partial \hat y}{\partial z}\,\frac{\partial z}{\partial w}"
    r" = 2(\hat y - y)\,\sigma'(z)\,x",
    (Question("What is reused on the way back?", reused),
     Question("What does ReLU do to the gradient passing through it?", relu_slope),
     Question("Why not take every derivative by finite differences?", why_backwards)),
    (Preset("Dead ReLU", "w = −1 makes z negative: what reaches w and b?", dead_answer,
            (DEAD_RELU,)),
     Preset("Saturated sigmoid", "A sigmoid neuron far on its flat side, with the wrong "
            "target: how large is its gradient?", saturated_answer, (SATURATED,)),
     Preset("XOR network", "The lecture's XOR network at (0,1) with XOR's own target 1:",
            xor_answer, (XOR_EXACT,), tab=2),
     Preset("10 sigmoid layers", "How much gradient reaches the first of ten sigmoid "
            "layers?", sigmoid_answer, (DEEP_SIGMOID,), tab=4),
     Preset("Large weights", "ReLU layers started with N(0, 1) weights:", large_answer,
            (LARGE_WEIGHTS,), tab=4)))
