"""The pages of the dashboard, in lecture order: one table read by the router (app.py) and
by the home page, so the two can never disagree. A page is listed only when it works.

Sections are the lecture's four parts, in order (:data:`PARTS`: fundamentals → training →
generalisation → hands-on); each page asks one question, shown on the home page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core import activation_functions as A
from core import gradient_descent as GD
from core import initialisation as I
from core import misunderstandings as MU
from core import momentum as M
from core import optimiser_network as ON
from core import optimiser_page as OP
from core import overfitting as of
from core import overtraining as ot
from core import playground as pg
from core import universal_approximation as U
from core import xor as X
from core.backprop import cost as BC
from core.backprop import network as BN
from core.backprop import neuron as BNR
from core.backprop import typed as BT
from core.classification import calculator as CC
from core.classification import saturation as CS
from core.classification import softmax as CM
from core.classification import tasks as CT
from core.classification import wrong_layer as CW
from core.params import Params

#: Query keys that belong to the page furniture, not to a page's parameters: the open tab
#: and sub-tab, presenter mode, and the controls a classroom link hides.
RESERVED_KEYS = ("hide", "present", "tab", "subtab")


@dataclass(frozen=True)
class PageInfo:
    path: str
    title: str
    icon: str
    section: str
    lecture: str
    summary: str
    #: The one question the page answers, in a line (home page, previous/next links).
    question: str = ""
    #: "module:function" that trains the page's default configuration, run in the background
    #: at server start so the first visitor does not wait for TensorFlow to compile (those in
    #: ui.results also fill the page's result caches: its default view and tabs that train).
    warm_up: str = ""
    #: The page's parameter classes: together they are its link (ui.page.PageState). Their
    #: field names are distinct, so a link's key belongs to exactly one of them.
    params: tuple[type[Params], ...] = ()

    def __post_init__(self) -> None:
        field_owners(self.params)

    @property
    def url_path(self) -> str:
        return self.path.removeprefix("pages/").removesuffix(".py")


def field_owners(classes: Iterable[type[Params]]) -> dict[str, type[Params]]:
    """Which class holds each field of a page; ValueError if two classes share a field name
    or a field takes a key of the page furniture (the link could not tell them apart)."""
    owners: dict[str, type[Params]] = {}
    for cls in classes:
        for name in cls.field_names():
            if name in RESERVED_KEYS:
                raise ValueError(f"{cls.__name__}.{name}: {name!r} is a key of the page "
                                 "furniture")
            if name in owners:
                raise ValueError(f"{owners[name].__name__} and {cls.__name__} both have a "
                                 f"field {name!r}: a link could not tell them apart")
            owners[name] = cls
    return owners


#: The lecture's parts, in order; every page's section is one of them.
FUNDAMENTALS, TRAINING, GENERALISATION, HANDS_ON = (
    "Fundamentals", "Training", "Generalisation", "Hands-on")
PARTS = (FUNDAMENTALS, TRAINING, GENERALISATION, HANDS_ON)


PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/gradient_descent.py", "Gradient descent", ":material/trending_down:",
             FUNDAMENTALS, "Regression, gradient descent, learning rate, SGD",
             "A line fitted to data by gradient descent, replayed step by step on the data and "
             "on the loss surface: the learning rate that crawls, arrives, zig-zags or "
             "diverges (with the Hessian's limit 2/λ_max), mini-batch SGD, and the same fit "
             "in Keras.",
             question="How does gradient descent fit a model, and what does the learning rate do?",
             warm_up="ui.results:warm_gradient_descent",
             params=(GD.GradientDescentParams,)),
    PageInfo("pages/activations.py", "Activations & initialisation", ":material/function:",
             FUNDAMENTALS, "Activation functions, initialisation",
             "Fifteen Keras activations with their slopes and saturated regions, one neuron's "
             "step and the bump two of them make, a deep linear stack that stays one line; "
             "then the starting weights: signals and gradients layer by layer, the lecture's "
             "Var[W] rules, symmetry, and the same network trained from every initialiser.",
             question="Why does a network need non-linear activations and well-scaled weights?",
             warm_up="ui.results:warm_activations",
             params=(A.CurveParams, A.NeuronParams, A.StackParams, I.InitParams,
                     I.TrainParams)),
    PageInfo("pages/backpropagation.py", "Backpropagation", ":material/account_tree:",
             FUNDAMENTALS, "Backpropagation: the chain rule, gradients propagated backwards",
             "The lecture's neuron as a computational graph, stepped forward and back with "
             "upstream × local at every node and checked against GradientTape and finite "
             "differences; the XOR network layer by layer (vector × Jacobian); the cost of a "
             "gradient both ways; gradients through depth; your own f(a, b, c).",
             question="How does a network get the gradient of every weight, and why backwards?",
             warm_up="ui.results:warm_backpropagation",
             params=(BNR.NeuronParams, BN.NetParams, BC.CostParams, I.InitParams,
                     BT.ExpressionParams)),
    PageInfo("pages/xor.py", "XOR", ":material/join_inner:", FUNDAMENTALS,
             "Non-linear network models, XOR example",
             "Why no line separates XOR, the lecture's hand-set ReLU network step by step "
             "(editable), trained networks replayed epoch by epoch, and how many hidden units "
             "it takes.",
             question="Why can no line separate XOR, and how does one hidden layer do it?",
             warm_up="ui.results:warm_xor",
             params=(X.HandParams, X.XorParams)),
    PageInfo("pages/classification.py", "Classification vs regression", ":material/category:",
             FUNDAMENTALS, "Classification vs regression: output layers and their losses",
             "One data set read as a regression (linear output, MSE) and as a classification "
             "(sigmoid, cross-entropy) side by side; why a sigmoid wants cross-entropy, by "
             "GradientTape and from a confidently wrong start; softmax on three classes with "
             "a cross-entropy calculator; and what the wrong output layer does.",
             question="Which output layer and loss for a value, and which for a class?",
             warm_up="ui.results:warm_classification",
             params=(CT.TaskParams, CS.SaturationParams, CM.SoftmaxParams,
                     CC.CalculatorParams, CW.WrongParams)),
    PageInfo("pages/universal_approximation.py", "Universal approximation",
             ":material/show_chart:", FUNDAMENTALS,
             "Universal approximation theorem, fitting a complicated 1-D function",
             "A network fitted to a 1-D function (built in, or one you type) and replayed over "
             "epochs: one hidden layer taken apart into steps and hinges, the same sum built by "
             "hand, error against width, shallow vs deep at equal parameters, and no "
             "extrapolation outside the data.",
             question="Can one hidden layer approximate any reasonable function?",
             warm_up="core.universal_approximation:warm_up",
             params=(U.ApproxParams, U.HandParams, U.CompareParams)),
    PageInfo("pages/optimisers.py", "Optimisers", ":material/route:", TRAINING,
             "Optimisers: momentum, NAG, Adagrad, Adadelta, RMSprop, Adam",
             "The lecture's optimisers as real Keras optimizers, racing from one start point "
             "across Beale, Rosenbrock, a saddle, Himmelblau and an ill-conditioned valley: "
             "paths replayed step by step, f per step, divergence when the rate is pushed, "
             "and the quadratic theory of which rates converge.",
             question="How do momentum and adaptive rates change the path to a minimum?",
             warm_up="ui.results:warm_optimisers",
             params=(OP.PathControls, OP.ViewParams, M.MomentumParams,
                     ON.NetworkParams)),
    PageInfo("pages/overfitting.py", "Overfitting", ":material/ssid_chart:",
             GENERALISATION, "Generalisation: under- and overfitting, regularisation",
             "Model vs truth for a network too small, about right and too large; training, "
             "validation and test points; the validation minimum where overtraining starts; "
             "L2, L1, dropout and early stopping against the plain run; the lecture's 2-D "
             "overtraining exercise; sweeps over the rate and the model size.",
             question="When does a network start learning the noise, and what stops it?",
             warm_up="ui.results:warm_overfitting",
             params=(of.OverfitParams, ot.ExerciseParams, ot.SweepParams)),
    PageInfo("pages/misunderstandings.py", "Check yourself", ":material/fact_check:",
             GENERALISATION, "Clarifying frequent misunderstandings",
             "The lecture's frequent misunderstandings, each settled by a live run: a layer "
             "without activation, the approximation theorem and training, validation vs test "
             "data, retraining, simple fits vs networks, and how much data a network needs.",
             question="Which common beliefs about networks does a live run refute?",
             warm_up="ui.results:warm_misunderstandings",
             params=MU.PARAMS),
    PageInfo("pages/playground.py", "Playground", ":material/scatter_plot:", HANDS_ON,
             "Hands-on with TensorFlow Playground",
             "TensorFlow Playground on Keras: its data, features, networks and pictures, plus "
             "your own data, more optimisers, accuracy and R², exports, and the lecture's three "
             "exercises as one-click presets.",
             question="Can you solve the lecture's Playground tasks yourself?",
             warm_up="ui.results:warm_playground",
             params=(pg.PlaygroundParams,)),
)


def page(url_path: str) -> PageInfo:
    """The catalogue entry of the page at ``url_path`` (KeyError naming it if none)."""
    for info in PAGES:
        if info.url_path == url_path:
            return info
    raise KeyError(f"no page {url_path!r} in the catalogue")
