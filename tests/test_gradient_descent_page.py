"""The gradient-descent page through app.py (AppTest): the learning rate drives the regime,
divergence is a message and never a broken page, the three views draw what they promise,
links pin and survive mangling, a classroom link hides controls. Then every sentence the page
and its lecture show, held to its run: each preset's answer against a plain NumPy descent
written here, and each branch of the texts on a run made to take it."""

import base64
import dataclasses
import json
import math
import re

import numpy as np
import pytest
from conftest import link_notes, open_page, problems
from sentences import after, close, numbers

from core import gradient_descent as GD
from core import gradient_descent_notes as N
from core import one_weight as OW
from ui.lectures import gradient_descent as lecture

PATH = "pages/gradient_descent.py"
RATE = "gradient_descent.learning_rate"


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _names(spec: dict) -> list[str]:
    return [t.get("name", "") for t in spec["data"]]


def _array(values) -> np.ndarray:
    """A trace's array as sent: a list, or Plotly's typed array {"dtype", "bdata"}."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def _query(at, key: str) -> str | None:
    """The link's value of ``key``; None when the link leaves it out (the default)."""
    if key not in at.query_params:
        return None
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def test_default_page_draws_the_descent_and_keras_agrees():
    at = open_page(PATH)
    assert not problems(at)
    specs = _specs(at)
    assert len(specs) >= 3
    replay = specs[0]
    assert len(replay["frames"]) >= 20 and replay["layout"]["sliders"]
    assert sum(t.get("fill") == "toself" for t in replay["data"]) >= 3  # contours of J
    assert "Just right" in _texts(at.success)
    assert "the same answer" in _texts(at.success)  # Keras ends at the closed form
    assert at.latex  # the Hessian
    # The link holds only what differs from the defaults.
    assert _query(at, "learning_rate") is None and _query(at, "view") is None
    text = _texts(at.markdown) + _texts(at.success)
    # Subscripts as ᵢ/ₘₐₓ, never a literal underscore in prose (a preset link's target,
    # `](page?learning_rate=…)`, is an address, not prose).
    prose = re.sub(r"\]\([^)]*\)", "]", text.replace("`", ""))
    assert "](" in text and "_" not in prose


def test_a_diverging_rate_is_a_message_not_a_broken_page():
    at = open_page(PATH)
    at.select_slider(key=RATE).set_value(1.0).run()
    assert not problems(at)
    errors = _texts(at.error)
    assert "Diverged at step" in errors and "2/λₘₐₓ" in errors
    assert "Keras diverged too" in errors
    assert len(at.get("plotly_chart")) >= 3
    for spec in _specs(at):  # every number sent to the browser is finite
        assert "NaN" not in json.dumps(spec) and "Infinity" not in json.dumps(spec)
    assert _query(at, "learning_rate") == "1"


def test_the_preset_buttons_set_the_learning_rate():
    at = open_page(PATH)
    labels = [b.label for b in at.button]
    assert {"too small", "just right", "too large"} <= set(labels)  # short labels
    small = [b for b in at.button if b.label == "too small"][0]
    assert small.help == "α = 0.02: too small: slow"  # the regime of that α on this data
    small.click().run()
    assert at.select_slider(key=RATE).value == 0.02
    assert "Too small" in _texts(at.info)
    assert _query(at, "learning_rate") == "0.02"
    [b for b in at.button if b.label == "too large"][0].click().run()
    assert "Diverged at step" in _texts(at.error)
    [b for b in at.button if b.label == "just right"][0].click().run()
    assert _query(at, "learning_rate") is None  # back to the default: out of the link


def test_minibatches_show_their_controls_and_noise():
    at = open_page(PATH, {"full_batch": "0", "batch_size": "4", "epochs": "20"})
    assert not problems(at)
    assert at.select_slider(key="gradient_descent.batch_size").value == 4
    assert "mini-batches" in _texts(at.caption)
    loss = _specs(at)[1]
    assert loss["layout"]["xaxis"]["title"]["text"] == "step (1 epoch = 13 steps)"


