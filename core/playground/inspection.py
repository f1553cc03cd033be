"""Looking inside a trained Playground network: what every feature and neuron computes over
the input plane, recomputed in NumPy from a snapshot's weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import network
from core.playground.model import PlaygroundRun
from core.playground.params import THUMB_SIZE


@dataclass(frozen=True)
class NeuronMaps:
    """Values over a ``size``² grid of the plane: each input feature, each hidden neuron
    (one array per layer, shape (units, size, size)) and each output."""

    axes: tuple[np.ndarray, np.ndarray]
    features: np.ndarray  # (n_features, size, size)
    hidden: list[np.ndarray]
    output: np.ndarray  # (n_outputs, size, size)
    weights: list[tuple[np.ndarray, np.ndarray]]
    epoch: int


def neuron_maps(r: PlaygroundRun, snapshot: int = -1, size: int = THUMB_SIZE) -> NeuronMaps:
    """What every node of the network computes at a snapshot, over the input plane.

    Recomputed in NumPy from the snapshot's weights, so any epoch of the replay can be
    inspected without training again.
    """
    snap = r.result.snapshots[snapshot]
    grid = r.plane.grid(size)
    inputs = r.inputs(grid)
    layers = network.layer_outputs(snap.weights, r.activations, r.head.output_activation,
                                   inputs)

    def square(values: np.ndarray) -> np.ndarray:
        return np.nan_to_num(values.T.reshape(-1, size, size)).astype(np.float32)

    return NeuronMaps(r.plane.axes(size), square(inputs), [square(h) for h in layers[:-1]],
                      square(layers[-1]), snap.weights, snap.epoch)
