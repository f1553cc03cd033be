"""What the universal-approximation page's runs show, in sentences written from their
numbers (a branch for each case, so a sentence stays true for every target and network).

The sentences about the activations' shapes far from the data are facts about the functions
(core.activations): ReLU, leaky ReLU and linear units are piecewise linear, so a network of
them is a straight line beyond its last kink; tanh and sigmoid units are bounded and level
off, so their network tends to a constant; ELU, softplus and swish units tend to a line or a
constant each, so their network tends to a straight line.
"""

from __future__ import annotations

import math

import numpy as np

from core import activations
from core import universal_approximation as U

#: The button that loads the lecture's network ("2 × 30"), and its help: the slide's
#: network and what the page adds to it.
LECTURE_BUTTON = f"{U.LECTURE_PRESET['hidden_layers']} × {U.LECTURE_PRESET['hidden_units']}"
LECTURE_NETWORK = (
    f"The lecture's network: {U.LECTURE_PRESET['hidden_layers']} hidden layers of "
    f"{U.LECTURE_PRESET['hidden_units']} units (its slide); the page trains it with "
    f"{U.LECTURE_PRESET['activation']}, {U.LECTURE_PRESET['epochs']} epochs on "
    f"{U.LECTURE_PRESET['points']} points.")
PIECEWISE_LINEAR = ("relu", "leaky_relu", "linear")
BOUNDED = ("tanh", "sigmoid")
#: What one hidden layer's units look like, per activation (the "Unit by unit" tab).
UNIT_KINDS = {"relu": "ReLU hinges", "leaky_relu": "leaky ReLU hinges",
              "sigmoid": "sigmoid steps", "tanh": "tanh steps"}


def network_text(p: U.ApproxParams) -> str:
    """The network in words: layers × units, activation, parameter count."""
    label = activations.get(p.activation).label
    count = U.parameter_count(p.hidden_layers, p.hidden_units)
    return f"{p.hidden_layers} × {p.hidden_units} {label} ({count:,} parameters)"


def far_out(activation: str) -> str:
    """What a network of ``activation`` units does far from the data (a fact of the
    function, not of a run)."""
    label = activations.get(activation).label
    if activation in PIECEWISE_LINEAR:
        return f"beyond its last kink a {label} network is a straight line"
    if activation in BOUNDED:
        return f"far from the data a {label} network levels off to a constant (its units saturate)"
    return f"far from the data a {label} network tends to a straight line"


def outside_text(run: U.Fit) -> str:
    """How the fit does beyond the training range, against inside it."""
    inside, outside = run.errors[1], run.outside_errors[1]
    shape = far_out(run.params.activation)
    if not math.isfinite(outside):
        return f"f is not defined beyond the shaded range here; {shape}."
    if outside > inside:
        return (f"There its RMS error is {outside:.3f}, {outside / max(inside, 1e-12):.1f}× the "
                f"{inside:.3f} inside: nothing in the data tells it what f does there, and "
                f"{shape}.")
    return (f"Here its RMS error there ({outside:.3f}) is no larger than inside ({inside:.3f}): f "
            f"happens to continue the way the fit does; in general {shape}.")


def notice(run: U.Fit) -> str:
    """The page's "what to notice", from the run on screen."""
    p = run.params
    max_err, rms = run.errors
    return (
        f"- **The theorem promises that weights exist; training has to find them.** This "
        f"network ({network_text(p)}, {p.epochs} epochs) reaches a max error of {max_err:.3f} "
        f"and an RMS error of {rms:.3f} on the shaded range. Tab *Width* shows how far more "
        f"units of one layer get within the same epochs; the button *{LECTURE_BUTTON}* loads "
        "the lecture's network.\n"
        f"- **Outside the shaded training range the network does not extrapolate.** "
        f"{outside_text(run)}\n"
        "- **One hidden layer is a sum of simple pieces** (tab *Unit by unit*): ReLU units are "
        "hinges, sigmoid and tanh units are steps, each placed at x = −b/w. Tab *By hand* "
        "builds the same kind of sum without any training.\n"
        "- The errors are measured against f, not against the (possibly noisy) training "
        "points.")


def decomposition_caption(gap: float, outputs: np.ndarray) -> str:
    """The "Unit by unit" caption: the terms add up to the network's output. ``gap`` is the
    largest difference between their sum (float64) and the trained model's own output
    (float32); within float32 precision of the outputs' size it is rounding, not named."""
    text = ("Each line below is one unit's term w₂ᵢ·σ(w₁ᵢx + b₁ᵢ), sorted by its position "
            "−b₁ᵢ/w₁ᵢ (▲). Their sum plus b₂ is the network's output")
    scale = max(1.0, float(np.max(np.abs(outputs))))
    if gap <= 1e-4 * scale:
        return text + " (the same as the trained model's own, to float32 precision)."
    return text + f", which differs from the trained model's own by up to {gap:.3g}."


def sweep_verdict(rms: np.ndarray, widths: tuple[int, ...] = U.SWEEP_WIDTHS) -> str:
    """What a width sweep shows, read off its RMS errors (true for every target)."""
    unit = "unit" if widths[0] == 1 else "units"
    text = (f"RMS error {rms[0]:.3g} with {widths[0]} {unit}, {rms[-1]:.3g} with {widths[-1]}. ")
    rises = [w for w, a, b in zip(widths[1:], rms[:-1], rms[1:]) if b > a]
    if not rises:
        return text + "It falls with every doubling of the width, as the theorem suggests."
    return text + ("It does not fall at every step (it rises at " + ", ".join(map(str, rises))
                   + " units): the width allows a better fit, training within these epochs "
                     "does not always find it.")


def compare_text(shallow: U.Fit, deep: U.Fit) -> str:
    """Shallow against deep at about equal parameter counts, from their RMS errors."""
    counts = [U.parameter_count(f.params.hidden_layers, f.params.hidden_units)
              for f in (shallow, deep)]
    rms_shallow, rms_deep = shallow.errors[1], deep.errors[1]
    tail = (f" ({counts[0]:,} and {counts[1]:,} parameters). The theorem is about one hidden "
            "layer; it says nothing about how many units it needs or how easily training finds "
            "them.")
    if not (math.isfinite(rms_shallow) and math.isfinite(rms_deep)):
        return "A run diverged: lower the learning rate" + tail
    ratio = rms_shallow / max(rms_deep, 1e-12)
    if 1 / 1.1 <= ratio <= 1.1:
        return (f"Here both reach about the same RMS error ({rms_shallow:.3f} and "
                f"{rms_deep:.3f})" + tail)
    better = "deep" if ratio > 1 else "shallow"
    factor = max(ratio, 1 / ratio)
    return f"Here the {better} network's RMS error is {factor:.1f}× smaller" + tail
