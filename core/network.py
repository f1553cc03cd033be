"""A NumPy forward pass through a trained (or hand-set) dense network.

Pages use it to look inside a network from its weights alone: the activations of every
hidden layer on any set of points, without asking the training engine again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core import activations

Weights = Sequence[tuple[np.ndarray, np.ndarray]]


def output_activation(name: str, z: np.ndarray) -> np.ndarray:
    """The output layer's activation, including softmax (which works on whole rows)."""
    if name == "softmax":
        shifted = np.exp(z - z.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    return activations.get(name).fn(z)


def layer_outputs(
    weights: Weights, hidden_activations: Sequence[str], output: str, x: np.ndarray
) -> list[np.ndarray]:
    """Activations of every layer for inputs ``x``: one array per hidden layer, then the output.

    Computed in float64, so it also serves as an independent check of the engine.
    """
    h = np.asarray(x, dtype=np.float64)
    outs = []
    for i, (kernel, bias) in enumerate(weights):
        z = h @ np.asarray(kernel, np.float64) + np.asarray(bias, np.float64)
        last = i == len(weights) - 1
        h = output_activation(output, z) if last else activations.get(hidden_activations[i]).fn(z)
        outs.append(h)
    return outs


def predict(weights: Weights, hidden_activations: Sequence[str], output: str,
            x: np.ndarray) -> np.ndarray:
    """The network's outputs for inputs ``x``."""
    return layer_outputs(weights, hidden_activations, output, x)[-1]
