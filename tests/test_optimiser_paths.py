"""Tests for core.surfaces, core.optimiser_paths and core.figures.optimisers.

The references are independent of the code under test: gradients against central finite
differences, known minima from the literature, Keras steps against the update rules worked
out by hand in NumPy, and the quadratic stability limits against both the spectral radius of
the update and a NumPy re-run of gradient descent.
"""

from __future__ import annotations

import json
import math
import threading

import numpy as np
import pytest

from core import optimiser_paths as O
from core import surfaces
from core.engine import BuildOnce
from core.figures import optimisers as F

QUADRATIC = surfaces.get("quadratic")
START = (-1.0, 0.6)


def grad_at(surface: surfaces.Surface, point) -> np.ndarray:
    return surface.grad(np.array(point, dtype=float))


# ----------------------------------------------------------------------------------------
# Surfaces
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_gradient_matches_central_differences(name: str) -> None:
    s = surfaces.get(name)
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(*s.x_range, 50), rng.uniform(*s.y_range, 50)])
    h = 1e-6
    numeric = np.column_stack([
        (s.value(points + [h, 0]) - s.value(points - [h, 0])) / (2 * h),
        (s.value(points + [0, h]) - s.value(points - [0, h])) / (2 * h)])
    scale = np.abs(s.value(points))[:, None] + 1.0  # finite differences lose digits of f
    np.testing.assert_allclose(s.grad(points), numeric, rtol=1e-5, atol=1e-7 * scale.max())


LITERATURE_MINIMA = {
    "beale": [(3.0, 0.5)],
    "rosenbrock": [(1.0, 1.0)],
    "himmelblau": [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                   (3.584428, -1.848126)],
    "quadratic": [(0.0, 0.0)],
    "saddle": [],
}


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_known_minima_have_zero_gradient_and_the_stated_value(name: str) -> None:
    s = surfaces.get(name)
    assert len(s.minima) == len(LITERATURE_MINIMA[name])
    for stated, published in zip(s.minima, LITERATURE_MINIMA[name]):
        np.testing.assert_allclose(stated, published, atol=1e-6)
        assert abs(float(s.fn(*stated)) - s.minimum_value) < 1e-12
        np.testing.assert_allclose(grad_at(s, stated), [0.0, 0.0], atol=1e-9)
        # A minimum, not a saddle or maximum: every small step goes uphill.
        for angle in np.linspace(0, 2 * np.pi, 12, endpoint=False):
            step = 1e-3 * np.array([np.cos(angle), np.sin(angle)])
            assert float(s.fn(*(np.array(stated) + step))) > s.minimum_value
        assert s.x_range[0] <= stated[0] <= s.x_range[1]
        assert s.y_range[0] <= stated[1] <= s.y_range[1]


def test_the_saddle_is_a_saddle_without_a_minimum() -> None:
    s = surfaces.get("saddle")
    assert s.minimum_value is None and not s.minima
    np.testing.assert_allclose(grad_at(s, s.saddles[0]), [0.0, 0.0], atol=0)
    assert s.fn(0.5, 0.0) > 0 > s.fn(0.0, 0.5)


def test_quadratic_has_the_stated_curvatures() -> None:
    h = 1e-4
    columns = [(grad_at(QUADRATIC, step) - grad_at(QUADRATIC, -step)) / (2 * h)
               for step in (np.array([h, 0.0]), np.array([0.0, h]))]
    hessian = np.column_stack(columns)
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian), [1.0, 100.0], rtol=1e-9)
    # Not aligned with the axes: the valley is turned, so the Hessian is not diagonal.
    assert abs(hessian[0, 1]) > 10


def test_start_points_lie_in_the_picture() -> None:
    for s in surfaces.SURFACES.values():
        assert s.x_range[0] < s.start[0] < s.x_range[1]
        assert s.y_range[0] < s.start[1] < s.y_range[1]