def test_the_one_weight_view_draws_the_parabola_and_the_thresholds():
    at = open_page(PATH, {"view": "one_weight", "learning_rate": "0.5"})
    assert not problems(at)
    parabola, factor = _specs(at)[:2]
    assert any(n.startswith("steps, α = 0.5") for n in _names(parabola))
    assert "step 1 at α = 1/λ, 2/λ" in _names(parabola)
    assert factor["layout"]["xaxis"]["ticktext"] == ["0", "1/λ", "2/λ"]
    assert "zig-zags" in _texts(at.warning)  # 1/λ < 0.5 < 2/λ on the default data
    assert "1/λ" in _texts(at.markdown)
    # the view is a segmented control, and switching it redraws
    (view,) = [b for b in at.get("button_group") if b.key == "gradient_descent.view"]
    view.set_value("batches").run()
    assert not problems(at)
    assert _query(at, "view") == "batches"


def test_the_batch_view_shows_three_runs_of_the_same_epochs():
    at = open_page(PATH, {"view": "batches"})
    assert not problems(at)
    names = [n for n in _names(_specs(at)[0]) if n]
    assert names == ["full batch: 100 steps", "mini-batch 8: 700 steps",
                     "single sample: 5,000 steps"]
    notes = _texts(at.markdown)
    assert "1 step with the full batch" in notes and "N = 50" in notes
    assert "lowest with the full batch" in notes  # checked against the run: 0.172 vs 0.289


def test_reduce_on_plateau_draws_the_learning_rate_steps():
    at = open_page(PATH, {"full_batch": "0", "batch_size": "4", "plateau_patience": "3"})
    assert not problems(at)
    rates = [s for s in _specs(at) if s["layout"].get("title", {}).get("text", "").startswith(
        "Learning rate")]
    assert rates and _array(rates[0]["data"][0]["y"]).min() < 0.2 / 4
    assert _query(at, "plateau_patience") == "3"


def test_a_mangled_link_loads_with_a_warning_naming_it():
    at = open_page(PATH, {"learning_rate": "abc", "batch_size": "7", "view": "[x](http://e)"})
    assert not problems(at)
    notes = link_notes(at)
    assert "learning_rate" in notes and "batch_size" in notes and "view" in notes
    assert "](http" not in _texts(at.warning)  # the link's text is never Markdown
    assert at.select_slider(key=RATE).value == 0.2  # the default
    assert len(at.get("plotly_chart")) >= 3


def test_a_classroom_link_hiding_the_rate_hides_its_presets_too():
    at = open_page(PATH, {"hide": "learning_rate,view,plateau_patience",
                          "learning_rate": "0.05"})
    assert not problems(at)
    assert not [w for w in at.select_slider if w.key == RATE]
    assert not [b for b in at.button if b.label.startswith("too")]
    assert not [b for b in at.get("button_group") if b.key == "gradient_descent.view"]
    assert "Too small" in _texts(at.info)  # 0.05 from the link is used
    assert _query(at, "learning_rate") == "0.05"


# ----------------------------------------------------------------------------------------
# Every sentence held to its run. The reference: a plain full-batch NumPy descent and the
# eigenvalues of 2/N XᵀX, written here.
# ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Reference:
    lam_min: float
    lam_max: float
    j_min: float
    losses: list[float]  # J before the first step and after each of p.epochs steps

    @property
    def diverged_at(self) -> int | None:
        """The first step whose J is not finite or over 1000× J₀ (the page's rule)."""
        for k, j in enumerate(self.losses):
            if not math.isfinite(j) or j > 1000 * self.losses[0]:
                return k
        return None


