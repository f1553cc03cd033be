"""The softmax cross-entropy calculator: class labels and logits typed as lists (as in the
lecture's exercise) give each example's softmax probabilities and loss, the mean
cross-entropy and the accuracy, computed by Keras (the engine's loss registry, which calls
``keras.losses.categorical_crossentropy``, and ``keras.metrics.SparseCategoricalAccuracy``)
and by the NumPy formula beside it:

    pᵢₖ = e^{zᵢₖ} / Σⱼ e^{zᵢⱼ},   Lᵢ = −ln pᵢ,yᵢ,   J = (1/N) Σᵢ Lᵢ.

Typed text is parsed here, never evaluated: a :class:`CalculatorError` names what is wrong
(an empty field, a token that is not a number, rows of different lengths, a label out of
range, too many examples) so that the page can say it instead of failing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from core import limits
from core.engine import losses
from core.params import Params, text

MAX_EXAMPLES = limits.CALCULATOR_MAX_EXAMPLES
MAX_CLASSES = limits.CALCULATOR_MAX_CLASSES
MAX_CHARS = limits.CALCULATOR_MAX_CHARS
MAX_ABS_LOGIT = limits.CALCULATOR_MAX_ABS_LOGIT
#: The book's exercise (Deep Learning for Physics Research, the lecture's book): mean
#: categorical cross-entropy 0.684028, accuracy 0.75.
BOOK_LABELS = "[0, 0, 2, 1]"
BOOK_LOGITS = "[[4, 5, 1], [-1, -2, -3], [0.1, 0.2, 0.3], [-1, 17, 1]]"
#: Longest piece of typed text repeated in a message.
SHOWN = 12
FORMAT_HELP = ("Type the labels as a list of class numbers, e.g. `[0, 2, 1]`, and the logits "
               "as one list per example, e.g. `[[4, 5, 1], [-1, -2, -3]]` (rows may also be "
               "separated by `;` or new lines).")


class CalculatorError(ValueError):
    """Typed input the calculator cannot use; the message says what is wrong."""


@dataclass(frozen=True)
class CalculatorParams(Params):
    """The calculator's two typed lists, kept as typed (the page explains what is wrong)."""

    labels: str = text(BOOK_LABELS, max_len=MAX_CHARS, label="labels yᵢ",
                       help="One class number per example, counted from 0. " + FORMAT_HELP)
    logits: str = text(BOOK_LOGITS, max_len=MAX_CHARS, label="logits zᵢ",
                       help="One row of logits per example, one logit per class. "
                            + FORMAT_HELP)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _shown(token: str) -> str:
    token = token.strip()
    return repr(token if len(token) <= SHOWN else token[:SHOWN] + "…")


def _numbers(part: str, what: str) -> list[float]:
    tokens = [t for t in re.split(r"[,\s]+", part.strip()) if t]
    if not tokens:
        raise CalculatorError(f"{what} is empty")
    out = []
    for i, token in enumerate(tokens, 1):
        try:
            value = float(token.replace("−", "-"))
        except ValueError:
            raise CalculatorError(f"{what}: entry {i}, {_shown(token)}, is not a number") from None
        if not math.isfinite(value):
            raise CalculatorError(f"{what}: entry {i}, {_shown(token)}, is not a finite number")
        out.append(value)
    return out


def _strip_brackets(text: str, what: str) -> str:
    t = text.strip()
    if t.startswith("["):
        if not t.endswith("]"):
            raise CalculatorError(f"{what}: a '[' is never closed")
        t = t[1:-1]
    elif t.endswith("]"):
        raise CalculatorError(f"{what}: a ']' closes nothing")
    return t


def parse_labels(text: str) -> np.ndarray:
    """Class numbers from ``[0, 0, 2, 1]`` (or ``0 0 2 1``); CalculatorError if not."""
    body = _strip_brackets(text, "labels")
    if "[" in body or "]" in body:
        raise CalculatorError("labels: give one flat list of class numbers, e.g. [0, 2, 1]")
    values = _numbers(body, "labels")
    for i, v in enumerate(values, 1):
        if not v.is_integer() or v < 0:
            raise CalculatorError(f"labels: entry {i} is {v:g}; a label is a class number "
                                  "0, 1, 2, …")
    return np.array(values, np.int64)