def test_unknown_surface_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="surface"):
        surfaces.get("moon")


# ----------------------------------------------------------------------------------------
# One Keras step against the rule worked out by hand
# ----------------------------------------------------------------------------------------


def g(theta) -> np.ndarray:
    return grad_at(QUADRATIC, theta)


def f32(value: float) -> float:
    """A hyper-parameter as Keras uses it on a float64 position: the learning rate lives in a
    float32 variable, and β is cast to the position's dtype through float32."""
    return float(np.float32(value))


def keras_steps(optimizer: str, rate: float, steps: int) -> np.ndarray:
    path = O.run_path("quadratic", optimizer, rate, START, steps)
    assert path.diverged_at is None and path.steps_run == steps
    return path.xy


def test_sgd_step_by_hand() -> None:
    alpha, t0 = f32(0.01), np.array(START)
    t1 = t0 - alpha * g(t0)
    t2 = t1 - alpha * g(t1)
    np.testing.assert_allclose(keras_steps("sgd", alpha, 2), [t0, t1, t2], rtol=1e-9)


def test_momentum_steps_by_hand() -> None:
    # Keras's form: v ← βv − αg, θ ← θ + v (velocity starts at zero).
    alpha, beta, t0 = f32(0.01), f32(0.9), np.array(START)
    v1 = -alpha * g(t0)
    t1 = t0 + v1
    v2 = beta * v1 - alpha * g(t1)
    t2 = t1 + v2
    np.testing.assert_allclose(keras_steps("momentum", alpha, 2), [t0, t1, t2], rtol=1e-9)


def test_nesterov_steps_by_hand() -> None:
    # Keras's form: v ← βv − αg, θ ← θ + βv − αg.
    alpha, beta, t0 = f32(0.01), f32(0.9), np.array(START)
    v1 = -alpha * g(t0)
    t1 = t0 + beta * v1 - alpha * g(t0)
    v2 = beta * v1 - alpha * g(t1)
    t2 = t1 + beta * v2 - alpha * g(t1)
    np.testing.assert_allclose(keras_steps("nesterov", alpha, 2), [t0, t1, t2], rtol=1e-9)


def test_adam_steps_by_hand() -> None:
    # m, v start at zero; α_t = α√(1 − β₂ᵗ)/(1 − β₁ᵗ); θ ← θ − α_t m/(√v + ε), ε = 1e-7.
    alpha, b1, b2, eps = f32(0.1), 0.9, 0.999, 1e-7
    theta, m, v = np.array(START), np.zeros(2), np.zeros(2)
    expected = [theta]
    for t in (1, 2, 3):
        grad = g(theta)
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        alpha_t = alpha * math.sqrt(1 - f32(b2) ** t) / (1 - f32(b1) ** t)
        theta = theta - alpha_t * m / (np.sqrt(v) + eps)
        expected.append(theta)
    np.testing.assert_allclose(keras_steps("adam", alpha, 3), expected, rtol=1e-9)
    # The first step moves every coordinate by α (up to ε), whatever the gradient's size.
    np.testing.assert_allclose(np.abs(expected[1] - expected[0]), [alpha, alpha], rtol=1e-5)


def test_rmsprop_and_adagrad_steps_by_hand() -> None:
    alpha, rho, eps, t0 = f32(0.05), 0.9, 1e-7, np.array(START)
    v = (1 - rho) * g(t0) ** 2  # RMSprop: E[g²] starts at 0
    rms = t0 - alpha * g(t0) / np.sqrt(v + eps)
    acc = 0.1 + g(t0) ** 2  # Adagrad: the accumulator starts at 0.1 in Keras
    ada = t0 - alpha * g(t0) / np.sqrt(acc + eps)
    np.testing.assert_allclose(keras_steps("rmsprop", alpha, 1)[1], rms, rtol=1e-9)
    np.testing.assert_allclose(keras_steps("adagrad", alpha, 1)[1], ada, rtol=1e-9)