def reference(p: GD.GradientDescentParams) -> Reference:
    x, y = GD.make_data(p)
    design = np.column_stack([x, np.ones_like(x)])
    lam = np.linalg.eigvalsh(2 / len(x) * design.T @ design)
    best = np.linalg.solve(design.T @ design, design.T @ y)

    def j(theta) -> float:
        return float(np.mean((design @ theta - y) ** 2))

    theta, losses = np.array([p.W0, p.b0]), []
    with np.errstate(all="ignore"):
        for _ in range(p.epochs + 1):
            losses.append(j(theta))
            theta = theta - p.learning_rate * 2 / len(x) * design.T @ (design @ theta - y)
    return Reference(float(lam[0]), float(lam[1]), j(best), losses)


def test_the_larger_rate_answer_gives_the_fastest_rate_and_the_limit():
    text = lecture.larger_rate()
    ref = reference(GD.GradientDescentParams())
    fastest = after(text, "2/(λₘᵢₙ + λₘₐₓ) = ")
    limit = after(text, "Above 2/λₘₐₓ = ")
    assert close(fastest, 2 / (ref.lam_min + ref.lam_max))
    assert close(limit, 2 / ref.lam_max)
    assert fastest < limit  # two thresholds, in this order
    assert close(after(text, "curvatures are λₘᵢₙ = "), ref.lam_min)
    assert close(after(text, "and λₘₐₓ = "), ref.lam_max)


def test_the_slow_preset_answer_is_its_runs():
    text = lecture.slow()
    ref = reference(lecture.GD_SLOW)
    alpha = lecture.GD_SLOW.learning_rate
    assert text.startswith("Still far from its best fit")
    assert (ref.losses[-1] - ref.j_min) > 0.01 * (ref.losses[0] - ref.j_min)  # not arrived
    assert after(text, "after ") == lecture.GD_SLOW.epochs
    assert close(after(text, "fallen from "), ref.losses[0])
    assert close(after(text, "only to "), ref.losses[-1])
    assert close(after(text, "minimum is "), ref.j_min)
    rho = 1 - alpha * ref.lam_min  # the slowest direction's factor (αλₘₐₓ < 1 here)
    assert abs(after(text, "removes only ") - (1 - rho**2)) < 0.0005
    needed = math.log(100) / (-2 * math.log(rho))
    assert abs(after(text, "need some ") - needed) <= 1


def test_the_diverging_preset_answer_is_its_runs():
    text = lecture.diverges()
    ref = reference(lecture.GD_DIVERGES)
    alpha = lecture.GD_DIVERGES.learning_rate
    assert alpha > 2 / ref.lam_max and "is above this data's limit" in text
    assert close(after(text, "2/λₘₐₓ = "), 2 / ref.lam_max)
    assert close(after(text, "other side of the minimum, "), alpha * ref.lam_max - 1)
    assert ref.diverged_at is not None and after(text, "by step ") == ref.diverged_at


@pytest.mark.parametrize("changes, opening", [
    ({"learning_rate": 0.2}, "It arrives after all"),  # the other branch of the slow answer
    ({"learning_rate": 0.02, "epochs": 1}, "Still far"),
])
def test_the_slow_answer_follows_its_run(changes, opening):
    p = GD.GradientDescentParams(**changes)
    ref = reference(p)
    text = N.slow_answer(GD.run(p))
    assert text.startswith(opening)
    assert close(after(text, "to " if opening.startswith("It") else "only to "),
                 ref.losses[-1])


def test_the_diverging_answer_follows_its_run():
    below = N.diverges_answer(GD.run(GD.GradientDescentParams(learning_rate=0.3)))
    assert "below this data's limit" in below and "zig-zagging" in below
    smooth = N.diverges_answer(GD.run(GD.GradientDescentParams(learning_rate=0.1)))
    assert "smoothly" in smooth
    early = GD.GradientDescentParams(learning_rate=0.5, epochs=1)
    assert reference(early).diverged_at is None  # one step: above the limit, not yet 1000×
    assert "has not yet passed 1000×" in N.diverges_answer(GD.run(early))


