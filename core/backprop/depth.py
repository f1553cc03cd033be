"""Gradients through depth: |∂L/∂W| per layer of a deep stack right after initialisation,
from core.initialisation's probe (its network, its random read-out loss L = Σ r·h, its
GradientTape pass): the activations page's probe seen as a backward pass.

Only the words are here: what the measured numbers say about the selected initialisation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core import initialisation as I

#: The scheme made for each activation (Glorot & Bengio 2010 for tanh and sigmoid, He et al.
#: 2015 for ReLU), the yardstick for "too small" and "too large".
MADE_FOR = {"relu": "he_normal", "tanh": "glorot_uniform", "sigmoid": "glorot_uniform",
            "linear": "glorot_uniform"}
#: Factors beyond which a change counts as vanishing or exploding (two orders of magnitude).
FACTOR = 100.0


def _times(x: float) -> str:
    return f"{x:.2g}" if 1e-3 <= x < 1e4 else f"{x:.0e}"


def notice(probes: Mapping[str, I.Probe], p: I.InitParams) -> str:
    """What |∂L/∂W| per layer shows for ``p``'s initializer: along the layers (layer 1
    against the last) and against the scheme made for the activation."""
    pr = probes[p.initializer]
    grad = pr.kernel_grad
    label = I.label(p.initializer)
    zero = np.flatnonzero(grad == 0)
    if zero.size:
        return (f"With {label} no gradient reaches layers {zero[0] + 1}–{zero[-1] + 1}: "
                "∂L/∂W is exactly 0 there, so gradient descent cannot change those weights "
                "(every weight starts equal, and the units of a layer stay alike).")
    along = grad[0] / grad[-1]
    if along < 1 / FACTOR:
        trend = (f"the gradient vanishes on its way back: layer 1 gets {_times(along)} of what "
                 f"layer {pr.depth} gets, so the first layers hardly learn")
    elif along > FACTOR:
        trend = (f"the gradient grows on its way back (explodes): layer 1 gets "
                 f"{_times(along)} times what layer {pr.depth} gets")
    else:
        trend = (f"the gradient keeps its order of magnitude through all {pr.depth} layers "
                 f"(layer 1 gets {_times(along)} of what layer {pr.depth} gets)")
    text = f"With {label} and {p.activation}, {trend}."
    base = MADE_FOR[p.activation]
    if base != p.initializer and base in probes:
        scale = float(np.exp(np.mean(np.log(grad / probes[base].kernel_grad))))
        if scale > FACTOR or scale < 1 / FACTOR:
            text += (f" Every layer's gradient is about {_times(scale)} times that of "
                     f"{I.label(base)}, the scheme made for {p.activation}: "
                     f"{'far too large (exploding)' if scale > 1 else 'far too small'}.")
    return text
