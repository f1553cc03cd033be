"""Tests for core.playground and its figures: Playground's semantics against hand-written
NumPy, the lecture's exercises qualitatively, exports that run, and figures Plotly accepts.

The data-set generators themselves are checked against Playground's formulas in
tests/test_datasets.py.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from core import datasets, features, initializers
from core import playground as pg
from core.datasets import Dataset
from core.figures import playground as fig_pg
from core.initializers import initial_weights
from core.playground import exercises

P = pg.PlaygroundParams


@pytest.fixture(scope="module")
def default_run() -> pg.PlaygroundRun:
    return pg.run(P())


@pytest.fixture(scope="module")
def blobs_run() -> pg.PlaygroundRun:
    return pg.run(P(dataset="three_blobs", noise=20, hidden_units=(4,), epochs=200))


@pytest.fixture(scope="module")
def plane_run() -> pg.PlaygroundRun:
    return pg.run(P(dataset="plane", hidden_units=(), epochs=100))


def small_data(kind: str = "classification") -> Dataset:
    x = np.array([[1.0, 2.0], [-1.0, 0.5], [2.0, -1.0], [-2.0, -2.0], [0.5, 1.5], [1.5, -0.5],
                  [-0.5, -1.0], [3.0, 1.0]])
    if kind == "regression":
        return Dataset(x, x.sum(axis=1) / 10, "regression", 0)
    return Dataset(x, np.array([1, 0, 1, 0, 1, 1, 0, 1], np.int64), "classification", 2)


# ----------------------------------------------------------------------------------------
# Parameters and links
# ----------------------------------------------------------------------------------------


def test_defaults_are_playgrounds() -> None:
    p = P()
    assert (p.dataset, p.problem, p.noise, p.train_ratio) == ("circle", "classification", 0, 50)
    assert p.feature_names == ("x1", "x2")
    assert (p.hidden_units, p.activation, p.learning_rate) == ((4, 2), "tanh", 0.03)
    assert (p.regularization, p.regularization_rate, p.batch_size) == ("none", 0.0, 10)
    assert (p.loss, p.optimizer, p.initializer, p.dropout) == ("playground", "sgd",
                                                               "playground", 0.0)
    assert p.epochs == 500 and not (p.lr_schedule or p.early_stopping or p.discretize)


def test_the_data_set_decides_the_problem_type_so_a_short_link_works() -> None:
    p, notes = P.from_query({"dataset": "plane"})
    assert p.problem == "regression" and not notes
    assert P(dataset="circle", problem="regression").problem == "classification"
    assert P(dataset="user", problem="regression").problem == "regression"


def test_links_round_trip() -> None:
    p = P(dataset="spiral", noise=25, hidden_units=(8, 3, 1), sin_x1=True, x2=False,
          learning_rate=0.1, regularization="l1", regularization_rate=0.003, lr_schedule=True)
    back, notes = P.from_query(p.to_query())
    assert back == p and not notes


def test_bad_link_values_are_ignored_and_named() -> None:
    p, notes = P.from_query({"dataset": "nope", "learning_rate": "abc",
                             "hidden_units": "4,99", "batch_size": "1000"})
    assert p == P()
    text = " ".join(notes)
    for name in ("dataset", "learning_rate", "hidden_units", "batch_size"):
        assert name in text


def test_server_limits_are_enforced() -> None:
    for bad in ({"hidden_units": (4,) * (pg.MAX_LAYERS + 1)},
                {"hidden_units": (pg.MAX_NEURONS + 1,)}, {"epochs": pg.MAX_EPOCHS + 1},
                {"batch_size": pg.MAX_BATCH + 1}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            P(**bad)


def test_epoch_budget_caps_the_steps_and_says_why() -> None:
    assert pg.epoch_budget(500, 250, 10) == (500, "")
    epochs, note = pg.epoch_budget(2000, 450, 1)
    assert epochs == pg.MAX_STEPS // 450 and epochs * 450 <= pg.MAX_STEPS
    assert "2000" in note and "450 steps" in note and f"{pg.MAX_STEPS:,}" in note


def test_training_key_ignores_display_only_fields() -> None:
    assert P(discretize=True, show_test=True).training_key() == P()


# ----------------------------------------------------------------------------------------
# Data and targets
# ----------------------------------------------------------------------------------------


def test_generated_data_is_playgrounds_500_points_cut_at_the_ratio() -> None:
    train, test, plane = pg.make_data(P(train_ratio=30))
    assert (len(train), len(test)) == (150, 350)
    assert plane.is_identity
    assert np.abs(np.concatenate([train.x, test.x])).max() <= datasets.POINT_BOUND
    again, _, _ = pg.make_data(P(train_ratio=30))
    other, _, _ = pg.make_data(P(train_ratio=30, data_seed=2))
    assert np.array_equal(train.x, again.x) and not np.array_equal(train.x, other.x)


@pytest.mark.parametrize(("p", "n_classes", "expected"), [
    (P(), 2, [[1.0], [-1.0]]),
    (P(loss="cross_entropy"), 2, [[1.0], [0.0]]),
    (P(dataset="three_blobs"), 3, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
])
def test_targets_follow_the_loss_convention(p, n_classes: int, expected) -> None:
    head = pg.Head.of(p, n_classes)
    data = Dataset(np.zeros((2, 2)), np.array([1, 0], np.int64), "classification", n_classes)
    assert np.array_equal(head.targets(data), np.array(expected, np.float32))
    assert head.output_activation == {"binary_tanh": "tanh", "binary_sigmoid": "sigmoid",
                                      "softmax": "softmax"}[head.kind]


@pytest.mark.parametrize(("regularization", "rate"), [("none", 0.0), ("l2", 0.3), ("l1", 0.3)])
def test_one_full_batch_step_is_playgrounds_update(regularization: str, rate: float) -> None:
    """Playground: w ← w − α·mean(dE/dw) − α·λ·R'(w) with E = ½(o − t)², o = tanh, t = ±1,
    R = ½w² (L2) or |w| (L1), biases not regularised. Computed by hand in NumPy."""
    alpha, seed = 0.1, 3
    p = P(dataset="user", hidden_units=(), batch_size=4, epochs=1, learning_rate=alpha,
          regularization=regularization, regularization_rate=rate, seed=seed)
    r = pg.run(p, small_data(), frames=1)
    assert len(r.train) == 4 and r.plane.is_identity
    (w0, b0), = initial_weights((2, 1), "playground", seed)
    w0, b0 = w0[:, 0].astype(float), float(b0[0])
    x, t = r.train.x, np.where(r.train.y == 1, 1.0, -1.0)
    out = np.tanh(x @ w0 + b0)
    dz = (out - t) * (1 - out**2)
    penalty = {"none": 0 * w0, "l2": w0, "l1": np.sign(w0)}[regularization]
    w1 = w0 - alpha * (x.T @ dz) / 4 - alpha * rate * penalty
    b1 = b0 - alpha * dz.mean()
    kernel, bias = r.result.final.weights[0]
    np.testing.assert_allclose(kernel[:, 0], w1, atol=2e-6)
    np.testing.assert_allclose(bias[0], b1, atol=2e-6)
    out1 = np.tanh(x @ w1 + b1)
    np.testing.assert_allclose(r.metrics.train_loss, np.mean(0.5 * (out1 - t) ** 2), rtol=1e-4)


# ----------------------------------------------------------------------------------------
# Runs: the default, the lecture's exercises, and what goes wrong
# ----------------------------------------------------------------------------------------


def test_default_run_solves_the_circle_and_records_a_replay(default_run) -> None:
    r = default_run
    assert not r.result.diverged and r.result.epochs_run == 500
    epochs = [s.epoch for s in r.result.snapshots]
    assert epochs[0] == 0 and epochs[-1] == 500 and 12 <= len(epochs) <= pg.FRAMES
    assert len(r.grid_outputs) == len(epochs)
    assert r.grid_outputs[-1].shape == (pg.GRID_SIZE**2, 1)
    assert np.all(np.abs(r.grid_outputs[-1]) <= 1.0)  # tanh output
    m = r.metrics
    assert m.test_accuracy >= 0.97 and m.train_accuracy >= 0.97
    assert m.confusion.sum() == len(r.test) and np.trace(m.confusion) == round(
        m.test_accuracy * len(r.test))
    assert m.train_loss == pytest.approx(r.result.history["loss"][-1])
    # The metrics agree with the engine's own accuracy (different code, same network).
    assert m.train_accuracy == pytest.approx(r.result.history["accuracy"][-1])


def test_grid_outputs_are_the_networks_output_over_the_plane(default_run) -> None:
    # An independent forward pass: the grid written out from Playground's plane [-6, 6]²
    # (x₁ varying fastest), the tanh network written out layer by layer.
    r = default_run
    t = np.linspace(-6.0, 6.0, pg.GRID_SIZE)
    grid = np.array([(a, b) for b in t for a in t])
    for snapshot in (len(r.result.snapshots) // 2, -1):
        h = grid
        for kernel, bias in r.result.snapshots[snapshot].weights:
            h = np.tanh(h @ kernel.astype(np.float64) + bias)
        np.testing.assert_allclose(r.grid_outputs[snapshot], h, atol=1e-5)
    # The trained map classifies the circle: inside (r < 2.5) one class, outside (r > 3.5)
    # the other, as the data's labels say.
    radius = np.hypot(grid[:, 0], grid[:, 1])
    inside = r.grid_outputs[-1][radius < 2.0, 0]
    ring = r.grid_outputs[-1][(radius > 4.0) & (radius < 5.0), 0]
    label_inside = int(np.round(np.mean(r.train.y[np.hypot(*r.train.x.T) < 2.0])))
    assert np.mean((inside > 0) == bool(label_inside)) > 0.95
    assert np.mean((ring > 0) == (not label_inside)) > 0.95


def test_exercise_xor_is_solved_by_one_layer_of_four_relu_units() -> None:
    r = pg.run(exercises.CHECKERBOARD)
    assert r.params == P(dataset="xor", hidden_units=(4,), activation="relu")
    assert r.metrics.test_loss < 0.02 and r.metrics.test_accuracy >= 0.98


def test_exercise_spiral_is_solvable_with_sin_features() -> None:
    r = pg.run(exercises.SPIRAL)
    assert {"sin_x1", "sin_x2"} <= set(r.feature_names)
    assert r.metrics.test_accuracy >= 0.95


def test_exercise_overtraining_test_loss_ends_clearly_above_training_loss() -> None:
    p = pg.OVERTRAINING
    assert p.noise == 50 and len(p.hidden_units) == 5 and p.activation == "relu"
    r = pg.run(p)
    history = r.result.history
    assert r.metrics.test_loss > 1.5 * r.metrics.train_loss
    # The test loss went through a minimum and rose again: overtraining.
    assert history["val_loss"][-1] > 1.1 * history["val_loss"].min()


def test_train_more_continues_exactly_where_training_stopped() -> None:
    short = pg.run(P(epochs=60), frames=4)
    longer = pg.run(P(epochs=90), frames=4)
    np.testing.assert_array_equal(longer.result.history["loss"][:60],
                                  short.result.history["loss"])


def test_divergence_is_reported_with_its_epoch_and_still_draws() -> None:
    r = pg.run(P(dataset="plane", learning_rate=10.0, epochs=50))
    assert r.result.diverged and 1 <= r.result.diverged_at <= 50
    assert len(r.grid_outputs) >= 1
    assert all(np.all(np.isfinite(o)) for o in r.grid_outputs)
    fig_pg.output_replay(r)
    fig_pg.loss_figure(r)
    fig_pg.network_diagram(r, pg.neuron_maps(r))


def test_three_classes_use_softmax_and_get_a_confusion_matrix(blobs_run) -> None:
    r = blobs_run
    assert r.head.kind == "softmax" and r.head.n_outputs == 3
    assert any("softmax" in n for n in r.notes)
    assert r.metrics.confusion.shape == (3, 3) and r.metrics.confusion.sum() == len(r.test)
    assert r.metrics.test_accuracy > 0.8


def test_regression_reports_r_squared(plane_run) -> None:
    r = plane_run
    assert r.head.kind == "regression" and r.metrics.test_accuracy is None
    assert r.metrics.test_r2 > 0.99 and r.metrics.train_r2 > 0.99


def test_own_data_far_from_the_origin_is_scaled_into_playgrounds_plane() -> None:
    base = small_data()
    data = Dataset(base.x * 50 + 1000, base.y, base.kind, base.n_classes)
    r = pg.run(P(dataset="user", hidden_units=(), epochs=20), data, frames=2)
    assert not r.plane.is_identity
    inputs = r.plane.to_network(np.concatenate([r.train.x, r.test.x]))
    assert np.abs(inputs).max() <= pg.HALF_WIDTH
    ax1, ax2 = r.grid_axes
    assert ax1[0] <= data.x[:, 0].min() and ax1[-1] >= data.x[:, 0].max()
    assert ax2[0] <= data.x[:, 1].min() and ax2[-1] >= data.x[:, 1].max()


def test_unusable_configurations_raise_a_message_for_the_user() -> None:
    with pytest.raises(ValueError, match="at least one input feature"):
        pg.run(P(x1=False, x2=False))
    with pytest.raises(ValueError, match="upload a CSV"):
        pg.run(P(dataset="user"))
    with pytest.raises(ValueError, match="problem type"):
        pg.run(P(dataset="user", problem="regression"), small_data("classification"))


# ----------------------------------------------------------------------------------------
# Looking inside
# ----------------------------------------------------------------------------------------


def test_neuron_maps_are_what_each_node_computes(default_run) -> None:
    r = default_run
    maps = pg.neuron_maps(r, size=10)
    grid = r.plane.grid(10)
    (w1, b1), (w2, b2), _ = r.result.final.weights
    h1 = np.tanh(grid @ w1 + b1)
    h2 = np.tanh(h1 @ w2 + b2)
    np.testing.assert_allclose(maps.features[0], grid[:, 0].reshape(10, 10), atol=1e-5)
    np.testing.assert_allclose(maps.hidden[0][2], h1[:, 2].reshape(10, 10), atol=1e-5)
    np.testing.assert_allclose(maps.hidden[1][1], h2[:, 1].reshape(10, 10), atol=1e-5)
    assert maps.output.shape == (1, 10, 10) and maps.epoch == 500


def test_node_formula_shows_the_weights(default_run) -> None:
    r = default_run
    maps = pg.neuron_maps(r)
    (w1, b1) = maps.weights[0]
    text = fig_pg.node_formula(r, maps, 1, 0)
    assert text.startswith("h^{(1)}_{1} = \\mathrm{tanh}")
    assert f"{abs(w1[0, 0]):.2f}" in text and f"{abs(b1[0]):.2f}" in text
    assert fig_pg.node_formula(r, maps, 0, 1) == "x_2"
    assert fig_pg.node_formula(r, maps, 3, 0).startswith("y = \\mathrm{tanh}")


# ----------------------------------------------------------------------------------------
# Exports
# ----------------------------------------------------------------------------------------


def test_data_csv_holds_training_then_test_points(default_run) -> None:
    r = default_run
    back = datasets.dataset_from_csv(pg.data_csv(r), "classification")
    np.testing.assert_array_equal(back.x[: len(r.train)], r.train.x)
    np.testing.assert_array_equal(back.y[len(r.train):], r.test.y)


def _export(tmp_path, r: pg.PlaygroundRun) -> Path:
    (tmp_path / pg.DATA_FILE).write_bytes(pg.data_csv(r))
    script = tmp_path / "playground_model.py"
    script.write_text(pg.keras_code(r))
    return script


@pytest.mark.parametrize("name", list(initializers.INITIALIZERS))
def test_every_initializer_is_exported_as_its_keras_equivalent(default_run, name) -> None:
    p = dataclasses.replace(default_run.params, initializer=name)
    code = pg.keras_code(dataclasses.replace(default_run, params=p))
    assert initializers.get(name).keras.format(seed="seed") in code


def test_an_exported_constant_initializer_builds_constant_kernels(default_run, tmp_path,
                                                                   monkeypatch) -> None:
    import keras

    p = dataclasses.replace(default_run.params, initializer="constant")
    script = _export(tmp_path, dataclasses.replace(default_run, params=p))
    monkeypatch.chdir(tmp_path)
    model = runpy.run_path(str(script), run_name="exported")["build_model"]()
    kernels = [layer.get_weights()[0] for layer in model.layers
               if isinstance(layer, keras.layers.Dense)]
    assert len(kernels) == 3  # (4, 2) hidden and the output
    assert all(np.all(k == np.float32(initializers.CONSTANT_VALUE)) for k in kernels)


def test_exported_model_starts_every_layer_from_its_own_weights(default_run, tmp_path,
                                                                monkeypatch) -> None:
    import keras

    p = P(hidden_units=(4, 4, 4), dropout=0.2)
    script = _export(tmp_path, dataclasses.replace(default_run, params=p))
    monkeypatch.chdir(tmp_path)
    build_model = runpy.run_path(str(script), run_name="exported")["build_model"]
    model = build_model()
    kernels = [layer.get_weights()[0] for layer in model.layers
               if isinstance(layer, keras.layers.Dense)]
    assert [k.shape for k in kernels] == [(2, 4), (4, 4), (4, 4), (4, 1)]
    assert not np.allclose(kernels[1], kernels[2])  # same shape, own initializer each
    assert all(np.abs(k).max() <= 0.5 for k in kernels)  # Playground's U(-0.5, 0.5)
    seeds = [layer.seed for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert len(seeds) == 3 and len(set(seeds)) == 3
    # Seeded: building again starts from the same weights.
    again = [layer.get_weights()[0] for layer in build_model().layers
             if isinstance(layer, keras.layers.Dense)]
    np.testing.assert_array_equal(kernels[1], again[1])


def _script_history(script: Path) -> dict[str, np.ndarray]:
    subprocess.run([sys.executable, str(script)], cwd=script.parent, check=True,
                   capture_output=True, timeout=600,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    table = np.genfromtxt(script.parent / pg.HISTORY_FILE, delimiter=",", names=True)
    return {name: np.atleast_1d(table[name]) for name in table.dtype.names}


def test_exported_script_trains_like_the_page(tmp_path) -> None:
    r = pg.run(P(dataset="gauss", hidden_units=(4,), epochs=60), frames=2)
    history = _script_history(_export(tmp_path, r))
    page = r.result.history["loss"]
    assert len(history["loss"]) == len(page) == 60
    # Other initial weights and shuffles, the same problem: the curves fall alike.
    log_gap = np.abs(np.log10(history["loss"]) - np.log10(page))
    assert np.median(log_gap[10:]) < 0.3, (history["loss"][::10], page[::10])
    assert history["loss"][-1] < 0.3 * history["loss"][0]
    assert (tmp_path / pg.MODEL_FILE).stat().st_size > 1000


def test_exported_script_watches_the_validation_rows_like_the_page(tmp_path) -> None:
    r = pg.run(P(hidden_units=(4,), epochs=40, early_stopping=True, lr_schedule=True),
               frames=2)
    code = pg.keras_code(r)
    assert "EarlyStopping(monitor=\"val_loss\"" in code and "validation_data=(x_val" in code
    assert "L2(" not in code and "keras.optimizers.SGD" in code
    history = _script_history(_export(tmp_path, r))
    assert len(history["val_loss"]) == len(history["loss"]) >= 1
    rows = datasets.dataset_from_csv(pg.data_csv(r), "classification")
    n_train, n_val = len(r.train), len(r.validation)
    np.testing.assert_array_equal(rows.x[n_train:n_train + n_val], r.validation.x)
    np.testing.assert_array_equal(rows.x[n_train + n_val:], r.test.x)


@pytest.mark.parametrize(("p", "n_classes"), [
    (P(dataset="three_blobs", dropout=0.2, optimizer="adam"), 3),
    (P(dataset="multi_gaussian", hidden_units=(), regularization="l1",
       regularization_rate=0.01), 0),
    (P(loss="cross_entropy", activation="swish", initializer="he_normal", sin_x2=True), 2),
])
def test_exported_code_matches_other_configurations(default_run, p, n_classes: int) -> None:
    # The code depends on the parameters, the head, the split and the plane only: no need
    # to train each configuration.
    head = pg.Head.of(p, n_classes)
    code = pg.keras_code(dataclasses.replace(default_run, params=p, head=head))
    compile(code, "playground_model.py", "exec")
    assert f"dense({head.n_outputs}, {head.output_activation!r}, seed=" in code
    assert f"Input(shape=({len(p.feature_names)},))" in code
    if p.dropout:
        assert "keras.layers.Dropout(0.2, seed=1002)" in code  # one seed per Dropout
        assert "keras.layers.Dropout(0.2, seed=1001)" in code
        assert "to_categorical(labels, 3)" in code
    if p.regularization == "l1":
        assert "keras.regularizers.L1(0.01)" in code and "half_squared_error" in code
        assert "not exactly 0" in code and "stops at 0" in code  # what Keras's L1 does
    if p.loss == "cross_entropy":
        assert '"binary_crossentropy"' in code and "'silu'" in code and "HeNormal" in code


def test_the_export_says_what_its_regularizer_does_differently(default_run) -> None:
    def code(**changes) -> str:
        return pg.keras_code(dataclasses.replace(default_run, params=P(**changes)))

    l2 = code(regularization="l2", regularization_rate=0.03)
    assert "kernel_regularizer=keras.regularizers.L2(0.015)," in l2
    assert "λ = 0.03 means ½·λ·w²" in l2 and "l2 = λ/2 = 0.015" in l2
    l1 = code(regularization="l1", regularization_rate=0.1)
    assert "kernel_regularizer=keras.regularizers.L1(0.1)," in l1
    assert "jittering around it, not exactly 0" in l1
    for text in (code(), code(regularization="l1", regularization_rate=0.0)):
        assert "kernel_regularizer=None," in text and "jittering" not in text
        assert "½·λ·w²" not in text


def test_trained_model_file_predicts_like_the_page(default_run) -> None:
    import keras

    r = default_run
    data = pg.model_bytes(r)
    assert data[:2] == b"PK"  # a .keras file is a zip archive
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.keras"
        path.write_bytes(data)
        model = keras.models.load_model(path)
    x = r.test.x[:20]
    np.testing.assert_allclose(model.predict(r.inputs(x), verbose=0), r.predict(x), atol=1e-5)


# ----------------------------------------------------------------------------------------
# Classroom
# ----------------------------------------------------------------------------------------


def test_hide_link_pins_the_configuration_and_hides_controls() -> None:
    p = P(dataset="xor", learning_rate=0.1)
    link = pg.hide_link(p, ["learning_rate", "seed"], "https://x.example/playground")
    assert link.startswith("https://x.example/playground?") and "hide=learning_rate,seed" in link
    from urllib.parse import parse_qsl, urlsplit

    query = dict(parse_qsl(urlsplit(link).query))
    assert query.pop("hide") == "learning_rate,seed"
    assert P.from_query(query) == (p, [])
    with pytest.raises(ValueError, match="learning_rat"):
        pg.hide_link(p, ["learning_rat"])


def test_the_exercise_configurations_are_distinct_and_trainable() -> None:
    configurations = pg.CONFIGURATIONS
    assert len(configurations) == len(set(configurations)) == 15
    assert all(isinstance(p, P) and p.feature_names for p in configurations)
    assert set(pg.OVERTRAINING_STEPS.values()) <= set(configurations)
    assert exercises.SPIRAL.dataset == "spiral" and exercises.CHECKERBOARD_X1X2.x1x2


# ----------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------


def _valid(fig: go.Figure) -> dict:
    """The figure's dict, after validating it once more as a whole (as parsed JSON)."""
    return json.loads(pio.to_json(go.Figure(fig.to_dict())))


