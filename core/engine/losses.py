"""The losses the engine minimises, as a registry: each computes its value from the logits.

The network's last Dense layer is linear; its output activation is applied here (for the
squared errors) or folded into the loss (the cross-entropies, as Keras does with
``from_logits=True``). So the number recorded is the number minimised: a confidently wrong
sigmoid output with logit −40 costs 40, not the 16.1 that clipped probabilities would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def activate(z: Any, output_activation: str) -> Any:
    """The network's outputs from its logits ``z`` (TensorFlow tensors)."""
    import keras

    if output_activation == "linear":
        return z
    return getattr(keras.activations, output_activation)(z)


def _squared(scale: float) -> Callable[[Any, Any, str], Any]:
    def loss(y: Any, z: Any, output_activation: str) -> Any:
        import keras

        return scale * keras.ops.mean(keras.ops.square(activate(z, output_activation) - y),
                                      axis=-1)
    return loss


def _binary_crossentropy(y: Any, z: Any, output_activation: str) -> Any:
    import keras

    return keras.losses.binary_crossentropy(y, z, from_logits=True)


def _categorical_crossentropy(y: Any, z: Any, output_activation: str) -> Any:
    import keras

    return keras.losses.categorical_crossentropy(y, z, from_logits=True)


@dataclass(frozen=True)
class Loss:
    name: str
    label: str
    latex: str
    #: (targets, logits, output activation) → each example's loss, one value per row.
    per_example: Callable[[Any, Any, str], Any]
    #: The output activation this loss needs (None: any) ...
    output_activation: str | None = None
    #: ... and how many outputs, at least and at most.
    min_outputs: int = 1
    max_outputs: int | None = None

    def fn(self, y: Any, z: Any, output_activation: str) -> Any:
        """The mean loss over the rows, a scalar tensor: the number training minimises."""
        import keras

        return keras.ops.mean(self.per_example(y, z, output_activation))

    def check(self, n_outputs: int, output_activation: str) -> None:
        """ValueError if this loss cannot train such an output layer (it would silently not
        learn: a cross-entropy of a linear output, or of one softmax unit)."""
        fits = ((self.output_activation is None or output_activation == self.output_activation)
                and n_outputs >= self.min_outputs
                and (self.max_outputs is None or n_outputs <= self.max_outputs))
        if not fits:
            count = (f"n_outputs={self.min_outputs}" if self.max_outputs == self.min_outputs
                     else f"n_outputs ≥ {self.min_outputs}")
            raise ValueError(
                f"loss={self.name!r} needs {count} with output_activation="
                f"{self.output_activation!r}, got n_outputs={n_outputs}, "
                f"output_activation={output_activation!r}")


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", "mean squared error", r"J = \frac{1}{N}\sum_i (y_m(x_i) - y_i)^2",
             _squared(1.0)),
        Loss("half_mse", "½ squared error (TensorFlow Playground)",
             r"J = \frac{1}{N}\sum_i \tfrac12 (y_m(x_i) - y_i)^2", _squared(0.5)),
        Loss("binary_crossentropy", "binary cross-entropy",
             r"J = -\frac{1}{N}\sum_i y_i \ln p_i + (1-y_i)\ln(1-p_i)",
             _binary_crossentropy, "sigmoid", 1, 1),
        Loss("categorical_crossentropy", "categorical cross-entropy",
             r"J = -\frac{1}{N}\sum_i \sum_k y_{ik} \ln p_{ik}",
             _categorical_crossentropy, "softmax", 2, None),
    )
}


def get(name: str) -> Loss:
    """The registry entry for ``name``; ValueError naming the parameter if unknown."""
    if name not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {name!r}")
    return LOSSES[name]
