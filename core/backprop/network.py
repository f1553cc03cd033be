"""A small network's backward pass, layer by layer: each layer's gradient is the next
layer's gradient times one local Jacobian (a weight matrix, or the diagonal of σ′), so
nothing is computed twice.

The network has two inputs, one or two hidden layers and one linear output, with the loss
L = (ŷ − y)²; by default it is the XOR page's hand-set network (core.xor.HandParams) at one
of the four XOR points. Everything is float64 NumPy; tests check it against
``tf.GradientTape`` on the same Keras model (:func:`keras_gradients`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import activations, engine, initializers
from core import xor as X
from core.backprop.graph import BACKWARD, FORWARD, number
from core.params import Params, choice, numbers
from core.params import number as number_field

XOR, RANDOM = "xor", "random"
#: The four XOR inputs by name, in core.xor's order.
POINTS = {"00": (0.0, 0.0), "01": (0.0, 1.0), "10": (1.0, 0.0), "11": (1.0, 1.0)}
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid")
#: Steps of the walk with two hidden layers: forward 2 layers, output, loss; backward
#: ŷ, then h and z of each hidden layer, then x.
MAX_STEPS = 10
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class NetParams(Params):
    """The small network, its input point and target, and how far the walk has got."""

    network: str = choice(XOR, (XOR, RANDOM), label="weights",
                          help="The lecture's hand-set XOR network, or random weights "
                               "(Glorot uniform) for the hidden layers set here")
    hidden_units: tuple[int, ...] = numbers((3, 2), 1, 4, min_len=1, max_len=2,
                                            label="hidden units",
                                            help="Random weights: units of each hidden layer "
                                                 "(one or two layers)")
    hidden_activation: str = choice("tanh", HIDDEN_ACTIVATIONS, label="activation",
                                    help="Random weights: σ of the hidden layers (the XOR "
                                         "network uses ReLU)")
    net_seed: int = number_field(0, 0, 9999, label="seed",
                                 help="Random weights: the seed they are drawn with")
    point: str = choice("11", tuple(POINTS), label="input x",
                        help="One of the four XOR points as the input (x₁x₂)")
    target: float = number_field(1.0, -2.0, 2.0, step=0.5, label="target y",
                                 help="The target y of L = (ŷ − y)²")
    layer_step: int = number_field(MAX_STEPS, 0, MAX_STEPS, label="step",
                                   help="How far the walk has got, layer by layer")

    def structure(self) -> NetParams:
        """The same network without the step (the cache key of the computation)."""
        return self.replace(layer_step=MAX_STEPS)

    @property
    def activation(self) -> str:
        return "relu" if self.network == XOR else self.hidden_activation


def layers_of(p: NetParams) -> list[tuple[np.ndarray, np.ndarray]]:
    """(kernel, bias) per layer, float64, kernels in Keras's layout (n_in, n_out): the
    slide's W⁽ˡ⁾ is the transpose (z = W x + b with x a column)."""
    if p.network == XOR:
        hand = X.HandParams()
        return [(hand.w1_matrix.T.copy(), np.array(hand.b1, float)),
                (np.array(hand.W2, float)[:, None], np.array([hand.b2], float))]
    sizes = (2, *p.hidden_units, 1)
    return [(k.astype(np.float64), b.astype(np.float64))
            for k, b in initializers.initial_weights(sizes, "glorot_uniform", p.net_seed)]


@dataclass(frozen=True)
class LayerStep:
    """One step of the walk. Forward: ``value`` is a layer's output. Backward: ``value`` is
    ∂L/∂``target`` = ∂L/∂``upstream_name`` (``upstream``) × ``jacobian``, a row vector times
    a matrix; ``parameters`` are the layer's weight gradients known from this step on."""

    phase: str
    target: str
    value: np.ndarray
    upstream_name: str = ""
    upstream: np.ndarray | None = None
    jacobian_name: str = ""
    jacobian: np.ndarray | None = None
    parameters: tuple[tuple[str, np.ndarray], ...] = ()


@dataclass(frozen=True)
class NetRun:
    """Forward values and gradients of every unit and weight (index 0 of ``h`` is x; layer
    l = 1 … of ``z``/``h`` is stored at index l; the last layer is the output ŷ)."""

    params: NetParams
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    z: tuple[np.ndarray, ...]
    h: tuple[np.ndarray, ...]
    loss: float
    grad_z: tuple[np.ndarray, ...]
    grad_h: tuple[np.ndarray, ...]
    grad_kernels: tuple[np.ndarray, ...]
    grad_biases: tuple[np.ndarray, ...]
    walk: tuple[LayerStep, ...]

    @property
    def y_hat(self) -> float:
        return float(self.h[-1][0])

    @property
    def depth(self) -> int:
        """Dense layers, the output layer included."""
        return len(self.layers)


