"""The wrong output layer, both ways round: a regression target that reaches above 1 fitted
with a sigmoid output (whose values never leave (0, 1)), and classes fitted with a linear
output and the squared error (it separates them, but its outputs are no probabilities).

The lecture's rule ("Clarifying frequent misunderstandings"): sigmoid only at the last
layer in classification; in regression the last layer has no activation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.classification.tasks import (
    Progress,
    TaskParams,
    Trained,
    classes,
    fit,
    shared_progress,
    task_data,
)
from core.params import Params, number

RULE = ("Sigmoid (or softmax) only at the last layer in classification; in regression the "
        "last layer has no activation.")
SHIFTS = (0.0, 0.25, 0.5, 1.0)


@dataclass(frozen=True)
class WrongParams(Params):
    """How far the regression target is moved up, so that it reaches above 1."""

    target_shift: float = number(0.5, 0.0, 1.0, options=SHIFTS, label="target moved up by",
                                 help="Added to every regression target: the data set's "
                                      "targets lie within about ±1, moved up they pass 1.")


@dataclass(frozen=True)
class Ceiling:
    """The shifted regression target fitted with a sigmoid output and with a linear one."""

    task: TaskParams
    shift: float
    x: np.ndarray
    target: np.ndarray
    sigmoid: Trained
    linear: Trained

    @property
    def above(self) -> np.ndarray:
        """Mask of the points whose target is above 1, where a sigmoid cannot follow."""
        return self.target > 1.0

    @property
    def below(self) -> np.ndarray:
        return self.target < 0.0

    def shortfall(self, mask: np.ndarray) -> np.ndarray:
        """|target − sigmoid output| at the masked points."""
        return np.abs(self.target[mask] - self.sigmoid.points[mask, 0])

    def rmse(self, run: Trained, mask: np.ndarray | None = None) -> float:
        mask = np.ones(len(self.target), bool) if mask is None else mask
        return float(np.sqrt(np.mean((run.points[mask, 0] - self.target[mask]) ** 2)))


def ceiling(task: TaskParams, wrong: WrongParams, on_progress: Progress = None) -> Ceiling:
    """Fit the target moved up by ``wrong.target_shift`` with a sigmoid and a linear output
    (both by mean squared error, the regression loss)."""
    data = task_data(task)
    target = data.y + wrong.target_shift
    report = shared_progress(on_progress, 2)
    sigmoid = fit(task.network("sigmoid"), task.training("mse"), data.x, target, report[0])
    linear = fit(task.network("linear"), task.training("mse"), data.x, target, report[1])
    return Ceiling(task, wrong.target_shift, data.x, target, sigmoid, linear)


def ceiling_notice(c: Ceiling) -> str:
    """Where and by how much the sigmoid output cannot follow, from the run."""
    n = len(c.target)
    top = float(c.sigmoid.points[:, 0].max())
    # Saturated in float32 it can equal 1.0 exactly; printed, that would say it reached 1.
    highest = f"{top:.3f}" if top < 0.9995 else "just under 1"
    if not c.above.any():
        above = (f"No target passes 1 here (the highest is {c.target.max():.2f}), so the "
                 "sigmoid can follow the top of the data; move the target up to see its "
                 "ceiling.")
    else:
        gap = c.shortfall(c.above)
        above = (f"The target passes 1 at {int(c.above.sum())} of {n} points (up to "
                 f"{c.target.max():.2f}); the sigmoid output never does (its highest is "
                 f"{highest}), so it falls short there by up to {gap.max():.2f}, "
                 f"{gap.mean():.2f} on average.")
    if c.below.any():
        gap = c.shortfall(c.below)
        below = (f" Below 0 ({int(c.below.sum())} points) it cannot follow either: short by "
                 f"up to {gap.max():.2f}.")
    else:
        below = ""
    return (above + below + f" Root-mean-square error: sigmoid output "
            f"{c.rmse(c.sigmoid):.3f}, linear output {c.rmse(c.linear):.3f}.")


@dataclass(frozen=True)
class LinearClassifier:
    """The 0/1 classes fitted with a linear output and the squared error."""

    task: TaskParams
    x: np.ndarray
    labels: np.ndarray
    trained: Trained

    @property
    def accuracy(self) -> float:
        return float(np.mean((self.trained.points[:, 0] >= 0.5) == self.labels))

    def outside(self, where: str = "points") -> tuple[int, int, int]:
        """How many outputs are below 0 and above 1, and of how many, on the training
        points or on the grid over the plane."""
        out = (self.trained.points if where == "points" else self.trained.grid)[:, 0]
        return int(np.sum(out < 0.0)), int(np.sum(out > 1.0)), len(out)


def linear_classifier(task: TaskParams, on_progress: Progress = None) -> LinearClassifier:
    """Fit the classes of the page's data (0 and 1) with a linear output and MSE."""
    data = task_data(task)
    labels = classes(data.y, task.threshold)
    trained = fit(task.network("linear"), task.training("mse"), data.x,
                  labels.astype(np.float64), on_progress)
    return LinearClassifier(task, data.x, labels, trained)


def linear_classifier_notice(c: LinearClassifier) -> str:
    """It classifies, yet its outputs are no probabilities: counted from the run."""
    low, high, n = c.outside("points")
    g_low, g_high, g_n = c.outside("grid")
    out = c.trained.points[:, 0]
    return (f"Read against ½ the linear output puts {c.accuracy:.0%} of the points in their "
            f"class: it works as a classifier. But {low} of its {n} outputs on the points are "
            f"below 0 and {high} above 1 (from {out.min():.2f} to {out.max():.2f}); over the "
            f"plane {g_low + g_high} of {g_n} grid points ({(g_low + g_high) / g_n:.0%}) lie "
            f"outside [0, 1]. A 'probability' of {out.min():.2f} or {out.max():.2f} means "
            "nothing: with a sigmoid output and cross-entropy every output is a probability.")
