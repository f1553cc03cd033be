"""Claim 2: "the universal approximation theorem means a network will find the function".

The lecture's bumpy 1-D function and one hidden layer of a few units. The weights exist: the
universal-approximation page's constructive fit (:func:`core.universal_approximation.place_evenly`:
hinges or steps placed evenly, heights read off f) *is* a network of exactly these units,
written down without training. The same network is then trained from several seeds with a
typical rate and budget (that page's :func:`~core.universal_approximation.train_fit`), and
lands on a spread of errors: existence is not trainability.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import activations, network
from core import universal_approximation as U
from core.params import Params, choice, number

#: The hand-built piece each kind of unit makes: a hinge max(0, x − s) is a ReLU unit, a
#: step σ(k(x − s)) a sigmoid unit, and a tanh unit too, since σ(z) = (1 + tanh(z/2))/2.
PIECES = {"tanh": "step", "relu": "hinge", "sigmoid": "step"}
UNIT_LABELS = {"tanh": "tanh (steps)", "relu": "ReLU (hinges)", "sigmoid": "sigmoid (steps)"}
TARGET = "bumpy"
BUDGETS = (200, 400, 1000)
MIN_SEEDS, MAX_SEEDS = 3, 20


@dataclass(frozen=True)
class ExistenceParams(Params):
    """One hidden layer of ``width`` units of one kind, built by hand and trained."""

    unit: str = choice("tanh", tuple(PIECES), label="units",
                       help="tanh and sigmoid units make steps, ReLU units hinges")
    width: int = number(16, 4, U.MAX_PIECES, label="hidden units")
    learning_rate: float = number(0.03, 0.001, 0.1, options=U.LEARNING_RATES,
                                  label="learning rate α")
    budget: int = number(400, 200, 1000, options=BUDGETS, label="epochs",
                         help="training budget of every seed (Adam, batches of 32)")
    seeds: int = number(6, MIN_SEEDS, MAX_SEEDS, label="seeds",
                        help="trainings from different starting weights (and sample points)")

    def approx(self, seed: int = 0) -> U.ApproxParams:
        """The universal-approximation page's parameters of one training."""
        return U.ApproxParams(target=TARGET, hidden_layers=1, hidden_units=self.width,
                              activation=self.unit, learning_rate=self.learning_rate,
                              epochs=self.budget, seed=seed)

    def hand(self) -> U.HandParams:
        """The hand-built sum with one piece per hidden unit, placed evenly."""
        base = U.HandParams(hand_kind=PIECES[self.unit], hand_count=self.width)
        return U.place_evenly(self.approx(), base)


def hand_weights(h: U.HandParams, unit: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The hand-built sum as the weights of a 1 → n → 1 network of ``unit`` units.

    Piece i at position sᵢ with height hᵢ is a unit with w₁ = k, b₁ = −k·sᵢ (k = 1 for a
    hinge, the steepness for a step) and w₂ = hᵢ; the offset is the output bias. A tanh unit
    makes the sigmoid's step with half the slope and height: hᵢ·σ(k(x − sᵢ)) =
    (hᵢ/2)·tanh(k(x − sᵢ)/2) + hᵢ/2, the constants adding up in the output bias."""
    if PIECES[unit] != h.hand_kind:
        raise ValueError(f"unit: a {unit} unit makes a {PIECES[unit]}, not a {h.hand_kind}")
    k = 1.0 if h.hand_kind == "hinge" else h.hand_steepness
    positions = np.asarray(h.hand_positions, np.float64)
    heights = np.asarray(h.hand_heights, np.float64)
    offset = h.hand_offset
    if unit == "tanh":
        k, heights, offset = k / 2, heights / 2, offset + heights.sum() / 2
    return [(np.full((1, len(positions)), k), -k * positions),
            (heights[:, None], np.array([offset]))]


@dataclass(frozen=True)
class Existence:
    """The hand-built network and the trained ones, on the training range."""

    params: ExistenceParams
    x: np.ndarray  # the training range's grid points
    truth: np.ndarray
    built: np.ndarray  # the hand-built network's output
    built_errors: tuple[float, float]  # (max, RMS) of f − built
    #: One row per seed: its output, and its (max, RMS) error in ``errors``.
    trained: np.ndarray
    errors: np.ndarray  # (seeds, 2)
    diverged: tuple[int, ...]  # seeds whose run diverged (their error is infinite)

    @property
    def order(self) -> np.ndarray:
        """Seeds from the best to the worst RMS error."""
        return np.argsort(self.errors[:, 1], kind="stable")

    def ranked(self) -> dict[str, int]:
        """The best, the median and the worst seed by RMS error."""
        order = self.order
        return {"best": int(order[0]), "median": int(order[(len(order) - 1) // 2]),
                "worst": int(order[-1])}


def run(p: ExistenceParams, on_progress: Callable[[int, int], None] | None = None
        ) -> Existence:
    """Build the network by hand, then train it from seeds 0 … seeds − 1."""
    fits = []
    for seed in range(p.seeds):
        fits.append(U.train_fit(p.approx(seed), frames=1))
        if on_progress:
            on_progress(seed + 1, p.seeds)
    first = fits[0]
    x, truth = first.grid[first.inside], first.truth[first.inside]
    built = network.predict(hand_weights(p.hand(), p.unit), (p.unit,), "linear",
                            x[:, None])[:, 0]
    diverged = tuple(s for s, f in enumerate(fits) if f.result.diverged)
    # A diverged run has no output worth drawing (maybe none at all): NaN, error infinite.
    trained = np.stack([np.full(len(x), np.nan) if s in diverged else f.outputs()[f.inside]
                        for s, f in enumerate(fits)])
    errors = np.array([(np.inf, np.inf) if s in diverged else f.errors
                       for s, f in enumerate(fits)])
    return Existence(p, x, truth, built, U.fit_errors(truth, built), trained, errors,
                     diverged)


def answer(e: Existence) -> str:
    """The tab's sentence: the hand-built error against the trained seeds' spread."""
    n, unit = e.params.width, activations.get(e.params.unit).label
    built_max, built_rms = e.built_errors
    rms = e.errors[:, 1]
    ranked = e.ranked()
    best, median, worst = (float(rms[ranked[k]]) for k in ("best", "median", "worst"))
    text = (f"{n} {unit} units placed by hand reach an RMS error of {built_rms:.3f} "
            f"(max {built_max:.3f}). Trained from {len(rms)} seeds, the same {n} units end "
            f"between {best:.3f} (best) and {worst:.3f} (worst), median {median:.3f}")
    if e.diverged:
        text += f"; {len(e.diverged)} of the runs diverged"
    found = int(np.sum(rms <= built_rms))
    if built_rms >= median:
        return text + (f": with only {n} units even the hand-built pieces fit f roughly, and "
                       f"{found} of {len(rms)} seeds placed their units better. The theorem "
                       "asks for enough units; add some and compare again.")
    if found == 0:
        return text + (": the weights exist, and training with this rate and budget did not "
                       "find them.")
    return text + (f": {found} of {len(rms)} seeds found weights at least as good as the "
                   "hand-built ones, the others did not. Existence does not promise that "
                   "training finds them.")
