"""TensorFlow Playground on the dashboard's engine, with what its users keep asking for.

One frozen dataclass, :class:`PlaygroundParams` (``params``), holds every control of the page.
:func:`run` (``model``) makes the data (``data``), trains the network through ``core.engine``
and returns a :class:`PlaygroundRun`: history, snapshots for the replay, the output on a grid
over the input plane, the training / validation / test curves and the metrics. ``inspection``
looks inside a run (what every neuron computes over the plane), ``export`` writes it out
(Keras code, a ``.keras`` model, the data as CSV), and ``exercises`` holds the classroom
links and the configurations of the lecture's three Playground exercises.
"""

from core.playground.data import Plane, make_data, validation_split
from core.playground.exercises import (
    CONFIGURATIONS,
    OVERTRAINING,
    OVERTRAINING_STEPS,
    hide_link,
    overtraining_setup,
    warm_up,
)
from core.playground.export import (
    DATA_FILE,
    HISTORY_FILE,
    MODEL_FILE,
    data_csv,
    keras_code,
    keras_model,
    model_bytes,
)
from core.playground.inspection import NeuronMaps, neuron_maps
from core.playground.model import (
    CURVE_POINTS,
    Chunk,
    Head,
    Metrics,
    PlaygroundRun,
    confusion_matrix,
    curve_epochs,
    data_loss,
    epoch_budget,
    measure,
    network_of,
    r_squared,
    run,
    training_of,
)
from core.playground.params import (
    DATASET_LABELS,
    DATASET_NAMES,
    DROPOUTS,
    EARLY_STOPPING_PATIENCE,
    FEATURE_NAMES,
    FRAMES,
    GRID_SIZE,
    HALF_WIDTH,
    LEARNING_RATES,
    LIMITS_HELP,
    LOSSES,
    MAX_BATCH,
    MAX_EPOCHS,
    MAX_LAYERS,
    MAX_NEURONS,
    MAX_STEPS,
    N_POINTS,
    PAGE,
    PLATEAU_FACTOR,
    PLATEAU_PATIENCE,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    THUMB_SIZE,
    USER_DATA,
    VALIDATION_SHARE,
    PlaygroundParams,
)

__all__ = [
    "CONFIGURATIONS", "CURVE_POINTS", "DATASET_LABELS", "DATASET_NAMES", "DATA_FILE",
    "DROPOUTS", "EARLY_STOPPING_PATIENCE", "FEATURE_NAMES", "FRAMES", "GRID_SIZE",
    "HALF_WIDTH", "HISTORY_FILE", "LEARNING_RATES", "LIMITS_HELP", "LOSSES", "MAX_BATCH",
    "MAX_EPOCHS", "MAX_LAYERS", "MAX_NEURONS", "MAX_STEPS", "MODEL_FILE", "N_POINTS",
    "OVERTRAINING", "OVERTRAINING_STEPS", "PAGE", "PLATEAU_FACTOR", "PLATEAU_PATIENCE",
    "REGULARIZATIONS", "REGULARIZATION_RATES", "THUMB_SIZE", "USER_DATA", "VALIDATION_SHARE",
    "Chunk", "Head", "Metrics", "NeuronMaps",
    "Plane", "PlaygroundParams", "PlaygroundRun", "confusion_matrix", "curve_epochs",
    "data_csv", "data_loss", "epoch_budget", "hide_link", "keras_code", "keras_model",
    "make_data", "measure", "model_bytes", "network_of", "neuron_maps", "overtraining_setup",
    "r_squared", "run", "training_of", "validation_split", "warm_up",
]
