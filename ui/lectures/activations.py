"""Activations & initialisation: the lecture's recap and key formula, what to notice, and
the presets to try (with their answers)."""

from __future__ import annotations

from core import initialisation as I
from core.presets import Preset
from ui.lectures import Lecture, Question

INIT_GLOROT_RELU = I.InitParams(activation="relu", initializer="glorot_uniform")
INIT_HE_RELU = I.InitParams(activation="relu", initializer="he_normal")
INIT_CONSTANT = I.InitParams(initializer="constant")

LECTURE = Lecture(
    "A layer computes h = σ(Wx + b). Without the non-linear activation σ a stack of "
    "layers is still one linear map (the product of the matrices), however deep. "
    "ReLU max(0, x), sigmoid 1/(1 + e⁻ˣ) and tanh bend the line; where their slope is "
    "flat (saturated) the gradient vanishes. The starting weights must break the "
    "symmetry between units and keep the signal's scale through the layers: "
    "Var[W] = 2/(n_in + n_out) (Glorot, for tanh) or 2/n_in (He, for ReLU).",
    r"h = \sigma(Wx + b),\qquad \mathrm{Var}[W] = \frac{2}{n_\mathrm{in} + n_\mathrm{out}}"
    r"\ \text{(Glorot)},\quad \frac{2}{n_\mathrm{in}}\ \text{(He)}",
    (Question("Why does a stack of linear layers stay linear?",
              "W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂): one matrix and one bias. The "
              "'Stacked linear layers' view draws a deep random stack and the single "
              "line it equals; they agree to rounding error (10⁻¹⁵)."),
     Question("Where is the sigmoid's slope largest, and how large is it?",
              "At x = 0, where it is ¼: a gradient passing through a sigmoid is at least "
              "four times smaller, and far smaller where the unit saturates.")),
    (Preset("ReLU, Glorot", "Ten ReLU layers started with Glorot's variance: does the "
            "signal keep its scale?",
            "No: Glorot's variance is half of what ReLU needs (ReLU zeroes half of its "
            "inputs), so the signal halves about every two layers and the gradient "
            "vanishes too.", (INIT_GLOROT_RELU,), tab=2),
     Preset("ReLU, He", "The same network with He's variance 2/n_in:",
            "The signal and the gradient keep their order of magnitude through all ten "
            "layers (stable): He's rule is made for ReLU.",
            (INIT_HE_RELU,), tab=2),
     Preset("Constant", "Every weight the same constant: what do the units of a layer "
            "compute?",
            "All units of a layer compute exactly the same value: the layer acts as one "
            "unit, and training cannot tell them apart (no symmetry breaking).",
            (INIT_CONSTANT,), tab=2)))
