"""The lecture's example: one neuron ŷ = σ(w·x + b) with the loss L = (ŷ − y)², as a
computational graph, its gradient by backpropagation, checked against ``tf.GradientTape`` on
a Keras Dense layer and against central finite differences, and one gradient-descent step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import activations, engine
from core.backprop import graph as G
from core.params import Params, choice, number

#: TensorFlow Playground's four activations (the lecture's), in its order.
SIGMAS = activations.PLAYGROUND_ACTIVATIONS
#: σ′(z) in the slide's symbols, written with the node values (ŷ = σ(z)) where that is
#: simpler than the derivative of the formula.
SLOPE_FORMULAS = {"relu": "ReLU′(z)", "sigmoid": "ŷ(1 − ŷ)", "tanh": "1 − ŷ²", "linear": "1"}
#: Central finite differences: f′(θ) ≈ (f(θ + h) − f(θ − h)) / 2h, error O(h²); with
#: h = 1e-6 the rounding error of float64 (~1e-16 / h) and the truncation error (~h²) are
#: both far below the 4 digits shown.
FD_STEP = 1e-6
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0)
#: Indices of the nodes of :func:`neuron_graph`, in forward order.
X, B, W, Y, Z, Y_HAT, L = range(7)
#: Steps of the walk: three forward values (z, ŷ, L), six gradients (L, ŷ, z, w, b, x).
STEPS = 9


@dataclass(frozen=True)
class NeuronParams(Params):
    """One neuron, one training example, one gradient step."""

    w: float = number(0.5, -5.0, 5.0, step=0.1, label="w", help="The weight w of ŷ = σ(w·x + b)")
    b: float = number(0.1, -5.0, 5.0, step=0.1, label="b", help="The bias b")
    x: float = number(1.5, -5.0, 5.0, step=0.1, label="x", help="The input x")
    y: float = number(1.0, -5.0, 5.0, step=0.1, label="target y",
                      help="The target y of the loss L = (ŷ − y)²")
    sigma: str = choice("relu", SIGMAS, label="σ", help="The activation σ of ŷ = σ(w·x + b)")
    learning_rate: float = number(0.1, 0.01, 5.0, options=LEARNING_RATES, label="learning rate α",
                                  help="α of the gradient-descent step θ ← θ − α ∂L/∂θ")
    step: int = number(STEPS, 0, STEPS, label="step",
                       help="How far the walk has got: 0 = only the inputs, 1–3 the forward "
                            "pass, 4–9 the backward pass")

    def point(self) -> NeuronParams:
        """The same neuron without the step: what the computation depends on (cache key)."""
        return self.replace(step=STEPS)


def loss(p: NeuronParams, w: float, b: float) -> float:
    """L = (σ(w·x + b) − y)² in float64."""
    y_hat = float(activations.get(p.sigma).fn(np.array([w * p.x + b]))[0])
    return (y_hat - p.y) ** 2


def neuron_graph(p: NeuronParams) -> G.Graph:
    """The slide's graph: leaves x, b, w, y; z = w·x + b; ŷ = σ(z); L = (ŷ − y)²."""
    act = activations.get(p.sigma)
    z = p.w * p.x + p.b
    y_hat = float(act.fn(np.array([z]))[0])
    slope = float(act.derivative(np.array([z]))[0])
    error = 2.0 * (y_hat - p.y)
    return G.Graph((
        G.GraphNode("x", G.INPUT, p.x),
        G.GraphNode("b", G.PARAMETER, p.b),
        G.GraphNode("w", G.PARAMETER, p.w),
        G.GraphNode("y", G.TARGET, p.y),
        G.GraphNode("z", G.OPERATION, z, (W, X, B), (p.x, p.w, 1.0), "{}·{} + {}",
                    ("x", "w", "1")),
        G.GraphNode("ŷ", G.OPERATION, y_hat, (Z,), (slope,),
                    "{}" if p.sigma == "linear" else f"{act.label}({{}})",
                    (SLOPE_FORMULAS[p.sigma],)),
        G.GraphNode("L", G.OPERATION, (y_hat - p.y) ** 2, (Y_HAT, Y), (error, -error),
                    "({} − {})²", ("2(ŷ − y)", "−2(ŷ − y)")),
    ))


