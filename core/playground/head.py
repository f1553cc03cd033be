"""How a Playground network meets its labels: the output activation, the loss the engine
minimises and the encoding of the targets, for Playground's ±1 convention (tanh output, ½
squared error), the lecture's sigmoid or softmax with cross-entropy, and regression."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.datasets import Dataset
from core.playground.params import PlaygroundParams


@dataclass(frozen=True)
class Head:
    """How labels meet the network: output activation, engine loss and target encoding."""

    kind: str  # "binary_tanh", "binary_sigmoid", "softmax" or "regression"
    n_outputs: int
    output_activation: str
    loss: str

    @classmethod
    def of(cls, p: PlaygroundParams, n_classes: int) -> Head:
        if p.problem == "regression":
            return cls("regression", 1, "linear", "half_mse")
        if n_classes > 2:
            return cls("softmax", n_classes, "softmax", "categorical_crossentropy")
        if p.loss == "playground":
            return cls("binary_tanh", 1, "tanh", "half_mse")
        return cls("binary_sigmoid", 1, "sigmoid", "binary_crossentropy")

    @property
    def output_range(self) -> tuple[float, float]:
        """Range of the output a heatmap shows; its middle is the decision boundary."""
        return (-1.0, 1.0) if self.kind in ("binary_tanh", "regression") else (0.0, 1.0)

    def targets(self, data: Dataset) -> np.ndarray:
        """The training targets: ±1, 0/1, one-hot rows, or the regression values."""
        if self.kind == "regression":
            return data.y.astype(np.float32).reshape(-1, 1)
        if self.kind == "softmax":
            return np.eye(self.n_outputs, dtype=np.float32)[data.y]
        if self.kind == "binary_tanh":
            return np.where(data.y == 1, 1.0, -1.0).astype(np.float32).reshape(-1, 1)
        return data.y.astype(np.float32).reshape(-1, 1)

    def classes(self, outputs: np.ndarray) -> np.ndarray:
        """Predicted class per row of network outputs."""
        if self.kind == "softmax":
            return np.argmax(outputs, axis=1)
        threshold = 0.0 if self.kind == "binary_tanh" else 0.5
        return (outputs[:, 0] >= threshold).astype(np.int64)
