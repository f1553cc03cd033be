"""More than two classes: a softmax output layer trained with categorical cross-entropy on
the three-class data, its probabilities over the plane, and one point's probabilities.

softmax(z)ₖ = e^{zₖ} / Σⱼ e^{zⱼ}: every output positive, all of them summing to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import datasets, network
from core.classification.tasks import (
    HALF_WIDTH,
    N_POINTS,
    Progress,
    TaskParams,
    Trained,
    fit,
    probability,
)
from core.params import Params, choice, number

THREE_CLASS_SETS = tuple(n for n, d in datasets.DATASETS.items() if d.n_classes == 3)
N_CLASSES = 3


@dataclass(frozen=True)
class SoftmaxParams(Params):
    """The three-class data and the point whose probabilities are drawn as bars."""

    three_class_data: str = choice("three_blobs", THREE_CLASS_SETS, label="data set")
    probe_x1: float = number(0.0, -HALF_WIDTH, HALF_WIDTH, step=0.5, label="point x₁",
                             help="The point whose class probabilities the bars show.")
    probe_x2: float = number(0.0, -HALF_WIDTH, HALF_WIDTH, step=0.5, label="point x₂",
                             help="The point whose class probabilities the bars show.")

    def run_key(self) -> SoftmaxParams:
        """The training's parameters only: moving the point trains nothing."""
        return self.replace(probe_x1=SoftmaxParams.probe_x1, probe_x2=SoftmaxParams.probe_x2)

    @property
    def probe(self) -> np.ndarray:
        return np.array([self.probe_x1, self.probe_x2])


@dataclass(frozen=True)
class SoftmaxRun:
    """A softmax network trained on the three-class data (hidden layers from the page's
    network settings)."""

    params: SoftmaxParams
    task: TaskParams
    x: np.ndarray
    labels: np.ndarray
    trained: Trained

    @property
    def probabilities(self) -> np.ndarray:
        """(GRID_SIZE², 3): each grid point's class probabilities."""
        return self.trained.grid

    @property
    def accuracy(self) -> float:
        return float(np.mean(np.argmax(self.trained.points, axis=1) == self.labels))

    def probe(self, point: np.ndarray) -> np.ndarray:
        """The class probabilities at ``point``, from the trained weights (NumPy)."""
        weights = self.trained.result.final.weights
        hidden = (self.task.activation,) * len(self.task.hidden_units)
        return network.predict(weights, hidden, "softmax", np.reshape(point, (1, 2)))[0]


def three_classes(p: SoftmaxParams, task: TaskParams) -> datasets.Dataset:
    return datasets.generate(p.three_class_data, N_POINTS, task.noise / 100,
                             np.random.default_rng([task.seed, 0x3C1A5]))


def softmax_run(p: SoftmaxParams, task: TaskParams, on_progress: Progress = None
                ) -> SoftmaxRun:
    """Train a softmax network with categorical cross-entropy on the three-class data."""
    data = three_classes(p, task)
    one_hot = np.eye(N_CLASSES)[data.y]
    trained = fit(task.network("softmax", N_CLASSES), task.training("categorical_crossentropy"),
                  data.x, one_hot, on_progress)
    return SoftmaxRun(p, task, data.x, data.y, trained)


def probe_notice(run: SoftmaxRun, point: np.ndarray) -> str:
    """The chosen point's probabilities in words, from the run."""
    if run.trained.result.diverged:
        return "The run diverged: lower the learning rate."
    probs = run.probe(point)
    best = int(np.argmax(probs))
    shares = ", ".join(f"class {k}: {probability(q)}" for k, q in enumerate(probs))
    sure = ("sure of it" if probs[best] >= 0.9 else
            "torn between classes" if probs[best] < 0.6 else "fairly sure")
    return (f"At ({point[0]:g}, {point[1]:g}) the network answers {shares}: they sum to "
            f"{probs.sum():.2f}. It picks class {best} and is {sure}. Over the training "
            f"points it is right {run.accuracy:.0%} of the time.")
