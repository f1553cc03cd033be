"""XOR: the lecture's recap and key formula, what to notice, and the presets to
try (with their answers)."""

from __future__ import annotations

import numpy as np

from core import xor as X
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

XOR_ONE_UNIT = X.XorParams(hidden_units=1)
XOR_LINEAR = X.XorParams(hidden_units=4, activation="linear")


def best_line() -> str:
    w, b, predictions = X.least_squares_fit()
    answers = ", ".join(f"{v:.2f}" for v in predictions)
    return (f"The best line gets {X.best_linear_accuracy():.0%} of the points right (every "
            f"line was tried: three of four at most, never all four). Least squares even "
            f"answers {answers} for the four points.")


def hidden_meeting() -> str:
    h = [", ".join(f"{v:g}" for v in row) for row in X.hand_steps(X.HandParams()).h.T]
    where = (f"both to the same hidden point h = ({h[1]})" if h[1] == h[2]
             else f"to h = ({h[1]}) and h = ({h[2]})")
    return (f"With the lecture's weights it maps them {where}; (0,0) lands on ({h[0]}) and "
            f"(1,1) on ({h[3]}): in hidden space one line separates the classes.")


def one_unit() -> str:
    run = results.train_xor(XOR_ONE_UNIT)
    right = int(round(run.result.history["accuracy"][-1] * 4))
    return (f"This run gets {right} of the four points right. One ReLU unit cannot do better than "
            f"a line: the output is a monotone function of the one number w·x + b, so its "
            f"decision is a half-plane, and no half-plane gets more than "
            f"{X.best_linear_accuracy():.0%}. XOR needs two units (tab 2).")


def linear_units() -> str:
    run = results.train_xor(XOR_LINEAR)
    outputs, loss = run.outputs(), run.result.history["loss"][-1]
    if not X.undecided(outputs):
        return ("This run has not settled yet: its answers are "
                + ", ".join(f"{p:.2f}" for p in outputs) + ". Without σ the hidden layer is "
                "one linear map, so the network is still a line and cannot solve XOR.")
    return (f"It fails completely: the network answers ½ for every point (loss {loss:.3f}; "
            f"ln 2 = {np.log(2):.3f}), so an accuracy at the threshold ½ would mean nothing: "
            "it would only show which side of ½ rounding puts each answer. Without σ the "
            "hidden layer is still one linear map.")


LECTURE = Lecture(
    "XOR is 1 when exactly one input is 1. No straight line separates (0,1), (1,0) from "
    "(0,0), (1,1), so a linear model fails. One hidden layer with a non-linear "
    "activation succeeds: the lecture's ReLU network with W⁽¹⁾ = [[1,1],[1,1]], "
    "b⁽¹⁾ = (0, −1), W⁽²⁾ = (1, −2), b⁽²⁾ = 0 maps the four inputs to "
    "h = (0,0), (1,0), (1,0), (2,1), where one line separates the classes, and outputs "
    "0, 1, 1, 0.",
    r"y = W^{(2)}\,\mathrm{ReLU}\left(W^{(1)}x + b^{(1)}\right) + b^{(2)}",
    (Question("How well can the best straight line do?", best_line),
     Question("What does the hidden layer do to (0,1) and (1,0)?", hidden_meeting)),
    (Preset("1 hidden unit", "Train with a single hidden ReLU unit:", one_unit,
            (XOR_ONE_UNIT,), tab=3),
     Preset("Linear, 4 units", "Four hidden units but a linear activation:", linear_units,
            (XOR_LINEAR,), tab=3)))
