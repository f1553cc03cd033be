"""Weight initialisation schemes, drawn in NumPy from an explicit generator.

Initial weights are made here rather than by Keras initialisers so that a run depends on
nothing but its ``seed`` (no process-wide random state shared with other sessions), and so
that the same numbers can be padded into a larger compiled network (see ``core.engine``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Initializer:
    name: str
    label: str
    latex: str
    kernel: Callable[[int, int, np.random.Generator], np.ndarray]
    bias: float = 0.0


def _uniform(limit: Callable[[int, int], float]):
    def draw(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        a = limit(fan_in, fan_out)
        return rng.uniform(-a, a, size=(fan_in, fan_out))
    return draw


def _normal(std: Callable[[int, int], float]):
    def draw(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, std(fan_in, fan_out), size=(fan_in, fan_out))
    return draw


INITIALIZERS: dict[str, Initializer] = {
    i.name: i
    for i in (
        Initializer("glorot_uniform", "Glorot (Xavier) uniform",
                    r"W \sim U(-a, a),\; a = \sqrt{3}\sqrt{2/(n_\mathrm{in}+n_\mathrm{out})}",
                    _uniform(lambda i, o: np.sqrt(6.0 / (i + o)))),
        Initializer("glorot_normal", "Glorot (Xavier) normal",
                    r"W \sim \mathcal{N}(0, 2/(n_\mathrm{in}+n_\mathrm{out}))",
                    _normal(lambda i, o: np.sqrt(2.0 / (i + o)))),
        Initializer("he_uniform", "He uniform",
                    r"W \sim U(-a, a),\; a = \sqrt{3}\sqrt{2/n_\mathrm{in}}",
                    _uniform(lambda i, o: np.sqrt(6.0 / i))),
        Initializer("he_normal", "He normal", r"W \sim \mathcal{N}(0, 2/n_\mathrm{in})",
                    _normal(lambda i, o: np.sqrt(2.0 / i))),
        Initializer("playground", "TensorFlow Playground: U(−0.5, 0.5), bias 0.1",
                    r"W \sim U(-0.5, 0.5),\; b = 0.1", _uniform(lambda i, o: 0.5), bias=0.1),
        Initializer("small", "too small: N(0, 0.01²)", r"W \sim \mathcal{N}(0, 0.01^2)",
                    _normal(lambda i, o: 0.01)),
        Initializer("large", "too large: N(0, 1)", r"W \sim \mathcal{N}(0, 1)",
                    _normal(lambda i, o: 1.0)),
        Initializer("zeros", "all zeros (no symmetry breaking)", r"W = 0",
                    lambda i, o, rng: np.zeros((i, o))),
    )
}


def get(name: str) -> Initializer:
    """The registry entry for ``name``; ValueError naming the parameter if unknown."""
    if name not in INITIALIZERS:
        raise ValueError(f"initializer must be one of {', '.join(INITIALIZERS)}, got {name!r}")
    return INITIALIZERS[name]


def initial_weights(
    sizes: tuple[int, ...], initializer: str, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Kernels and biases for a dense net with layer sizes ``sizes`` (inputs first).

    Returns one (W, b) pair per layer, float32, drawn from a generator seeded by ``seed`` alone.
    """
    init = get(initializer)
    rng = np.random.default_rng([seed, 0x1A17])
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        kernel = init.kernel(fan_in, fan_out, rng).astype(np.float32)
        bias = np.full(fan_out, init.bias, dtype=np.float32)
        layers.append((kernel, bias))
    return layers
