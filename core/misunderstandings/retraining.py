"""Claim 4: "training is random: retraining gives a different network".

One Playground network (one hidden layer of ReLU units) trained from several seeds on the same
data. Compared number by number, the weights of two trainings have little in common: the
hidden units come out in another order. Matched by what they respond to (each unit of one
network paired with the unit of the other whose activation over the plane correlates most),
the weights line up, the units' maps look alike, and the networks classify the plane alike.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import playground as pg
from core.params import Params, choice, number

DATASETS = ("xor", "circle")
EPOCHS = 100
#: Two trainings "agree" when they classify at least this share of the plane alike.
AGREE = 0.9
#: Weights "line up" after matching when their correlation is at least this.
LINED_UP = 0.5


@dataclass(frozen=True)
class RetrainParams(Params):
    """The data, the hidden layer and how many trainings (seeds 1, 2, …)."""

    retrain_data: str = choice("xor", DATASETS, label="data set")
    hidden: int = number(8, 2, pg.MAX_NEURONS, label="hidden units",
                         help="one hidden layer of ReLU units")
    retrainings: int = number(6, 2, 8, label="trainings")

    def playground(self, seed: int) -> pg.PlaygroundParams:
        return pg.PlaygroundParams(dataset=self.retrain_data, hidden_units=(self.hidden,),
                                   activation="relu", epochs=EPOCHS, seed=seed)


def flat_weights(weights: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Every weight and bias of a network in one vector, layer by layer."""
    return np.concatenate([np.concatenate([np.ravel(k), np.ravel(b)]) for k, b in weights])


def unit_correlations(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Correlation of every unit of ``a`` with every unit of ``b`` (rows: units, columns:
    points of the plane); 0 for a unit whose activation is constant (it responds to nothing,
    e.g. a ReLU unit that is off everywhere)."""
    def standardised(m: np.ndarray) -> np.ndarray:
        m = np.asarray(m, np.float64)
        centred = m - m.mean(axis=1, keepdims=True)
        norm = np.linalg.norm(centred, axis=1, keepdims=True)
        return np.divide(centred, norm, out=np.zeros_like(centred), where=norm > 1e-12)

    return standardised(a) @ standardised(b).T


def match_units(corr: np.ndarray) -> np.ndarray:
    """For every unit of the first network, the unit of the second it is matched with:
    greedily, the most correlated free pair first."""
    n = corr.shape[0]
    match = np.full(n, -1)
    free = np.ones_like(corr, dtype=bool)
    for _ in range(n):
        masked = np.where(free, corr, -np.inf)
        i, j = np.unravel_index(int(np.argmax(masked)), corr.shape)
        match[i] = j
        free[i, :], free[:, j] = False, False
    return match


def permuted(weights: list[tuple[np.ndarray, np.ndarray]], order: np.ndarray) -> list:
    """A one-hidden-layer network with its hidden units reordered (the same function)."""
    (k1, b1), (k2, b2) = weights
    return [(k1[:, order], b1[order]), (k2[order, :], b2)]


@dataclass(frozen=True)
class Retraining:
    """The trainings, compared pair by pair."""

    params: RetrainParams
    seeds: tuple[int, ...]
    test_accuracy: np.ndarray  # (trainings,)
    agreement: np.ndarray  # (trainings, trainings): share of the plane classified alike
    pairs: tuple[tuple[int, int], ...]
    raw: np.ndarray  # per pair: correlation of the weights, position by position
    matched: np.ndarray  # per pair: the same after matching the second's units to the first's
    unit_match: np.ndarray  # per pair: mean activation correlation of the matched units
    #: Hidden units' maps (trainings, units, size, size), each training's units reordered
    #: to match the first training's; and the plane's axis they are drawn on.
    maps: np.ndarray
    axis: np.ndarray

    def off_diagonal(self) -> np.ndarray:
        return self.agreement[~np.eye(len(self.seeds), dtype=bool)]


def run(p: RetrainParams, on_progress: Callable[[int, int], None] | None = None
        ) -> Retraining:
    """Train ``p.retrainings`` networks (seeds 1, 2, …) and compare every pair."""
    seeds = tuple(range(1, p.retrainings + 1))
    runs = []
    for i, seed in enumerate(seeds):
        runs.append(pg.run(p.playground(seed), frames=1))
        if on_progress:
            on_progress(i + 1, len(seeds))
    maps = [pg.neuron_maps(r) for r in runs]
    hidden = [m.hidden[0].reshape(p.hidden, -1) for m in maps]
    classes = [r.grid_outputs[-1][:, 0] >= 0 for r in runs]
    weights = [r.result.final.weights for r in runs]
    n = len(runs)
    agreement = np.array([[np.mean(classes[i] == classes[j]) for j in range(n)]
                          for i in range(n)])
    pairs = tuple(itertools.combinations(range(n), 2))
    raw, matched, unit_match = [], [], []
    for i, j in pairs:
        corr = unit_correlations(hidden[i], hidden[j])
        order = match_units(corr)
        raw.append(_correlation(flat_weights(weights[i]), flat_weights(weights[j])))
        matched.append(_correlation(flat_weights(weights[i]),
                                    flat_weights(permuted(weights[j], order))))
        unit_match.append(float(np.mean(corr[np.arange(p.hidden), order])))
    to_first = [np.arange(p.hidden)] + [match_units(unit_correlations(hidden[0], h))
                                        for h in hidden[1:]]
    stacked = np.stack([m.hidden[0][order] for m, order in zip(maps, to_first)])
    accuracy = np.array([r.metrics.test_accuracy for r in runs])
    return Retraining(p, seeds, accuracy, agreement, pairs, np.array(raw), np.array(matched),
                      np.array(unit_match), stacked, maps[0].axes[0])


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(unit_correlations(a[None, :], b[None, :])[0, 0])


def _r(value: float) -> str:
    """A correlation with two decimals, never "−0.00"."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "−")


def answer(r: Retraining) -> str:
    """The tab's sentence: weights position by position, matched, and the decisions."""
    n, agree = len(r.seeds), r.off_diagonal()
    lined_up = float(np.mean(r.matched)) >= LINED_UP
    text = (f"Compared position by position, the {n} trainings' weights correlate at "
            f"{_r(np.mean(r.raw))} on average (pairs from {_r(np.min(r.raw))} to "
            f"{_r(np.max(r.raw))})")
    if np.mean(r.raw) >= LINED_UP:
        text += ", similar even without matching the units"
    text += (f"; with the hidden units matched by what they respond to, at "
             f"{_r(np.mean(r.matched))}")
    text += (": the same units in another order. " if lined_up else
             ": these trainings built their boundary from different units. ")
    if np.min(agree) >= AGREE:
        return text + (f"They classify {np.mean(agree):.1%} of the plane alike on average "
                       f"(the least alike pair {np.min(agree):.1%}): "
                       + ("the same features, found again." if lined_up else
                          "different units, the same decision."))
    off = ~np.eye(n, dtype=bool)
    worst = np.unravel_index(int(np.argmin(np.where(off, r.agreement, np.inf))),
                             r.agreement.shape)
    a, b = (r.seeds[k] for k in worst)
    below = int(np.sum(agree < AGREE)) // 2
    return text + (f"{below} of {len(r.pairs)} pairs classify less than {AGREE:.0%} of the "
                   f"plane alike; seeds {a} and {b} agree on only {np.min(agree):.1%} of it "
                   f"(test accuracy {r.test_accuracy[worst[0]]:.0%} and "
                   f"{r.test_accuracy[worst[1]]:.0%}): a training can also end in another, "
                   "worse solution, which retraining from several seeds reveals.")
