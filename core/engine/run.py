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
from core.limits import (
    MAX_TRAINERS,
    MAX_TRAININGS,
    STREAM_FIRST_CHUNK_STEPS,
    STREAM_MAX_CHUNK_STEPS,
    TRAINERS_PER_STRUCTURE,
)

#: Compiled trainers by structure, up to TRAINERS_PER_STRUCTURE each (one run at a time
#: each), MAX_TRAINERS in all, idle ones of the least recently used structures dropped first
#: (each holds ~12 MB; see benchmarks.memory_soak and benchmarks.concurrency).
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
    on_chunk: Callable[[TrainResult], None] | None = None,
    initial_weights: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> TrainResult:
    """Train ``net`` on ``data`` as ``fit`` says; never raises for a diverging run.

    ``snapshots_at`` lists the epochs (0 = initial weights) at which weights, and outputs on
    ``eval_x`` if given, are recorded; by default only the end of training. Training stops
    at the first epoch that :func:`first_divergence` flags, reported as ``diverged_at``.
    ``on_progress(epochs_done, epochs_total)`` is called after every compiled chunk of
    epochs (then about :data:`PROGRESS_CHUNKS` of them); it does not change the result.
    ``on_chunk(partial)`` streams the run: after every compiled call (the first after about
    ``STREAM_FIRST_CHUNK_STEPS`` steps, then doubling up to ``STREAM_MAX_CHUNK_STEPS``) it
    gets the run so far as a :class:`TrainResult` whose history ends at the epochs done and
    whose last snapshot holds the current weights. The final result is the same, number for
    number, as without it. An exception raised by a callback (Streamlit stopping the script
    for a newer click) ends the run there and leaves the trainer free and fit for the next
    run, which resets every variable it uses.

    ``initial_weights`` (one (kernel, bias) pair per layer, shaped as ``net.sizes`` says)
    start the run instead of ``net.initializer``'s draw from the seed: a start chosen on
    purpose, such as a classifier that is confidently wrong (Keras: ``model.set_weights``
    before ``fit``). The seed still decides the shuffles.

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
    start = (initializers.initial_weights(net.sizes, net.initializer, fit.seed)
             if initial_weights is None else _checked_weights(initial_weights, net))
    epochs_wanted = sorted({e for e in (snapshots_at or (fit.epochs,)) if 0 <= e <= fit.epochs})
    if not epochs_wanted or epochs_wanted[-1] != fit.epochs:
        epochs_wanted.append(fit.epochs)
    grid = None if eval_x is None else np.asarray(eval_x, np.float32)

    check_work(net, fit, len(x))

    def run() -> TrainResult:
        # The slot first: a run waiting in line holds no trainer, and a run holding a slot
        # waits for a trainer only while another slot holder trains the same structure.
        with SLOTS.hold(), TRAINERS.lease(Structure.of(net, fit)) as trainer, trainer.lock:
            trainer.reset(net, fit, start)
            return _run(trainer, net, fit, (x, y, xv, yv), grid, epochs_wanted, on_progress,
                        on_chunk, start)

    same_run = (net, fit, fingerprint(x, y, xv, yv, grid, *(a for pair in start for a in pair)),
                tuple(epochs_wanted))
    return RUNS.run(same_run, run)


#: With a progress callback, a run is cut into about this many compiled calls.
PROGRESS_CHUNKS = 20


def is_compiled(net: Network, fit: Training) -> bool:
    """Whether a compiled trainer for this run's structure is ready (else :func:`train`
    traces one first, about a second): lets a page say so before it waits."""
    return Structure.of(net, fit) in TRAINERS


def _chunks(stops: list[int], total: int, progress: bool, steps_per_epoch: int = 1,
            stream: bool = False) -> list[tuple[int, bool]]:
    """The epochs after which a compiled call returns, each with whether a snapshot is due.

    Streaming: calls of growing length, ``STREAM_FIRST_CHUNK_STEPS`` steps first, doubling up
    to ``STREAM_MAX_CHUNK_STEPS``, each ending early at a snapshot within its reach (a
    snapshot returns to Python anyway: one call fewer, each costing a few ms of overhead and
    a message to the page); with a progress callback about ``PROGRESS_CHUNKS`` equal calls;
    else one call per snapshot. Where the calls end never changes the numbers."""
    ends: set[int] = set()
    if stream:
        steps, epoch = STREAM_FIRST_CHUNK_STEPS, 0
        later = sorted(s for s in stops if s > 0)
        while epoch < total:
            reach = min(total, epoch + max(1, steps // max(1, steps_per_epoch)))
            epoch = next((s for s in later if epoch < s <= reach), reach)
            ends.add(epoch)
            steps = min(2 * steps, STREAM_MAX_CHUNK_STEPS)
    elif progress:
        step = max(1, -(-total // PROGRESS_CHUNKS))
        ends = set(range(step, total, step))
    else:
        return [(stop, True) for stop in stops]
    return [(e, e in stops) for e in sorted(ends | set(stops))]


def _checked_weights(weights, net: Network) -> list[tuple[np.ndarray, np.ndarray]]:
    """``weights`` as float32 pairs; ValueError naming the layer if a shape does not fit
    ``net`` or a value is not finite."""
    sizes = net.sizes
    _need(len(weights) == len(sizes) - 1,
          f"initial_weights: {len(sizes) - 1} (kernel, bias) pairs expected, got {len(weights)}")
    out = []
    for i, (kernel, bias) in enumerate(weights):
        kernel, bias = np.asarray(kernel, np.float32), np.asarray(bias, np.float32)
        _need(kernel.shape == (sizes[i], sizes[i + 1]) and bias.shape == (sizes[i + 1],),
              f"initial_weights: layer {i + 1} must be {(sizes[i], sizes[i + 1])} and "
              f"{(sizes[i + 1],)}, got {kernel.shape} and {bias.shape}")
        _need(bool(np.isfinite(kernel).all() and np.isfinite(bias).all()),
              f"initial_weights: layer {i + 1} holds NaN or infinite values")
        out.append((kernel, bias))
    return out


def _run(trainer: Trainer, net: Network, fit: Training, arrays, grid, stops,
         on_progress, on_chunk, start) -> TrainResult:
    tf = tensorflow()
    x, y, xv, yv = arrays
    x, xv = _padded(x, trainer.s.n_inputs), _padded(xv, trainer.s.n_inputs)
    grid = None if grid is None else _padded(grid, trainer.s.n_inputs)
    shuffles = np.random.default_rng([fit.seed, 0x5EED])
    batch = tf.constant(min(fit.batch_size, len(x)), tf.int32)
    parts: list[list[np.ndarray]] = [[], [], [], [], []]
    snaps: list[Snapshot] = []
    done, diverged_at, stopped_at = 0, None, None
    per_epoch = -(-len(x) // min(fit.batch_size, len(x)))
    for stop, snapshot in _chunks(stops, fit.epochs, on_progress is not None, per_epoch,
                                  on_chunk is not None):
        trained = stop > done
        if trained:
            perms = np.stack([shuffles.permutation(len(x)) for _ in range(stop - done)])
            records, ran = trainer.run(x, y, xv, yv, perms.astype(np.int32), batch)
            for part, rec in zip(parts, records):
                part.append(rec.numpy())
            done += int(ran)
            if bool(trainer.schedule.diverged.numpy()):
                diverged_at = done
            elif bool(trainer.schedule.stopped.numpy()):
                stopped_at = done
        ended = diverged_at is not None or stopped_at is not None
        if (snapshot or stopped_at is not None) and diverged_at is None:
            outputs = None if grid is None else trainer.predict(grid).numpy()
            snaps.append(Snapshot(done, trainer.weights(net), outputs))
        # Callbacks last: if one raises (a newer click), nothing after it is half done.
        if on_progress is not None and trained:
            on_progress(done, fit.epochs)
        if on_chunk is not None and trained and not ended:
            on_chunk(_partial(trainer, net, grid, parts, snaps, done, len(xv) > 0))
        if ended:
            break
    if not snaps:  # diverged before the first snapshot after epoch 0
        snaps.append(Snapshot(0, start, None))
    restored = None
    if fit.restore_best_weights:
        best = trainer.schedule.restore_best()
        if best > 0:
            outputs = None if grid is None else trainer.predict(grid).numpy()
            restored = Snapshot(best, trainer.weights(net), outputs)
    history = _history(parts, has_val=len(xv) > 0, classifier=net.is_classifier)
    return TrainResult(history, snaps, done, diverged_at, stopped_at, restored)


def _padded(a: np.ndarray, columns: int) -> np.ndarray:
    """``a`` with zero columns appended up to the trainer's (bucketed) number of inputs."""
    if a.shape[1] == columns:
        return a
    out = np.zeros((len(a), columns), np.float32)
    out[:, : a.shape[1]] = a
    return out


def _partial(trainer: Trainer, net: Network, grid, parts, snaps: list[Snapshot], done: int,
             has_val: bool) -> TrainResult:
    """The run so far, its last snapshot the current weights (streamed to ``on_chunk``)."""
    now = snaps[-1] if snaps and snaps[-1].epoch == done else Snapshot(
        done, trainer.weights(net), None if grid is None else trainer.predict(grid).numpy())
    history = _history(parts, has_val=has_val, classifier=net.is_classifier)
    return TrainResult(history, [*(s for s in snaps if s.epoch < done), now], done)


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
