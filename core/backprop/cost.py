"""Why backwards: the cost of a full gradient by backpropagation against finite differences,
measured on a Keras model.

Backpropagation gets every ∂L/∂θ from one forward and one backward pass, whatever the number
of parameters P (the backward pass costs a small multiple of the forward one: Goodfellow,
Bengio & Courville, Deep Learning, §6.5.4). Central finite differences need two forward
passes per parameter (θᵢ ± h), so 2P passes: their cost grows with P, backpropagation's
hardly does. Both are timed here
on the same compiled loss; the finite-difference gradient is also compared with the
backpropagated one, so the timing is of two ways to the same numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from core import engine, limits
from core.params import Params, numbers

INPUTS, BATCH = 2, 32
#: The sweep: the chosen widths scaled by these factors (at least one unit each).
SWEEP_FACTORS = (0.125, 0.25, 0.5, 1.0)
#: Each way is timed as the best of this many calls (one backpropagation takes ~1 ms: a
#: single one would be at the mercy of whatever else the server does in that millisecond;
#: finite differences take up to ~0.3 s, so fewer).
BACKPROP_REPEATS, FD_REPEATS = 15, 2
#: Central differences in float64: h = 1e-6 leaves errors of ~1e-9 relative.
FD_STEP = 1e-6


def parameter_count(widths: tuple[int, ...], inputs: int = INPUTS) -> int:
    """Weights and biases of a dense network inputs → widths → 1."""
    sizes = (inputs, *widths, 1)
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


@dataclass(frozen=True)
class CostParams(Params):
    """The hidden layers of the model whose gradient is timed."""

    widths: tuple[int, ...] = numbers((16, 16), 1, 64, min_len=1, max_len=3,
                                      label="hidden widths",
                                      help="Units of each hidden layer (tanh) of a model "
                                           "2 → … → 1; the parameter count follows")

    def check(self) -> None:
        count = parameter_count(self.widths)
        if count > limits.BACKPROP_MAX_PARAMETERS:
            raise ValueError(f"widths: {', '.join(map(str, self.widths))} make {count:,} "
                             f"parameters; at most {limits.BACKPROP_MAX_PARAMETERS:,} are "
                             "timed (finite differences take 2 passes per parameter)")


@dataclass(frozen=True)
class Timing:
    """One model's gradient, timed both ways (seconds)."""

    widths: tuple[int, ...]
    parameters: int
    backprop_s: float
    finite_s: float
    #: Largest |backprop − finite difference| over all parameters, relative to the
    #: largest |∂L/∂θ|: both ways give the same gradient.
    mismatch: float

    @property
    def ratio(self) -> float:
        return self.finite_s / self.backprop_s


def sweep_widths(widths: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The models of the sweep: ``widths`` scaled down, smallest first, no two alike."""
    out: list[tuple[int, ...]] = []
    for f in SWEEP_FACTORS:
        scaled = tuple(max(1, round(w * f)) for w in widths)
        if scaled not in out:
            out.append(scaled)
    return out


def measure(widths: tuple[int, ...], seed: int = 0) -> Timing:
    """Build the Keras model 2 → widths → 1 (tanh, float64, seeded Glorot weights), then time
    its full gradient by ``tf.GradientTape`` and by central finite differences, each one
    compiled call (``tf.function``), so that both are timed without Python in the loop."""
    tf = engine.tensorflow()  # first: a background import of TensorFlow may be running
    import keras
    rng = np.random.default_rng([seed, 0xC057])
    x = tf.constant(rng.normal(size=(BATCH, INPUTS)))
    y = tf.constant(rng.normal(size=(BATCH, 1)))
    model = keras.Sequential(
        [keras.Input((INPUTS,), dtype="float64")]
        + [keras.layers.Dense(w, activation="tanh", dtype="float64",
                              kernel_initializer=keras.initializers.GlorotUniform(seed + i))
           for i, w in enumerate(widths)]
        + [keras.layers.Dense(1, dtype="float64",
                              kernel_initializer=keras.initializers.GlorotUniform(seed + 99))])
    weights = model.trainable_variables
    shapes = [tuple(w.shape) for w in weights]
    sizes = [int(np.prod(s)) for s in shapes]
    count = sum(sizes)

    def loss_at(theta):
        """The loss with the weights read from one flat vector θ (Keras's stateless call:
        the same model, other weights)."""
        values = [tf.reshape(t, s) for t, s in zip(tf.split(theta, sizes), shapes)]
        out, _ = model.stateless_call(values, [], x)
        return tf.reduce_mean(tf.square(out - y))

    @tf.function
    def gradient():
        with tf.GradientTape() as tape:
            value = tf.reduce_mean(tf.square(model(x) - y))
        return tf.concat([tf.reshape(g, [-1]) for g in tape.gradient(value, weights)], 0)

    @tf.function
    def finite(theta):
        def one(i):  # two forward passes for parameter i
            e = tf.one_hot(i, count, dtype=tf.float64) * FD_STEP
            return (loss_at(theta + e) - loss_at(theta - e)) / (2 * FD_STEP)
        # One parameter after the other, as a loop would: no batching of the passes.
        return tf.map_fn(one, tf.range(count), fn_output_signature=tf.float64,
                         parallel_iterations=1)

    theta = tf.concat([tf.reshape(w.value, [-1]) for w in weights], 0)
    backprop = gradient().numpy()  # both traced here, timed below
    estimate = finite(theta).numpy()
    backprop_s = _best_time(lambda: gradient().numpy(), BACKPROP_REPEATS)
    finite_s = _best_time(lambda: finite(theta).numpy(), FD_REPEATS)
    scale = float(np.max(np.abs(backprop))) or 1.0
    mismatch = float(np.max(np.abs(backprop - estimate))) / scale
    return Timing(tuple(widths), count, backprop_s, finite_s, mismatch)


def _best_time(run, repeats: int) -> float:
    """The shortest of ``repeats`` timed calls: on a shared server the others include time
    spent on other sessions' work (the convention of Python's timeit)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def sweep(p: CostParams) -> tuple[Timing, ...]:
    """Every model of the sweep timed, the chosen one last."""
    return tuple(measure(w) for w in sweep_widths(p.widths))


def notice(timings: tuple[Timing, ...]) -> str:
    """What the sweep shows, from its own numbers."""
    last = timings[-1]
    text = (f"With P = {last.parameters:,} parameters, backpropagation took "
            f"{_ms(last.backprop_s)} for the whole gradient and finite differences "
            f"{_ms(last.finite_s)} ({2 * last.parameters:,} forward passes): "
            f"{last.ratio:,.0f} times as long. "
            + ("Both gave the same gradient to 6 digits." if last.mismatch < 1e-6 else
               f"The two gradients differ by {last.mismatch:.1e} of the largest entry."))
    if len(timings) < 2:
        return text
    first = timings[0]
    if last.ratio > first.ratio:
        text += (f" At P = {first.parameters:,} the factor was {first.ratio:,.0f}: it grows "
                 "with P, because backpropagation's cost is that of a few forward passes "
                 "whatever P is, and finite differences need two per parameter. With millions "
                 "of parameters only backpropagation is affordable.")
    else:
        text += (f" At P = {first.parameters:,} the factor was {first.ratio:,.0f}: in this "
                 "measurement it did not grow with P: the timings are taken live on a shared "
                 "server, and other work can slow either side.")
    return text


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"