def test_every_run_starts_a_fresh_optimizer() -> None:
    """The compiled loops are reused: momentum, Adam's moments and step count must not carry
    over from one run to the next."""
    first = keras_steps("adam", 0.1, 5)
    O.run_path("rosenbrock", "adam", 0.3, (0.5, 2.0), 40)
    np.testing.assert_array_equal(keras_steps("adam", 0.1, 5), first)


# ----------------------------------------------------------------------------------------
# Quadratic theory
# ----------------------------------------------------------------------------------------


def test_stability_limits_closed_form() -> None:
    assert O.stability_limit("sgd", 100.0) == pytest.approx(0.02)
    assert O.stability_limit("momentum", 100.0) == pytest.approx(0.038)
    assert O.stability_limit("nesterov", 100.0) == pytest.approx(3.8 / 2.8 / 100)
    for adaptive in ("adagrad", "adadelta", "rmsprop", "adam"):
        assert O.stability_limit(adaptive, 100.0) is None
        assert O.convergence_factor(adaptive, 0.01, (1.0, 100.0)) is None


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov"])
def test_limit_is_where_the_spectral_radius_crosses_one(name: str) -> None:
    limit = O.stability_limit(name, 100.0)
    below = O.convergence_factor(name, np.linspace(0.02, 0.999, 50) * limit, (1.0, 100.0))
    above = O.convergence_factor(name, np.linspace(1.001, 1.5, 50) * limit, (1.0, 100.0))
    assert (below < 1).all() and (above > 1).all()


def test_gd_factor_is_the_textbook_one() -> None:
    rates = np.array([0.005, 0.0198, 0.025])
    expected = np.maximum(np.abs(1 - rates * 1.0), np.abs(1 - rates * 100.0))
    np.testing.assert_allclose(O.convergence_factor("sgd", rates, (1.0, 100.0)), expected,
                               rtol=1e-12)


def numpy_gd_divergence_step(alpha: float, steps: int, box: float) -> int | None:
    theta = np.array(QUADRATIC.start)
    for t in range(1, steps + 1):
        theta = theta - alpha * surfaces.QUADRATIC_MATRIX @ theta
        if np.abs(theta).max() > box:
            return t
    return None


def test_gd_converges_just_below_two_over_lambda_max_and_diverges_just_above() -> None:
    limit = 2 / max(surfaces.QUADRATIC_CURVATURES)
    stable = O.run_path("quadratic", "sgd", 0.98 * limit, QUADRATIC.start, 600)
    assert stable.diverged_at is None and stable.steps_run == 600
    assert O.reached_minimum(stable, "quadratic") == (0.0, 0.0)
    assert stable.loss[-1] < 1e-6 * stable.loss[0]

    unstable = O.run_path("quadratic", "sgd", 1.02 * limit, QUADRATIC.start, 600)
    box = O.divergence_box(QUADRATIC)
    assert unstable.diverged_at == numpy_gd_divergence_step(1.02 * limit, 600, box)
    assert 50 < unstable.diverged_at < 600  # slightly unstable: it takes a while
    assert unstable.steps_run == unstable.diverged_at - 1  # cut before the bad step
    assert np.isfinite(unstable.xy).all() and np.abs(unstable.xy).max() <= box
    assert np.isfinite(unstable.loss).all()


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentum_limits_hold_for_the_keras_optimizers(name: str) -> None:
    limit = O.stability_limit(name, 100.0)
    stable = O.run_path("quadratic", name, 0.97 * limit, QUADRATIC.start, 600)
    assert stable.diverged_at is None and stable.loss[-1] < 1e-3 * stable.loss[0]
    unstable = O.run_path("quadratic", name, 1.03 * limit, QUADRATIC.start, 600)
    assert unstable.diverged_at is not None


# ----------------------------------------------------------------------------------------
# Paths
# ----------------------------------------------------------------------------------------