@dataclass(frozen=True)
class Descent:
    """One gradient-descent step θ ← θ − α ∂L/∂θ from (w, b)."""

    learning_rate: float
    w: float
    b: float
    loss: float

    def verdict(self, before: float) -> str:
        """"lower", "higher" or "unchanged": what the step did to the loss."""
        if self.loss < before:
            return "lower"
        return "higher" if self.loss > before else "unchanged"


@dataclass(frozen=True)
class NeuronRun:
    """The neuron's graph, its walk and gradients, the two references and the step."""

    params: NeuronParams
    graph: G.Graph
    walk: tuple[G.Step, ...]
    gradients: tuple[float, ...]
    keras: tuple[float, float]  # ∂L/∂w, ∂L/∂b from tf.GradientTape (float64)
    finite: tuple[float, float]  # the same by central finite differences
    descent: Descent

    @property
    def backprop(self) -> tuple[float, float]:
        return self.gradients[W], self.gradients[B]

    @property
    def z(self) -> float:
        return self.graph.nodes[Z].value

    @property
    def loss(self) -> float:
        return self.graph.output.value

    @property
    def dead(self) -> bool:
        """ReLU on its flat side: the local slope is 0 and no gradient passes."""
        return self.params.sigma == "relu" and self.z <= 0

    @property
    def straddles_kink(self) -> bool:
        """ReLU's kink lies inside a finite difference's interval: there the difference
        averages the slopes 0 and 1 and disagrees with the derivative."""
        reach = FD_STEP * max(abs(self.params.x), 1.0)
        return self.params.sigma == "relu" and abs(self.z) <= reach


def neuron_run(p: NeuronParams) -> NeuronRun:
    """Everything the neuron's view shows (the step is not part of it)."""
    p = p.point()
    graph = neuron_graph(p)
    grads = G.gradients(graph)
    lr = p.learning_rate
    w, b = p.w - lr * grads[W], p.b - lr * grads[B]
    return NeuronRun(p, graph, G.steps(graph), grads, keras_gradients(p),
                     finite_differences(p), Descent(lr, w, b, loss(p, w, b)))


def keras_gradients(p: NeuronParams, dtype: str = "float64") -> tuple[float, float]:
    """∂L/∂w and ∂L/∂b by ``tf.GradientTape`` through a Keras ``Dense(1, activation=σ)`` layer
    holding w and b: what a student's training code computes."""
    tf = engine.tensorflow()  # first: a background import of TensorFlow may be running
    import keras
    layer = keras.layers.Dense(1, activation=p.sigma, dtype=dtype)
    layer.build((1, 1))
    layer.set_weights([np.array([[p.w]], dtype), np.array([p.b], dtype)])
    with tf.GradientTape() as tape:
        y_hat = layer(tf.constant([[p.x]], dtype))
        value = tf.reduce_sum(tf.square(y_hat - tf.constant(p.y, dtype)))
    kernel, bias = tape.gradient(value, [layer.kernel, layer.bias])
    return float(np.asarray(kernel)[0, 0]), float(np.asarray(bias)[0])


def finite_differences(p: NeuronParams, h: float = FD_STEP) -> tuple[float, float]:
    """∂L/∂w and ∂L/∂b by central differences of the loss: two evaluations per parameter,
    no chain rule at all."""
    dw = (loss(p, p.w + h, p.b) - loss(p, p.w - h, p.b)) / (2 * h)
    db = (loss(p, p.w, p.b + h) - loss(p, p.w, p.b - h)) / (2 * h)
    return dw, db


def step_line(run: NeuronRun, points: int = 61) -> tuple[np.ndarray, np.ndarray, float]:
    """The loss along the step's direction, L(w − t·α∂L/∂w, b − t·α∂L/∂b) for t in
    [−0.5, 2.5] (t = 1: after the step), and its slope at t = 0, −α‖∇L‖²."""
    p, lr = run.params, run.descent.learning_rate
    gw, gb = run.backprop
    t = np.round(np.linspace(-0.5, 2.5, points), 9)  # t = 0 and t = 1 exactly
    losses = np.array([loss(p, p.w - s * lr * gw, p.b - s * lr * gb) for s in t])
    return t, losses, -lr * (gw * gw + gb * gb)


