"""Claim 3: "validation data and test data are the same thing".

The lecture's recipe: train N networks, compare them on the validation data, choose one, then
look at the test data once. Here N networks of different widths (each from its own seed) are
trained on the overfitting page's 1-D data (:func:`core.overfitting.train_fit`), and chosen
two ways: by validation loss (the recipe) or by test loss (the misunderstanding). The truth is
known, so each chosen network's loss on new data is computed exactly: the mean squared
distance to the truth over the input range plus the noise variance.

Chosen by test loss, the network's reported test loss is the smallest of N noisy numbers: on
average lower than its loss on new data. Repeated over many random splits, the gap is
measured, against the honest recipe's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import limits
from core import overfitting as of
from core.params import Params, number

#: Width of candidate i (one hidden layer of tanh units), each trained from seed i: networks
#: of about the same capacity, so that none is ruled out by its size alone and the choice
#: among them is a close one (where choosing on noisy losses matters most).
WIDTHS = (4, 5, 6, 7, 8, 9, 10, 12, 14, 16)
TRUTH = "wave"
EPOCHS = 400
SPLIT_OPTIONS = (10, 20, 40)
#: A mean gap counts as measured when it is more than this many standard errors from zero.
STANDARD_ERRORS = 2.0


@dataclass(frozen=True)
class SelectionParams(Params):
    """The candidates, the data, the split shown, and how many splits the repeat draws."""

    candidates: int = number(10, 3, limits.MISUNDERSTANDINGS_MAX_CANDIDATES,
                             label="networks N",
                             help=f"one hidden layer of {', '.join(map(str, WIDTHS))} … units")
    n_points: int = number(40, 20, limits.OVERFITTING_MAX_POINTS, label="points",
                           help="all points: half train, a quarter validate, a quarter test")
    noise: float = number(0.5, 0.1, 1.0, label="noise σ")
    data_seed: int = number(1, 0, 9999, label="split", help="the random split shown")
    splits: int = number(40, 10, limits.MISUNDERSTANDINGS_MAX_SPLITS, options=SPLIT_OPTIONS,
                         label="splits", help="how many random splits the repeat draws")

    def overfit(self, data_seed: int) -> of.OverfitParams:
        """The overfitting page's parameters of the data split ``data_seed``."""
        return of.OverfitParams(truth=TRUTH, n_points=self.n_points, noise=self.noise,
                                data_seed=data_seed, epochs=EPOCHS)

    def split_key(self) -> SelectionParams:
        """Only the fields that decide how one split is trained (the split shown and the
        repeat's length at their defaults): with the split's seed, the cache key of
        :func:`choose`."""
        defaults = SelectionParams()
        return self.replace(data_seed=defaults.data_seed, splits=defaults.splits)

    def split_seeds(self) -> tuple[int, ...]:
        """The splits of the repeat: the one shown and the next ones."""
        return tuple((self.data_seed + k) % 10_000 for k in range(self.splits))


@dataclass(frozen=True)
class Choice:
    """The N networks of one split: their validation, test and new-data losses."""

    data_seed: int
    widths: tuple[int, ...]
    val: np.ndarray
    test: np.ndarray
    new: np.ndarray

    @property
    def by_validation(self) -> int:
        """The network the recipe chooses (lowest validation loss)."""
        return int(np.argmin(self.val))

    @property
    def by_test(self) -> int:
        """The network chosen by the misunderstanding (lowest test loss)."""
        return int(np.argmin(self.test))


def new_data_loss(p: of.OverfitParams, split: of.Split, fit: of.Fit) -> float:
    """The expected squared error on a new point: x ~ U(−1, 1), y = f(x) + N(0, σ²), so
    E[(y − ŷ)²] = mean over x of (f − ŷ)² + σ² (the curve's grid is even on the range)."""
    gap = fit.predict(split.x_curve) - split.y_truth
    return float(np.mean(gap ** 2) + p.noise ** 2)


def choose(p: SelectionParams, data_seed: int,
           on_progress: Callable[[int, int], None] | None = None) -> Choice:
    """Train the N candidates on split ``data_seed`` and measure each one three ways."""
    q = p.overfit(data_seed)
    split = of.make_split(q)
    widths = WIDTHS[:p.candidates]
    losses = []
    for i, width in enumerate(widths):
        fit = of.train_fit(q, (width,), seed=i)
        losses.append((fit.final_val_loss, of.test_loss(q, fit), new_data_loss(q, split, fit)))
        if on_progress:
            on_progress(i + 1, len(widths))
    val, test, new = np.array(losses).T
    return Choice(data_seed, widths, val, test, new)