def test_adam_reaches_the_rosenbrock_valley_floor() -> None:
    s = surfaces.get("rosenbrock")
    path = O.run_path("rosenbrock", "adam", O.DEFAULT_RATES["rosenbrock"]["adam"], s.start, 300)
    x, y = path.final
    assert path.diverged_at is None
    assert abs(y - x * x) < 0.05  # on the floor of the parabola-shaped valley ...
    assert x > 0.3  # ... and well along it towards (1, 1) from the start at x = −1.2
    assert path.loss[-1] < 0.1 * path.loss[0]


def test_sgd_stalls_at_the_saddle_where_adam_escapes() -> None:
    s = surfaces.get("saddle")
    sgd = O.run_path("saddle", "sgd", O.DEFAULT_RATES["saddle"]["sgd"], s.start, 200)
    adam = O.run_path("saddle", "adam", O.DEFAULT_RATES["saddle"]["adam"], s.start, 200)
    assert np.hypot(*sgd.final) < 0.1
    assert abs(adam.final[1]) > 1.5


def test_himmelblau_minimum_depends_on_the_optimiser() -> None:
    p = O.PathParams(surface="himmelblau")
    reached = {path.optimizer: O.reached_minimum(path, "himmelblau")
               for path in O.compute_paths(p).paths}
    assert reached["sgd"] is not None and reached["adam"] is not None
    assert reached["sgd"] != reached["adam"]


def test_pushing_the_rate_on_rosenbrock_breaks_sgd_not_adam() -> None:
    result = O.compute_paths(O.PathParams(surface="rosenbrock", learning_rate_scale=5.0))
    diverged = {p.optimizer: p.diverged_at for p in result.paths}
    assert diverged["sgd"] is not None and diverged["sgd"] <= 3
    assert diverged["adam"] is None and diverged["rmsprop"] is None


def test_overflow_is_a_divergence_not_a_crash() -> None:
    path = O.run_path("rosenbrock", "sgd", 0.05, (-1.2, 1.0), 100)
    assert path.diverged_at is not None and path.diverged_at <= 5
    assert np.isfinite(path.xy).all() and np.isfinite(path.loss).all()
    assert len(path.xy) == len(path.loss) == path.diverged_at


def test_default_paths_are_sound_on_every_surface() -> None:
    """With the default rates nothing diverges, except where escaping is the point (the
    saddle has no minimum), and every path moves."""
    for name in surfaces.SURFACES:
        p = O.PathParams(surface=name, **O.flags_for(list(O.optimizers.OPTIMIZERS)))
        result = O.compute_paths(p)
        assert [path.optimizer for path in result.paths] == list(O.optimizers.OPTIMIZERS)
        for path in result.paths:
            assert np.hypot(*(path.xy[-1] - path.xy[0])) > 0.05, (name, path.optimizer)
            if name != "saddle":
                assert path.diverged_at is None, (name, path.optimizer)
                assert path.loss[-1] < path.loss[0], (name, path.optimizer)


