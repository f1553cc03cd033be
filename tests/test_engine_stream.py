"""Streamed training (core.engine.train(..., on_chunk=...)): chunks arrive in order, each is
the run so far (checked against NumPy forward passes of its weights), the finished run is
bit-identical to the unstreamed one, and a run stopped from inside the callback (as Streamlit
stops a script for a newer click) leaves the trainer free and clean for the next run."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from core import engine
from core.engine import Training, train
from core.engine.run import SLOTS, TRAINERS, _chunks
from core.engine.trainer import Structure
from core.limits import STREAM_FIRST_CHUNK_STEPS, STREAM_MAX_CHUNK_STEPS
from tests.engine_reference import GRID, NET, assert_same_run, forward, np_loss, reg_data

DATA = reg_data(60, seed=3, n_val=20)
FIT = Training(loss="mse", optimizer="adam", learning_rate=0.02, batch_size=4, epochs=120,
               seed=5)
SNAPS = (0, 10, 60, 120)


def _streamed(fit: Training = FIT, data=DATA) -> tuple[engine.TrainResult, list]:
    chunks: list[engine.TrainResult] = []
    result = train(NET, fit, data, eval_x=GRID, snapshots_at=SNAPS, on_chunk=chunks.append)
    return result, chunks


def test_streamed_run_equals_the_plain_run_and_chunks_arrive_in_order() -> None:
    plain = train(NET, FIT, DATA, eval_x=GRID, snapshots_at=SNAPS)
    streamed, chunks = _streamed()
    assert_same_run(plain, streamed)
    epochs = [c.epochs_run for c in chunks]
    assert epochs == sorted(set(epochs)) and epochs[0] > 0 and epochs[-1] == FIT.epochs
    assert len(chunks) >= 5  # 15 batches per epoch, 1800 steps: several compiled calls
    x, y, xv, yv = DATA.arrays()
    for chunk in chunks:
        n = chunk.epochs_run
        assert all(len(v) == n for v in chunk.history.values())
        for key, values in chunk.history.items():  # a prefix of the finished history
            np.testing.assert_array_equal(values, plain.history[key][:n])
        now = chunk.snapshots[-1]
        assert now.epoch == n
        # The current weights are those whose losses the history recorded last.
        assert float(chunk.history["loss"][-1]) == pytest.approx(
            np_loss("mse", forward(now.weights, x), y), rel=1e-5)
        assert float(chunk.history["val_loss"][-1]) == pytest.approx(
            np_loss("mse", forward(now.weights, xv), yv), rel=1e-5)
        np.testing.assert_allclose(now.outputs, forward(now.weights, GRID), atol=1e-5)
        assert [s.epoch for s in chunk.snapshots[:-1]] == [e for e in SNAPS if e < n]
    last = chunks[-1].snapshots[-1]
    for (k, b), (k2, b2) in zip(last.weights, plain.final.weights):
        np.testing.assert_array_equal(k, k2)
        np.testing.assert_array_equal(b, b2)


def test_chunk_plan_grows_from_a_short_first_call_and_keeps_the_snapshots() -> None:
    plan = _chunks([0, 7, 300], 300, False, steps_per_epoch=25, stream=True)
    ends = [e for e, _ in plan]
    assert ends == sorted(set(ends)) and ends[-1] == 300
    assert [e for e, due in plan if due] == [0, 7, 300]
    first = STREAM_FIRST_CHUNK_STEPS // 25
    assert ends[1] == first  # after epoch 0 (a snapshot, nothing trained) the first call
    steps = np.diff([0, *[e for e in ends if e not in (0, 7)]]) * 25
    assert steps.max() <= STREAM_MAX_CHUNK_STEPS and steps[0] < steps[1] < steps[2]
    # Snapshots within a call's reach end it there: no extra call beside them.
    dense = list(range(0, 301, 10))
    assert [e for e, _ in _chunks(dense, 300, False, steps_per_epoch=25, stream=True)] == [
        0, first, *range(10, 301, 10)]
    # An epoch longer than a chunk: one epoch per call, never zero.
    assert [e for e, _ in _chunks([5], 5, False, steps_per_epoch=5000, stream=True)] == [
        1, 2, 3, 4, 5]
    # Without streaming the plans are unchanged: one call per snapshot.
    assert _chunks([0, 7, 300], 300, False) == [(0, True), (7, True), (300, True)]


@pytest.mark.parametrize("stop", [StopException, lambda: RerunException(None)])
def test_a_run_stopped_from_its_callback_leaves_the_trainer_clean(stop) -> None:
    # Regularised (a structure of its own): its rates are among what the next run resets.
    fit = dataclasses.replace(FIT, l1_rate=0.001, l2_rate=0.002)
    reference = train(NET, fit, DATA, eval_x=GRID, snapshots_at=SNAPS)
    # Another run of the same structure with other settings everywhere, stopped mid-way.
    other = dataclasses.replace(fit, learning_rate=0.5, seed=9, l1_rate=0.01, l2_rate=0.02,
                                plateau_patience=2, early_stopping_patience=30,
                                restore_best_weights=True)
    assert Structure.of(NET, other) == Structure.of(NET, fit)
    seen: list[int] = []

    def interrupt(partial: engine.TrainResult) -> None:
        seen.append(partial.epochs_run)
        if len(seen) == 2:
            raise stop()

    with pytest.raises((StopException, RerunException)):
        train(NET, other, DATA, on_chunk=interrupt)
    assert len(seen) == 2 and 0 < seen[-1] < other.epochs
    assert SLOTS.running == 0  # its training slot is given back
    with TRAINERS.lease(Structure.of(NET, fit)) as trainer:  # lent back to the pool
        assert trainer.lock.acquire(blocking=False)  # and its lock not left held
        trainer.lock.release()
    assert_same_run(reference, train(NET, fit, DATA, eval_x=GRID, snapshots_at=SNAPS))


def test_diverging_and_early_stopped_runs_stream_the_same_result() -> None:
    diverging = dataclasses.replace(FIT, optimizer="sgd", learning_rate=3.0)
    plain = train(NET, diverging, DATA, eval_x=GRID, snapshots_at=SNAPS)
    assert plain.diverged
    streamed, chunks = _streamed(diverging)
    assert_same_run(plain, streamed)
    assert streamed.diverged_at == plain.diverged_at
    assert all(c.epochs_run < plain.diverged_at for c in chunks)  # no chunk past the end
    stopping = dataclasses.replace(FIT, early_stopping_patience=5, restore_best_weights=True,
                                   epochs=400)
    plain = train(NET, stopping, DATA, eval_x=GRID, snapshots_at=SNAPS)
    assert plain.stopped_early_at is not None and plain.restored is not None
    streamed, _ = _streamed(stopping)
    assert_same_run(plain, streamed)
    assert streamed.restored.epoch == plain.restored.epoch


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adagrad", "adadelta", "rmsprop",
                                       "nesterov"])
def test_one_trainer_serves_every_feature_set_and_padded_inputs_stay_zero(optimizer) -> None:
    from core.engine.trainer import input_bucket

    assert [input_bucket(n) for n in (1, 2, 7, 8, 9)] == [8, 8, 8, 8, 16]
    fit = Training(loss="mse", optimizer=optimizer, learning_rate=0.05, batch_size=5,
                   epochs=4, l1_rate=0.001, l2_rate=0.01, seed=2)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30, 3)).astype(np.float32)
    net3 = dataclasses.replace(NET, n_inputs=3)
    assert Structure.of(net3, fit) == Structure.of(NET, fit)  # 2 and 3 inputs: one trainer
    result = train(net3, fit, engine.Data(x, x[:, :1] - x[:, 1:2] * x[:, 2:]))
    with TRAINERS.lease(Structure.of(net3, fit)) as trainer:
        kernel = trainer.dense[0].kernel.numpy()
    assert kernel.shape[0] == 8 and np.all(kernel[3:] == 0.0)  # padded rows never moved
    assert np.any(kernel[:3, :3] != 0.0)
    assert result.final.weights[0][0].shape == (3, 3)
