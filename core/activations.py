"""Activation functions: the registry every page and the engine take their choices from.

Each entry carries the Keras name used for training, a NumPy version used to draw the curve
and to re-compute a network's hidden layers from its weights, its derivative (for the
vanishing-gradient picture) and the formula shown on the slides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    name: str
    label: str
    latex: str
    keras: str
    fn: Callable[[Array], Array]
    derivative: Callable[[Array], Array]

    @property
    def zero_at_zero(self) -> bool:
        """Whether σ(0) = 0; a unit with all-zero weights is then silent without a mask."""
        return float(self.fn(np.zeros(1))[0]) == 0.0


def _sigmoid(x: Array) -> Array:
    # Split by sign so exp never overflows for large |x|.
    out = np.empty_like(x, dtype=np.float64)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def _softplus(x: Array) -> Array:
    return np.logaddexp(0.0, x)


def _elu(x: Array) -> Array:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))


def _leaky(x: Array) -> Array:
    return np.where(x > 0, x, 0.2 * x)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", "ReLU", r"\sigma(x) = \max(0, x)", "relu",
                   lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(np.float64)),
        Activation("tanh", "tanh", r"\sigma(x) = \tanh x = \frac{e^{2x}-1}{e^{2x}+1}", "tanh",
                   np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
        Activation("sigmoid", "sigmoid", r"\sigma(x) = \frac{1}{1+e^{-x}}", "sigmoid",
                   _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x))),
        Activation("linear", "linear", r"\sigma(x) = x", "linear",
                   lambda x: np.asarray(x, dtype=np.float64), lambda x: np.ones_like(x, float)),
        Activation("elu", "ELU", r"\sigma(x) = x \;(x>0),\; e^{x}-1 \;(x\le 0)", "elu",
                   _elu, lambda x: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0)))),
        Activation("leaky_relu", "leaky ReLU", r"\sigma(x) = \max(0.2x, x)", "leaky_relu",
                   _leaky, lambda x: np.where(x > 0, 1.0, 0.2)),
        Activation("softplus", "softplus", r"\sigma(x) = \ln(1 + e^{x})", "softplus",
                   _softplus, _sigmoid),
        Activation("swish", "swish (SiLU)", r"\sigma(x) = x \cdot \mathrm{sigmoid}(x)", "silu",
                   lambda x: x * _sigmoid(x),
                   lambda x: _sigmoid(x) * (1.0 + x * (1.0 - _sigmoid(x)))),
    )
}

#: The four activations TensorFlow Playground offers, in its order.
PLAYGROUND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


def get(name: str) -> Activation:
    """The registry entry for ``name``; ValueError naming the parameter if unknown."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]
