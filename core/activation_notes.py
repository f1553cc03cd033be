"""What the activations page says about its curves, neurons, stacks, probes and training
runs, written from them: "what to notice" under each view and the answers of the lecture's
questions and presets. Every number is the result's; every claim that could fail for some
setting has its branch.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core import activation_functions as A
from core import initialisation as I
from core.notes import BLOWN_UP, listing

#: Sources of the constants the texts name.
#: PyTorch's recommended gain for tanh: ``torch.nn.init.calculate_gain("tanh")`` returns
#: 5/3 (torch/nn/init.py); Keras has no such table (keras/src/initializers/).
TANH_GAIN = 5 / 3


# ----------------------------------------------------------------------------------------
# f and f′
# ----------------------------------------------------------------------------------------


def _slope_facts(c: A.Curves) -> list[str]:
    """What the drawn slopes of the lecture's three activations show, measured on the grid."""
    facts, x = [], c.x
    if "relu" in c.slopes:
        s = c.slopes["relu"]
        if np.all(s[x < 0] == 0) and np.all(s[x > 0] == 1):
            facts.append("ReLU's slope is exactly 0 for x < 0 (a unit that stays there is "
                         "\"dead\") and 1 for x > 0")
    if "sigmoid" in c.slopes:
        top = float(np.max(c.slopes["sigmoid"]))
        facts.append(f"sigmoid's slope is at most {top:.2g} (at x = "
                     f"{x[np.argmax(c.slopes['sigmoid'])]:g}), so each sigmoid layer "
                     f"multiplies the gradient by {top:.2g} or less before the weights act")
    if "tanh" in c.slopes:
        s = c.slopes["tanh"]
        facts.append(f"tanh's slope is {float(np.max(s)):.2g} at x = {x[np.argmax(s)]:g} and "
                     "smaller everywhere else")
    return facts


def saturation_notice(c: A.Curves) -> str:
    """What to notice under f and f′, from the curves drawn."""
    sides: dict[str, list[str]] = {"both": [], "left": [], "right": [], "none": []}
    for name in c.values:
        sides[A.saturation_sides(c, name)].append(A.LABELS[name])
    where = {"both": "on both sides", "left": "only on the left", "right": "only on the right",
             "none": "nowhere on this range"}
    found = "; ".join(f"{', '.join(names)} {where[k]}" for k, names in sides.items() if names)
    facts = "; ".join(_slope_facts(c))
    tail = f" {facts[:1].upper()}{facts[1:]}." if facts else ""
    return (f"**What to notice.** Shaded: where |f′| < {c.threshold:g}, the saturated regions. "
            "A unit whose input lands there passes almost no gradient back, because the chain "
            f"rule multiplies by f′. Here {found} (x from −{A.X_RANGE:g} to {A.X_RANGE:g})."
            + tail)


# ----------------------------------------------------------------------------------------
# One neuron, and two that make a bump; the linear stack
# ----------------------------------------------------------------------------------------


def neuron_notice(n: A.Neuron, p: A.NeuronParams) -> str:
    """What to notice under the neuron and the bump, for this σ, w and b."""
    label = A.LABELS[p.neuron_activation]
    step = "nowhere (w = 0: a constant)" if n.step is None else f"x = −b/w = {n.step:.2f}"
    props = A.properties(p.neuron_activation)
    if np.isfinite(props.lo) and np.isfinite(props.hi):
        pair = ("two of them with the same w, the second shifted by the bump width, "
                f"subtracted from each other give a bump (peak {np.max(np.abs(n.bump)):.2f} "
                "here); the larger |w|, the steeper its sides and the flatter its top. A sum "
                "of such bumps can follow any curve: this is the building block of the "
                "universal approximation theorem.")
    else:
        pair = (f"{label} is unbounded above, so two of them subtracted give a ramp that "
                "levels off (a soft step) rather than a bump; two such steps make a bump. "
                "Choose sigmoid or tanh to see the bump directly.")
    return (f"**What to notice.** The bias moves the step, the weight sets its steepness: "
            f"w·x + b = 0 at {step}. With a large |w| the neuron switches abruptly there; "
            f"{pair}")