def parse_logits(text: str) -> np.ndarray:
    """Rows of logits from ``[[4, 5, 1], [-1, -2, -3]]`` (or rows split by ``;`` or new
    lines); CalculatorError if not."""
    body = _strip_brackets(text, "logits")
    if "[" in body or "]" in body:
        rows = re.findall(r"\[([^\[\]]*)\]", body)
        rest = re.sub(r"\[[^\[\]]*\]", "", body)
        if not rows or rest.strip(" ,\n\t") or "[" in rest or "]" in rest:
            raise CalculatorError("logits: the brackets do not pair up as [[…], […], …]")
    else:
        rows = [r for r in re.split(r"[;\n]", body) if r.strip()]
    if not rows:
        raise CalculatorError("logits is empty")
    parsed = [_numbers(row, f"logits, row {i}") for i, row in enumerate(rows, 1)]
    width = len(parsed[0])
    for i, row in enumerate(parsed, 1):
        if len(row) != width:
            raise CalculatorError(f"logits: row {i} has {_count(len(row), 'number')}, row 1 "
                                  f"has {width}; every example needs one logit per class")
    logits = np.array(parsed, np.float64)
    if np.abs(logits).max() > MAX_ABS_LOGIT:
        raise CalculatorError(f"logits: keep every logit between −{MAX_ABS_LOGIT:g} and "
                              f"{MAX_ABS_LOGIT:g}")
    return logits


def parse(labels_text: str, logits_text: str) -> tuple[np.ndarray, np.ndarray]:
    """Labels and logits, checked against each other and the limits."""
    labels, logits = parse_labels(labels_text), parse_logits(logits_text)
    n, k = logits.shape
    if n > MAX_EXAMPLES:
        raise CalculatorError(f"logits: {n} rows; the calculator takes at most {MAX_EXAMPLES} "
                              "examples")
    if not 2 <= k <= MAX_CLASSES:
        raise CalculatorError(f"logits: rows of {_count(k, 'number')}; give 2 to {MAX_CLASSES} "
                              "logits per example, one per class")
    if len(labels) != n:
        raise CalculatorError(f"{_count(len(labels), 'label')} but {_count(n, 'row')} of "
                              "logits: give one label per row")
    bad = np.flatnonzero(labels >= k)
    if len(bad):
        i = int(bad[0])
        raise CalculatorError(f"labels: example {i + 1} has label {labels[i]}, but with {k} "
                              f"logits per row the classes are 0 to {k - 1}")
    return labels, logits


# ----------------------------------------------------------------------------------------
# The two computations
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    """Softmax probabilities (N, K), each example's loss (N,), their mean, the accuracy."""

    probabilities: np.ndarray
    losses: np.ndarray
    mean_loss: float
    accuracy: float


def numpy_scores(labels: np.ndarray, logits: np.ndarray) -> Scores:
    """The formula in the module docstring, written out in NumPy (log-sum-exp for the loss,
    so a logit of 17 costs nothing in precision)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    per_example = -log_p[np.arange(len(labels)), labels]
    hits = np.argmax(logits, axis=1) == labels
    return Scores(np.exp(log_p), per_example, float(per_example.mean()), float(hits.mean()))


def keras_scores(labels: np.ndarray, logits: np.ndarray) -> Scores:
    """The same numbers from Keras: ``keras.activations.softmax``, the engine's categorical
    cross-entropy (``keras.losses.categorical_crossentropy`` from logits; its mean is what
    training minimises) and ``keras.metrics.SparseCategoricalAccuracy``, in float64."""
    import keras

    from core import engine

    engine.tensorflow()  # TensorFlow configured as the engine wants it
    z = keras.ops.convert_to_tensor(logits, dtype="float64")
    one_hot = keras.ops.one_hot(labels, logits.shape[1], dtype="float64")
    loss = losses.get("categorical_crossentropy")
    accuracy = keras.metrics.SparseCategoricalAccuracy(dtype="float64")
    accuracy.update_state(labels, z)
    return Scores(keras.ops.convert_to_numpy(keras.activations.softmax(z, axis=-1)),
                  keras.ops.convert_to_numpy(loss.per_example(one_hot, z, "softmax")),
                  float(loss.fn(one_hot, z, "softmax")), float(accuracy.result()))


@dataclass(frozen=True)
class Calculation:
    labels: np.ndarray
    logits: np.ndarray
    keras: Scores
    numpy: Scores


def calculate(p: CalculatorParams) -> Calculation:
    """Both computations for the typed lists; CalculatorError naming what is wrong."""
    labels, logits = parse(p.labels, p.logits)
    return Calculation(labels, logits, keras_scores(labels, logits), numpy_scores(labels, logits))