# ----------------------------------------------------------------------------------------
# What the page says about a run
# ----------------------------------------------------------------------------------------


def agreement(run: NeuronRun) -> str:
    """How closely the three gradients agree, as bounds that hold on any machine (their last
    digits are rounding, which differs between CPUs)."""
    bp, tape, fd = np.array(run.backprop), np.array(run.keras), np.array(run.finite)
    scale = float(np.max(np.abs(bp))) or 1.0
    tape_gap, fd_gap = float(np.max(np.abs(bp - tape))), float(np.max(np.abs(bp - fd)))
    tape_text = ("gives the same ∂L/∂w and ∂L/∂b to 12 digits" if tape_gap <= 1e-12 * scale
                 else f"differs by {tape_gap:.1e}")
    if run.straddles_kink:
        return (f"GradientTape on a Keras Dense layer {tape_text}. The finite difference "
                f"differs by {fd_gap:.2g}: z = {G.number(run.z)} sits on ReLU's kink, where "
                "it averages the slopes 0 and 1 (TensorFlow takes ReLU′(0) = 0, as the graph "
                "does).")
    fd_text = ("agree to 6 digits" if fd_gap <= 1e-6 * scale + 1e-12
               else f"differ by {fd_gap:.1e}")
    return (f"GradientTape on a Keras Dense layer (float64) {tape_text}; central finite "
            f"differences (two loss evaluations per parameter, h = {G.number(FD_STEP)}) {fd_text}.")


def notice(run: NeuronRun) -> str:
    """"What to notice" for the neuron, from its numbers."""
    p, g = run.params, run.gradients
    chain = (f"∂L/∂w = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w = {G.factor(g[Y_HAT])} × "
             f"{G.factor(run.graph.nodes[Y_HAT].local[0])} × {G.factor(p.x)} = "
             f"{G.number(g[W])}")
    if run.dead:
        return (f"z = {G.number(run.z)} ≤ 0, so ReLU's local slope is 0: {chain}. The gradient "
                "stops at ŷ; w and b get nothing however wrong ŷ is, and gradient descent "
                "cannot move them: a dead unit.")
    if run.loss == 0:
        return (f"ŷ = y, so ∂L/∂ŷ = 2(ŷ − y) = 0 and every gradient is 0: the neuron is at a "
                f"minimum of the loss for this example. {chain}.")
    slope = run.graph.nodes[Y_HAT].local[0]
    text = (f"{chain}: the chain rule multiplies one local derivative per edge. ∂L/∂z = "
            f"{G.number(g[Z])} is computed once and reused for w, b and x (∂z/∂b = 1, so "
            f"∂L/∂b = ∂L/∂z).")
    if p.sigma != "relu" and p.sigma != "linear" and abs(slope) < 0.01:
        text += (f" σ′(z) = {G.number(slope)} is tiny: σ is saturated at z = "
                 f"{G.number(run.z)}, and the gradient almost vanishes there.")
    return text


def descent_text(run: NeuronRun) -> str:
    """The gradient-descent step in one sentence, with the branch the numbers take."""
    d, p = run.descent, run.params
    moved = (f"w ← {G.number(p.w)} − {G.number(d.learning_rate)} × {G.factor(run.gradients[W])}"
             f" = {G.number(d.w)}, b ← {G.number(p.b)} − {G.number(d.learning_rate)} × "
             f"{G.factor(run.gradients[B])} = {G.number(d.b)}")
    verdict = d.verdict(run.loss)
    if verdict == "lower" and G.number(run.loss) == G.number(d.loss):
        ending = (f"The loss falls by only {run.loss - d.loss:.1e} (from {G.number(run.loss)}): "
                  "with so small a gradient, a step hardly moves anything.")
    elif verdict == "lower":
        ending = (f"The loss falls from {G.number(run.loss)} to {G.number(d.loss)}: one step "
                  "of gradient descent.")
    elif verdict == "higher":
        ending = (f"The loss rises from {G.number(run.loss)} to {G.number(d.loss)}: α = "
                  f"{d.learning_rate:g} overshoots the minimum; try a smaller α.")
    else:
        ending = (f"The loss stays at {G.number(run.loss)}: with a zero gradient the step "
                  "does not move anything.")
    return f"{moved}. {ending}"
