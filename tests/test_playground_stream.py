"""A streamed Playground run (core.playground.run(..., on_chunk=...)): the first chunk is the
untrained network, measured in NumPy here; later chunks follow in order; the finished run is
the same, number for number, as the unstreamed one (also with a validation set watched)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import engine, features, network
from core import playground as pg
from core.initializers import initial_weights

P = pg.PlaygroundParams


def _streamed(p: pg.PlaygroundParams) -> tuple[pg.PlaygroundRun, list[pg.Chunk]]:
    chunks: list[pg.Chunk] = []
    return pg.run(p, on_chunk=chunks.append), chunks


def _assert_same(a: pg.PlaygroundRun, b: pg.PlaygroundRun) -> None:
    assert a.result.history.keys() == b.result.history.keys()
    for key in a.result.history:
        np.testing.assert_array_equal(a.result.history[key], b.result.history[key], key)
    assert [s.epoch for s in a.result.snapshots] == [s.epoch for s in b.result.snapshots]
    for x, y in zip(a.grid_outputs, b.grid_outputs, strict=True):
        np.testing.assert_array_equal(x, y)
    for key in a.test_history:
        np.testing.assert_array_equal(a.test_history[key], b.test_history[key])
    assert a.metrics.train_loss == b.metrics.train_loss
    assert a.metrics.test_accuracy == b.metrics.test_accuracy


@pytest.mark.parametrize("p", [
    P(epochs=150),
    P(dataset="xor", hidden_units=(3,), activation="relu", early_stopping=True, epochs=150,
      batch_size=25),
])
def test_streamed_run_is_the_plain_run_and_chunks_come_in_order(p) -> None:
    plain = pg.run(p)
    streamed, chunks = _streamed(p)
    _assert_same(plain, streamed)
    done = [c.epochs_done for c in chunks]
    assert done[0] == 0 and done == sorted(set(done)) and done[-1] == plain.result.epochs_run
    assert all(c.epochs_total == plain.epochs for c in chunks)
    for chunk in chunks[1:]:
        r = chunk.run
        assert len(r.result.history["loss"]) == chunk.epochs_done
        assert len(r.grid_outputs) == 1 and r.result.snapshots[-1].epoch == chunk.epochs_done
        # The picture is the current weights' output over the plane (NumPy forward pass).
        grid = features.feature_matrix(r.plane.to_network(r.plane.grid(pg.GRID_SIZE)),
                                       p.feature_names)
        expected = network.predict(r.result.snapshots[-1].weights, r.activations,
                                   r.head.output_activation, grid)
        np.testing.assert_allclose(r.grid_outputs[0], expected, atol=1e-5)
        assert r.metrics.train_loss == pytest.approx(float(r.result.history["loss"][-1]))


def test_the_first_chunk_is_the_untrained_network_with_its_loss() -> None:
    p = P(dataset="gauss", hidden_units=(5,), activation="elu", seed=4, epochs=20)
    _, chunks = _streamed(p)
    first = chunks[0].run
    weights = initial_weights((2, 5, 1), "playground", 4)
    x = first.inputs(first.train.x)
    out = np.tanh(np.where((z := x @ weights[0][0] + weights[0][1]) > 0, z, np.expm1(z))
                  @ weights[1][0] + weights[1][1])
    target = np.where(first.train.y == 1, 1.0, -1.0)
    assert first.metrics.train_loss == pytest.approx(0.5 * np.mean((out[:, 0] - target) ** 2))
    assert first.metrics.train_accuracy == pytest.approx(np.mean((out[:, 0] >= 0) ==
                                                                 (first.train.y == 1)))
    assert first.result.epochs_run == 0 and len(first.result.history["loss"]) == 0
    assert not math.isnan(first.metrics.test_loss)


def test_the_first_chunk_says_when_a_structure_is_compiled_first() -> None:
    p = P(hidden_units=(3, 3, 3, 3, 3), activation="softplus", epochs=5)
    net = pg.network_of(p, pg.Head.of(p, 2))
    fit = pg.training_of(p, pg.Head.of(p, 2), 5)
    compiled_before = engine.is_compiled(net, fit)
    _, chunks = _streamed(p)
    assert chunks[0].compiling is (not compiled_before)
    assert engine.is_compiled(net, fit)
    _, again = _streamed(p.replace(seed=7))
    assert again[0].compiling is False and not any(c.compiling for c in again)


def _structure(p: pg.PlaygroundParams):
    from core.engine.trainer import Structure

    head = pg.Head.of(p, 2)
    return Structure.of(pg.network_of(p, head), pg.training_of(p, head, p.epochs))


def test_start_up_compiles_neighbours_one_click_away_that_nothing_else_compiles() -> None:
    from core.playground.exercises import NEIGHBOURS

    default = P()
    already = {_structure(default)} | {_structure(p) for p in pg.CONFIGURATIONS}
    for p in NEIGHBOURS:
        changed = [f for f in P.field_names() if getattr(p, f) != getattr(default, f)]
        # One control away from the defaults (a penalty counts with its rate: without one
        # it is off).
        assert len(changed) == 1 or changed == ["regularization", "regularization_rate"], changed
        assert _structure(p) not in already  # a trainer nothing else compiles
        already.add(_structure(p))
    # Neighbours that need no entry: another width, feature set, rate or seed.
    for p in (P(hidden_units=(8, 3)), P(x1_sq=True, sin_x2=True), P(learning_rate=1.0),
              P(seed=5)):
        assert _structure(p) == _structure(default)
    # Regularisation's rate is a variable: one regularised trainer serves every rate.
    assert _structure(P(regularization="l2", regularization_rate=0.1)) == _structure(
        P(regularization="l1", regularization_rate=0.003)) != _structure(default)


def test_the_overtraining_exercise_streams_each_run_without_changing_it() -> None:
    from core import overtraining as ot

    p = ot.ExerciseParams(hidden_layers=2, units=4, epochs_2d=250)
    seen: list[tuple[str, int]] = []
    streamed = ot.run_step(p, "l1", on_chunk=lambda c: seen.append(("l1", c.epochs_done)))
    plain = ot.run_step(p, "l1")
    np.testing.assert_array_equal(streamed.result.history["loss"], plain.result.history["loss"])
    assert ot.summary(streamed, "l1") == ot.summary(plain, "l1")
    assert seen[0] == ("l1", 0) and seen[-1] == ("l1", len(plain.result.history["loss"]))