def test_the_regime_note_names_what_the_run_did():
    good = GD.run(GD.GradientDescentParams())
    assert N.regime_note(good.regime, None, good.params).level == "success"
    early = GD.run(GD.GradientDescentParams(learning_rate=0.5, epochs=1))
    note = N.regime_note(early.regime, early.descent.diverged_at, early.params)
    assert note.level == "error" and "stopped before the loss passed 1000×" in note.text
    noisy = GD.run(GD.GradientDescentParams(full_batch=False, batch_size=1, learning_rate=0.4))
    assert noisy.regime.name == "zigzag" and noisy.descent.diverged
    note = N.regime_note(noisy.regime, noisy.descent.diverged_at, noisy.params)
    assert f"Diverged at step {noisy.descent.diverged_at}" in note.text
    assert "a mini-batch of 1 points" in note.text
    blown = GD.run(lecture.GD_DIVERGES)
    note = N.regime_note(blown.regime, blown.descent.diverged_at, blown.params)
    assert note.text.startswith(f"**Diverged at step {blown.descent.diverged_at}.**")


def test_the_line_notice_follows_its_run():
    r = GD.run(GD.GradientDescentParams())
    ref = reference(r.params)
    text = N.line_notice(r)
    assert close(after(text, "1/λₘₐₓ = "), 1 / ref.lam_max)
    assert close(after(text, "J(θ*) = "), ref.j_min)
    assert close(after(text, "λₘₐₓ/λₘᵢₙ = "), ref.lam_max / ref.lam_min)
    assert "long, narrow valley" in text and "the loss stops there" in text
    round_valley = N.line_notice(GD.run(GD.GradientDescentParams(x_center=0.0)))
    assert "nearly round" in round_valley
    exact = N.line_notice(GD.run(GD.GradientDescentParams(noise=0.0)))
    assert "exactly on a line" in exact and "J(θ*) = 0" in exact
    slow = N.line_notice(GD.run(lecture.GD_SLOW))
    assert close(after(slow, "this run is at J = "), reference(lecture.GD_SLOW).losses[-1])
    assert "it diverged" in N.line_notice(GD.run(lecture.GD_DIVERGES))
    noisy = N.line_notice(GD.run(GD.GradientDescentParams(full_batch=False)))
    assert "one mini-batch of 8 points" in noisy and "right angles:" not in noisy


def _fit(r, theta, diverged_at=None) -> GD.KerasFit:
    return GD.KerasFit(np.array([0.5, 0.0]), np.asarray(theta, float), np.ones(3), 3,
                       diverged_at)


def test_the_keras_note_has_a_branch_for_each_outcome():
    r = GD.run(GD.GradientDescentParams())
    star = r.quadratic.theta_star
    at_star = N.keras_note(r, _fit(r, star + 1e-7))
    assert at_star.level == "success" and "Keras ends at θ*" in at_star.text  # no float noise
    near = N.keras_note(r, _fit(r, star + [0.003, 0.004]))
    assert "Keras ends 0.005 from θ*" in near.text
    far = N.keras_note(r, _fit(r, star + [3.0, 4.0]))
    assert far.level == "info" and "still 5 away" in far.text
    alone = N.keras_note(r, _fit(r, [1e9, 1e9], diverged_at=2))
    assert alone.level == "error" and "the NumPy descent did not" in alone.text
    blown = GD.run(lecture.GD_DIVERGES)
    both = N.keras_note(blown, _fit(blown, [1e9, 1e9], diverged_at=2))
    assert "Keras diverged too, at epoch 2" in both.text