def test_replay_shows_the_end_and_replays_every_snapshot(default_run) -> None:
    r = default_run
    spec = _valid(fig_pg.output_replay(r, show_test=True))
    assert len(spec["frames"]) == len(r.result.snapshots) > 1
    assert spec["layout"]["sliders"][0]["active"] == len(r.result.snapshots) - 1
    assert spec["data"][0]["type"] == "contour"  # coloured like a heatmap, boundary drawn
    assert spec["data"][0]["contours"]["coloring"] == "heatmap"
    assert all(f["traces"] == [0] for f in spec["frames"])
    names = [t.get("name", "") for t in spec["data"]]
    assert "test class 0" in names and "class 1" in names
    assert spec["layout"]["title"]["text"].startswith("Output after epoch 500")


def test_a_live_replay_is_the_newest_state_alone(default_run) -> None:
    full = _valid(fig_pg.output_replay(default_run, show_test=True))
    live = _valid(fig_pg.output_replay(default_run, show_test=True, live=True))
    assert "frames" not in live
    assert not live["layout"].get("sliders") and not live["layout"].get("updatemenus")
    assert live["data"] == full["data"]  # the end of training, the same points
    assert live["layout"]["title"] == full["layout"]["title"]
    assert live["layout"]["height"] == full["layout"]["height"]


