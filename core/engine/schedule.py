"""What happens after each epoch, inside the compiled loop: divergence, the best epoch so
far, learning-rate reduction on a plateau and early stopping.

The state lives in TensorFlow variables so that it carries over from one compiled call (a
chunk of epochs between two snapshots) to the next, and is reset before every run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.engine.api import DIVERGENCE_FACTOR, Training
from core.engine.runtime import tensorflow

#: "Improved" for the plateau schedule and early stopping: lower than the best so far by
#: this fraction of it (Keras's ReduceLROnPlateau uses an absolute min_delta = 1e-4,
#: EarlyStopping min_delta = 0; a relative threshold suits losses of any scale).
IMPROVEMENT = 1e-4
#: The plateau schedule never lowers the learning rate below this (Keras's min_lr is 0).
MIN_LEARNING_RATE = 1e-7


class Schedule:
    """The after-epoch rules of one compiled trainer, over its ``variables`` (the weights
    that restore_best_weights copies)."""

    def __init__(self, optimizer: Any, variables: list[Any]) -> None:
        tf = tensorflow()

        def var(value, dtype=None):
            return tf.Variable(value, dtype=dtype, trainable=False)

        self.optimizer = optimizer
        self.variables = variables
        self.plateau_patience, self.plateau_factor = var(0), var(0.5)
        self.stop_patience = var(0)
        self.best = var(np.inf, tf.float32)
        self.plateau_wait, self.stop_wait = var(0), var(0)
        self.stopped, self.diverged = var(False), var(False)
        self.epochs_seen = var(0)
        self.first_loss = var(0.0, tf.float32)
        # Best-epoch weights (restore_best_weights): the lowest monitored loss, strictly.
        self.restore = var(False)
        self.best_exact = var(np.inf, tf.float32)
        self.best_epoch = var(0)
        self.best_weights = [tf.Variable(v, trainable=False) for v in variables]

    def reset(self, fit: Training) -> None:
        """Fresh state for a run trained as ``fit`` says."""
        self.plateau_patience.assign(fit.plateau_patience)
        self.plateau_factor.assign(fit.plateau_factor)
        self.stop_patience.assign(fit.early_stopping_patience)
        self.restore.assign(fit.restore_best_weights)
        for v, value in ((self.best, np.inf), (self.best_exact, np.inf), (self.plateau_wait, 0),
                         (self.stop_wait, 0), (self.stopped, False), (self.diverged, False),
                         (self.epochs_seen, 0), (self.first_loss, 0.0), (self.best_epoch, 0)):
            v.assign(value)

    # -- in the graph -------------------------------------------------------------------------

    def diverging(self, loss: Any) -> Any:
        """Whether ``loss`` (this epoch's) ends the run, by the rule of
        :func:`core.engine.first_divergence`; sets the ``diverged`` flag if so.

        Written with ``tf.where`` and ``tf.cond``, not Python ``if``: the loop is traced
        without AutoGraph (core.engine.trainer)."""
        tf = tensorflow()
        self.first_loss.assign(tf.where(self.epochs_seen == 0, loss, self.first_loss))
        blown_up = tf.logical_and(self.first_loss > 0.0,
                                  loss > DIVERGENCE_FACTOR * self.first_loss)
        bad = tf.logical_or(tf.logical_not(tf.math.is_finite(loss)), blown_up)
        self.diverged.assign(tf.logical_or(self.diverged, bad))
        return bad

    def watch(self, monitored: Any) -> Any:
        """After an epoch: keep the best weights, reduce the rate on a plateau, and flag
        early stopping; returns that flag."""
        tf = tensorflow()
        self.epochs_seen.assign_add(1)
        better = tf.logical_and(self.restore, monitored < self.best_exact)
        tf.cond(better, lambda: self._keep_best(monitored), lambda: tf.constant(False))
        improved = monitored < self.best * (1.0 - IMPROVEMENT)
        self.best.assign(tf.where(improved, monitored, self.best))
        self.plateau_wait.assign(tf.where(improved, 0, self.plateau_wait + 1))
        self.stop_wait.assign(tf.where(improved, 0, self.stop_wait + 1))
        plateau = tf.logical_and(self.plateau_patience > 0,
                                 self.plateau_wait >= self.plateau_patience)
        rate = self.optimizer.learning_rate
        rate.assign(tf.where(plateau, tf.maximum(rate * self.plateau_factor,
                                                 tf.constant(MIN_LEARNING_RATE)), rate))
        self.plateau_wait.assign(tf.where(plateau, 0, self.plateau_wait))
        stop = tf.logical_and(self.stop_patience > 0, self.stop_wait >= self.stop_patience)
        return self.stopped.assign(tf.logical_or(self.stopped, stop))

    def _keep_best(self, monitored: Any) -> Any:
        """The epoch just seen is the best so far: copy its weights (restore_best_weights)."""
        self.best_exact.assign(monitored)
        self.best_epoch.assign(self.epochs_seen)
        for best, v in zip(self.best_weights, self.variables):
            best.assign(v)
        return tensorflow().constant(True)

    # -- after the run ------------------------------------------------------------------------

    def restore_best(self) -> int:
        """Load the best epoch's weights; returns that epoch (0: none was recorded)."""
        epoch = int(self.best_epoch.numpy())
        if epoch > 0:
            for v, best in zip(self.variables, self.best_weights):
                v.assign(best)
        return epoch
