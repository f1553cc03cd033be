"""The lecture's 2-D overtraining exercise (core.overtraining): one configuration with the
Playground's preset, compared on the validation set, the chosen run tested once on fresh
points; its sentences follow the four runs in every case."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sentences import assert_numbers_from

from core import overtraining as ot
from core import playground as pg
from core.figures import overfitting as fig

EX = ot.ExerciseParams()


def test_the_exercise_is_the_playgrounds_overtraining_preset():
    assert EX.steps() == pg.OVERTRAINING_STEPS  # the same runs, the same cache entries
    task = pg.OVERTRAINING
    # The lecture: checkerboard data, noise 50 %, a deep network (its slide: 5 hidden layers
    # of ReLU units), 1000 epochs, Playground's learning rate and batch size.
    assert (task.dataset, task.noise, task.activation, task.epochs) == ("xor", 50, "relu", 1000)
    assert len(task.hidden_units) == 5
    assert (task.learning_rate, task.batch_size, task.optimizer) == (0.03, 10, "sgd")
    assert [s.regularization for s in EX.steps().values()] == ["none", "l2", "l2", "l1"]
    assert [s.regularization_rate for s in EX.steps().values()] == [0.0, 0.01, 0.1, 0.01]
    assert EX.replace(hidden_layers=2, units=3).steps()["l1"].hidden_units == (3, 3)


def test_the_training_share_that_differs_from_playgrounds_is_said():
    said = pg.overtraining_setup(pg.OVERTRAINING)
    assert pg.OVERTRAINING.train_ratio == 20 != pg.PlaygroundParams().train_ratio
    assert "20 % of the points train (Playground's default is 50 %" in said
    assert "5 hidden layers of 8 ReLU units" in said and "50 % noise" in said
    same = pg.overtraining_setup(pg.OVERTRAINING.replace(train_ratio=50))  # positive case
    assert "50 % of the points train." in same and "default" not in same


def test_parameters_name_what_they_reject():
    with pytest.raises(ValueError, match="hidden_layers"):
        ot.ExerciseParams(hidden_layers=99)
    with pytest.raises(ValueError, match="dataset"):
        ot.ExerciseParams(dataset="spiral")


def test_links_with_the_old_field_names_still_work():
    old = {"ex_noise": "30", "ex_layers": "3", "ex_width": "4", "ex_epochs": "500",
           "ex_l1": "0.03", "ex_seed": "7"}
    read, notes = ot.ExerciseParams.from_query(old)
    assert notes == []
    assert (read.noise_2d, read.hidden_layers, read.units, read.epochs_2d, read.l1,
            read.seed_2d) == (30, 3, 4, 500, 0.03, 7)
    # The new name wins over the old one; an unknown key is still named.
    read, notes = ot.ExerciseParams.from_query({"ex_width": "4", "units": "6", "x": "1"})
    assert read.units == 6 and notes == ["ignored unknown parameter 'x'"]


# ----------------------------------------------------------------------------------------
# The four runs: compared on validation, the chosen one tested once
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs() -> dict[str, pg.PlaygroundRun]:
    return {name: ot.run_step(EX, name) for name in ot.STEP_NAMES}


@pytest.fixture(scope="module")
def summaries(runs) -> dict[str, ot.RunSummary]:
    titles = EX.titles()
    return {name: ot.summary(r, titles[name]) for name, r in runs.items()}


def test_runs_are_compared_on_the_validation_set_and_the_best_is_chosen(runs, summaries):
    for name, r in runs.items():
        s, val = summaries[name], r.result.history["val_loss"]
        # What the runs are compared on is the Playground's held-out share, not training.
        assert s.val_loss == pytest.approx(float(val[-1]), rel=1e-6)
        assert s.best_val_loss == pytest.approx(float(np.min(val)), rel=1e-6)
        assert s.best_epoch == int(np.argmin(val)) + 1
        assert len(r.train) == 100 and len(r.test) == 400
    lowest = min(summaries, key=lambda n: summaries[n].val_loss)
    assert ot.choose(summaries) == lowest


def _half_squared_error(r: pg.PlaygroundRun, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Playground's loss and accuracy of the final network, written out by hand (ReLU hidden
    layers, a tanh output, labels ±1)."""
    h = x.astype(np.float64)
    *hidden, (k_out, b_out) = r.result.final.weights
    for kernel, bias in hidden:
        h = np.maximum(h @ kernel + bias, 0.0)
    out = np.tanh(h @ k_out + b_out)[:, 0]
    target = np.where(y == 1, 1.0, -1.0)
    return float(np.mean(0.5 * (out - target) ** 2)), float(np.mean((out >= 0) == (y == 1)))


