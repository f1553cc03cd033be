"""Optimisers from the lecture, as Keras optimizers, looked up by name.

Keras is imported only when an optimizer is made, so pages can list the choices without
paying for TensorFlow's start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OptimizerInfo:
    name: str
    label: str
    latex: str
    default_learning_rate: float
    keras_class: str
    options: tuple[tuple[str, Any], ...] = ()

    def make(self, learning_rate: float) -> Any:
        """A fresh ``keras.optimizers`` instance with this entry's fixed hyper-parameters."""
        import keras

        cls: Callable[..., Any] = getattr(keras.optimizers, self.keras_class)
        return cls(learning_rate=learning_rate, **dict(self.options))

    def code(self, learning_rate: float) -> str:
        """The Python expression that builds the same optimizer (for exported code)."""
        args = [f"learning_rate={learning_rate!r}"] + [f"{k}={v!r}" for k, v in self.options]
        return f"keras.optimizers.{self.keras_class}({', '.join(args)})"


OPTIMIZERS: dict[str, OptimizerInfo] = {
    o.name: o
    for o in (
        OptimizerInfo("sgd", "SGD", r"\theta \leftarrow \theta - \alpha\, g", 0.03, "SGD"),
        OptimizerInfo("momentum", "SGD + momentum (0.9)",
                      r"v \leftarrow 0.9\,v - \alpha g,\quad \theta \leftarrow \theta + v",
                      0.01, "SGD", (("momentum", 0.9),)),
        OptimizerInfo("nesterov", "Nesterov momentum (NAG, 0.9)",
                      r"v \leftarrow 0.9\,v - \alpha g,\quad"
                      r" \theta \leftarrow \theta + 0.9\,v - \alpha g",
                      0.01, "SGD", (("momentum", 0.9), ("nesterov", True))),
        # Keras starts G at 0.1 (keras/src/optimizers/adagrad.py, initial_accumulator_value).
        OptimizerInfo("adagrad", "Adagrad",
                      r"G \leftarrow G + g^2\ (G_0 = 0.1),\quad \theta \leftarrow \theta"
                      r" - \alpha\, g/\sqrt{G + \epsilon}", 0.01, "Adagrad"),
        # Keras multiplies Δθ by the learning rate (keras/src/optimizers/adadelta.py).
        OptimizerInfo("adadelta", "Adadelta (ρ 0.95)",
                      r"\Delta\theta = -\frac{\sqrt{E[\Delta\theta^2]+\epsilon}}"
                      r"{\sqrt{E[g^2]+\epsilon}}\, g,\quad \theta \leftarrow \theta"
                      r" + \alpha\,\Delta\theta", 1.0, "Adadelta", (("rho", 0.95),)),
        OptimizerInfo("rmsprop", "RMSprop (ρ 0.9)",
                      r"\begin{gathered}E[g^2] \leftarrow 0.9\,E[g^2] + 0.1\,g^2 \\"
                      r" \theta \leftarrow \theta - \alpha\, g/\sqrt{E[g^2]+\epsilon}"
                      r"\end{gathered}",  # two lines: one is too wide for a narrow column
                      0.001, "RMSprop", (("rho", 0.9),)),
        OptimizerInfo("adam", "Adam (β₁ 0.9, β₂ 0.999)",
                      r"m \leftarrow \beta_1 m + (1-\beta_1) g,\; v \leftarrow \beta_2 v +"
                      r" (1-\beta_2) g^2,\; \theta \leftarrow \theta - \alpha\,"
                      r"\hat m/(\sqrt{\hat v}+\epsilon)", 0.001, "Adam",
                      (("beta_1", 0.9), ("beta_2", 0.999))),
    )
}


#: Names that fit a narrow select box or a pill (``label`` is the long form, with the
#: hyper-parameters).
SHORT_LABELS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "NAG", "adagrad": "Adagrad",
                "adadelta": "Adadelta", "rmsprop": "RMSprop", "adam": "Adam"}
#: The long forms, for a help tooltip beside short labels.
LABELS_HELP = "  \n".join(f"{SHORT_LABELS[k]}: {o.label}" for k, o in OPTIMIZERS.items()
                          if k in SHORT_LABELS and SHORT_LABELS[k] != o.label)


def get(name: str) -> OptimizerInfo:
    """The registry entry for ``name``; ValueError naming the parameter if unknown."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name]
