"""What the overfitting page's runs show, in sentences written from their numbers (a branch
for each case, so a sentence stays true whatever the user set), and what an L2 penalty
means under each optimiser.

An L2 penalty is weight decay only for plain SGD. Its gradient (2λ₂w for λ₂w², λw for
Playground's ½λw²) is a pull toward 0 in proportion to the weight; SGD subtracts it as it
is, so every step shrinks every weight by the same factor. An adaptive optimiser (Adagrad,
Adadelta, RMSprop, Adam) divides every gradient, the pull included, by a running size of that
weight's gradients, so weights with large gradients are pulled less: not weight decay
(Loshchilov & Hutter, "Decoupled weight decay regularization", ICLR 2019, Proposition 1 and
section 2). Momentum carries the pull along with the rest of the gradient.
"""

from __future__ import annotations

from collections.abc import Mapping

from core import optimizers
from core import overfitting as of

#: Optimisers that divide each gradient by a running size of that weight's gradients.
ADAPTIVE = ("adagrad", "adadelta", "rmsprop", "adam")


def l2_meaning(optimizer: str, pull: str) -> str:
    """What an L2 penalty does when trained with ``optimizer``; ``pull`` is its gradient
    written in the page's convention (e.g. "2λ₂w", or "λw" for Playground's ½λw²)."""
    name = optimizers.SHORT_LABELS.get(optimizer, optimizer)
    if optimizer == "sgd":
        return (f"Trained with plain SGD, L2 is weight decay: every step subtracts α·{pull}, "
                "shrinking every weight by the same factor.")
    if optimizer in ADAPTIVE:
        return (f"Trained with {name}, L2 is not weight decay: {name} divides every gradient, "
                f"the penalty's pull {pull} included, by a running size of that weight's "
                "gradients, so weights with large gradients are pulled toward 0 less "
                "(Loshchilov & Hutter 2019; plain SGD would make it weight decay).")
    return (f"Trained with {name}, the penalty's pull {pull} enters the velocity like the rest "
            "of the gradient: a decay toward 0 carried along by the momentum.")


# ----------------------------------------------------------------------------------------
# Tab 1: three capacities
# ----------------------------------------------------------------------------------------


def overtrains(fit: of.Fit) -> bool:
    """The validation loss passed its minimum well before the end and rose from it by more
    than 10 %, while the training loss ended below the validation loss."""
    return (fit.best_epoch <= 0.8 * fit.epochs_run and fit.final_val_loss > 1.1 * fit.min_val_loss
            and fit.final_train_loss < fit.final_val_loss)


def capacity_notice(p: of.OverfitParams, fits: Mapping[str, of.Fit]) -> str:
    """What the three capacities' runs show: the smallest and the largest network."""
    best_train = min(f.final_train_loss for f in fits.values())
    chosen = fits[of.choose(fits)]
    return " ".join((_small_text(p, fits["small"], best_train, chosen),
                     _large_text(p, fits["large"], p.noise ** 2)))


def choice_text(fits: Mapping[str, of.Fit], test_loss: float) -> str:
    """Which capacity the validation set chooses, and the chosen one's test loss (computed
    once, for it alone)."""
    chosen = of.choose(fits)
    return (f"Chosen by the lowest final validation loss: **{of.CAPACITY_LABELS[chosen]}** "
            f"({fits[chosen].final_val_loss:.3f}). Its test loss, computed once, for this "
            f"network only: **{test_loss:.3f}**.")


def _shape(p: of.OverfitParams, which: str) -> str:
    units = p.capacity(which)
    return f"{of.CAPACITY_LABELS[which]} network ({len(units)}×{units[0]})"


def _small_text(p: of.OverfitParams, small: of.Fit, best_train: float, chosen: of.Fit) -> str:
    name = _shape(p, "small")
    underfits = (small.final_train_loss > 2 * best_train
                 and small.final_val_loss > 1.2 * chosen.final_val_loss)
    if underfits:
        return (f"The {name} misses the shape in training and validation alike: training loss "
                f"{small.final_train_loss:.3f}, validation {small.final_val_loss:.3f} "
                "(underfitting).")
    return (f"The {name} fits about as well as the others here: training loss "
            f"{small.final_train_loss:.3f}, validation {small.final_val_loss:.3f}.")


def _large_text(p: of.OverfitParams, large: of.Fit, noise_var: float) -> str:
    name = _shape(p, "large")
    if not overtrains(large):
        return (f"The {name} ends at a validation loss of {large.final_val_loss:.3f} (lowest "
                f"{large.min_val_loss:.3f} at epoch {large.best_epoch}): no clear overtraining "
                f"within these {large.epochs_run} epochs.")
    below = (f", below the noise variance σ² = {noise_var:.3f}: it fits the noise"
             if large.final_train_loss < noise_var else "")
    return (f"The {name} keeps lowering its training loss, to {large.final_train_loss:.3f}"
            f"{below}, while its validation loss is lowest at epoch {large.best_epoch} "
            f"({large.min_val_loss:.3f}) and rises to {large.final_val_loss:.3f}: overtraining "
            "starts at that minimum.")


# ----------------------------------------------------------------------------------------
# Tab 2: a regularised run against the plain one
# ----------------------------------------------------------------------------------------


def regularisation_notice(plain: of.Fit, regd: of.Fit) -> str:
    """What this regularised run changed against the same run without, from their numbers."""
    reg = regd.regularisation
    if not reg.any:
        return "No regularisation chosen: both runs are the same."
    norm = _change("‖W‖₂", plain.weight_norm, regd.weight_norm, ".2f")
    val = _change("the validation loss of the returned weights", plain.returned_val_loss,
                  regd.returned_val_loss, ".3f")
    text = f"Here the regularisation {norm}, and {val}"
    if reg.l1_rate > 0:
        text += f"; {regd.exact_zeros} of {regd.kernel_weights().size} weights are exactly 0"
    return text + "."


def _change(what: str, before: float, after: float, fmt: str) -> str:
    if f"{after:{fmt}}" == f"{before:{fmt}}":
        return f"leaves {what} at {after:{fmt}}"
    way = "down" if after < before else "up"
    return f"takes {what} from {before:{fmt}} {way} to {after:{fmt}}"


#: How the 1-D runs' penalties, dropout and early stopping work (true for every run: the
#: mechanisms, with the optimiser these runs use).
MECHANISMS = (
    "L2 adds λ₂·w² per kernel weight (the biases are not penalised), a pull 2λ₂w toward 0 in "
    "proportion to the weight. " + l2_meaning(of.OPTIMIZER, "2λ₂w") + " L1 adds λ₁·|w|: the "
    "engine applies it as a step that stops at 0 (as TensorFlow Playground does), so weights "
    "that do not pay for themselves become exactly 0, a sparse network; Keras's L1 "
    "regularizer only adds λ₁·sign(w) to the gradient and leaves them jittering near 0. Both "
    "together are ElasticNet. Too large a rate flattens the fit: underfitting again. Dropout "
    "switches off a random share of hidden units in every training step only; the validation "
    "loss is computed with every unit on (Keras scales the kept units by 1/(1−p) while "
    "training, so nothing needs rescaling then).")