def test_the_true_line_caption_with_and_without_noise():
    for noise, claim in ((0.5, "Even the true line"), (0.0, "Without noise")):
        r = GD.run(GD.GradientDescentParams(noise=noise))
        rows = N.comparison_rows(r, _fit(r, r.quadratic.theta_star))
        assert N.true_line_caption(rows, r.quadratic).startswith(claim)
    r = GD.run(GD.GradientDescentParams())
    rows = N.comparison_rows(r, _fit(r, r.quadratic.theta_star))
    text = N.true_line_caption(rows, r.quadratic)
    x, y = GD.make_data(r.params)
    assert close(after(text, "scores J = "), float(np.mean((2 * x + 1 - y) ** 2)))


def test_the_batch_notice_follows_its_runs():
    c = GD.compare_batches(GD.GradientDescentParams(view="batches"))
    text = N.batch_notice(c)
    ends = {name: float(d.losses[-1]) for name, d in c.descents.items()}
    for name, value in ends.items():
        assert close(after(text, "J ends at " if name == "full batch" else f"{name[:4]}"),
                     value) or f"{value:.3g} ({name})" in text
    best = min(ends, key=ends.get)
    assert f"lowest with the {best}" in text
    assert "all three panels saw every point 100 times" in text
    assert N.batch_divergence(c) is None
    # A tie is no lead: the same final loss for two ways of batching.
    level = dataclasses.replace(c.descents["mini-batch 8"], losses=c.descents["full batch"].losses)
    tied = dataclasses.replace(c, descents={**c.descents, "mini-batch 8": level})
    assert "end level" in N.batch_notice(tied) and "lowest with" not in N.batch_notice(tied)


def test_the_batch_divergence_says_who_diverged_and_why():
    single = GD.compare_batches(GD.GradientDescentParams(view="batches", learning_rate=0.4))
    note = N.batch_divergence(single)
    assert note is not None and "Diverged: single sample." in note.text
    assert "although the full batch converges" in note.text
    assert "single sample diverged first" in N.batch_notice(single)
    every = GD.compare_batches(GD.GradientDescentParams(view="batches", learning_rate=0.7))
    note = N.batch_divergence(every)
    assert "full batch" in note.text and "above the full-batch limit" in note.text


def test_the_parabola_notice_follows_its_run():
    for rate, side in ((0.2, "positive"), (0.5, "negative")):
        r = OW.run(GD.GradientDescentParams(view="one_weight", learning_rate=rate))
        x, y = GD.make_data(r.params)
        lam = 2 * np.mean(x * x)
        text = N.one_weight_notice(r)
        assert close(after(text, "curvature λ = "), lam)
        assert close(after(text, "W* = "), np.sum(x * y) / np.sum(x * x))
        assert abs(after(text, "1 − αλ = ") - (1 - rate * lam)) <= 0.005
        assert f"({side}" in text
        assert close(after(text, "2/λ = "), 2 / lam)


def test_the_page_shows_the_sentences_of_its_own_run():
    at = open_page(PATH, {"learning_rate": "0.05", "noise": "1"})
    assert not problems(at)
    ref = reference(GD.GradientDescentParams(learning_rate=0.05, noise=1.0))
    notice = next(m.value for m in at.markdown if "What to notice" in m.value)
    assert close(after(notice, "J(θ*) = "), ref.j_min)
    assert "σ = 1, σ² = 1" in notice
    info = _texts(at.info)
    assert "Too small" in info
    rho = 1 - 0.05 * ref.lam_min
    assert abs(after(info, "would take about ") - math.log(100) / (-2 * math.log(rho))) <= 1
    assert numbers(notice)  # a notice that names its numbers


def test_the_presets_are_the_rate_buttons_of_the_default_data():
    """The lecture's two presets are the page's "too small" and "too large" buttons."""
    rates = {name: rate for name, (rate, _) in GD.rate_presets(GD.GradientDescentParams()).items()}
    assert rates["too small"] == lecture.GD_SLOW.learning_rate
    assert rates["too large"] == lecture.GD_DIVERGES.learning_rate
