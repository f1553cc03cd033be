"""The optimiser page through AppTest (driven through app.py, as a browser would open it):
controls change the paths and the link, divergence is reported in words, bad links are
survived."""

from conftest import link_notes, open_page, problems

PAGE = "pages/optimisers.py"


def text(at) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    return " ".join(parts + [i.value for i in at.info])


def titles(at) -> str:
    return " ".join(c.proto.spec for c in at.get("plotly_chart"))


def query(at, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def test_default_page_shows_paths_loss_and_update_rules():
    at = open_page(PAGE)
    assert not problems(at)
    assert len(at.get("plotly_chart")) >= 2
    assert "Beale: 5 optimisers, 300 steps" in titles(at)
    assert "f along each path" in titles(at)
    assert not at.warning  # nothing diverges with the defaults
    assert len(at.latex) >= 2 + 5  # page formula, surface, one update rule per optimiser
    assert query(at, "surface") == "beale" and query(at, "use_adam") == "1"
    assert query(at, "use_adagrad") == "0"
    assert at.multiselect(key="optimisers.optimizers").value == [
        "sgd", "momentum", "nesterov", "rmsprop", "adam"]


def test_changing_the_surface_and_the_optimisers():
    at = open_page(PAGE)
    at.selectbox(key="optimisers.surface").set_value("saddle").run()
    assert not problems(at)
    assert query(at, "surface") == "saddle"
    assert "Saddle: 5 optimisers" in titles(at)
    assert "stalls next to the saddle" in text(at)
    at.multiselect(key="optimisers.optimizers").set_value(["sgd", "adagrad"]).run()
    assert not problems(at)
    assert query(at, "use_adagrad") == "1" and query(at, "use_adam") == "0"
    assert "Saddle: 2 optimisers" in titles(at)
    assert len(at.latex) == 2 + 2


def test_a_large_multiplier_diverges_and_the_theory_says_why():
    at = open_page(PAGE, {"surface": "quadratic"})
    assert not problems(at)
    assert len(at.get("plotly_chart")) == 3  # paths, f per step, the theory
    assert "α = 0.018 is below the limit 0.02" in text(at)
    at.select_slider(key="optimisers.learning_rate_scale").set_value(1.5).run()
    assert not problems(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "SGD diverged at step" in warnings
    assert "Nesterov momentum (NAG, 0.9) diverged at step" in warnings
    assert "momentum (0.9) diverged" not in warnings.replace("Nesterov momentum (NAG, 0.9)", "")
    assert "α = 0.027 is above the limit 0.02" in text(at)
    assert len(at.get("plotly_chart")) == 3  # the picture survives the divergence
    assert query(at, "learning_rate_scale") == "1.5"


def test_own_rate_and_start_point_pin_the_link():
    at = open_page(PAGE, {"surface": "quadratic", "rate_sgd": "0.0199", "start": "-3,1",
                          "use_nesterov": "0"})
    assert not problems(at)
    assert at.toggle(key="optimisers.own_start").value
    assert at.number_input(key="optimisers.start.0").value == -3.0
    assert at.number_input(key="optimisers.rate_sgd.box").value == 0.0199
    assert "nesterov" not in at.multiselect(key="optimisers.optimizers").value
    assert "α = 0.0199 is below the limit" in text(at)
    at.number_input(key="optimisers.rate_sgd.box").set_value(0.021).run()
    assert "SGD diverged at step" in " ".join(w.value for w in at.warning)
    assert query(at, "rate_sgd") == "0.021" and query(at, "start") == "-3,1"
    at.toggle(key="optimisers.own_start").set_value(False).run()
    assert not problems(at)
    assert query(at, "start") == ""


def test_no_optimiser_chosen_still_draws_the_surface():
    at = open_page(PAGE)
    at.multiselect(key="optimisers.optimizers").set_value([]).run()
    assert not problems(at)
    assert any("Choose at least one optimiser" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) >= 1


def test_a_mangled_link_loads_with_a_warning_naming_the_bad_keys():
    at = open_page(PAGE, {"surface": "moon", "steps": "abc", "learning_rate_scale": "0.25",
                          "start": "1", "nonsense": "1"})
    assert not problems(at)
    notes = link_notes(at)
    assert "could not use" in notes
    for key in ("surface", "steps", "learning_rate_scale", "nonsense"):
        assert key in notes
    assert len(at.get("plotly_chart")) >= 2
    assert query(at, "surface") == "beale"  # the defaults took over