def test_the_test_set_is_fresh_points_seen_by_neither_training_nor_the_choice(runs):
    test = ot.test_set(EX)
    plain = runs["plain"]
    assert len(test) == ot.TEST_POINTS == 500
    seen = {tuple(p) for p in plain.train.x} | {tuple(p) for p in plain.test.x}
    assert not seen & {tuple(p) for p in test.x}
    # Same generator, same noise: about half of each class, like the exercise's data.
    assert 0.4 < np.mean(test.y) < 0.6
    chosen = runs[ot.choose({n: ot.summary(r, n) for n, r in runs.items()})]
    score = ot.test_score(EX, chosen)
    loss, accuracy = _half_squared_error(chosen, test.x, test.y)
    assert score.loss == pytest.approx(loss, rel=1e-6)
    assert score.accuracy == pytest.approx(accuracy)
    assert score.n_points == len(test)


def test_the_default_runs_show_what_the_lecture_asks_about(summaries):
    """Facts of the default runs with wide margins (they hold on any machine): the plain run
    overtrains, the high L2 rate underfits, L1 leaves many exact zeros and L2 none."""
    plain, high = summaries["plain"], summaries["high_l2"]
    assert plain.overtrained and plain.val_loss > 1.3 * plain.best_val_loss
    assert high.train_loss > 1.5 * plain.train_loss and high.val_accuracy < 0.65
    assert summaries["l1"].exact_zeros > 0.5 * summaries["l1"].n_weights
    assert summaries["low_l2"].exact_zeros == summaries["plain"].exact_zeros == 0


def _allowed(summaries: dict[str, ot.RunSummary]) -> set[str]:
    """Every number a sentence about these runs may contain, formatted from them."""
    out = {f"{ot.FLAT:g}"}
    for s in summaries.values():
        out |= {f"{s.train_loss:.3f}", f"{s.val_loss:.3f}", f"{s.best_val_loss:.3f}",
                str(s.best_epoch), str(s.epochs_run), f"{s.val_accuracy:.0%}",
                str(s.exact_zeros), str(s.n_weights)}
    out |= {f"{rate:g}" for rate in (EX.low_l2, EX.high_l2, EX.l1)}
    return out


def test_the_notice_is_written_from_the_four_runs(summaries):
    text = ot.notice(summaries)
    assert_numbers_from(text, _allowed(summaries))
    plain, low, high, l1 = (summaries[n] for n in ot.STEP_NAMES)
    assert ("learns the noise (overtraining)" in text) == plain.overtrained
    assert ("ends with a lower validation loss" in text) == (low.val_loss < plain.val_loss)
    assert ("underfits" in text) == (high.train_loss > 1.5 * plain.train_loss
                                     and high.val_accuracy < 0.65)
    assert ("almost the same everywhere" in text) == (high.spread < ot.FLAT and "underfits"
                                                      in text)
    assert f"sets {l1.exact_zeros} of its {l1.n_weights} weights to exactly 0" in text
    chosen = summaries[ot.choose(summaries)]
    assert text.endswith(f"**{chosen.title}** ({chosen.val_loss:.3f}).")
    assert "test" not in text  # the runs are compared on validation; test is looked at once
    playground = ot.notice(summaries, compared_on="test")  # the Playground's own word
    assert "validation" not in playground and "test loss" in playground


