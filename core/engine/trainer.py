"""The compiled trainer: one Keras model and optimizer per structure, reset for every run.

All epochs between two snapshots, with all their mini-batches, run as one ``tf.function``
call: a ``tf.while_loop`` over epochs around a ``tf.while_loop`` over batches. Hidden layers
are padded to a width bucket with the unused units held at exactly zero, and the learning
rate, regularisation rates, initial weights, shuffles and batch size are inputs or
variables, so one trace serves every run that shares a :class:`Structure`.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from core import activations as act_registry
from core import initializers, optimizers
from core.engine import losses
from core.engine.api import Network, Training
from core.engine.runtime import apply_updates, tensorflow
from core.engine.schedule import Schedule
from core.limits import INPUT_BUCKET, MIN_BUCKET


def bucket(width: int) -> int:
    """The padded width a hidden layer of ``width`` units is compiled with.

    At least ``MIN_BUCKET`` (16): one trainer then serves every Playground-sized width
    (fewer compiled trainers, less memory, fewer waits for tracing), and on matrices this
    small the extra padded units cost less than the per-op overhead
    (benchmarks.training_speed)."""
    return max(MIN_BUCKET, 1 << (width - 1).bit_length())


def input_bucket(n_inputs: int) -> int:
    """The padded number of inputs a trainer is compiled with: a multiple of
    ``INPUT_BUCKET`` (8), so that one trainer serves every feature set of the Playground
    (1–7 inputs). Padded inputs are 0 and their weights start at 0, so every gradient and
    every optimizer's update of those weights is exactly 0: they stay 0 and change no
    number (the same argument as for padded units)."""
    return -(-n_inputs // INPUT_BUCKET) * INPUT_BUCKET


@dataclass(frozen=True)
class Structure:
    """Everything that changes the traced graph; runs that agree on it share a trainer."""

    n_inputs: int
    widths: tuple[int, ...]
    activations: tuple[str, ...]
    n_outputs: int
    output_activation: str
    dropout: float
    loss: str
    optimizer: str
    #: Whether steps apply L1/L2 (their rates are variables). Its own trainer rather than
    #: both step loops in one graph: a trainer with one loop traces in two thirds of the
    #: time and keeps 12 MB instead of 19.5 MB (eight 2-4-4-1 trainers, Adam, measured
    #: one after another in one process), and a run without regularisation skips its ~20 %
    #: of every step.
    regularize: bool = False

    @classmethod
    def of(cls, net: Network, fit: Training) -> Structure:
        width = bucket(max(net.hidden_units)) if net.hidden_units else 0
        return cls(input_bucket(net.n_inputs), (width,) * len(net.hidden_units), net.activation,
                   net.n_outputs, net.output_activation, net.dropout, fit.loss, fit.optimizer,
                   fit.l1_rate > 0 or fit.l2_rate > 0)


def dropout_states(seed: int, n_layers: int) -> list[np.ndarray]:
    """Independent dropout seed states, one per layer, from the run's seed.

    Keras advances a state [key, counter] by [0, 1] per draw, so layers must differ in the
    key: spawned child seeds give each layer its own 63-bit key (streams cannot run into
    each other, as counters started at fixed offsets would after enough steps)."""
    states = []
    for child in np.random.SeedSequence(seed).spawn(n_layers):
        hi, lo = (int(v) for v in child.generate_state(2, np.uint32))
        states.append(np.array([((hi << 32) | lo) & (2**63 - 1), 0], np.int64))
    return states


class Trainer:
    """One compiled Keras model + optimizer, reset and reused for every run of a structure.
    A run holds ``lock``: sessions training the same structure take turns."""

    def __init__(self, s: Structure) -> None:
        tf = tensorflow()
        import keras

        self.s = s
        self.loss = losses.get(s.loss).fn
        self.lock = threading.Lock()
        self.model = self._build_model(s, keras)
        self.optimizer = optimizers.get(s.optimizer).make(0.01)
        self.optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [np.array(v.numpy()) for v in self.optimizer.variables]
        self.l1 = tf.Variable(0.0, trainable=False)
        self.l2 = tf.Variable(0.0, trainable=False)
        self.schedule = Schedule(self.optimizer, self.model.trainable_variables)
        self.dense = [layer for layer in self.model.layers if isinstance(layer, keras.layers.Dense)]
        self.masks = [layer for layer in self.model.layers if isinstance(layer, _unit_mask_class())]
        self._kernel_positions = [i for i, v in enumerate(self.model.trainable_variables)
                                  if any(v is layer.kernel for layer in self.dense)]
        self.dropouts = [layer for layer in self.model.layers
                         if isinstance(layer, keras.layers.Dropout)]
        spec = tf.TensorSpec
        x, y = spec([None, s.n_inputs], tf.float32), spec([None, s.n_outputs], tf.float32)
        # A partial gives each trainer its own identity in TensorFlow's retracing detector,
        # which otherwise warns that "_run_epochs" retraces when it is one trace per trainer.
        # No AutoGraph: the loops are written out (see _run_epochs).
        self.run = tf.function(functools.partial(self._run_epochs), autograph=False,
                               input_signature=[x, y, x, y, spec([None, None], tf.int32),
                                                spec([], tf.int32)])
        self.predict = tf.function(functools.partial(self._outputs), autograph=False,
                                   input_signature=[x])

    @staticmethod
    def _build_model(s: Structure, keras: Any) -> Any:
        """Dense layers (unit masks after activations with σ(0) ≠ 0, dropout), ending in a
        linear layer: the logits, from which the loss is computed."""
        layers = [keras.Input((s.n_inputs,))]
        for width, name in zip(s.widths, s.activations):
            activation = act_registry.get(name)
            layers.append(keras.layers.Dense(width, activation=activation.keras))
            if not activation.zero_at_zero:
                layers.append(_unit_mask_class()(width))
            if s.dropout > 0:
                layers.append(keras.layers.Dropout(s.dropout, seed=0))
        layers.append(keras.layers.Dense(s.n_outputs))
        return keras.Sequential(layers)

    # -- one run ---------------------------------------------------------------------------

    def reset(self, net: Network, fit: Training,
              weights: list[tuple[np.ndarray, np.ndarray]] | None = None) -> None:
        """Load a run's initial weights (by default ``net.initializer``'s draw from the
        seed) and hyper-parameters into the compiled model."""
        if weights is None:
            weights = initializers.initial_weights(net.sizes, net.initializer, fit.seed)
        for layer, (kernel, bias) in zip(self.dense, weights):
            padded_k = np.zeros(layer.kernel.shape, np.float32)
            padded_k[: kernel.shape[0], : kernel.shape[1]] = kernel
            padded_b = np.zeros(layer.bias.shape, np.float32)
            padded_b[: bias.shape[0]] = bias
            layer.kernel.assign(padded_k)
            layer.bias.assign(padded_b)
        for mask, units in zip(self.masks, [u for u, a in zip(net.hidden_units, net.activation)
                                            if not act_registry.get(a).zero_at_zero]):
            value = np.zeros(mask.mask.shape, np.float32)
            value[:units] = 1.0
            mask.mask.assign(value)
        for var, start in zip(self.optimizer.variables, self._optimizer_start):
            var.assign(start)
        self.optimizer.learning_rate = fit.learning_rate
        self.l1.assign(fit.l1_rate)
        self.l2.assign(fit.l2_rate)
        self.schedule.reset(fit)
        for layer, state in zip(self.dropouts, dropout_states(fit.seed, len(self.dropouts))):
            layer.seed_generator.state.assign(state)

    def weights(self, net: Network) -> list[tuple[np.ndarray, np.ndarray]]:
        """The current weights, cut back from the padded widths to the network's own."""
        sizes = net.sizes
        out = []
        for i, layer in enumerate(self.dense):
            kernel = layer.kernel.numpy()[: sizes[i], : sizes[i + 1]].copy()
            bias = layer.bias.numpy()[: sizes[i + 1]].copy()
            out.append((kernel, bias))
        return out

    # -- the compiled part -----------------------------------------------------------------

    def _outputs(self, x: Any) -> Any:
        """The network's outputs (the output activation applied to the logits)."""
        return losses.activate(self.model(x, training=False), self.s.output_activation)

    def _accuracy(self, y: Any, p: Any) -> Any:
        tf = tensorflow()
        if self.s.output_activation == "softmax":
            hit = tf.equal(tf.argmax(p, axis=1), tf.argmax(y, axis=1))
        elif self.s.output_activation == "tanh":
            hit = tf.equal(p[:, 0] >= 0.0, y[:, 0] >= 0.0)
        else:
            hit = tf.equal(p[:, 0] >= 0.5, y[:, 0] >= 0.5)
        return tf.reduce_mean(tf.cast(hit, tf.float32))

    def _step(self, xb: Any, yb: Any) -> None:
        tf = tensorflow()
        with tf.GradientTape() as tape:
            loss = self.loss(yb, self.model(xb, training=True), self.s.output_activation)
        variables = self.model.trainable_variables
        grads = tape.gradient(loss, variables)
        # L2 on the kernels (not the biases), added to the gradient in closed form:
        # d/dW λ₂‖W‖² = 2λ₂ W (cheaper than a penalty on the tape).
        if self.s.regularize:
            for i in self._kernel_positions:
                grads[i] = grads[i] + (2.0 * self.l2) * variables[i]
        rate = apply_updates(self.optimizer, grads, variables)
        # L1 as a proximal step (soft threshold) on the kernels, as TensorFlow Playground
        # does: w ← sign(w)·max(|w| − α·λ₁, 0). Unlike a λ₁·sign(w) gradient term, which
        # makes small weights flip sign forever, it sets them to exactly 0.
        if self.s.regularize:
            shrink = rate * self.l1
            for i in self._kernel_positions:
                w = variables[i]
                w.assign(tf.sign(w) * tf.maximum(tf.abs(w) - shrink, 0.0))

    def _run_epochs(self, x, y, xv, yv, perms, batch_size):
        """Train one epoch per row of ``perms`` (the shuffle of that epoch).

        Returns per-epoch train/validation loss and accuracy and learning rate, and how many
        epochs ran (fewer than asked when the run diverged or training stopped early).

        Traced without AutoGraph (``tf.while_loop`` and ``tf.cond`` written out): AutoGraph
        imports its source transformer (~2 s) on a server's first trace and rewrites the
        source of every function the loop calls, Keras's included, on every trace. The
        updates happen in the order of the code: TensorFlow orders the ops on each variable
        as they were written.
        """
        tf = tensorflow()
        n = tf.shape(x)[0]
        n_batches = (n + batch_size - 1) // batch_size
        has_validation = tf.shape(xv)[0] > 0
        out = self.s.output_activation

        def batches(xs, ys):
            def step(b):
                start = b * batch_size
                self._step(xs[start:start + batch_size], ys[start:start + batch_size])
                return b + 1
            return tf.while_loop(lambda b: b < n_batches, step, [tf.constant(0)])

        def epoch_body(epoch, running, records):
            xs = tf.gather(x, perms[epoch])
            ys = tf.gather(y, perms[epoch])
            rate = tf.cast(self.optimizer.learning_rate, tf.float32)
            batches(xs, ys)
            # One forward pass over training and validation points together, no dropout.
            z = self.model(tf.concat([x, xv], axis=0), training=False)
            p = losses.activate(z, out)
            loss, val_loss = self.loss(y, z[:n], out), self.loss(yv, z[n:], out)
            values = (loss, val_loss, self._accuracy(y, p[:n]), self._accuracy(yv, p[n:]), rate)
            records = [r.write(epoch, v) for r, v in zip(records, values)]
            diverging = self.schedule.diverging(loss)
            # A diverged epoch ends the run before the after-epoch rules see it.
            stopped = tf.cond(diverging, lambda: tf.constant(True), lambda: self.schedule.watch(
                tf.where(has_validation, val_loss, loss)))
            return epoch + 1, tf.logical_not(stopped), records

        records = [tf.TensorArray(tf.float32, size=0, dynamic_size=True) for _ in range(5)]
        done, _, records = tf.while_loop(
            lambda epoch, running, records: tf.logical_and(running, epoch < tf.shape(perms)[0]),
            epoch_body, [tf.constant(0), tf.constant(True), records])
        return [r.stack() for r in records], done


@functools.cache
def _unit_mask_class() -> Any:
    """The Keras layer class for unit masks (made lazily: Keras loads only when training)."""
    import keras

    class UnitMask(keras.layers.Layer):
        """Multiplies each unit by 0 or 1, so padded units stay exactly zero.

        Needed only after activations with σ(0) ≠ 0 (sigmoid, softplus): a padded unit would
        otherwise emit σ(0) and its outgoing weights would learn.
        """

        def __init__(self, units: int, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.mask = self.add_weight(shape=(units,), initializer="ones", trainable=False,
                                        name="mask")

        def call(self, inputs):
            return inputs * self.mask

    return UnitMask
