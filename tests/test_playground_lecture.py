"""Every sentence of the Playground's lecture content against the runs it describes: each
exercise step's answer (one Preset per step, also the "Try this" presets), the exercises'
answers, and the recap's conventions; each branch shown with a constructed run where the
presets' runs take only one of them."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from sentences import assert_numbers_from

from core import playground as pg
from core.playground import exercises as C
from core.presets import Preset
from ui import results
from ui.lectures import playground as lecture

STEPS = [(ex.name, step) for ex in lecture.EXERCISES for step in ex.steps]


def _verdict_numbers(r: pg.PlaygroundRun) -> set[str]:
    m, n = r.metrics, len(r.test)
    return {lecture.percent(m.test_accuracy), str(int(round((1 - m.test_accuracy) * n))),
            str(n), f"{m.test_loss:.3f}"}


def _params_numbers(p: pg.PlaygroundParams) -> set[str]:
    return {str(len(p.hidden_units)), *map(str, p.hidden_units), f"{p.learning_rate:g}",
            str(p.epochs), str(p.seed)}


def test_the_exercises_are_presets_over_every_configuration():
    steps = [step for _, step in STEPS]
    assert all(isinstance(s, Preset) and len(s.params) == 1 for s in steps)
    assert [s.params[0] for s in steps] == list(pg.CONFIGURATIONS)  # the warm-up trains them
    assert [e.name for e in lecture.EXERCISES] == ["checkerboard", "spiral", "overtraining"]
    assert all(e.questions for e in lecture.EXERCISES)
    # "Try this" presets are exercise steps, with the same answers.
    for preset in lecture.LECTURE.presets:
        assert any(preset.params == s.params and preset.answer is s.answer for s in steps)


@pytest.mark.parametrize("exercise, step", [s for s in STEPS if s[0] != "overtraining"],
                         ids=[s.label for n, s in STEPS if n != "overtraining"])
def test_a_step_answer_holds_only_numbers_of_its_runs(exercise, step):
    p = step.params[0]
    r = results.playground_run(p)
    text = step.answer_text()
    allowed = _verdict_numbers(r) | _params_numbers(p) | {"1", f"{lecture.QUADRANT_SHARE:.0%}"}
    if step.label.startswith("3 ReLU"):  # the two three-unit runs, both named
        for q in (C.CHECKERBOARD_THREE, C.CHECKERBOARD_THREE_SEED_3):
            allowed |= _verdict_numbers(results.playground_run(q)) | {str(q.seed)}
    if step.label == "2 ReLU units":
        allowed.add(str(lecture.quadrants_right(r)))
    assert_numbers_from(text, allowed)
    solved = r.metrics.test_accuracy >= lecture.SOLVED
    assert text.startswith("Solved:") == solved


def test_what_the_checkerboard_answers_claim_holds_for_their_runs():
    """Facts the answers state without a branch, true of these runs on any machine."""
    linear = results.playground_run(C.CHECKERBOARD_LINEAR)
    assert linear.metrics.test_accuracy < 0.8  # one line: at most about three quadrants
    x1x2 = results.playground_run(C.CHECKERBOARD_X1X2)
    assert x1x2.metrics.test_accuracy >= lecture.SOLVED  # so "even no hidden layer solves it"
    assert "x₁, x₂ as the only inputs" in lecture.LECTURE.notice[0].answer_text()
    # |x₁+x₂| − |x₁−x₂| = 4·x₁x₂/(|x₁+x₂| + |x₁−x₂|): the sign of x₁x₂, from four ReLUs.
    x = np.random.default_rng(0).uniform(-5, 5, (1000, 2))
    relu = lambda v: np.maximum(v, 0.0)  # noqa: E731
    four = (relu(x[:, 0] + x[:, 1]) + relu(-x[:, 0] - x[:, 1])
            - relu(x[:, 0] - x[:, 1]) - relu(x[:, 1] - x[:, 0]))
    np.testing.assert_array_equal(np.sign(four), np.sign(x[:, 0] * x[:, 1]))


def test_quadrants_are_counted_from_the_test_points():
    r = results.playground_run(C.CHECKERBOARD_TWO)
    right = r.head.classes(r.predict(r.test.x)) == r.test.y
    expected = sum(right[(np.sign(r.test.x[:, 0]) == a) & (np.sign(r.test.x[:, 1]) == b)].mean()
                   >= 0.9 for a in (-1, 1) for b in (-1, 1))  # a quadrant: 90 % right
    assert lecture.quadrants_right(r) == expected
    solved = results.playground_run(C.CHECKERBOARD)
    assert lecture.quadrants_right(solved) == 4  # positive case: a solved run gets all four


def _metrics(accuracy: float, loss: float = 0.1) -> pg.Metrics:
    return pg.Metrics(0.05, loss, 1.0, accuracy)


def test_a_verdict_says_solved_nearly_or_not_from_the_accuracy():
    assert lecture.verdict(_metrics(1.0, 0.0012), 250) == (
        "Solved: test accuracy 100% (0 of 250 test points wrong), test loss 0.001.")
    assert lecture.verdict(_metrics(0.984), 250).startswith("Solved: test accuracy 98.4% (4 of")
    assert lecture.verdict(_metrics(0.976), 250).startswith("Nearly: test accuracy 97.6% (6 of")
    assert lecture.verdict(_metrics(0.7), 250).startswith("Not solved: test accuracy 70.0% (75")


def test_the_three_unit_answer_follows_both_starts(monkeypatch):
    def fake(accuracies):
        runs = {p: SimpleNamespace(metrics=_metrics(a), test=range(250))
                for p, a in zip((C.CHECKERBOARD_THREE, C.CHECKERBOARD_THREE_SEED_3),
                                accuracies)}
        monkeypatch.setattr(lecture, "run", runs.__getitem__)
        return lecture.three_units(C.CHECKERBOARD_THREE)

    assert "from both starts" in fake((1.0, 0.99))
    some = fake((0.86, 1.0))
    assert "does not find the solution from every start" in some
    assert "Seed 1: 86.0%, seed 3: 100%" in some
    assert "neither start finds a solution within 500 epochs" in fake((0.86, 0.7))


def test_the_overtraining_answers_are_written_from_its_four_runs():
    summaries = results.exercise_summaries(lecture.ot.ExerciseParams())
    task = C.OVERTRAINING
    allowed = {str(task.noise), str(len(task.hidden_units)), str(task.hidden_units[0]),
               f"{task.learning_rate:g}", str(task.batch_size), str(task.epochs),
               str(task.train_ratio), "50", f"{lecture.ot.FLAT:g}"}
    allowed |= {f"{p.regularization_rate:g}" for p in C.OVERTRAINING_STEPS.values()}
    for s in summaries.values():
        allowed |= {f"{s.train_loss:.3f}", f"{s.val_loss:.3f}", f"{s.best_val_loss:.3f}",
                    str(s.best_epoch), str(s.epochs_run), f"{s.val_accuracy:.0%}",
                    str(s.exact_zeros), str(s.n_weights)}
    exercise = lecture.EXERCISES[2]
    answer = exercise.answer()
    assert_numbers_from(answer, allowed)
    assert "plays the validation role" in answer and "½λw²" in answer
    assert "is weight decay" in answer and task.optimizer == "sgd"
    for step in exercise.steps:
        assert_numbers_from(step.answer_text(), allowed)
    assert "validation loss" not in answer  # Playground's word for its held-out set: test


def test_the_exercise_answers_gather_their_steps():
    for ex in lecture.EXERCISES[:2]:
        answer = ex.answer()
        for step in ex.steps:
            assert f"- **{step.label}**: {step.answer_text()}" in answer


def test_the_recap_says_whose_convention_the_loss_is():
    recap = lecture.LECTURE.recap
    assert "TensorFlow Playground's convention" in recap and "cross-entropy" in recap
    assert r"\tfrac12" in lecture.LECTURE.formula and r"\tanh" in lecture.LECTURE.formula
