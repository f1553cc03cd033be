"""The optimiser page through AppTest (driven through app.py, as a browser would open it):
controls change the paths and the link, divergence is reported in words, the momentum
explorer and the real network draw what they promise, bad links are survived, a classroom
link hides the rates and the start point. Then every sentence the page and its lecture show,
held to its run: the presets' answers against heavy-ball and plain-descent loops written
here, and each branch of the texts on a result made to take it."""

import dataclasses
import json
import math

import numpy as np
import pytest
from conftest import link_notes, open_page, problems
from sentences import after, close

from core import momentum as M
from core import optimiser_network as ON
from core import optimiser_notes as N
from core import optimiser_paths as O
from core import surfaces
from ui.lectures import optimisers as lecture

PAGE = "pages/optimisers.py"


def text(at) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    return " ".join(parts + [i.value for i in at.info])


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def titles(at) -> list[str]:
    return [s["layout"].get("title", {}).get("text", "").replace("<br>", " ")  # wrapped titles
            for s in specs(at)]


def query(at, key: str) -> str | None:
    """The link's value of ``key``; None when the link leaves it out (the default)."""
    if key not in at.query_params:
        return None
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def group(at, key: str):
    (found,) = [b for b in at.get("button_group") if b.key == f"optimisers.{key}"]
    return found


def test_default_page_shows_paths_loss_and_every_optimizer_as_a_pill():
    at = open_page(PAGE)
    assert not problems(at)
    assert titles(at)[:2] == ["5 optimisers, 300 steps", "f along each path"]
    assert not at.warning  # nothing diverges with the defaults
    # The link holds only what differs from the defaults.
    assert query(at, "surface") is None and query(at, "view") is None
    assert query(at, "optimizers") is None
    pills = group(at, "optimizers")
    assert list(pills.value) == ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
    assert len(pills.options) == 7  # all of them visible at once
    loss = specs(at)[1]
    assert loss["layout"]["legend"]["yref"] == "container"  # below the axis title "step t"
    assert loss["layout"]["xaxis"]["title"]["text"] == "step t"


def test_changing_the_surface_and_the_optimisers():
    at = open_page(PAGE)
    at.selectbox(key="optimisers.surface").set_value("saddle").run()
    assert not problems(at)
    assert query(at, "surface") == "saddle"
    assert titles(at)[0] == "5 optimisers, 300 steps"
    assert "saddle point at (0, 0)" in text(at)
    assert "Plain SGD" not in text(at) or "SGD is at" in text(at)  # its outcome, from the run
    group(at, "optimizers").set_value(["sgd", "adagrad"]).run()
    assert not problems(at)
    assert query(at, "optimizers") == "sgd,adagrad"
    assert titles(at)[0] == "2 optimisers, 300 steps"


