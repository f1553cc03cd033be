"""Every limit of the dashboard in one place, so a bound is written once and means one thing.

The engine's limits bound what one run may cost on a shared lecture server (memory of a
compiled trainer, seconds of training); a page may set tighter limits of its own, declared
here too (prefixed with the page) so that nobody copies a number with a different value.
"""

from __future__ import annotations

# -- the training engine (core.engine) -----------------------------------------------------

#: Units per hidden layer. Widths are padded to a bucket (16, 32, 64, 128) so one compiled
#: trainer serves many widths; the universal-approximation page needs 1–128.
MAX_UNITS = 128
#: The smallest width bucket: every Playground-sized layer shares one trainer.
MIN_BUCKET = 16
MAX_LAYERS = 8
MAX_INPUTS = 64
MAX_OUTPUTS = 16
MAX_EPOCHS = 5000
#: Rows of training data one run may use.
MAX_POINTS = 20_000
MAX_LEARNING_RATE = 100.0
#: Upper bound of the L1 and L2 rates.
MAX_REGULARIZATION_RATE = 100.0
#: Dropout probability must stay below this.
MAX_DROPOUT = 0.95
#: Compiled trainers kept alive at once, over all structures (~12 MB each, see
#: benchmarks.memory_soak): the idle ones of the least recently used structures go first.
#: The server's start-up warm-up compiles 18 (every page's defaults and the Playground's
#: presets), and with 16 it dropped the first pages' ones before anyone used them
#: (tests/test_results_warm.py). The server grows by more than ~12 MB per structure kept:
#: benchmarks.soak peaked at 1.54 GB, still rising, with 32 and at 1.06 GB with 16.
MAX_TRAINERS = 20
#: Compiled trainers one structure may have, each serving one run at a time. As many as
#: training slots, so a run holding a slot never waits for a trainer of its structure while
#: a student with another structure waits behind it. Not for speed: with TensorFlow's one op
#: thread, two loops do not run at once (benchmarks.concurrency: 1.06 CPU with two threads).
TRAINERS_PER_STRUCTURE = 2
#: Trainings running at once in the whole process (about the cores of a Community Cloud
#: container); the others wait in line, first come first served, and their page says so.
MAX_TRAININGS = 2
#: Work of one run, epochs × training samples × parameters (weights and biases). A run
#: described above it is refused with a message naming the three factors. Wide networks
#: train ~2·10⁹ of it per second on a quiet core (benchmarks.concurrency); small networks
#: cost more per unit (per-step overhead), which the pages bound with step limits.
MAX_WORK = 2_000_000_000
#: Seeds are 31-bit so they survive a URL and any integer widget.
MAX_SEED = 2**31 - 1

# -- data sets (core.datasets) ---------------------------------------------------------------

DATASET_MAX_POINTS = 5000
#: Noise of a generated data set (TensorFlow Playground's slider, 0–50 %, divided by 100).
DATASET_MAX_NOISE = 0.5
DATASET_MIN_TRAIN_RATIO = 0.1
DATASET_MAX_TRAIN_RATIO = 0.9
#: Rows of an uploaded data set.
USER_MAX_POINTS = 2000
#: Fewest rows an uploaded data set may have (a training and a test part of two each).
USER_MIN_POINTS = 4
USER_MAX_CLASSES = 6
USER_MAX_ABS_COORDINATE = 1e6

# -- pages ------------------------------------------------------------------------------------

PLAYGROUND_MAX_LAYERS = MAX_LAYERS
#: TensorFlow Playground's own limit per layer (its diagram shows at most 8; 16 fits a hall).
PLAYGROUND_MAX_NEURONS = 16
PLAYGROUND_MAX_EPOCHS = 2000
PLAYGROUND_MAX_BATCH = 64
#: Optimisation steps one Playground run may take (epochs × batches per epoch).
PLAYGROUND_MAX_STEPS = 100_000
#: Optimisation steps one gradient-descent run may take.
GRADIENT_DESCENT_MAX_STEPS = 10_000
#: The overfitting page's 1-D networks (core.overfitting): depth and width of each capacity,
#: epochs and points of a run (three runs make its default view).
OVERFITTING_MAX_LAYERS = 4
OVERFITTING_MAX_UNITS = 64
OVERFITTING_MAX_EPOCHS = 3000
OVERFITTING_MAX_POINTS = 200
#: The misunderstandings page's validation-vs-test experiment trains this many networks per
#: split (core.misunderstandings.selection), and repeats it over at most this many splits:
#: at most 400 short runs (~0.1 s each on a quiet core) behind one button.
MISUNDERSTANDINGS_MAX_CANDIDATES = 10
MISUNDERSTANDINGS_MAX_SPLITS = 40
#: The classification page (core.classification): points of each data set, units per hidden
#: layer, and the calculator's typed input (examples, classes, characters per field, and the
#: largest logit: differences of larger ones overflow float64 to an infinite loss).
CLASSIFICATION_POINTS = 200
CLASSIFICATION_MAX_UNITS = 16
CALCULATOR_MAX_EXAMPLES = 20
CALCULATOR_MAX_CLASSES = 10
CALCULATOR_MAX_CHARS = 400
CALCULATOR_MAX_ABS_LOGIT = 1e6
#: The backpropagation page: nodes of a typed expression's graph (all drawn with their
#: values and gradients, readable at 1280×720), and parameters of the model whose gradient
#: is timed by backpropagation and by finite differences (2 forward passes per parameter:
#: ~1 s at this size on one core, measured by core.backprop.cost itself).
BACKPROP_MAX_NODES = 16
BACKPROP_MAX_PARAMETERS = 3000

# -- streaming results (core.engine.run: train(..., on_chunk=...)) -------------------------

#: Optimisation steps of the first compiled call of a streamed run: an early picture of the
#: trained network arrives after ~0.01–0.05 s of training (the untrained one comes first,
#: from NumPy, before any trainer is touched).
STREAM_FIRST_CHUNK_STEPS = 100
#: Inputs of a compiled trainer are padded to a multiple of this (zeros, held at exactly 0),
#: so a new feature set on the Playground (1–7 inputs) reuses the trainer instead of tracing.
INPUT_BUCKET = 8
#: The most steps one compiled call of a streamed run takes (chunks double up to it): at
#: ~8,000–18,000 steps/s that is ~0.1–0.25 s, so a newer click interrupts the run promptly
#: (Streamlit stops a script at its next st.* call, made between chunks).
STREAM_MAX_CHUNK_STEPS = 2000