def _run(title: str, **numbers) -> ot.RunSummary:
    base = dict(train_loss=0.1, val_loss=0.3, best_val_loss=0.25, best_epoch=50,
                epochs_run=1000, train_accuracy=0.9, val_accuracy=0.8, exact_zeros=0,
                n_weights=280, spread=1.9)
    return ot.RunSummary(title, **{**base, **numbers})


def _four(**changes) -> dict[str, ot.RunSummary]:
    runs = {"plain": _run("no regularisation"), "low_l2": _run("L2 0.01", val_loss=0.28),
            "high_l2": _run("L2 0.1", train_loss=0.5, val_accuracy=0.5, spread=0.01),
            "l1": _run("L1 0.01", exact_zeros=200, val_loss=0.29)}
    for name, numbers in changes.items():
        runs[name] = _run(runs[name].title, **numbers)
    return runs


def test_each_sentence_follows_its_numbers_in_every_case():
    text = ot.notice(_four())
    assert "learns the noise" in text and "lower validation loss (0.280 against 0.300)" in text
    assert "underfits" in text and "almost the same everywhere" in text
    assert "sets 200 of its 280 weights to exactly 0" in text and "L2 0.01** (0.280)" in text
    # No clear overtraining: the minimum at the end, or a rise of under 5 %.
    calm = ot.notice(_four(plain=dict(best_epoch=1000, best_val_loss=0.3)))
    assert "no clear overtraining within these 1000 epochs" in calm and ", its lowest" in calm
    late = ot.notice(_four(plain=dict(val_loss=0.26)))
    assert "(lowest 0.250 at epoch 50)" in late
    # Low L2 no better; high L2 not underfitting, or underfitting but not flat.
    text = ot.notice(_four(low_l2=dict(val_loss=0.35), high_l2=dict(train_loss=0.12)))
    assert "does not lower the validation loss here (0.350 against 0.300)" in text
    assert "underfits" not in text and "L2 0.1 ends at a validation loss of 0.300" in text
    varied = ot.notice(_four(high_l2=dict(train_loss=0.5, val_accuracy=0.5, spread=0.5)))
    assert "underfits" in varied and "almost the same" not in varied
    # L1 without exact zeros; a diverged run.
    assert "leaves no weight at exactly 0" in ot.notice(_four(l1=dict(exact_zeros=0)))
    broken = ot.notice(_four(plain=dict(val_loss=math.inf), high_l2=dict(train_loss=math.nan)))
    assert "the run diverged" in broken and "L2 0.1 diverged" in broken


def test_the_test_sentence_names_the_chosen_run_and_its_score():
    chosen = _run("L2 0.01", val_loss=0.28)
    text = ot.test_text(chosen, ot.HeldOutScore(0.2912, 0.786, 500))
    assert "**L2 0.01** (final validation loss 0.280)" in text
    assert "on 500 fresh points" in text and "**0.291** (accuracy 78.6%)" in text


def test_exercise_figures_show_four_runs_against_their_validation_points(runs):
    plain, titles = runs["plain"], list(EX.titles().values())
    maps = json.loads(fig.exercise_maps(
        plain.grid_axes[0], [r.grid_outputs[-1] for r in runs.values()], titles,
        (plain.train.x, plain.train.y), (plain.test.x, plain.test.y)).to_json())
    assert sum(t["type"] == "contour" for t in maps["data"]) == 4
    assert [a["text"] for a in maps["layout"]["annotations"]] == titles
    assert {t["name"] for t in maps["data"]} >= {"class 0 (validation)", "class 1 (training)"}
    losses = json.loads(fig.exercise_losses([r.result.history for r in runs.values()],
                                            titles).to_json())
    assert sum(t["name"] == "validation" for t in losses["data"]) == 4