def test_discretized_output_has_two_values(default_run) -> None:
    z = fig_pg.output_values(default_run, default_run.grid_outputs[-1], discretize=True)
    assert set(np.unique(z)) <= {-1.0, 1.0} and z.shape == (pg.GRID_SIZE, pg.GRID_SIZE)


def test_three_class_map_encodes_class_and_confidence(blobs_run) -> None:
    probabilities = np.array([[0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]])
    z = fig_pg.encode_classes(probabilities)
    assert np.floor(z).tolist() == [0, 0, 2] and z[1] == pytest.approx(0.0)
    assert 0.8 < z[0] - 0 < 0.9 and z[2] == pytest.approx(2.999)
    spec = _valid(fig_pg.output_replay(blobs_run, show_test=True))
    assert spec["data"][0]["zmax"] == 3 and spec["data"][1]["type"] == "scatter"


def test_regression_figures(plane_run) -> None:
    spec = _valid(fig_pg.output_replay(plane_run))
    assert spec["data"][0]["colorbar"]["title"]["text"] == "prediction"
    assert "R²" in _valid(fig_pg.regression_fit(plane_run))["layout"]["title"]["text"]


def test_network_diagram_draws_every_node_weight_and_bias(default_run) -> None:
    r = default_run
    size = fig_pg.thumb_size(r)
    maps = pg.neuron_maps(r, size=size)
    fig = fig_pg.network_diagram(r, maps)
    spec = _valid(fig)
    # One canvas for all thumbnails, whatever the number of nodes.
    assert [t["type"] for t in spec["data"]].count("heatmap") == 1
    canvas = np.asarray(next(t for t in fig.data if t.type == "heatmap").z)
    columns = [maps.features, *maps.hidden, maps.output]
    cells = fig_pg.node_cells(columns, size)
    assert [len(c) for c in cells] == [2, 4, 2, 1]
    for c, col in enumerate(columns):
        for j, values in enumerate(col):
            x0, y0 = cells[c][j]
            drawn = canvas[y0:y0 + size, x0:x0 + size]
            # Features and neurons each on their own symmetric scale; the tanh output on
            # its range [-1, 1].
            last = c == len(columns) - 1
            expected = values if last else values / np.abs(values).max()
            np.testing.assert_allclose(drawn, expected, atol=1e-5)
    assert np.isnan(canvas).sum() == canvas.size - 9 * size * size  # only gaps are empty
    texts = [s for t in spec["data"] if isinstance(t.get("text"), list) for s in t["text"]]
    assert sum(s.startswith("w = ") for s in texts) == 2 * 4 + 4 * 2 + 2 * 1
    assert sum("bias " in s for s in texts) == 4 + 2 + 1
    assert "layer 1 · neuron 4" in " ".join(texts)
    bias = next(t for t in spec["data"] if t.get("name") == "bias")
    assert len(bias["marker"]["color"]) == 4 + 2 + 1


