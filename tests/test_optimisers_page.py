"""The optimiser page through AppTest (driven through app.py, as a browser would open it):
controls change the paths and the link, divergence is reported in words, the momentum
explorer and the real network draw what they promise, bad links are survived, a classroom
link hides the rates and the start point."""

import json

from conftest import link_notes, open_page, problems

PAGE = "pages/optimisers.py"


def text(at) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    return " ".join(parts + [i.value for i in at.info])


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def titles(at) -> list[str]:
    return [s["layout"].get("title", {}).get("text", "").replace("<br>", " ")  # wrapped titles
            for s in specs(at)]


def query(at, key: str) -> str:
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
    assert query(at, "surface") == "beale" and query(at, "view") == "paths"
    assert query(at, "optimizers") == "sgd,momentum,nesterov,rmsprop,adam"
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
    assert "stalls next to the saddle" in text(at)
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
    assert query(at, "start_x") == "off" and query(at, "start_y") == "off"


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
    assert query(at, "optimizers") == "sgd,adam" and query(at, "dataset") == "xor"


def test_a_mangled_link_loads_with_a_warning_naming_the_bad_keys():
    at = open_page(PAGE, {"surface": "moon", "steps": "abc", "learning_rate_scale": "0.25",
                          "optimizers": "sgd,lbfgs", "nonsense": "1"})
    assert not problems(at)
    notes = link_notes(at)
    assert "could not use" in notes
    for key in ("surface", "steps", "learning_rate_scale", "optimizers", "nonsense"):
        assert key in notes
    assert len(at.get("plotly_chart")) >= 2
    assert query(at, "surface") == "beale"  # the defaults took over
