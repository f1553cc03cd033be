"""What each page teaches, in the lecture's words: a one-paragraph recap, the key formula in
the slides' notation, "What to notice" questions and "Try this" presets, each with its answer.

Plain data (no Streamlit): ui.flow draws it, the home page lists it, tests/test_flow.py
checks every answer against what its preset really shows. A preset is a link: the page's
URL state (only the fields that differ from the defaults, so links stay short enough for a
slide), plus the tab it opens on.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from core import gradient_descent as GD
from core import initialisation as I
from core import optimiser_page as OP
from core import overfitting as of
from core import overtraining as ot
from core import universal_approximation as U
from core import xor as X
from core.params import Params
from core.playground import EXERCISES


@dataclass(frozen=True)
class Question:
    """A question of the lecture and its answer (shown collapsed)."""

    question: str
    answer: str


@dataclass(frozen=True)
class Preset:
    """A "Try this": a configuration of the page (``params``, opened on tab ``tab``), what
    to look for in it, and what it shows."""

    label: str
    question: str
    answer: str
    params: tuple[Params, ...]
    tab: int = 1

    @property
    def query(self) -> tuple[tuple[str, str], ...]:
        """The link's query as (key, value) pairs."""
        return query(*self.params, tab=self.tab)

    def link(self, url_path: str) -> str:
        """The link relative to the app's root (``xor?hidden_units=1&tab=3``): it works
        under any host and any base path, in slides and on the page alike."""
        text = urllib.parse.urlencode(self.query, safe=",")
        return f"{url_path}?{text}" if text else url_path


@dataclass(frozen=True)
class Lecture:
    recap: str
    formula: str  # LaTeX, in the slides' notation
    notice: tuple[Question, ...]
    presets: tuple[Preset, ...]


def query(*params: Params, tab: int = 1) -> tuple[tuple[str, str], ...]:
    """The query string of ``params``: only the fields that differ from their class's
    defaults (the page fills in the rest), then the tab (the first needs none)."""
    pairs: list[tuple[str, str]] = []
    for p in params:
        defaults = type(p)().to_query()
        pairs += [(k, v) for k, v in p.to_query().items() if defaults[k] != v]
    if tab > 1:
        pairs.append(("tab", str(tab)))
    return tuple(pairs)


# ----------------------------------------------------------------------------------------
# The presets, as parameters (tests/test_flow.py runs them)
# ----------------------------------------------------------------------------------------

GD_SLOW = GD.GradientDescentParams(learning_rate=0.02)
GD_DIVERGES = GD.GradientDescentParams(learning_rate=0.7)
INIT_GLOROT_RELU = I.InitParams(activation="relu", initializer="glorot_uniform")
INIT_HE_RELU = I.InitParams(activation="relu", initializer="he_normal")
INIT_CONSTANT = I.InitParams(initializer="constant")
XOR_ONE_UNIT = X.XorParams(hidden_units=1)
XOR_LINEAR = X.XorParams(hidden_units=4, activation="linear")
UA_LECTURE = U.ApproxParams().replace(**U.LECTURE_PRESET)
UA_WIDTH = U.ApproxParams(target="sin", points=100, seed=1)
OPT_SADDLE = OP.PathControls(surface="saddle")
OPT_TOO_FAST = OP.PathControls(surface="quadratic", learning_rate_scale=2.0)
OPT_ROSENBROCK = OP.PathControls(surface="rosenbrock")
PLAYGROUND_STEPS = {ex.name: ex.steps[0].params for ex in EXERCISES}
PLAYGROUND_X1X2 = next(s.params for s in EXERCISES[0].steps if not s.params.hidden_units)

