"""The public entry point: :func:`train` a network, get plain arrays back."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core import initializers
from core.engine.api import Data, Network, Snapshot, Training, TrainResult, _need, check_loss
from core.engine.budget import check_work
from core.engine.inflight import InFlight, fingerprint
from core.engine.pool import Pools
from core.engine.runtime import tensorflow
from core.engine.slots import TrainingSlots
from core.engine.trainer import Structure, Trainer
from core.limits import MAX_TRAINERS, MAX_TRAININGS, TRAINERS_PER_STRUCTURE

#: Compiled trainers by structure, up to TRAINERS_PER_STRUCTURE each (one run at a time
#: each), MAX_TRAINERS in all, idle ones of the least recently used structures dropped first
#: (each holds ~9 MB; see benchmarks.memory_soak and benchmarks.concurrency).
TRAINERS: Pools[Structure, Trainer] = Pools(Trainer, TRAINERS_PER_STRUCTURE, MAX_TRAINERS)
#: At most MAX_TRAININGS runs train at once in the process; the others wait in line.
SLOTS = TrainingSlots(MAX_TRAININGS)
#: Runs in progress: the same run asked for again meanwhile waits for it, not trains again.
RUNS: InFlight[tuple, TrainResult] = InFlight()


def compiled_trainers() -> int:
    """How many compiled trainers are alive (for benchmarks and tests)."""
    return len(TRAINERS)


def train(
    net: Network,
    fit: Training,
    data: Data,
    *,
    eval_x: np.ndarray | None = None,
    snapshots_at: tuple[int, ...] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TrainResult:
    """Train ``net`` on ``data`` as ``fit`` says; never raises for a diverging run.

    ``snapshots_at`` lists the epochs (0 = initial weights) at which weights, and outputs on
    ``eval_x`` if given, are recorded; by default only the end of training. Training stops
    at the first epoch that :func:`first_divergence` flags, reported as ``diverged_at``.
    ``on_progress(epochs_done, epochs_total)`` is called after every compiled chunk of
    epochs (then about :data:`PROGRESS_CHUNKS` of them); it does not change the result.

    Raises :class:`~core.engine.budget.WorkLimitError` (a ValueError) for a run above
    ``MAX_WORK``. Waits for one of the ``MAX_TRAININGS`` slots (a listener registered with
    :func:`core.engine.slots.notify_waits` hears about the wait), then for a trainer of
    the structure. The same run asked for while it trains is not trained again: the later
    caller gets a copy of its result (its callbacks are not called).
    """
    x, y, xv, yv = data.arrays()
    _need(x.shape[1] == net.n_inputs, f"x_train has {x.shape[1]} columns, the network "
                                      f"expects n_inputs={net.n_inputs}")
    _need(y.shape[1] == net.n_outputs, f"y_train has {y.shape[1]} columns, the network "
                                       f"expects n_outputs={net.n_outputs}")
    check_loss(net, fit)
    epochs_wanted = sorted({e for e in (snapshots_at or (fit.epochs,)) if 0 <= e <= fit.epochs})
    if not epochs_wanted or epochs_wanted[-1] != fit.epochs:
        epochs_wanted.append(fit.epochs)
    grid = None if eval_x is None else np.asarray(eval_x, np.float32)

    check_work(net, fit, len(x))

    def run() -> TrainResult:
        # The slot first: a run waiting in line holds no trainer, and a run holding a slot
        # waits for a trainer only while another slot holder trains the same structure.
        with SLOTS.hold(), TRAINERS.lease(Structure.of(net, fit)) as trainer, trainer.lock:
            trainer.reset(net, fit)
            return _run(trainer, net, fit, (x, y, xv, yv), grid, epochs_wanted, on_progress)

    same_run = (net, fit, fingerprint(x, y, xv, yv, grid), tuple(epochs_wanted))
    return RUNS.run(same_run, run)


#: With a progress callback, a run is cut into about this many compiled calls.
PROGRESS_CHUNKS = 20


def _chunks(stops: list[int], total: int, progress: bool) -> list[tuple[int, bool]]:
    """The epochs after which a compiled call returns, each with whether a snapshot is due."""
    if not progress:
        return [(stop, True) for stop in stops]
    step = max(1, -(-total // PROGRESS_CHUNKS))
    ends = set(range(step, total, step))
    return [(e, e in stops) for e in sorted(ends | set(stops))]


def _run(trainer: Trainer, net: Network, fit: Training, arrays, grid, stops,
         on_progress) -> TrainResult:
    tf = tensorflow()
    x, y, xv, yv = arrays
    shuffles = np.random.default_rng([fit.seed, 0x5EED])
    batch = tf.constant(min(fit.batch_size, len(x)), tf.int32)
    parts: list[list[np.ndarray]] = [[], [], [], [], []]
    snaps: list[Snapshot] = []
    done, diverged_at, stopped_at = 0, None, None
    for stop, snapshot in _chunks(stops, fit.epochs, on_progress is not None):
        if stop > done:
            perms = np.stack([shuffles.permutation(len(x)) for _ in range(stop - done)])
            records, ran = trainer.run(x, y, xv, yv, perms.astype(np.int32), batch)
            for part, rec in zip(parts, records):
                part.append(rec.numpy())
            done += int(ran)
            if on_progress is not None:
                on_progress(done, fit.epochs)
            if bool(trainer.schedule.diverged.numpy()):
                diverged_at = done
                break
            if bool(trainer.schedule.stopped.numpy()):
                stopped_at = done
        if snapshot or stopped_at is not None:
            outputs = None if grid is None else trainer.predict(grid).numpy()
            snaps.append(Snapshot(done, trainer.weights(net), outputs))
        if stopped_at is not None:
            break
    if not snaps:  # diverged before the first snapshot after epoch 0
        snaps.append(Snapshot(0, initializers.initial_weights(net.sizes, net.initializer,
                                                                fit.seed), None))
    restored = None
    if fit.restore_best_weights:
        best = trainer.schedule.restore_best()
        if best > 0:
            outputs = None if grid is None else trainer.predict(grid).numpy()
            restored = Snapshot(best, trainer.weights(net), outputs)
    history = _history(parts, has_val=len(xv) > 0, classifier=net.is_classifier)
    return TrainResult(history, snaps, done, diverged_at, stopped_at, restored)


def _history(parts: list[list[np.ndarray]], *, has_val: bool, classifier: bool
             ) -> dict[str, np.ndarray]:
    loss, val_loss, acc, val_acc, rate = (np.concatenate(p) if p else np.zeros(0, np.float32)
                                          for p in parts)
    history = {"loss": loss, "learning_rate": rate}
    if has_val:
        history["val_loss"] = val_loss
    if classifier:
        history["accuracy"] = acc
        if has_val:
            history["val_accuracy"] = val_acc
    return history