@dataclass(frozen=True)
class Repeat:
    """Both ways of choosing over many splits: per split the chosen network's reported
    test loss and its loss on new data."""

    choices: tuple[Choice, ...]

    def reported(self, how: str) -> np.ndarray:
        return np.array([c.test[_index(c, how)] for c in self.choices])

    def new(self, how: str) -> np.ndarray:
        return np.array([c.new[_index(c, how)] for c in self.choices])

    def apparent_gain(self) -> np.ndarray:
        """Per split: how much lower the reported test loss is when choosing on the test
        set (≥ 0: it is the lowest of the test losses by construction)."""
        return self.reported("validation") - self.reported("test")

    def real_gain(self) -> np.ndarray:
        """Per split: how much lower the chosen network's loss on new data is when choosing
        on the test set (negative: it is worse)."""
        return self.new("validation") - self.new("test")

    def bias(self) -> tuple[float, float]:
        """Apparent minus real gain: how much too good choosing on the test set makes the
        reported number look. Its mean over the splits and the mean's standard error (inf
        for a single split)."""
        gap = self.apparent_gain() - self.real_gain()
        n = len(gap)
        return float(np.mean(gap)), (float(np.std(gap, ddof=1) / np.sqrt(n)) if n > 1
                                     else float("inf"))


def _index(c: Choice, how: str) -> int:
    if how not in ("validation", "test"):
        raise ValueError(f"how must be 'validation' or 'test', got {how!r}")
    return c.by_validation if how == "validation" else c.by_test


def repeat(p: SelectionParams, choose_split: Callable[[int], Choice],
           on_progress: Callable[[int, int], None] | None = None) -> Repeat:
    """The whole experiment on every split of ``p`` (``choose_split(data_seed)`` trains one:
    a page passes its cached :func:`choose`), reporting (done, total) after each."""
    seeds = p.split_seeds()
    out = []
    for k, seed in enumerate(seeds):
        out.append(choose_split(seed))
        if on_progress:
            on_progress(k + 1, len(seeds))
    return Repeat(tuple(out))


# ----------------------------------------------------------------------------------------
# What the runs show
# ----------------------------------------------------------------------------------------


def answer(c: Choice) -> str:
    """The sentence about one split: what each way of choosing reports and what is true."""
    v, t = c.by_validation, c.by_test
    text = (f"Validation chooses the network of {c.widths[v]} units; its test loss, looked "
            f"at once, is {c.test[v]:.3f}, and on new data it would lose {c.new[v]:.3f}. ")
    if v == t:
        return text + ("Choosing on the test set picks the same network here; the repeat "
                       "below shows what it does on average.")
    return text + (f"Choosing on the test set picks {c.widths[t]} units instead and reports "
                   f"{c.test[t]:.3f}, lower by construction; on new data that network loses "
                   f"{c.new[t]:.3f}.")


def repeat_answer(r: Repeat) -> str:
    """The sentence about the repeat: the apparent gain of choosing on the test set, the
    real one, and whether their difference stands out of the splits' noise."""
    n = len(r.choices)
    apparent, real = r.apparent_gain(), r.real_gain()
    bias, error = r.bias()
    text = (f"Over {n} splits, choosing on the test set reported a test loss "
            f"{np.mean(apparent):.3f} lower on average than choosing on validation; on new "
            f"data its networks were {_signed(float(np.mean(real)))} (spread "
            f"±{np.std(real, ddof=1) if n > 1 else 0.0:.3f}). ")
    if bias > STANDARD_ERRORS * error:
        return text + (f"The difference, {bias:.3f} ± {error:.3f}, is how much better the one "
                       "number meant to be honest looks than it is: the test set has become a "
                       "second validation set.")
    return text + (f"Their difference, {bias:.3f}, is within {STANDARD_ERRORS:g} standard "
                   f"errors ({error:.3f}) of zero over these splits: more splits, fewer test "
                   "points or more networks make the bias show.")


def _signed(gain: float) -> str:
    """A gain in loss, in words (rounded to what is shown)."""
    if round(gain, 3) > 0:
        return f"{gain:.3f} lower"
    if round(gain, 3) < 0:
        return f"{-gain:.3f} higher"
    return "no better"