LECTURES: dict[str, Lecture] = {
    "gradient_descent": Lecture(
        "Regression fits a model yₘ(x, θ) = Wx + b to data {xᵢ, yᵢ} by minimising the mean "
        "squared error J(θ). Gradient descent walks downhill: each step moves θ against the "
        "gradient, scaled by the learning rate α. Too small an α crawls, too large an α "
        "overshoots and diverges; stochastic gradient descent (SGD) takes each step on a "
        "mini-batch (about 32 points), so one epoch is many cheap, noisy steps.",
        r"J(\theta) = \frac{1}{N}\sum_i \left(y_m(x_i,\theta) - y_i\right)^2,\qquad "
        r"\theta \leftarrow \theta - \alpha\,\frac{dJ}{d\theta}",
        (Question("Why is the loss surface of a line fit a bowl?",
                  "J is a quadratic function of (W, b): its contours are ellipses around the "
                  "one least-squares solution, so gradient descent has one minimum to find."),
         Question("When does a larger learning rate stop helping?",
                  "Above 2/λₘₐₓ (λₘₐₓ the largest curvature of the bowl) every step "
                  "overshoots further than it started: the loss grows without bound.")),
        (Preset("α = 0.02", "Ten times smaller a learning rate: where is the line after "
                "100 epochs?",
                "Still far from the data: J falls from 4.1 only to 0.74 (the minimum is "
                "0.17); each step removes about 1 % of the remaining excess loss, so it "
                "would need some 420 steps to get 100× closer.", (GD_SLOW,)),
         Preset("α = 0.7", "A learning rate above the limit 2/λₘₐₓ = 0.44 of this data: "
                "what happens?",
                "Every step lands on the other side of the minimum, further away than "
                "before: the loss blows up within five steps (diverged).",
                (GD_DIVERGES,)))),
    "activations": Lecture(
        "A layer computes h = σ(Wx + b). Without the non-linear activation σ a stack of "
        "layers is still one linear map (the product of the matrices), however deep. "
        "ReLU max(0, x), sigmoid 1/(1 + e⁻ˣ) and tanh bend the line; where their slope is "
        "flat (saturated) the gradient vanishes. The starting weights must break the "
        "symmetry between units and keep the signal's scale through the layers: "
        "Var[W] = 2/(n_in + n_out) (Glorot, for tanh) or 2/n_in (He, for ReLU).",
        r"h = \sigma(Wx + b),\qquad \mathrm{Var}[W] = \frac{2}{n_\mathrm{in} + n_\mathrm{out}}"
        r"\ \text{(Glorot)},\quad \frac{2}{n_\mathrm{in}}\ \text{(He)}",
        (Question("Why does a stack of linear layers stay linear?",
                  "W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂): one matrix and one bias. The "
                  "'Stacked linear layers' view draws a deep random stack and the single "
                  "line it equals; they agree to rounding error (10⁻¹⁵)."),
         Question("Where is the sigmoid's slope largest, and how large is it?",
                  "At x = 0, where it is ¼: a gradient passing through a sigmoid is at least "
                  "four times smaller, and far smaller where the unit saturates.")),
        (Preset("ReLU, Glorot", "Ten ReLU layers started with Glorot's variance: does the "
                "signal keep its scale?",
                "No: Glorot's variance is half of what ReLU needs (ReLU zeroes half of its "
                "inputs), so the signal halves about every two layers and the gradient "
                "vanishes too.", (INIT_GLOROT_RELU,), tab=2),
         Preset("ReLU, He", "The same network with He's variance 2/n_in:",
                "The signal and the gradient keep their order of magnitude through all ten "
                "layers (stable): He's rule is made for ReLU.",
                (INIT_HE_RELU,), tab=2),
         Preset("Constant", "Every weight the same constant: what do the units of a layer "
                "compute?",
                "All units of a layer compute exactly the same value: the layer acts as one "
                "unit, and training cannot tell them apart (no symmetry breaking).",
                (INIT_CONSTANT,), tab=2))),
    "xor": Lecture(
        "XOR is 1 when exactly one input is 1. No straight line separates (0,1), (1,0) from "
        "(0,0), (1,1), so a linear model fails. One hidden layer with a non-linear "
        "activation succeeds: the lecture's ReLU network with W⁽¹⁾ = [[1,1],[1,1]], "
        "b⁽¹⁾ = (0, −1), W⁽²⁾ = (1, −2), b⁽²⁾ = 0 maps the four inputs to "
        "h = (0,0), (1,0), (1,0), (2,1), where one line separates the classes, and outputs "
        "0, 1, 1, 0.",
        r"y = W^{(2)}\,\mathrm{ReLU}\left(W^{(1)}x + b^{(1)}\right) + b^{(2)}",
        (Question("How well can the best straight line do?",
                  "Three points of four (75 %), never all four. Least squares even answers "
                  "½ for every point."),
         Question("What does the hidden layer do to (0,1) and (1,0)?",
                  "It maps both to the same hidden point h = (1, 0): in hidden space the "
                  "classes lie on different sides of one line.")),
        (Preset("1 hidden unit", "Train with a single hidden ReLU unit:",
                "It gets three of the four points right (75 %), never all four: one unit "
                "makes one bend, and XOR needs two.", (XOR_ONE_UNIT,), tab=3),
         Preset("Linear, 4 units", "Four hidden units but a linear activation:",
                "It fails completely: the network answers ½ for every point (loss "
                "ln 2 = 0.693), so its accuracy at the threshold ½ means nothing: it only "
                "reflects which side of ½ rounding puts each answer. Without σ the hidden "
                "layer is still one linear map.",
                (XOR_LINEAR,), tab=3))),
    "universal_approximation": Lecture(
        "The universal approximation theorem: one hidden layer with enough units can "
        "approximate any reasonable function on a bounded range as closely as we like. Each "
        "sigmoid unit is a smoothed step at x = −b/w, each ReLU unit a hinge; the output "
        "layer adds them up. The theorem says nothing about how many units it takes or "
        "whether training finds the weights, and nothing outside the training range.",
        r"y(x) = \sum_i w^{(2)}_i\,\sigma\!\left(w^{(1)}_i x + b^{(1)}_i\right) + b^{(2)}",
        (Question("Does the fit continue the function outside the training data?",
                  "No: outside the data the network's output goes its own way. With the "
                  "lecture's 2 × 30 network the error outside is more than three times "
                  "the error inside."),),
        (Preset("2 × 30 (lecture)", "The slide's network: two hidden layers of 30 tanh "
                "units, 1500 epochs:",
                "It follows the bumpy function closely (largest error below 0.25), where "
                "the default single layer of 16 units leaves errors above 0.5.",
                (UA_LECTURE,)),
         Preset("Width sweep", "Open 'Width' on sin(x) and run the sweep: how does the "
                "error change with the number of units?",
                "It falls: one unit's RMS error is more than twice that of four units, and "
                "16 units are better still.", (UA_WIDTH,), tab=4))),
    "optimisers": Lecture(
        "Plain gradient descent follows the steepest slope, so it zig-zags across narrow "
        "valleys and crawls on flat ground. Momentum keeps a velocity v from past gradients "
        "(Nesterov looks ahead before it steps); adaptive methods (Adagrad, Adadelta, "
        "RMSprop, Adam) scale each parameter's step by the size of its past gradients. On a "
        "quadratic, plain descent converges for αλ < 2, momentum β for αλ < 2 + 2β.",
        r"v \leftarrow \beta v - \alpha\,\nabla J(\theta),\qquad \theta \leftarrow \theta + v",
        (Question("Why does SGD zig-zag in a narrow valley?",
                  "The gradient points across the valley, not along it: a rate small enough "
                  "for the steep direction is tiny for the shallow one."),),
        (Preset("Saddle", "Start next to a saddle point: who escapes?",
                "Plain SGD lingers: after 300 steps it has moved only 0.4 along the "
                "downhill direction. Momentum and Nesterov run off the picture after about "
                "200 steps; RMSprop and Adam escape too, because they scale up the tiny "
                "gradient.", (OPT_SADDLE,)),
         Preset("Rates × 2", "The valley (eigenvalues 1 and 100) with every rate doubled:",
                "SGD and Nesterov diverge within ten steps (αλₘₐₓ is past their limit); "
                "momentum and Adam still reach the minimum.", (OPT_TOO_FAST,)),
         Preset("Rosenbrock", "The curved Rosenbrock valley, minimum at (1, 1):",
                "None arrives within 300 steps: SGD barely enters the valley, momentum "
                "gets closest, at about (0.89, 0.79).", (OPT_ROSENBROCK,)))),
    "overfitting": Lecture(
        "A model should generalise: do well on data it never saw. The data are split into "
        "training, validation and test sets (the test set is used once, at the end). A "
        "model too small underfits; one too large fits the noise (overfitting): its "
        "training loss keeps falling while the validation loss passes a minimum, where "
        "overtraining starts. Regularisation fights it: L2 (weight decay) adds λ‖θ‖², L1 "
        "adds λ‖θ‖₁ and makes weights exactly zero, dropout switches units off while "
        "training, early stopping keeps the weights of the validation minimum.",
        r"J_\mathrm{reg}(\theta) = J(\theta) + \lambda_2\lVert\theta\rVert_2^2 "
        r"+ \lambda_1\lVert\theta\rVert_1",
        (Question("Why not pick the model by its test loss?",
                  "Then the test set takes part in training decisions and no longer "
                  "estimates the error on new data: choose on validation, test once."),),
        (Preset("Model vs truth", "Three networks on the same noisy data: which one "
                "overtrains?",
                "The large one (3 × 64): its validation loss reaches its minimum early and "
                "then climbs, while its training loss keeps falling below the noise level. "
                "The 1-unit network underfits; the middle one is chosen on validation.",
                (of.OverfitParams(),)),
         Preset("Exercise", "The lecture's exercise (noisy XOR, deep net, 1000 epochs): "
                "press Train, then compare the four runs.",
                "Without regularisation the test loss passes a minimum and rises. Low L2 "
                "ends with a lower test loss; high L2 underfits (it answers almost the same "
                "everywhere); L1 sets many weights exactly to 0 and has the lowest test "
                "loss.", (ot.ExerciseParams(),), tab=3))),
    "playground": Lecture(
        "TensorFlow Playground trains a small network on 2-D points in the browser; this "
        "page does the same with Keras. Its lecture tasks: the checkerboard (XOR data), the "
        "spiral, and overtraining on noisy data. Choose the input features, the layers and "
        "units, the activation, the learning rate and regularisation, and watch the "
        "decision boundary, the neurons and the training and test loss.",
        r"\hat y = \tanh\!\left(W^{(L)} \sigma\left(\cdots\sigma(W^{(1)}x + b^{(1)})"
        r"\cdots\right) + b^{(L)}\right)",
        (Question("Why can a linear activation never solve the checkerboard?",
                  "Stacked linear layers stay one linear function: one straight line, and no "
                  "line separates the four quadrants."),),
        (Preset("Checkerboard", "XOR data, one hidden layer of 4 ReLU units:",
                "Solved: test accuracy at least 98 %, test loss below 0.02.",
                (PLAYGROUND_STEPS["checkerboard"],)),
         Preset("x₁x₂ only", "No hidden layer at all, only the feature x₁x₂:",
                "Solved as well: the sign of x₁x₂ is the class, so the output unit needs "
                "nothing else.", (PLAYGROUND_X1X2,)),
         Preset("Spiral", "The spiral with sin(x₁), sin(x₂) and two layers of 8 tanh units:",
                "The arms are separated (test accuracy at least 95 %).",
                (PLAYGROUND_STEPS["spiral"],)),
         Preset("Overtraining", "50 % noise, six layers of 8 ReLU units, 1000 epochs:",
                "The test loss ends well above the training loss (more than 1.5×) after "
                "passing a minimum: the network learnt the noise.",
                (PLAYGROUND_STEPS["overtraining"],)))),
}


def lecture(url_path: str) -> Lecture | None:
    """The lecture content of the page at ``url_path`` (None for a page without any)."""
    return LECTURES.get(url_path)