def stack_notice(s: A.Stack, p: A.StackParams) -> str:
    """What to notice under the two stacks: one line, and the bend σ adds."""
    label = A.LABELS[p.bend]
    bends = (f"The output bends (up to {s.bend:.0%} of its range away from a straight line): "
             "σ acts element-wise between the matrix products, so they no longer collapse "
             "into one." if s.bend > 0.01 else
             "With these weights it stays almost straight on this range (less than 1 % of "
             "its range away from a line): every unit stays on one side of its bend. Try "
             "another seed.")
    return (f"**What to notice.** Left: {p.stack_depth} layers of {p.stack_width} units with "
            "random weights and no activation. Multiplying the weight matrices gives one "
            "effective W and b (above), and the dashed line W·x + b lies exactly on the "
            "network's output: however deep, the stack is one linear layer. Right: the same "
            f"weights with {label} after every hidden layer. {bends}")


def stack_answer(s: A.Stack, p: A.StackParams) -> str:
    """Why a linear stack stays linear, and how closely the drawn stack equals its line."""
    gap = float(np.max(np.abs(s.linear - (s.w_eff * s.x + s.b_eff))))
    scale = max(float(np.max(np.abs(s.linear))), 1e-300)
    agree = ("they agree to rounding error (the largest difference is below 10⁻⁹ of the "
             "output's size)" if gap < 1e-9 * scale else
             f"they differ by at most {gap:.2g}")
    return ("W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂): one matrix and one bias. The "
            f"'Stacked linear layers' view draws a random stack of {p.stack_depth} layers and "
            f"the single line it equals; {agree}.")


def sigmoid_slope_answer(c: A.Curves) -> str:
    """Where the sigmoid's slope peaks and how large it is, from its measured slope."""
    s = c.slopes["sigmoid"]
    top, at = float(np.max(s)), float(c.x[np.argmax(s)])
    return (f"At x = {at:g}, where it is {top:.2g}: a gradient passing back through a sigmoid "
            f"is multiplied by {top:.2g} at most, and by far less where the unit saturates "
            f"(at x = ±{c.x[-1]:g} the slope is {float(s[-1]):.1e}).")


# ----------------------------------------------------------------------------------------
# The initialisation probe
# ----------------------------------------------------------------------------------------

WORDS = {"dead": "no signal at all", "symmetric": "all units equal", "saturated": "saturated",
         "vanishing": "vanishing", "shrinking": "shrinking", "stable": "scale kept",
         "growing": "growing", "exploding": "exploding"}


def _spread(pr: I.Probe) -> str:
    return f"std {pr.act_std[0]:.2g} → {pr.act_std[-1]:.2g}"


def glorot_with_tanh(probes: Mapping[str, I.Probe], ip: I.InitParams) -> str:
    """Why Glorot loses the tanh signal where it does (empty when it does not here)."""
    glorot, he = probes.get("glorot_uniform"), probes.get("he_uniform")
    if ip.activation != "tanh" or glorot is None or I.classify(glorot) not in (
            "shrinking", "vanishing"):
        return ""
    ratio = I.theory_variance("he_uniform", ip.width, ip.width) / I.theory_variance(
        "glorot_uniform", ip.width, ip.width)
    text = ("**Why Glorot loses the signal here.** Glorot's Var[W] = 2/(n_in + n_out) keeps the "
            "variance of a layer whose units pass their input on with slope 1 (Glorot & "
            "Bengio 2010 assume that linear regime). tanh′(z) < 1 for every z ≠ 0, so each "
            "tanh layer passes on a little less than it received, and the losses add up "
            f"(Glorot uniform: {_spread(glorot)} over {ip.depth} layers). PyTorch's "
            f"recommended gain for tanh is 5/3, a variance {TANH_GAIN ** 2:.2f}× Glorot's.")
    if he is not None and he.act_std[-1] / he.act_std[0] > glorot.act_std[-1] / glorot.act_std[0]:
        text += (f" He's 2/n_in, {ratio:g}× Glorot's for these {ip.width}-unit layers, keeps "
                 f"more of it ({_spread(he)}).")
    return text


