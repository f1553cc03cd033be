"""Sweeps of the 1-D overfitting problem: the final training and validation loss against the
regularisation rate and against the model size.

Each point retrains the overfitting page's network (``core.overfitting``) at one value of a
setting from a few seeds; validation traces a U (too little regularisation or too much
capacity overfits, too much regularisation underfits). The sentences about a sweep are
written from its own numbers (:func:`rate_answer`, :func:`size_answer`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import overfitting as of
from core.params import Params, choice, number

#: Rates swept per penalty, each reaching past the rate where the fit collapses.
SWEEP_RATES = {"l2": (1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1),
               "l1": (1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)}
SWEEP_WIDTHS = (1, 2, 4, 8, 16, 32, 64)
SWEEP_KINDS = {"l2": "L2 rate λ₂", "l1": "L1 rate λ₁"}


@dataclass(frozen=True)
class SweepParams(Params):
    """What the sweeps vary: the penalty swept, and how many seeds per point."""

    penalty: str = choice("l2", tuple(SWEEP_KINDS), label="penalty swept",
                          help="the rate swept on the regularised network of tab 2")
    seeds: int = number(3, 2, 5, label="seeds per point")


@dataclass(frozen=True)
class Sweep:
    """Final losses per swept value (rows) and seed (columns)."""

    values: tuple[float, ...]
    train: np.ndarray
    val: np.ndarray

    @property
    def best(self) -> float:
        """The value with the lowest mean final validation loss."""
        return self.values[int(np.nanargmin(np.nanmean(self.val, axis=1)))]

    def strays(self, factor: float = 2.0) -> list[tuple[float, int, float, float]]:
        """Runs that stopped in a much worse fit than the other seeds at the same value:
        (value, seed, training loss, median training loss of that value)."""
        median = np.nanmedian(self.train, axis=1)
        return [(self.values[i], s, float(self.train[i, s]), float(median[i]))
                for i, s in zip(*np.nonzero(self.train > factor * median[:, None]))]


def _strays_text(s: Sweep, unit: str) -> str:
    strays = s.strays()
    if not strays:
        return ""
    shown = "; ".join(f"seed {seed} at {value:g}{unit} ends at {loss:.3f} against a median "
                      f"of {median:.3f}" for value, seed, loss, median in strays)
    return (f" Not every seed lands in the same fit ({shown}): the dots show each seed, "
            "the line their mean.")


def rate_answer(penalty: str, s: Sweep) -> str:
    """What a rate sweep shows, written from its own numbers (means over the seeds, as the
    figure's lines): where the validation loss is lowest, whether the smallest rates overfit
    and the largest underfit, and any seed that stopped in a worse fit."""
    train, val = np.nanmean(s.train, axis=1), np.nanmean(s.val, axis=1)
    i_best, kind = int(np.nanargmin(val)), SWEEP_KINDS[penalty].split(" rate")[0]
    near = [v for v, x in zip(s.values, val) if x <= 1.1 * val[i_best]]
    text = (f"Against the {kind} rate the mean validation loss is lowest, {val[i_best]:.3f}, "
            f"at {s.values[i_best]:g}")
    text += (f" (within 10 % of that from {near[0]:g} to {near[-1]:g}). " if len(near) > 1
             else ". ")
    if val[0] > 1.2 * val[i_best] and train[0] < train[i_best]:
        text += (f"At {s.values[0]:g} the network overfits: the lowest training loss "
                 f"({train[0]:.3f}) but a validation loss of {val[0]:.3f}. ")
    high = [v for v, x in zip(s.values, val) if v > s.values[i_best] and x > 2 * val[i_best]]
    if high:
        first = s.values.index(high[0])
        text += (f"From {high[0]:g} on the penalty flattens the fit: training and validation "
                 f"loss jump to {train[first]:.3f} and {val[first]:.3f} (underfitting).")
        if np.allclose(s.train[first:], s.train[first:, :1], rtol=1e-3):
            text += " There every seed ends at the same loss: the answer no longer depends "
            text += "on where training started."
    return text + _strays_text(s, "")


def size_answer(s: Sweep) -> str:
    """What the model-size sweep shows, written from its own numbers (means over the seeds,
    as the figure's lines; training losses compared by their medians, so that one seed's
    worse fit does not decide the sentence: it is named instead)."""
    val, train = np.nanmean(s.val, axis=1), np.nanmedian(s.train, axis=1)
    i_best, widest = int(np.nanargmin(val)), len(s.values) - 1
    text = ""
    if val[0] > 1.5 * val[i_best] and train[0] > 1.5 * np.nanmin(train):
        text += (f"Against the model size (no regularisation) {s.values[0]:g} unit per layer "
                 f"underfits: training loss {train[0]:.3f}, validation {val[0]:.3f}. ")
    text += (f"The lowest mean validation loss, {val[i_best]:.3f}, is at {s.values[i_best]:g} "
             "units per layer. ")
    if i_best < widest and val[widest] > 1.3 * val[i_best]:
        lower = train[widest] < train[i_best]
        text += (f"At {s.values[widest]:g} units it is {val[widest] / val[i_best]:.1f}× that "
                 f"({val[widest]:.3f}): overfitting, "
                 + ("with a lower training loss" if lower else "and not even a lower training loss")
                 + f" (median {train[widest]:.3f} against {train[i_best]:.3f}).")
        spread = np.nanstd(s.val, axis=1)
        if spread[widest] > spread[i_best]:
            text += " The widest networks' seeds also disagree more."
    elif i_best < widest:
        text += f"The widest, {s.values[widest]:g} units, are about as good: no overfitting here."
    return text + _strays_text(s, " units")


def rate_point(p: of.OverfitParams, penalty: str, rate: float, seed: int) -> tuple[float, float]:
    """Final (training, validation) loss of ``p.regularised``'s network at one rate."""
    reg = of.Regularisation(l2_rate=rate if penalty == "l2" else 0.0,
                            l1_rate=rate if penalty == "l1" else 0.0)
    fit = of.train_fit(p.run_key(), p.capacity(p.regularised), reg, seed=seed)
    return fit.final_train_loss, fit.final_val_loss


def size_point(p: of.OverfitParams, width: int, seed: int) -> tuple[float, float]:
    """Final (training, validation) loss of an unregularised network of ``width`` units per
    layer, with as many layers as the large network of ``p``."""
    fit = of.train_fit(p.run_key(), (width,) * p.large_layers, seed=seed)
    return fit.final_train_loss, fit.final_val_loss


def sweep(values: tuple[float, ...], seeds: int, point: Callable[[float, int], tuple],
          on_progress: Callable[[int, int], None] | None = None) -> Sweep:
    """Evaluate ``point(value, seed)`` for every value and seeds 0 … seeds−1."""
    train = np.full((len(values), seeds), np.nan)
    val = np.full((len(values), seeds), np.nan)
    total = len(values) * seeds
    for i, value in enumerate(values):
        for s in range(seeds):
            train[i, s], val[i, s] = point(value, s)
            if on_progress:
                on_progress(i * seeds + s + 1, total)
    return Sweep(tuple(values), train, val)


def sweep_key(p: of.OverfitParams) -> of.OverfitParams:
    """``p`` with only what the sweeps depend on (the data and training of
    :meth:`~core.overfitting.OverfitParams.run_key`, the regularised network's capacity and
    the large network's depth), the rest at its defaults: one cache entry per sweep."""
    which = p.regularised
    return p.run_key().replace(**{"regularised": which, "large_layers": p.large_layers,
                                  f"{which}_layers": getattr(p, f"{which}_layers"),
                                  f"{which}_width": getattr(p, f"{which}_width")})


def run_sweeps(p: of.OverfitParams, sw: SweepParams, *,
               rate_point: Callable[..., tuple[float, float]] = rate_point,
               size_point: Callable[..., tuple[float, float]] = size_point,
               on_progress: Callable[[int, int], None] | None = None) -> tuple[Sweep, Sweep]:
    """Both sweeps of ``p`` (against ``sw.penalty``'s rate, then against the width), each
    point from ``sw.seeds`` seeds; ``on_progress(done, total)`` counts the runs of both.
    ``rate_point`` and ``size_point`` may be cached versions of this module's."""
    rate_values = SWEEP_RATES[sw.penalty]
    total = (len(rate_values) + len(SWEEP_WIDTHS)) * sw.seeds

    def progress(offset: int) -> Callable[[int, int], None] | None:
        if on_progress is None:
            return None
        return lambda done, _: on_progress(offset + done, total)

    rates = sweep(rate_values, sw.seeds, lambda r, s: rate_point(p, sw.penalty, r, s),
                  progress(0))
    sizes = sweep(SWEEP_WIDTHS, sw.seeds, lambda w, s: size_point(p, int(w), s),
                  progress(len(rate_values) * sw.seeds))
    return rates, sizes