def test_a_large_multiplier_diverges_and_the_theory_says_why():
    at = open_page(PAGE, {"surface": "quadratic"})
    assert not problems(at)
    assert "Error factor per step (theory)" in titles(at)
    assert "α = 0.018 is below the limit 0.02" in text(at)
    at.select_slider(key="optimisers.learning_rate_scale").set_value(1.5).run()
    assert not problems(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "SGD diverged at step" in warnings
    assert "Nesterov momentum (NAG, 0.9) diverged at step" in warnings
    assert "momentum (0.9) diverged" not in warnings.replace("Nesterov momentum (NAG, 0.9)", "")
    assert "α = 0.027 is above the limit 0.02" in text(at)
    assert query(at, "learning_rate_scale") == "1.5"


def test_own_rate_and_start_point_pin_the_link():
    at = open_page(PAGE, {"surface": "quadratic", "rate_sgd": "0.0199", "start_x": "-3",
                          "start_y": "1", "optimizers": "sgd,momentum"})
    assert not problems(at)
    assert at.number_input(key="optimisers.start_x").value == -3.0
    assert at.number_input(key="optimisers.rate_sgd").value == 0.0199
    assert "α = 0.0199 is below the limit" in text(at)
    at.number_input(key="optimisers.rate_sgd").set_value(0.021).run()
    assert "SGD diverged at step" in " ".join(w.value for w in at.warning)
    assert query(at, "rate_sgd") == "0.021" and query(at, "start_x") == "-3"
    at.number_input(key="optimisers.start_x").set_value(None).run()
    at.number_input(key="optimisers.start_y").set_value(None).run()
    assert not problems(at)
    # Empty is the default (the surface's own start): out of the link.
    assert query(at, "start_x") is None and query(at, "start_y") is None


def test_a_classroom_link_hides_rates_start_and_optimizers_and_keeps_them():
    hide = "optimizers,rate_sgd,start_x,start_y"
    at = open_page(PAGE, {"surface": "quadratic", "rate_sgd": "0.021", "start_x": "-3",
                          "optimizers": "sgd", "hide": hide})
    assert not problems(at)
    assert not [b for b in at.get("button_group") if b.key == "optimisers.optimizers"]
    assert not [n for n in at.number_input if n.key in ("optimisers.rate_sgd",
                                                        "optimisers.start_x")]
    assert "SGD diverged at step" in " ".join(w.value for w in at.warning)  # 0.021 is used
    assert titles(at)[0] == "1 optimiser, 300 steps"
    assert query(at, "hide") == hide


def test_no_optimiser_chosen_still_draws_the_surface():
    at = open_page(PAGE)
    group(at, "optimizers").set_value([]).run()
    assert not problems(at)
    assert any("Choose at least one optimiser" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) >= 1


def test_the_momentum_explorer_maps_the_rate_and_marks_the_optimum():
    at = open_page(PAGE, {"view": "momentum"})
    assert not problems(at)
    path, rate_map = specs(at)[:2]
    assert [t["name"] for t in path["data"][1:3]] == ["plain GD (β = 0)", "momentum β = 0.9"]
    assert rate_map["data"][0]["type"] == "heatmap"
    names = [t.get("name") for t in rate_map["data"]]
    assert {"limit", "critical (λₘₐₓ)", "critical (λₘᵢₙ)", "optimum", "yours"} <= set(names)
    (optimum,) = [t for t in rate_map["data"] if t.get("name") == "optimum"]
    assert abs(optimum["x"][0] - 4 / 121) < 1e-9 and abs(optimum["y"][0] - 81 / 121) < 1e-9
    assert "Converges" in " ".join(s.value for s in at.success)
    assert "ρ = 0.949" in " ".join(s.value for s in at.success)  # √0.9: both oscillate
    at.select_slider(key="optimisers.learning_rate").set_value(0.04).run()
    assert not problems(at)
    assert "Diverges" in " ".join(e.value for e in at.error)
    assert query(at, "learning_rate") == "0.04" and query(at, "view") == "momentum"


def test_the_real_network_trains_each_chosen_optimizer():
    at = open_page(PAGE, {"view": "network", "optimizers": "sgd,adam", "epochs": "20"})
    assert not problems(at)
    loss, accuracy = specs(at)[:2]
    assert [t["name"] for t in loss["data"]] == ["SGD (α 0.1)", "Adam (α 0.01)"]
    assert accuracy["layout"]["showlegend"] is False  # one legend for the two charts
    assert "only the optimizer" in text(at)
    assert query(at, "optimizers") == "sgd,adam" and query(at, "view") == "network"
    assert query(at, "dataset") is None  # XOR, the default


def test_a_mangled_link_loads_with_a_warning_naming_the_bad_keys():
    at = open_page(PAGE, {"surface": "moon", "steps": "abc", "learning_rate_scale": "0.25",
                          "optimizers": "sgd,lbfgs", "nonsense": "1"})
    assert not problems(at)
    notes = link_notes(at)
    assert "could not use" in notes
    for key in ("surface", "steps", "learning_rate_scale", "optimizers", "nonsense"):
        assert key in notes
    assert len(at.get("plotly_chart")) >= 2
    assert query(at, "surface") is None  # the defaults took over: none in the link


# ----------------------------------------------------------------------------------------
# Every sentence held to its run. The reference: the heavy ball v ← βv − α∇f, θ ← θ + v
# (β = 0: plain descent) in NumPy, and the picture's bounds.
# ----------------------------------------------------------------------------------------


def heavy_ball(surface: str, alpha: float, beta: float, steps: int) -> np.ndarray:
    s = surfaces.get(surface)
    theta, v, path = np.array(s.start, float), np.zeros(2), [np.array(s.start, float)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            v = beta * v - alpha * s.grad(theta)
            theta = theta + v
            path.append(theta)
    return np.array(path)


def first_outside(xy: np.ndarray, surface: str) -> int | None:
    s = surfaces.get(surface)
    (x0, x1), (y0, y1) = s.x_range, s.y_range
    out = [k for k, (x, y) in enumerate(xy) if not (x0 <= x <= x1 and y0 <= y <= y1)]
    return out[0] if out else None


def paths(controls) -> O.PathsResult:
    return O.compute_paths(controls.paths())


def test_the_saddle_answer_times_each_escape_from_the_run():
    result = paths(lecture.OPT_SADDLE)
    text = lecture.saddle()
    rates = {p.optimizer: p.learning_rate for p in result.paths}
    sgd = heavy_ball("saddle", rates["sgd"], 0.0, 300)
    assert first_outside(sgd, "saddle") is None and text.startswith("Plain SGD lingers")
    assert close(after(text, "moved only "), abs(sgd[-1, 1] - sgd[0, 1]), digits=2)
    ball = heavy_ball("saddle", rates["momentum"], 0.9, 300)
    leaves = first_outside(ball, "saddle")
    assert 100 < leaves < 150  # about step 126, long before the box stops it (step 200)
    assert after(text, "Momentum at step ") == leaves
    for path in result.paths:
        if path.optimizer != "sgd":
            shown = after(text, f"{N.short_label(path.optimizer)} at step ")
            assert shown == first_outside(path.xy, "saddle")


def test_the_doubled_rates_answer_puts_each_rate_against_its_limit():
    result = paths(lecture.OPT_TOO_FAST)
    text = lecture.too_fast()
    lam = max(surfaces.QUADRATIC_CURVATURES)
    limits = {"SGD": 2 / lam, "Momentum": 3.8 / lam, "NAG": 3.8 / (2.8 * lam)}
    by_name = {N.short_label(p.optimizer): p for p in result.paths}
    for name, limit in limits.items():
        alpha = by_name[name].learning_rate
        side = "above" if alpha > limit else "below"
        assert f"{name}'s α = {alpha:g} is {side} its limit" in text
        assert close(after(text, f"{name}'s α = {alpha:g} is {side} its limit "), limit, 4)
        if alpha > limit:
            assert by_name[name].diverged_at is not None
            assert after(text, f"{name} diverged, leaving the box at step ") == \
                by_name[name].diverged_at
    for name in ("Momentum", "Adam"):
        assert f"{name} reached the minimum (0.00, 0.00) at step" in text
    # A plain descent written here diverges too: SGD's doubled α is past 2/λₘₐₓ.
    assert not np.all(np.isfinite(heavy_ball("quadratic", by_name["SGD"].learning_rate, 0.0,
                                             2000)))


def test_the_rosenbrock_answer_names_the_closest_and_the_furthest():
    result = paths(lecture.OPT_ROSENBROCK)
    text = lecture.rosenbrock()
    ends = {N.short_label(p.optimizer): p.final for p in result.paths}
    gap = {n: math.hypot(x - 1, y - 1) for n, (x, y) in ends.items()}
    closest, furthest = min(gap, key=gap.get), max(gap, key=gap.get)
    assert min(gap.values()) > O.REACHED_TOLERANCE and text.startswith("None arrives")
    assert f"{closest} gets closest" in text and f"{furthest} stays furthest" in text
    assert close(after(text, f"{closest} gets closest, at ("), ends[closest][0], digits=2)
    assert close(after(text, f"{closest} gets closest, at ({ends[closest][0]:.2f}, "),
                 ends[closest][1], digits=2)
    assert close(after(text, "("), ends[closest][0], digits=2)  # the first number is its x
    assert close(after(text, ") ("), gap[closest], digits=2)
    x, y = ends[furthest]
    assert ("on the valley floor" in text) == (abs(y - x * x) < 0.05)


def _path(result, optimizer, xy, diverged_at=None) -> O.OptimizerPath:
    xy = np.asarray(xy, float)
    return O.OptimizerPath(optimizer, 0.01, xy, surfaces.get(result.params.surface).value(xy),
                           diverged_at)


def test_each_outcome_has_its_clause():
    result = paths(lecture.OPT_ROSENBROCK)
    reached = _path(result, "adam", [[-1.2, 1.0], [0.5, 0.3], [1.0, 1.0], [1.0, 1.0]])
    assert N.outcome(reached, result) == "Adam reached the minimum (1.00, 1.00) at step 2"
    gone = _path(result, "sgd", [[-1.2, 1.0], [-5.0, 9.0]], diverged_at=2)
    assert N.outcome(gone, result) == ("SGD diverged, leaving the box at step 2 (it left the "
                                       "picture at step 1)")
    away = _path(result, "rmsprop", [[-1.2, 1.0], [2.5, 1.0]])
    assert N.outcome(away, result).startswith("RMSprop left the picture at step 1")
    arrives = dataclasses.replace(result, paths=(reached, away))
    assert N.rosenbrock_answer(arrives).startswith("Adam arrives within 300 steps")
    saddle = paths(lecture.OPT_SADDLE)
    runs_off = _path(saddle, "momentum", [[-1.5, 0.001], [0.0, 3.0]], diverged_at=2)
    assert "ran off towards −∞" in N.outcome(runs_off, saddle)
    sgd_out = _path(saddle, "sgd", [[-1.5, 0.001], [0.0, 3.0]])
    text = N.saddle_answer(dataclasses.replace(saddle, paths=(sgd_out,)))
    assert "lingers" not in text and "SGD at step 1" in text


def test_the_theory_and_the_momentum_texts_are_closed_forms():
    quadratic = surfaces.get("quadratic")
    text = N.theory_text(quadratic)
    assert close(after(text, "α < 2/λₘₐₓ = "), 2 / 100)
    assert close(after(text, "fastest at α = 2/(λₘᵢₙ + λₘₐₓ) = "), 2 / 101, 4)
    assert close(after(text, "2 + 2β, **α < "), 3.8 / 100)
    assert close(after(text, "(1 + 2β), **α < "), 3.8 / 280, 4)
    notice = N.momentum_notice()
    assert close(after(notice, "(√λₘₐₓ + √λₘᵢₙ)² = "), 4 / 121)
    assert close(after(notice, "((√κ − 1)/(√κ + 1))² = "), (9 / 11) ** 2)
    assert close(after(notice, "ρ* = "), 9 / 11) and close(after(notice, "against "), 99 / 101)
    assert "the same algorithm with v negated" in notice


@pytest.mark.parametrize("alpha, beta, level", [(0.01, 0.9, "success"), (0.04, 0.9, "error")])
def test_the_momentum_note_follows_the_spectral_radius(alpha, beta, level):
    p = M.MomentumParams(learning_rate=alpha, momentum=beta)
    note = N.momentum_note(M.run(p), M.run(p.replace(momentum=0.0)))
    rho = max(abs(np.linalg.eigvals(np.array([[1 - alpha * lam, beta], [-alpha * lam, beta]]))
                  ).max() for lam in (1.0, 100.0))
    assert note.level == level and close(after(note.text, "ρ = "), rho)


def _net(optimizer, final, diverged_at=None) -> ON.NetworkRun:
    loss = np.linspace(0.7, final, 20)
    return ON.NetworkRun(optimizer, 0.01, loss, np.ones(20), diverged_at)


def test_the_network_notice_ranks_only_what_differs():
    p = ON.NetworkParams(epochs=20)
    runs = (_net("sgd", 0.30), _net("momentum", 0.301), _net("adam", 0.05))
    text = ON.network_notice(p, runs)
    assert "after 20 epochs: Adam;" in text
    assert "highest after 20 epochs: Momentum and SGD (level: within 2% of each other)" in text
    lone = ON.network_notice(p, (_net("adam", 0.05),))
    assert "highest" not in lone
    blown = ON.network_notice(p, (_net("sgd", 0.3, diverged_at=3),))
    assert blown.endswith("Every chosen optimizer diverged.")
    assert "1/10 of SGD's" in text and "β = 0.9" in text and "= 10 times" in text


def test_the_network_notice_is_its_runs():
    p = ON.NetworkParams(epochs=20)
    runs = ON.train_all(p, ("sgd", "adam"))
    text = ON.network_notice(p, runs)
    early = {N.short_label(r.optimizer): float(r.loss[9]) for r in runs}
    best = min(early, key=early.get)
    if abs(early["SGD"] - early["Adam"]) > ON.LEVEL * max(early.values()):
        assert f"after 10 epochs: {best};" in text
    else:  # within float32's reach of each other: no ranking claimed
        assert "after 10 epochs: SGD and Adam (level" in text or \
            "after 10 epochs: Adam and SGD (level" in text


def test_the_update_rules_show_keras_fine_print():
    at = open_page(PAGE, {"optimizers": "momentum,adagrad,adadelta", "surface": "quadratic"})
    assert not problems(at)
    captions = " ".join(c.value for c in at.caption)
    assert "the same algorithm, with v negated" in captions
    assert "G₀ = 0.1" in captions and "θ ← θ + α·Δθ" in captions
    formulas = " ".join(x.value for x in at.latex)
    assert r"G_0 = 0.1" in formulas and r"\theta \leftarrow \theta + \alpha\,\Delta\theta" in \
        formulas


def test_the_saddle_answer_says_which_paths_the_box_stopped():
    result = paths(lecture.OPT_SADDLE)
    text = lecture.saddle()
    stopped = {N.short_label(p.optimizer): p.diverged_at for p in result.diverged}
    assert stopped  # momentum and NAG run off: the page reports them as diverged
    for name, step in stopped.items():
        assert f"{name} at step {step}" in text
    assert "reports it as diverged" in text