def test_a_wide_deep_diagram_stays_a_few_traces() -> None:
    r = pg.run(P(hidden_units=(16,) * 8, epochs=2), frames=2)
    fig = fig_pg.network_diagram(r, pg.neuron_maps(r, size=fig_pg.thumb_size(r)))
    assert len(fig.data) < 20 and fig_pg.thumb_size(r) == 10
    assert len(pio.to_json(fig)) < 400_000


def test_curves_and_confusion_matrix(default_run) -> None:
    r = default_run
    loss = _valid(fig_pg.loss_figure(r))
    assert [t["name"] for t in loss["data"]] == ["training", "test"]
    assert [t["name"] for t in _valid(fig_pg.accuracy_figure(r))["data"]] == ["training", "test"]
    cm = fig_pg.confusion_figure(r.metrics.confusion)
    _valid(cm)
    assert np.asarray(cm.data[0].z).sum() == len(r.test)
    node = _valid(fig_pg.node_figure(r, pg.neuron_maps(r), 2, 1))
    assert "layer 2 · neuron 2" in node["layout"]["title"]["text"]


def test_feature_thumbnails_cover_all_features() -> None:
    p = P(**{name: True for name in pg.FEATURE_NAMES}, hidden_units=(2,), epochs=5)
    r = pg.run(p, frames=2)
    maps = pg.neuron_maps(r, size=8)
    grid = r.plane.grid(8)
    expected = features.feature_matrix(grid, pg.FEATURE_NAMES)
    np.testing.assert_allclose(maps.features.reshape(7, -1).T, expected, atol=1e-5)
    # The accuracy of all seven features' network, from its own predictions.
    right = (r.predict(r.test.x)[:, 0] >= 0) == (r.test.y == 1)  # tanh output, labels ±1
    assert r.metrics.test_accuracy == pytest.approx(np.mean(right))
    assert io.BytesIO(pg.data_csv(r)).read(11) == b"x1,x2,label"


