"""Weight initialisation schemes, drawn in NumPy from an explicit generator.

Initial weights are made here rather than by Keras initialisers so that a run depends on
nothing but its ``seed`` (no process-wide random state shared with other sessions), and so
that the same numbers can be padded into a larger compiled network (see ``core.engine``).
The distributions are Keras's: Glorot and He normal are *truncated* normals, cut at two
standard deviations with the standard deviation corrected so that the variance is still
2/(n_in + n_out) or 2/n_in (``keras.initializers.VarianceScaling``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Standard deviation of a unit normal truncated at ±2σ (Keras's correction constant):
#: dividing σ by it makes the truncated draw's variance the intended σ².
TRUNCATED_STD = 0.87962566103423978
#: The value of every weight under the "constant" initializer.
CONSTANT_VALUE = 0.1


@dataclass(frozen=True)
class Initializer:
    name: str
    label: str
    latex: str
    kernel: Callable[[int, int, np.random.Generator], np.ndarray]
    #: The Keras kernel initializer that draws from the same distribution (seed filled in).
    keras: str
    bias: float = 0.0

    def code(self, seed: int) -> str:
        """The Python expression of the Keras kernel initializer (for exported code)."""
        return self.keras.format(seed=seed)


def _uniform(limit: Callable[[int, int], float]):
    def draw(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        a = limit(fan_in, fan_out)
        return rng.uniform(-a, a, size=(fan_in, fan_out))
    return draw


def _normal(std: Callable[[int, int], float]):
    def draw(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, std(fan_in, fan_out), size=(fan_in, fan_out))
    return draw


def truncated_normal(shape: tuple[int, ...], std: float, rng: np.random.Generator) -> np.ndarray:
    """N(0, std²) restricted to ±2·std, as ``keras.random.truncated_normal`` draws it:
    values outside are drawn again until none is left."""
    out = rng.normal(0.0, std, size=shape)
    bad = np.abs(out) > 2.0 * std
    while bad.any():
        out[bad] = rng.normal(0.0, std, size=int(bad.sum()))
        bad = np.abs(out) > 2.0 * std
    return out


def _variance_scaling(variance: Callable[[int, int], float]):
    """Keras's truncated-normal VarianceScaling: the draw's variance is ``variance``."""
    def draw(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
        std = np.sqrt(variance(fan_in, fan_out)) / TRUNCATED_STD
        return truncated_normal((fan_in, fan_out), std, rng)
    return draw


INITIALIZERS: dict[str, Initializer] = {
    i.name: i
    for i in (
        Initializer("glorot_uniform", "Glorot (Xavier) uniform",
                    r"W \sim U(-a, a),\; a = \sqrt{3}\sqrt{2/(n_\mathrm{in}+n_\mathrm{out})}",
                    _uniform(lambda i, o: np.sqrt(6.0 / (i + o))),
                    "keras.initializers.GlorotUniform(seed={seed})"),
        Initializer("glorot_normal", "Glorot (Xavier) normal",
                    r"W \sim \mathcal{N}_{\pm 2\sigma}(0, \sigma^2),\;"
                    r" \mathrm{Var}[W] = 2/(n_\mathrm{in}+n_\mathrm{out})",
                    _variance_scaling(lambda i, o: 2.0 / (i + o)),
                    "keras.initializers.GlorotNormal(seed={seed})"),
        Initializer("he_uniform", "He uniform",
                    r"W \sim U(-a, a),\; a = \sqrt{3}\sqrt{2/n_\mathrm{in}}",
                    _uniform(lambda i, o: np.sqrt(6.0 / i)),
                    "keras.initializers.HeUniform(seed={seed})"),
        Initializer("he_normal", "He normal",
                    r"W \sim \mathcal{N}_{\pm 2\sigma}(0, \sigma^2),\;"
                    r" \mathrm{Var}[W] = 2/n_\mathrm{in}",
                    _variance_scaling(lambda i, o: 2.0 / i),
                    "keras.initializers.HeNormal(seed={seed})"),
        Initializer("playground", "TensorFlow Playground: U(−0.5, 0.5), bias 0.1",
                    r"W \sim U(-0.5, 0.5),\; b = 0.1", _uniform(lambda i, o: 0.5),
                    "keras.initializers.RandomUniform(-0.5, 0.5, seed={seed})", bias=0.1),
        Initializer("small", "too small: N(0, 0.01²)", r"W \sim \mathcal{N}(0, 0.01^2)",
                    _normal(lambda i, o: 0.01),
                    "keras.initializers.RandomNormal(stddev=0.01, seed={seed})"),
        Initializer("large", "too large: N(0, 1)", r"W \sim \mathcal{N}(0, 1)",
                    _normal(lambda i, o: 1.0),
                    "keras.initializers.RandomNormal(stddev=1.0, seed={seed})"),
        Initializer("zeros", "all zeros (no symmetry breaking)", r"W = 0",
                    lambda i, o, rng: np.zeros((i, o)), "keras.initializers.Zeros()"),
        Initializer("constant", f"constant: every weight {CONSTANT_VALUE} (no symmetry breaking)",
                    rf"W = {CONSTANT_VALUE}",
                    lambda i, o, rng: np.full((i, o), CONSTANT_VALUE),
                    f"keras.initializers.Constant({CONSTANT_VALUE!r})"),
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