def test_compute_paths_is_deterministic_also_in_threads() -> None:
    p = O.PathParams(surface="beale", steps=120)
    reference = O.compute_paths(p)
    again = O.compute_paths(p)
    results = []
    threads = [threading.Thread(target=lambda: results.append(O.compute_paths(p)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for other in (again, *results):
        for a, b in zip(reference.paths, other.paths):
            np.testing.assert_array_equal(a.xy, b.xy)


def test_all_paths_share_the_start_and_use_their_rates() -> None:
    p = O.PathParams(surface="himmelblau", start=(1.0, -1.0), rate_adam=0.2,
                     learning_rate_scale=0.5)
    result = O.compute_paths(p)
    assert result.start == (1.0, -1.0)
    for path in result.paths:
        np.testing.assert_array_equal(path.xy[0], [1.0, -1.0])
    rates = {path.optimizer: path.learning_rate for path in result.paths}
    assert rates["adam"] == pytest.approx(0.1)
    assert rates["sgd"] == pytest.approx(0.5 * O.DEFAULT_RATES["himmelblau"]["sgd"])


# ----------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, name", [
    ({"steps": 5}, "steps"),
    ({"steps": 10.5}, "steps"),
    ({"surface": "moon"}, "surface"),
    ({"learning_rate_scale": 0.25}, "learning_rate_scale"),
    ({"rate_adam": -0.1}, "rate_adam"),
    ({"use_sgd": "yes"}, "use_sgd"),
    ({"start": (1.0,)}, "start"),
    ({"start": (1.0, 99.0)}, "start"),
])
def test_bad_parameters_name_the_parameter(changes, name) -> None:
    with pytest.raises(ValueError, match=name):
        O.PathParams(**changes)


def test_bad_run_arguments_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="learning_rate"):
        O.run_path("beale", "sgd", 0.0, (1.0, 1.0), 10)
    with pytest.raises(ValueError, match="optimizer"):
        O.run_path("beale", "lbfgs", 0.1, (1.0, 1.0), 10)
    with pytest.raises(ValueError, match="optimizer"):
        O.flags_for(["sgd", "lbfgs"])


def test_parameters_survive_a_link() -> None:
    p = O.PathParams(surface="quadratic", start=(-3.5, 1.25), rate_sgd=0.019,
                     learning_rate_scale=1.2, steps=150, **O.flags_for(["sgd", "adam"]))
    back, notes = O.PathParams.from_query(p.to_query())
    assert back == p and not notes
    default, notes = O.PathParams.from_query(O.PathParams().to_query())
    assert default == O.PathParams() and default.start == () and not notes
    assert p.chosen == ("sgd", "adam")


def test_every_optimizer_has_a_switch_a_rate_and_defaults() -> None:
    fields = set(O.PathParams.field_names())
    for name in O.optimizers.OPTIMIZERS:
        assert {f"use_{name}", f"rate_{name}"} <= fields
        for surface in surfaces.SURFACES:
            assert O.DEFAULT_RATES[surface][name] > 0


# ----------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------


def test_replay_frames_grow_the_paths_and_mark_divergence() -> None:
    p = O.PathParams(surface="quadratic", learning_rate_scale=1.5, steps=200)
    result = O.compute_paths(p)
    assert [d.optimizer for d in result.diverged] == ["sgd", "nesterov"]
    fig = F.paths_replay(result)
    ks = F.frame_steps(200)
    assert [f.name for f in fig.frames] == [str(k) for k in ks]
    assert ks[0] == 0 and ks[-1] == 200 and len(ks) == F.MAX_FRAMES + 1
    momentum = [i for i, d in enumerate(fig.data) if d.name == result.paths[1].label][0]
    index = fig.frames[0].traces.index(momentum)
    xy = result.paths[1].xy
    for k, frame in zip(ks[:-1], fig.frames[:-1]):
        # Step k shows the head at k with the last TRAIL_STEPS steps up to it ...
        start = max(0, k - F.TRAIL_STEPS)
        np.testing.assert_allclose(frame.data[index].x, xy[start:k + 1, 0], rtol=1e-6)
    # ... over the whole walk, drawn faintly in every frame (a trace no frame changes) ...
    whole = [d for d in fig.data if d.name == f"{result.paths[1].label} (whole walk)"][0]
    np.testing.assert_allclose(whole.y, xy[:, 1], rtol=1e-6)
    assert fig.data.index(whole) not in fig.frames[0].traces
    # ... and the last frame draws the whole walk in bold again, as the picture opens.
    np.testing.assert_allclose(fig.frames[-1].data[index].y, xy[:, 1], rtol=1e-6)
    np.testing.assert_allclose(fig.data[momentum].y, xy[:, 1], rtol=1e-6)
    # The heads: crosses (the second half) only where a path stopped by diverging.
    n = len(result.paths)
    crosses = np.asarray(fig.frames[-1].data[-1].x, dtype=float)[n:]
    assert np.isfinite(crosses[[0, 2]]).all() and np.isnan(crosses[[1, 3, 4]]).all()
    first_crosses = np.asarray(fig.frames[0].data[-1].x, dtype=float)[n:]
    assert np.isnan(first_crosses).all()
    assert json.loads(fig.to_json())  # serialisable, as it is sent to the browser


