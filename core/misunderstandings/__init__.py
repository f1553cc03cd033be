"""The lecture's frequent misunderstandings, each settled by a live run.

The lecture closes its fundamentals with a slide of things students often get wrong. Each
claim here has a module with one parameter class, one experiment (a function of those
parameters that reports ``on_progress(done, total)`` as its runs finish) and one sentence
written from the experiment's numbers, with a branch for every way they can come out:

======================  =======================================================  ==========
module                  the experiment                                           claim
======================  =======================================================  ==========
``linear_layers``       the same network with and without σ; deep σ vs ReLU       1
``existence``           a hand-built fit vs the same units trained from seeds    2
``selection``           choose among N networks on validation or on test         3
``retraining``          one network trained from several seeds                   4
``simple_fits``         a least-squares polynomial vs a network, per data size   5
``data_size``           a 2-D task's learning curves against the data size       6
======================  =======================================================  ==========

Every experiment trains through the pages' own code: the Playground's runs
(``core.playground``), the universal-approximation fits, the overfitting page's 1-D
networks, the activations page's effective linear layer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """A misunderstanding as students say it, and what the lecture says instead."""

    key: str
    tab: str
    misunderstanding: str
    lecture: str


CLAIMS: tuple[Claim, ...] = (
    Claim("linear_layers", "1 · No activation",
          "A layer without an activation function still adds something.",
          "A layer without activation is usually meaningless: stacked linear layers are one "
          "linear layer. The output layer's activation is chosen by the task (sigmoid for "
          "classification, none for regression)."),
    Claim("existence", "2 · Exists ≠ found",
          "The universal approximation theorem means a network will find the function.",
          "The theorem is only a statement of existence: such a network exists, but you "
          "still have to find its design and train it, which is not easy."),
    Claim("selection", "3 · Validation ≠ test",
          "Validation data and test data are the same thing.",
          "Validation data tune the network (train 10 networks and compare, watch for "
          "overtraining); test data check the one you decided on, once."),
    Claim("retraining", "4 · Retraining",
          "Training is random: retraining gives a different network.",
          "Training is not random: retraining gives a slightly different network whose "
          "features respond to the same patterns in the data."),
    Claim("simple_fits", "5 · Simple fits",
          "A deep network always beats a simple fit.",
          "Networks are not the holy grail: a simple fit can outperform them."),
    Claim("data_size", "6 · Data needed",
          "A network needs little data.",
          "Networks need lots of data, and pay off when the task is complex and "
          "multi-dimensional."),
)


def _params() -> tuple[type, ...]:
    from core.misunderstandings import (
        data_size,
        existence,
        linear_layers,
        retraining,
        selection,
        simple_fits,
    )

    return (linear_layers.LayerParams, existence.ExistenceParams, selection.SelectionParams,
            retraining.RetrainParams, simple_fits.SimpleFitParams, data_size.DataSizeParams)


#: Every claim's parameter class, in the order of the claims.
PARAMS = _params()