def names(layer: int, depth: int) -> tuple[str, str, str]:
    """Symbols of layer ``layer``'s pre-activation, output and weights: z⁽ˡ⁾, h⁽ˡ⁾, W⁽ˡ⁾ (the
    output layer's output is ŷ, the input x)."""
    up = f"⁽{str(layer).translate(SUPERSCRIPT)}⁾"
    if layer == 0:
        return "x", "x", ""
    return f"z{up}", ("ŷ" if layer == depth else f"h{up}"), f"W{up}"


def network_run(p: NetParams) -> NetRun:
    """Forward pass, then the backward pass as vector × Jacobian products, with the walk."""
    p = p.structure()
    layers = layers_of(p)
    act = activations.get(p.activation)
    depth = len(layers)
    z, h = [np.zeros(0)], [np.array(POINTS[p.point])]
    for layer, (kernel, bias) in enumerate(layers, start=1):
        z.append(h[-1] @ kernel + bias)
        h.append(z[-1] if layer == depth else act.fn(z[-1]))
    loss = float(np.sum((h[-1] - p.target) ** 2))
    # Backward: from ∂L/∂ŷ to x, each gradient from the one after it and one Jacobian.
    slopes = [np.ones(0)] + [act.derivative(z[layer]) for layer in range(1, depth)] + [np.ones(1)]
    grad_h, grad_z = [np.zeros(0)] * (depth + 1), [np.zeros(0)] * (depth + 1)
    grad_h[depth] = 2.0 * (h[-1] - p.target)
    for layer in range(depth, 0, -1):
        grad_z[layer] = grad_h[layer] @ np.diag(slopes[layer])
        grad_h[layer - 1] = grad_z[layer] @ layers[layer - 1][0].T
    kernels = tuple(np.outer(h[layer - 1], grad_z[layer]) for layer in range(1, depth + 1))
    biases = tuple(grad_z[layer].copy() for layer in range(1, depth + 1))
    walk = _walk(layers, h, loss, slopes, grad_z, grad_h, kernels, biases)
    return NetRun(p, tuple(layers), tuple(z), tuple(h), loss, tuple(grad_z), tuple(grad_h),
                  kernels, biases, walk)


def _walk(layers, h, loss, slopes, grad_z, grad_h, kernels, biases) -> tuple[LayerStep, ...]:
    """The steps: each layer forward, the loss; then ∂L/∂ŷ, and for each layer from the
    output down ∂L/∂z (× diag σ′, hidden layers only: the output is linear) and ∂L/∂h of
    the layer below (× W), each with the weight gradients it makes known."""
    depth = len(layers)
    walk = [LayerStep(FORWARD, names(layer, depth)[1], h[layer]) for layer in range(1, depth + 1)]
    walk.append(LayerStep(FORWARD, "L", np.array([loss])))

    def weights(layer: int) -> tuple[tuple[str, np.ndarray], ...]:
        w_name = names(layer, depth)[2]
        return ((f"∂L/∂{w_name}", kernels[layer - 1].T), (f"∂L/∂b{w_name[1:]}", biases[layer - 1]))

    walk.append(LayerStep(BACKWARD, "ŷ", grad_h[depth], "L", np.ones(1), "2(ŷ − y)",
                          grad_h[depth][None, :], weights(depth)))
    for layer in range(depth, 0, -1):
        z_name, h_name, w_name = names(layer, depth)
        if layer < depth:
            walk.append(LayerStep(BACKWARD, z_name, grad_z[layer], h_name, grad_h[layer],
                                  f"diag σ′({z_name})", np.diag(slopes[layer]), weights(layer)))
        walk.append(LayerStep(BACKWARD, names(layer - 1, depth)[1], grad_h[layer - 1],
                              z_name if layer < depth else "ŷ", grad_z[layer], w_name,
                              layers[layer - 1][0].T))
    return tuple(walk)


def step_count(run: NetRun) -> int:
    return len(run.walk)


# ----------------------------------------------------------------------------------------
# The products as the page writes them
# ----------------------------------------------------------------------------------------


def rounded(values: np.ndarray) -> np.ndarray:
    """``values`` as shown: every entry to the digits of core.backprop.graph.number."""
    return np.vectorize(lambda v: float(number(float(v)).replace("−", "-")))(
        np.asarray(values, float)) if np.size(values) else np.asarray(values, float)


def _latex_numbers(values: np.ndarray) -> str:
    """A row vector or a matrix in LaTeX, entries as shown."""
    arr = np.atleast_2d(np.asarray(values, float))
    rows = [" & ".join(number(float(v)).replace("−", "-") for v in row) for row in arr]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def _latex_symbol(name: str) -> str:
    table = {"ŷ": r"\hat y", "L": "L", "x": "x"}
    if name in table:
        return table[name]
    letter, layer = name[0], name[1:].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾", "0123456789()"))
    return f"{letter}^{{{layer}}}"


def _partial(name: str) -> str:
    return rf"\frac{{\partial L}}{{\partial {_latex_symbol(name)}}}"