def probe_notice(probes: Mapping[str, I.Probe], ip: I.InitParams) -> str:
    """What to notice under the probe, from what it measured."""
    groups: dict[str, list[str]] = {}
    for name, pr in probes.items():
        groups.setdefault(I.classify(pr), []).append(I.LABELS[name])
    found = "; ".join(f"{WORDS[k]}: {', '.join(v)}" for k, v in groups.items())
    batch = next(iter(probes.values())).batch
    text = (f"**What to notice.** {batch} random inputs (standard normal) go forward through "
            f"{ip.depth} {ip.activation} layers of {ip.width} units, and a random gradient "
            "goes back from the output. Each row of the left picture is one layer's "
            "histogram; on the right the grey lines are the other initializers. The lecture: "
            "weights too small give vanishing signals and gradients, too large exploding ones "
            "(with tanh and sigmoid: saturated units), and either way no learning. Measured "
            f"here (last layer against first: within ×{I.STABLE_FACTOR:g} counts as scale "
            f"kept, beyond ×{I.VANISHING_FACTOR:g} as vanishing or exploding): {found}.")
    why = glorot_with_tanh(probes, ip)
    return f"{text}\n\n{why}" if why else text


def relu_glorot_answer(probes: Mapping[str, I.Probe], ip: I.InitParams) -> str:
    """The "ReLU, Glorot" preset: what Glorot's variance does to a ReLU stack, measured."""
    pr = probes[ip.initializer]
    glorot = I.theory_variance(ip.initializer, ip.width, ip.width)
    he = I.theory_variance("he_normal", ip.width, ip.width)
    kind = I.classify(pr)
    opening = "No" if kind in ("vanishing", "shrinking") else "Here it does"
    return (f"{opening}: for these {ip.width}-unit layers Glorot's Var[W] = {glorot:.3g}, while "
            f"a ReLU layer needs He's {he:.3g}, {he / glorot:.2g}× as much, because ReLU zeroes "
            f"about half of its inputs. Measured over {ip.depth} layers: {_lower(I.verdict(pr))}")


def _lower(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def he_relu_answer(probes: Mapping[str, I.Probe], ip: I.InitParams) -> str:
    """The "ReLU, He" preset: He's rule on the same network, measured."""
    pr = probes[ip.initializer]
    made = (" He's rule is made for ReLU." if I.classify(pr) == "stable" else "")
    return f"Over {ip.depth} layers {_lower(I.verdict(pr))}{made}"


def constant_answer(probes: Mapping[str, I.Probe], ip: I.InitParams) -> str:
    """The "Constant" preset: every weight the same, measured."""
    pr = probes[ip.initializer]
    if I.classify(pr) == "symmetric":
        return (f"{I.verdict(pr)} In every one of the {ip.depth} layers the probe finds the "
                "spread across the units below 10⁻⁶ of the layer's whole spread.")
    return f"Measured: {I.verdict(pr)}"


# ----------------------------------------------------------------------------------------
# Training from each initialisation
# ----------------------------------------------------------------------------------------


def training_notice(runs: Mapping[str, I.Run], tp: I.TrainParams) -> str:
    """What to notice, from the runs themselves: which never learned, which diverged, and
    whether the symmetric start stayed symmetric."""
    stuck = [I.LABELS[n] for n, r in runs.items() if I.never_learned(r)]
    diverged = [I.LABELS[n] for n, r in runs.items() if r.diverged_at is not None]
    lines = ["**What to notice.**"]
    if stuck:
        lines.append(f"Never learns (loss within 3 % of its first epoch's after {tp.epochs} "
                     f"epochs of SGD): {listing(stuck)}.")
    if diverged:
        lines.append(f"Diverged (the loss overflowed or passed {BLOWN_UP} its start): "
                     f"{listing(diverged)}.")
    sym = I.LABELS[I.SYMMETRIC]
    lines.append(f"Two units starting from {sym} weights "
                 + ("stay identical through training: every unit of the layer receives the "
                    "same gradient, so the layer never becomes more than one unit."
                    if I.units_identical(runs[I.SYMMETRIC]) else
                    "drift apart (floating-point noise)."))
    if not I.units_identical(runs[I.RANDOM]):
        lines.append(f"From {I.LABELS[I.RANDOM]} weights they start and stay different: "
                     "random starting weights break the symmetry.")
    return " ".join(lines)
