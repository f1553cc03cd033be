"""Every sentence of the overfitting page and its lecture content against the runs it
describes: the presets' answers, the page's "what to notice" per tab, and what L2 means
under each optimiser; each branch shown with a constructed run where the default runs
take only one of them."""

from __future__ import annotations

import numpy as np
import pytest
from sentences import assert_numbers_from

from core import overfitting as of
from core import overfitting_notes as notes
from core import overtraining as ot
from core import playground as pg
from ui import results
from ui.lectures import overfitting as lecture

P = of.OverfitParams()


@pytest.fixture(scope="module")
def fits() -> dict[str, of.Fit]:
    return {w: results.fit_of(P, P.capacity(w)) for w in of.CAPACITIES}


def _fit_numbers(fit: of.Fit) -> set[str]:
    return {f"{fit.final_train_loss:.3f}", f"{fit.final_val_loss:.3f}",
            f"{fit.min_val_loss:.3f}", str(fit.best_epoch), str(fit.epochs_run)}


def test_the_capacities_answer_is_written_from_the_three_runs(fits):
    text = lecture.capacities()
    chosen = fits[of.choose(fits)]
    allowed = {f"{P.noise ** 2:.3f}", f"{of.test_loss(P, chosen):.3f}"}
    for which, fit in fits.items():
        units = P.capacity(which)
        allowed |= _fit_numbers(fit) | {f"{len(units)}×{units[0]}", str(len(units)),
                                        str(units[0])}
    assert_numbers_from(text, allowed)
    small, large = fits["small"], fits["large"]
    assert ("(underfitting)" in text) == (
        small.final_train_loss > 2 * min(f.final_train_loss for f in fits.values())
        and small.final_val_loss > 1.2 * chosen.final_val_loss)
    assert ("overtraining starts at that minimum" in text) == notes.overtrains(large)
    assert ("it fits the noise" in text) == (notes.overtrains(large)
                                             and large.final_train_loss < P.noise ** 2)
    assert f"**{of.CAPACITY_LABELS[of.choose(fits)]}**" in text
    # The default data show the lecture's picture, with wide margins on any machine.
    assert notes.overtrains(large) and large.final_val_loss > 1.3 * large.min_val_loss
    assert "(underfitting)" in text and of.choose(fits) == "right"


def _fit(val: list[float], train: list[float], **fields) -> of.Fit:
    """A run with these loss histories (weights: one 1 → 2 → 1 network)."""
    weights = [(np.array([[1.0, -2.0]]), np.zeros(2)), (np.array([[0.5], [0.0]]), np.zeros(1))]
    base = dict(hidden_units=(2,), regularisation=of.NONE, y_curve=np.zeros(3),
                weights=weights, epochs_run=len(val), stopped_early_at=None, diverged_at=None)
    return of.Fit(history={"loss": np.array(train), "val_loss": np.array(val)},
                  **{**base, **fields})


def test_the_capacity_sentences_follow_their_numbers_in_every_case():
    epochs = 10
    falling, rising = [0.5] * epochs, [0.3, 0.2] + [0.28] * (epochs - 2)
    fits = {"small": _fit(falling, [0.4] * epochs), "right": _fit([0.2] * epochs, [0.1] * epochs),
            "large": _fit(rising, [0.01] * epochs)}
    text = notes.capacity_notice(P, fits)
    assert "(underfitting)" in text and "lowest at epoch 2 (0.200) and rises to 0.280" in text
    assert "below the noise variance σ² = 0.090: it fits the noise" in text
    # The small one as good as the others; the large one not overtraining; above the noise.
    calm = {"small": _fit([0.2] * epochs, [0.1] * epochs), "right": fits["right"],
            "large": _fit([0.3] * 9 + [0.2], [0.01] * epochs)}
    text = notes.capacity_notice(P, calm)
    assert "fits about as well as the others here" in text
    assert "no clear overtraining within these 10 epochs" in text
    noisy = {**fits, "large": _fit(rising, [0.2] * epochs)}
    text = notes.capacity_notice(P, noisy)
    assert "overtraining starts" in text and "noise variance" not in text


