"""Scores of a Playground network in NumPy: the loss the engine minimises (from the output
layer's weighted sums), R² and the confusion matrix."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.playground.head import Head


def data_loss(head: Head, logits: np.ndarray, targets: np.ndarray) -> float:
    """The data term of the loss the engine minimises, from the output layer's weighted sums
    (``logits``); cross-entropy from logits, so a confident wrong answer counts in full."""
    z = np.asarray(logits, np.float64)
    t = np.asarray(targets, np.float64)
    if head.loss == "half_mse":
        out = np.tanh(z) if head.output_activation == "tanh" else z
        return float(0.5 * np.mean((out - t) ** 2))
    if head.loss == "binary_crossentropy":
        return float(np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))))
    top = z.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    return float(np.mean(log_norm - np.sum(t * z, axis=1)))


def r_squared(y: np.ndarray, prediction: np.ndarray) -> float:
    """Coefficient of determination 1 − SS_res / SS_tot (nan for constant targets)."""
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - prediction) ** 2)) / total if total > 0 else math.nan


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs."""
    out = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(out, (true, predicted), 1)
    return out
