"""The training engine every page trains through.

A run is described by two small frozen dataclasses, :class:`Network` (what is trained) and
:class:`Training` (how), plus the :class:`Data`. :func:`train` returns plain arrays: the loss
and metric per epoch, and snapshots (weights and outputs on an evaluation grid) at chosen
epochs, from which a page replays training without training again.

Modules: ``api`` (the dataclasses and the divergence rule), ``losses`` (the loss registry,
from logits), ``schedule`` (after-epoch rules), ``trainer`` (the compiled trainer),
``cache`` (build once per key), ``pool`` (trainers lent one run at a time), ``slots``
(how many runs train at once), ``budget`` (the work one run may ask for), ``runtime``
(TensorFlow's configuration and the shared optimizer-update step), ``run`` (:func:`train`).

Why it is built the way it is (measurements in ``benchmarks/``):

* Speed. ``model.fit`` spends most of its time in Python between tiny batches. Here all
  epochs between two snapshots, with all their mini-batches, run as one ``tf.function``
  call: a ``tf.while_loop`` over epochs around a ``tf.while_loop`` over batches, with a
  Keras model and a Keras optimizer inside (Keras's own ``update_step``).
* Memory and latency. Tracing such a function takes about a second, a compiled trainer
  holds ~12 MB, and TensorFlow never frees all of it (~1.3 MB stays after it is dropped).
  So compiled trainers are kept and reused across parameter sets: hidden layers are padded
  to a width bucket (16, 32, 64, 128) with the unused units held at exactly zero, and the
  learning rate, regularisation rates, initial weights, shuffles and batch size are inputs
  or variables, not constants. Changing a width, a rate or the seed reuses a compiled
  trainer; only a new depth, activation, loss or optimizer compiles a new one, once even
  when several sessions ask at the same time; a structure gets a second trainer
  (``TRAINERS_PER_STRUCTURE``) only when two of its runs train at once, and at most
  ``MAX_TRAINERS`` are kept in all.
* Load. At most ``MAX_TRAININGS`` runs train at once (about the cores); the others wait in
  line, first come first served, and the page shows the wait. A run above ``MAX_WORK``
  (epochs × samples × parameters) is refused with a message naming its settings.
* Determinism. Nothing uses process-wide random state: initial weights are drawn in NumPy
  from the run's seed, shuffles are precomputed from it, each dropout layer's generator is
  reset to its own stream derived from it. A trainer is lent to one run at a time, so
  sessions training at once cannot disturb each other.

Every difference from ``model.compile(...)`` + ``model.fit(x, y, batch_size, epochs,
shuffle=True, validation_data=...)`` with the same initial weights:

* History. ``loss`` (and ``accuracy``) is measured after each epoch on all training points
  with the epoch's final weights, without dropout and without the L1/L2 penalty; ``fit``
  reports the running mean over the epoch's batches, with dropout active and the penalty
  included. ``val_loss`` is the same in both (end of epoch, no dropout, no penalty).
  ``learning_rate`` is the rate used during each epoch.
* Losses from logits. The last Dense layer is linear and the output activation is applied
  in the loss (cross-entropies with ``from_logits=True``) and wherever outputs are returned;
  ``fit`` on a model with a sigmoid/softmax layer computes the cross-entropy from clipped
  probabilities (at most ~16.1 per point). The recorded loss is the loss minimised.
* L1 is a proximal step after each update, w ← sign(w)·max(|w| − α·λ₁, 0), on kernels
  only (TensorFlow Playground's rule), so weights become exactly 0; Keras's L1 regularizer
  adds λ₁·sign(w) to the gradient instead. L2 is λ₂·‖W‖² on kernels, in the gradient, as
  ``keras.regularizers.L2(λ₂)``. Biases are never regularised.
* Shuffling. The training points are reshuffled every epoch from the run's seed (NumPy);
  the last batch of an epoch is the remainder (smaller), as in ``fit``, but the order is
  not the one ``fit`` would draw.
* Reduce on plateau (``plateau_patience``) and early stopping (``early_stopping_patience``)
  watch ``val_loss`` if there is validation data, else ``loss``. "Improved" means lower
  than the best so far by 1e-4 of it (relative; Keras: ReduceLROnPlateau min_delta 1e-4
  absolute, EarlyStopping min_delta 0), no cooldown, the rate never below 1e-7.
* ``restore_best_weights`` returns the weights of the epoch with the strictly lowest
  monitored loss whether or not training stopped early (Keras restores only when it
  stopped); the snapshots for replay stay as trained.
* Divergence. Training stops at the first epoch whose loss is not finite or more than
  :data:`DIVERGENCE_FACTOR` times the first epoch's (:func:`first_divergence`) and reports
  it as ``diverged_at``; ``fit`` goes on (or stops only with TerminateOnNaN).
* Optimizer options that ``optimizer.apply`` implements around the update rule (clipnorm,
  clipvalue, global_clipnorm, weight_decay, use_ema) are refused with a ValueError.
"""

from core.engine.api import (
    DIVERGENCE_FACTOR,
    OUTPUT_ACTIVATIONS,
    Data,
    Network,
    Snapshot,
    Training,
    TrainResult,
    check_loss,
    first_divergence,
    snapshot_epochs,
)
from core.engine.budget import WorkLimitError, check_work, work
from core.engine.cache import BuildOnce
from core.engine.losses import LOSSES, Loss
from core.engine.run import (
    PROGRESS_CHUNKS,
    SLOTS,
    TRAINERS,
    compiled_trainers,
    is_compiled,
    train,
)
from core.engine.runtime import IGNORED_OPTIONS, apply_updates, check_optimizer, tensorflow
from core.engine.slots import notify_waits
from core.limits import (
    MAX_EPOCHS,
    MAX_LAYERS,
    MAX_POINTS,
    MAX_TRAINERS,
    MAX_TRAININGS,
    MAX_UNITS,
    MAX_WORK,
    TRAINERS_PER_STRUCTURE,
)

__all__ = [
    "DIVERGENCE_FACTOR", "IGNORED_OPTIONS", "LOSSES", "MAX_EPOCHS", "MAX_LAYERS", "MAX_POINTS",
    "MAX_TRAINERS", "MAX_TRAININGS", "MAX_UNITS", "MAX_WORK", "OUTPUT_ACTIVATIONS",
    "PROGRESS_CHUNKS", "SLOTS", "TRAINERS", "TRAINERS_PER_STRUCTURE",
    "BuildOnce", "Data", "Loss", "Network", "Snapshot", "TrainResult", "Training",
    "WorkLimitError", "apply_updates", "check_loss", "check_optimizer", "check_work",
    "compiled_trainers", "first_divergence", "is_compiled", "notify_waits", "snapshot_epochs",
    "tensorflow", "train", "work",
]