def step_latex(step: LayerStep) -> str:
    """The step as one LaTeX line with its numbers: a forward layer's values, or
    ∂L/∂(this) = ∂L/∂(next) · Jacobian = (numbers) (numbers) = (numbers)."""
    if step.phase == FORWARD:
        return f"{_latex_symbol(step.target)} = {_latex_numbers(step.value)}"
    jac = step.jacobian_name
    if jac.startswith("diag"):
        inner = jac.removeprefix("diag σ′(").removesuffix(")")
        jac_tex = rf"\operatorname{{diag}}\sigma'({_latex_symbol(inner)})"
    elif jac.startswith("W"):
        jac_tex = _latex_symbol(jac)
    else:
        jac_tex = r"2(\hat y - y)"
    return (f"{_partial(step.target)} = {_partial(step.upstream_name)}\\, {jac_tex} = "
            f"{_latex_numbers(step.upstream)}\\,{_latex_numbers(step.jacobian)} = "
            f"{_latex_numbers(step.value)}")


def parameter_latex(step: LayerStep) -> list[str]:
    """The weight gradients a backward step makes known, as LaTeX lines."""
    return [rf"{_partial(name[4:])} = {_latex_numbers(value)}" for name, value in step.parameters]


# ----------------------------------------------------------------------------------------
# The reference: tf.GradientTape on the same Keras model
# ----------------------------------------------------------------------------------------


def keras_gradients(run: NetRun, dtype: str = "float64") -> dict[str, list[np.ndarray]]:
    """Gradients of the same network built from Keras layers (Dense without activation,
    then an Activation layer, so every z and h is a tensor on the tape): ∂L/∂h and ∂L/∂z per
    layer (index 0 of "h" is x), ∂L/∂kernel and ∂L/∂bias per Dense layer."""
    tf = engine.tensorflow()  # first: a background import of TensorFlow may be running
    import keras
    act = run.params.activation
    x = tf.constant(run.h[0][None, :], dtype)
    dense, hs, zs = [], [x], []
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        for index, (kernel, bias) in enumerate(run.layers, start=1):
            layer = keras.layers.Dense(len(bias), dtype=dtype)
            layer.build((1, kernel.shape[0]))
            layer.set_weights([kernel.astype(dtype), bias.astype(dtype)])
            dense.append(layer)
            zs.append(layer(hs[-1]))
            last = index == run.depth
            hs.append(zs[-1] if last else keras.layers.Activation(act, dtype=dtype)(zs[-1]))
        value = tf.reduce_sum(tf.square(hs[-1] - tf.constant(run.params.target, dtype)))
    grads = {
        "h": [np.asarray(g)[0] for g in tape.gradient(value, hs)],
        "z": [np.asarray(g)[0] for g in tape.gradient(value, zs)],
        "kernel": [np.asarray(g) for g in tape.gradient(value, [d.kernel for d in dense])],
        "bias": [np.asarray(g) for g in tape.gradient(value, [d.bias for d in dense])],
    }
    del tape
    return grads


def tape_gap(p: NetParams) -> float:
    """The largest difference between this module's gradients and GradientTape's on the
    same Keras model (float64), over every unit and weight: what the page reports."""
    run = network_run(p)
    tape = keras_gradients(run)
    pairs = [*zip(run.grad_h, tape["h"]), *zip(run.grad_z[1:], tape["z"]),
             *zip(run.grad_kernels, tape["kernel"]), *zip(run.grad_biases, tape["bias"])]
    return max(float(np.max(np.abs(ours - theirs))) for ours, theirs in pairs)


def notice(run: NetRun) -> str:
    """"What to notice" for the network, from its numbers."""
    grad_out = float(run.grad_h[-1][0])
    if run.loss == 0:
        return (f"ŷ = {number(run.y_hat)} is the target: ∂L/∂ŷ = 2(ŷ − y) = 0, and every "
                "gradient behind it is 0 (a product with 0). Change y to see the error flow "
                "back.")
    depth = run.depth
    text = (f"ŷ = {number(run.y_hat)} against y = {number(run.params.target)}: ∂L/∂ŷ = "
            f"{number(grad_out)}. Each step back multiplies by one Jacobian: by W to cross a "
            "layer's weights, by diag σ′(z) to cross its activation; ∂L/∂W⁽ˡ⁾ = "
            "∂L/∂z⁽ˡ⁾ · (layer input)ᵀ then reuses ∂L/∂z⁽ˡ⁾.")
    if run.params.activation == "relu":
        for layer in range(1, depth):
            off = [k + 1 for k, z in enumerate(run.z[layer]) if z <= 0]
            if off:
                units = ", ".join(f"h{str(k).translate(_SUB)}" for k in off)
                text += (f" In layer {layer} ReLU′ is 0 for {units} (z ≤ 0): its gradient "
                         "stops there, and the weights into it get ∂L/∂W = 0.")
    return text


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