def test_replay_surface_is_an_image_darker_towards_the_minimum() -> None:
    import base64
    import io

    from PIL import Image

    result = O.compute_paths(O.PathParams(surface="rosenbrock", steps=50))
    fig = F.paths_replay(result)
    # Not a trace: plotly.js drops a contour trace while other traces are animated.
    assert not [t for t in fig.data if t.type in ("contour", "heatmap")]
    image = fig.layout.images[0]
    png = base64.b64decode(image.source.split(",", 1)[1])
    grey = np.asarray(Image.open(io.BytesIO(png)))
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert (image.x, image.y, image.sizex, image.sizey) == (x0, y1, x1 - x0, y1 - y0)

    def pixel(x: float, y: float) -> int:
        row = round((y1 - y) / (y1 - y0) * (grey.shape[0] - 1))
        col = round((x - x0) / (x1 - x0) * (grey.shape[1] - 1))
        return int(grey[row, col])

    minimum = surfaces.get("rosenbrock").minima[0]
    assert pixel(*minimum) <= F.SURFACE_GREYS[0] + 5  # the darkest band at the minimum
    assert pixel(x0, y1) > pixel(*minimum) + 40  # far up the walls: much lighter
    assert (grey == F.SURFACE_LINE_GREY).mean() > 0.01  # contour lines are drawn


def test_replay_sends_trails_not_whole_paths() -> None:
    result = O.compute_paths(O.PathParams(steps=600))
    fig = F.paths_replay(result)
    frames = F.frame_steps(600)
    assert frames[0] == 0 and frames[-1] == 600 and len(frames) == F.MAX_FRAMES + 1
    points = sum(len(t.x) for f in fig.frames[:-1] for t in f.data)
    n = len(result.paths)
    # Every frame but the last carries at most TRAIL_STEPS + 1 points per path and the heads.
    assert points <= (len(frames) - 1) * n * (F.TRAIL_STEPS + 1 + 2)
    assert F.frame_steps(10) == list(range(11))  # short runs: every step


def test_loss_chart_is_log_except_on_the_saddle() -> None:
    beale = F.loss_per_step(O.compute_paths(O.PathParams(steps=50)))
    assert beale.layout.yaxis.type == "log"
    saddle = F.loss_per_step(O.compute_paths(O.PathParams(surface="saddle", steps=50)))
    assert saddle.layout.yaxis.type != "log"
    colors = {t.name: t.line.color for t in beale.data if t.name}
    assert colors["SGD"] == F.color("sgd") and len(set(colors.values())) == len(colors)


def test_a_new_optimizer_loop_is_built_once_when_threads_ask_at_once() -> None:
    # A fresh cache with the module's own builder, so the key is surely new here.
    steppers = BuildOnce(O._Stepper)
    barrier = threading.Barrier(3)
    got: list = []

    def ask() -> None:
        barrier.wait()
        got.append(steppers.get("adagrad"))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert steppers.builds == 1 and len(got) == 3
    assert all(s is got[0] for s in got)
    path = got[0].run(list(surfaces.SURFACES).index("quadratic"), 0.1, START, 5)
    assert path.shape == (6, 2) and np.all(np.isfinite(path))
    # The module's own cache: never more than one loop per optimizer, however often asked.
    O.compute_paths(O.PathParams(surface="quadratic", steps=10))
    assert isinstance(O._STEPPERS, BuildOnce)
    assert O._STEPPERS.builds == len(O._STEPPERS) <= len(O.optimizers.OPTIMIZERS)
