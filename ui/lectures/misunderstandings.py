"""Check yourself: the lecture's recap of its frequent misunderstandings, what to notice, and
presets that show each experiment coming out the other way, with answers written from their
runs."""

from __future__ import annotations

from core.misunderstandings import data_size as D
from core.misunderstandings import existence as E
from core.misunderstandings import linear_layers as L
from core.misunderstandings import retraining as R
from core.misunderstandings import selection as S
from core.misunderstandings import simple_fits as F
from core.presets import Preset
from ui import results
from ui.lectures import Lecture, Question

LINEAR_SIGMOID = L.LayerParams(activation="sigmoid")
FEW_UNITS = E.ExistenceParams(width=4)
THREE_UNITS = R.RetrainParams(hidden=3)
WAVE = F.SimpleFitParams(truth="wave", degree=5)
EASY_TASK = D.DataSizeParams(task="gauss", task_noise=0)


def one_layer() -> str:
    run = results.layer_runs(L.LayerParams())
    (w1, _), (w2, _), (w3, _) = run.runs["linear"].weights
    shapes = " · ".join(f"{w.shape[0]}×{w.shape[1]}" for w in (w1, w2, w3))
    text = ("W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂): one matrix and one bias, however "
            f"many layers. The default run's linear network multiplies its {shapes} kernels "
            f"into one layer, {L.boundary_text(run.w_eff, run.b_eff)}, ")
    if run.one_layer_gap <= L.SAME_OUTPUT_TOL:
        return text + (f"and its output equals that layer's to within {L.SAME_OUTPUT_TOL:g} "
                       "everywhere on the plane.")
    return text + f"yet its output differs from that layer's by {run.one_layer_gap:.1g}."


def test_once() -> str:
    p = S.SelectionParams()
    one = results.selection_splits(p.split_key(), p.data_seed)
    return ("The network with the lowest of N test losses was picked because its test points "
            "happened to suit it, so that loss is too rosy an estimate of the loss on new "
            "data. Validation data absorb that luck while choosing; the test loss, looked at "
            f"once afterwards, stays honest. On the default split: {S.answer(one)}")


def sigmoid_layers() -> str:
    return L.answer(results.layer_runs(LINEAR_SIGMOID))


def few_units() -> str:
    return E.answer(results.existence_runs(FEW_UNITS))


def three_units() -> str:
    return R.answer(results.retrainings(THREE_UNITS))


def wave() -> str:
    return F.answer(results.simple_fit_runs(WAVE))


def easy_task() -> str:
    return D.answer(results.data_size_runs(EASY_TASK))


LECTURE = Lecture(
    "The lecture's frequent misunderstandings. A layer without activation is meaningless: "
    "stacked linear layers are one linear layer, and the output layer's activation is set "
    "by the task. The universal approximation theorem only says a network exists; its "
    "design and training are still to be found. Validation data tune (train 10 networks "
    "and compare), test data check the chosen one once. Retraining gives a slightly "
    "different network whose features respond to the same patterns. Simple fits can beat "
    "networks, and networks need lots of data and a complex, multi-dimensional task.",
    r"W_2(W_1x + b_1) + b_2 = (W_2W_1)\,x + (W_2b_1 + b_2)",
    (Question("Why does a network without activations draw a straight line?", one_layer),
     Question("Why not choose the network with the lowest test loss?", test_once)),
    (Preset("Sigmoid, 100 epochs", "The same comparison with sigmoid hidden units: does σ "
            "help within 100 epochs?", sigmoid_layers, (LINEAR_SIGMOID,)),
     Preset("4 units", "Only four hidden units: does the hand-built network still win?",
            few_units, (FEW_UNITS,), tab=2),
     Preset("3 hidden units", "Retrain a network of only three hidden units: do the "
            "trainings still agree?", three_units, (THREE_UNITS,), tab=4),
     Preset("Wave, degree 5", "A wavy law and a degree-5 polynomial: who wins with little "
            "data?", wave, (WAVE,), tab=5),
     Preset("Easy task", "Two clean Gaussian clouds: how much data does the network need?",
            easy_task, (EASY_TASK,), tab=6)))
