"""The Playground's parameters: one frozen dataclass holding every control of the page (its
defaults are TensorFlow Playground's), with the server's limits and the option ladders.

Playground's semantics kept by the package, so the lecture's exercises give the same pictures:

* Data on Playground's plane: 500 points with coordinates within about ±6, fed to the
  features raw (no scaling), so its learning rates behave the same.
* Its loss convention ("playground"): ½ · squared error, labels ±1, a tanh output (a
  constant 0 output scores 0.5), a linear output for regression.
* Its initialisation: weights U(−0.5, 0.5), biases 0.1.
* Its L2 penalty is ½·λ·w² (the update subtracts α·λ·w); the engine's penalty is λ·w², so
  the engine gets λ/2. L1 is λ·|w| in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import activations, datasets, features, initializers, limits, optimizers
from core.params import Params, choice, flag, number, numbers

PAGE = "playground"

#: Points of a generated data set (Playground's number).
N_POINTS = 500
#: Grid of the output heatmap (Playground draws 100×100): smoothed over ~450 px, 40×40 looks
#: the same and keeps every replay frame small.
GRID_SIZE = 40
#: Grid of the per-neuron thumbnails.
THUMB_SIZE = 24
#: Frames of the training replay (each carries the whole grid to the browser).
FRAMES = 16
#: Half width of Playground's plane: inputs and heatmaps cover [−6, 6]².
HALF_WIDTH = datasets.PLANE_HALF_WIDTH

# Server-safe limits (one value each, in core.limits): one process trains for a whole
# lecture hall at once.
MAX_LAYERS = limits.PLAYGROUND_MAX_LAYERS
MAX_NEURONS = limits.PLAYGROUND_MAX_NEURONS
MAX_EPOCHS = limits.PLAYGROUND_MAX_EPOCHS
MAX_BATCH = limits.PLAYGROUND_MAX_BATCH
#: Optimisation steps one run may take (~6 s on the lecture server); longer runs are cut.
MAX_STEPS = limits.PLAYGROUND_MAX_STEPS
LIMITS_HELP = (f"Limits ({MAX_LAYERS} layers of {MAX_NEURONS} neurons, {MAX_EPOCHS} epochs, "
               f"{MAX_STEPS:,} steps per run) keep the shared lecture server responsive.")

PLATEAU_PATIENCE, PLATEAU_FACTOR = 20, 0.5
EARLY_STOPPING_PATIENCE = 50
#: Share of the training data held out as the validation set when early stopping or the
#: plateau schedule is on: they must watch data that neither trains the network nor tests it.
VALIDATION_SHARE = 0.2

LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
REGULARIZATIONS = ("none", "l1", "l2")
LOSSES = {"playground": "½ squared error, tanh output, labels ±1 (Playground)",
          "cross_entropy": "cross-entropy, sigmoid / softmax output"}
USER_DATA = "user"
DATASET_NAMES = (*datasets.DATASETS, USER_DATA)
DATASET_LABELS = {**{k: d.label for k, d in datasets.DATASETS.items()},
                  USER_DATA: "Your own data (upload or table)"}
FEATURE_NAMES = tuple(features.FEATURES)


def datasets_for(problem: str) -> tuple[str, ...]:
    """The data sets offered for a problem type: the generated ones of that kind, and own
    data."""
    return (*(n for n, d in datasets.DATASETS.items() if d.kind == problem), USER_DATA)


@dataclass(frozen=True)
class PlaygroundParams(Params):
    """Every control of the Playground page; the defaults are TensorFlow Playground's."""

    problem: str = choice("classification", datasets.KINDS, label="problem type")
    dataset: str = choice("circle", DATASET_NAMES, depends_on="problem",
                          options_for=datasets_for, label="data set")
    noise: int = number(0, 0, 50, label="noise (%)")
    train_ratio: int = number(50, 10, 90, label="ratio of training data (%)")
    data_seed: int = number(1, 0, 99_999, label="data seed")
    x1: bool = flag(True, label="x₁")
    x2: bool = flag(True, label="x₂")
    x1_sq: bool = flag(False, label="x₁²")
    x2_sq: bool = flag(False, label="x₂²")
    x1x2: bool = flag(False, label="x₁x₂")
    sin_x1: bool = flag(False, label="sin(x₁)")
    sin_x2: bool = flag(False, label="sin(x₂)")
    hidden_units: tuple[int, ...] = numbers((4, 2), 1, MAX_NEURONS, min_len=0,
                                            max_len=MAX_LAYERS, label="hidden layers",
                                            help="neurons in each hidden layer")
    activation: str = choice("tanh", tuple(activations.ACTIVATIONS), label="activation")
    dropout: float = number(0.0, 0.0, 0.5, options=DROPOUTS, label="dropout",
                            help="Drop probability after every hidden layer while training; "
                                 "off at test time.")
    initializer: str = choice("playground", tuple(initializers.INITIALIZERS),
                              label="initialisation")
    loss: str = choice("playground", tuple(LOSSES), label="loss")
    optimizer: str = choice("sgd", tuple(optimizers.OPTIMIZERS), label="optimizer")
    learning_rate: float = number(0.03, 1e-5, 10.0, options=LEARNING_RATES,
                                  label="learning rate α")
    regularization: str = choice("none", REGULARIZATIONS, label="regularisation")
    regularization_rate: float = number(0.0, 0.0, 10.0, options=REGULARIZATION_RATES,
                                        label="regularisation rate λ",
                                        help="L2 adds ½·λ·w² per weight (TensorFlow "
                                             "Playground's convention: a step subtracts "
                                             "α·λ·w); L1 adds λ·|w|. Weights only, never "
                                             "the biases.")
    batch_size: int = number(10, 1, MAX_BATCH, label="batch size")
    epochs: int = number(500, 1, MAX_EPOCHS, label="epochs", help=LIMITS_HELP)
    seed: int = number(1, 0, 99_999, label="seed")
    lr_schedule: bool = flag(
        False, label="reduce the rate on a plateau",
        help=f"Halve the learning rate when the validation loss has not improved for "
             f"{PLATEAU_PATIENCE} epochs. The validation set is {VALIDATION_SHARE:.0%} of the "
             "training data, held out for this.")
    early_stopping: bool = flag(
        False, label="early stopping",
        help=f"Stop when the validation loss has not improved for {EARLY_STOPPING_PATIENCE} "
             f"epochs. The validation set is {VALIDATION_SHARE:.0%} of the training data, held "
             "out for this: the test set is never watched.")
    discretize: bool = flag(False, label="discretize output",
                            help="Show the output as its sign (the predicted class).")
    show_test: bool = flag(False, label="show test data")

    def __post_init__(self) -> None:
        # A generated data set decides the problem type (as Playground's menus do), so a link
        # with only ``dataset=plane`` is a regression, never a contradiction.
        if self.dataset in datasets.DATASETS:
            object.__setattr__(self, "problem", datasets.DATASETS[self.dataset].kind)
        super().__post_init__()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The selected input features, in Playground's order."""
        return tuple(name for name in FEATURE_NAMES if getattr(self, name))

    def training_key(self) -> PlaygroundParams:
        """The same parameters with display-only fields at their defaults: the cache key."""
        return self.replace(discretize=False, show_test=False)


    @property
    def watches_validation(self) -> bool:
        """Early stopping or the plateau schedule is on: a validation set is split off."""
        return self.lr_schedule or self.early_stopping