def test_the_replay_sends_what_the_eye_can_see(default_run) -> None:
    # Few frames (16) of a coarse grid (40²), as binary float32: ~210 kB (28 frames of 50² as
    # decimal text were ~530 kB).
    spec = pio.to_json(fig_pg.output_replay(default_run, show_test=True))
    assert len(spec) < 250_000
    frame = json.loads(spec)["frames"][-1]["data"][0]["z"]
    assert frame["dtype"] == "f4" and frame["shape"].replace(" ", "") == \
        f"{pg.GRID_SIZE},{pg.GRID_SIZE}"


# ----------------------------------------------------------------------------------------
# Early stopping and the plateau schedule watch a validation set, never the test set
# ----------------------------------------------------------------------------------------


def _half_squared_error(r: pg.PlaygroundRun, data: Dataset) -> float:
    """Playground's loss of the final network on ``data``, written out by hand."""
    h = data.x
    for kernel, bias in r.result.final.weights:
        h = np.tanh(h @ kernel.astype(np.float64) + bias)
    return float(np.mean(0.5 * (h[:, 0] - np.where(data.y == 1, 1.0, -1.0)) ** 2))


@pytest.mark.parametrize("option", ["early_stopping", "lr_schedule"])
def test_a_watching_option_splits_a_validation_set_off_the_training_data(option) -> None:
    r = pg.run(P(epochs=120, **{option: True}), frames=4)
    full_train, test, _ = pg.make_data(r.params)
    assert len(r.train) + len(r.validation) == len(full_train) == 250
    assert len(r.validation) == round(250 * pg.VALIDATION_SHARE)
    seen = {tuple(p) for p in r.train.x}
    assert not seen & {tuple(p) for p in r.validation.x}
    assert not (seen | {tuple(p) for p in r.validation.x}) & {tuple(p) for p in test.x}
    # What the engine watched (val_loss) is the validation set's loss, not the test set's.
    history = r.result.history
    assert history["val_loss"][-1] == pytest.approx(_half_squared_error(r, r.validation),
                                                     rel=1e-3)
    assert r.metrics.test_loss == pytest.approx(_half_squared_error(r, r.test), rel=1e-3)
    assert r.metrics.test_loss != pytest.approx(history["val_loss"][-1], rel=1e-3)
    assert set(r.curves()) == {"training", "validation", "test"} and r.monitored == "validation"
    epochs, losses = r.curves()["test"]
    assert epochs[-1] == r.result.epochs_run and len(epochs) <= pg.CURVE_POINTS
    loss = _valid(fig_pg.loss_figure(r))
    assert [t["name"] for t in loss["data"]][:3] == ["training", "validation", "test"]
    assert loss["data"][1]["line"]["dash"] == "dash"  # the watched one, as the title says
    assert loss["layout"]["title"]["text"] == "Loss (dashed: watched)"