def test_the_regularisation_sentence_follows_its_two_runs():
    plain = _fit([0.3], [0.1])
    l1 = of.Regularisation(l1_rate=0.01)
    weights = [(np.array([[0.0, -1.0]]), np.zeros(2)), (np.array([[0.5], [0.0]]), np.zeros(1))]
    regd = _fit([0.25], [0.12], regularisation=l1, weights=weights)
    text = notes.regularisation_notice(plain, regd)
    assert f"takes ‖W‖₂ from {plain.weight_norm:.2f} down to {regd.weight_norm:.2f}" in text
    assert "from 0.300 down to 0.250" in text and "2 of 4 weights are exactly 0" in text
    worse = notes.regularisation_notice(plain, _fit([0.4], [0.1], regularisation=l1,
                                                    weights=plain.weights))
    assert "leaves ‖W‖₂ at" in worse and "from 0.300 up to 0.400" in worse
    assert notes.regularisation_notice(plain, plain) == ("No regularisation chosen: both runs "
                                                         "are the same.")


def test_the_default_regularisation_run_does_what_its_sentence_says():
    units = P.capacity(P.regularised)
    plain, regd = results.fit_of(P, units), results.fit_of(P, units, of.regularisation_of(P))
    text = notes.regularisation_notice(plain, regd)
    assert_numbers_from(text, {f"{plain.weight_norm:.2f}", f"{regd.weight_norm:.2f}",
                               f"{plain.returned_val_loss:.3f}", f"{regd.returned_val_loss:.3f}"})
    assert "‖W‖₂ from" in text and "down to" in text  # L2 shrinks the weights (wide margin)


def test_l2_is_called_weight_decay_only_where_it_is_one():
    assert of.OPTIMIZER == "adam"  # the 1-D runs: so their text must not call it weight decay
    assert "not weight decay" in notes.MECHANISMS and "Loshchilov & Hutter" in notes.MECHANISMS
    assert "is weight decay" in notes.l2_meaning("sgd", "λw")  # the Playground's exercise
    for name in notes.ADAPTIVE:
        assert "not weight decay" in notes.l2_meaning(name, "2λ₂w")
    assert "weight decay" not in notes.l2_meaning("momentum", "λw")
    # L1's exact zeros are the engine's step; Keras's regularizer is said to differ.
    assert "exactly 0" in notes.MECHANISMS and "jittering near 0" in notes.MECHANISMS
    assert "W, not on the biases" in lecture.LECTURE.recap
    assert "Keras's L1 regularizer leaves them near 0" in lecture.LECTURE.recap


def test_the_exercise_answer_is_written_from_its_runs_and_tests_once():
    summaries = results.exercise_summaries(lecture.EXERCISE)
    chosen = ot.choose(summaries)
    score = ot.test_score(lecture.EXERCISE, results.exercise_runs(lecture.EXERCISE)[chosen])
    text = lecture.exercise()
    task = pg.OVERTRAINING
    allowed = {str(v) for v in (task.noise, len(task.hidden_units), task.hidden_units[0],
                                task.batch_size, task.epochs, task.train_ratio, 50)}
    allowed |= {f"{task.learning_rate:g}", f"{ot.FLAT:g}", str(score.n_points),
                f"{score.loss:.3f}", f"{score.accuracy:.1%}"}
    allowed |= {f"{r:g}" for r in (lecture.EXERCISE.low_l2, lecture.EXERCISE.high_l2,
                                   lecture.EXERCISE.l1)}
    for s in summaries.values():
        allowed |= {f"{s.train_loss:.3f}", f"{s.val_loss:.3f}", f"{s.best_val_loss:.3f}",
                    str(s.best_epoch), str(s.epochs_run), f"{s.val_accuracy:.0%}",
                    str(s.exact_zeros), str(s.n_weights)}
    assert_numbers_from(text, allowed)
    assert f"Chosen on validation: **{summaries[chosen].title}**" in text
    assert text.count(f"{score.loss:.3f}") >= 1 and "looked at once" in text