def test_without_a_watching_option_all_training_data_trains_and_test_is_the_second_curve(
        default_run) -> None:
    r = default_run
    assert r.validation is None and len(r.train) == 250 and r.monitored == ""
    assert r.result.history["val_loss"][-1] == pytest.approx(_half_squared_error(r, r.test),
                                                              rel=1e-3)
    assert set(r.curves()) == {"training", "test"}


def test_early_stopping_stops_on_the_validation_loss() -> None:
    # 50 % noise and a deep net overfit: the validation loss stops improving long before
    # 1000 epochs, and training ends once it has not improved for the patience.
    r = pg.run(pg.OVERTRAINING.replace(early_stopping=True), frames=4)
    stop = r.result.stopped_early_at
    assert stop is not None and stop < 1000
    val = r.result.history["val_loss"]
    patience = pg.EARLY_STOPPING_PATIENCE
    assert len(val) == stop
    # The rule: no improvement (by more than 0.01 %) over the last `patience` epochs.
    assert val[stop - patience:].min() >= val[:stop - patience].min() * (1 - 1e-4)
    assert r.result.snapshots[-1].epoch == stop


def test_xor_and_the_playground_share_one_replay_builder() -> None:
    from core.figures import training as fig_training

    axis = np.linspace(-0.5, 1.5, 5)
    frames = [(0, np.zeros(25)), (3, np.linspace(0, 1, 25))]
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    fig = fig_training.output_replay(axis, frames, x, np.array([0, 1]),
                                     losses=np.array([0.9, 0.5, 0.25]), title="Output")
    spec = _valid(fig)
    assert [f["traces"] for f in spec["frames"]] == [[0], [0]]  # only the grid changes
    assert spec["frames"][1]["layout"]["title"]["text"] == "Output: epoch 3, loss 0.2500"
    z = np.asarray(fig.frames[1].data[0].z)
    np.testing.assert_allclose(z, np.linspace(0, 1, 25).reshape(5, 5), atol=1e-6)
    assert [t["name"] for t in spec["data"][1:]] == ["class 0", "class 1"]


def test_the_warm_up_compiles_neighbours_only_while_the_pool_has_room(monkeypatch) -> None:
    compiled: list = []
    monkeypatch.setattr(exercises, "run", lambda p, **_: compiled.append(p))
    monkeypatch.setattr(exercises.engine, "TRAINERS", compiled)  # one trainer per run
    presets = 1 + len(exercises.CONFIGURATIONS)
    monkeypatch.setattr(exercises.engine, "MAX_TRAINERS", presets + 2)
    exercises.warm_up()
    assert len(compiled) == presets + 2  # the defaults, every preset, two neighbours
    assert compiled[-2:] == [n.replace(epochs=1) for n in exercises.NEIGHBOURS[:2]]
    compiled.clear()
    monkeypatch.setattr(exercises.engine, "MAX_TRAINERS", 100)
    exercises.warm_up()
    assert len(compiled) == presets + len(exercises.NEIGHBOURS)
