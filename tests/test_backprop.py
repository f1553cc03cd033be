"""The backpropagation core: the one-neuron graph and a typed f(a, b, c) against
tf.GradientTape (float64 and float32) and central finite differences; the step sequence
(forward order, backward order, every product shown equal to the product of the numbers
shown); the gradient-descent step; hostile expressions; the URL round trip."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from core import engine
from core import expression as E
from core import initialisation as I
from core.backprop import depth as D
from core.backprop import graph as G
from core.backprop import neuron as NR
from core.backprop import typed as T

SIGMAS = NR.SIGMAS


def _random_neurons(seed: int, sigma: str, count: int = 4) -> list[NR.NeuronParams]:
    """Neurons with random w, b, x, y (one decimal, as the controls set them) away from
    ReLU's kink, where a finite difference straddles the two slopes."""
    rng = np.random.default_rng([seed, 0xBAC])
    out = []
    while len(out) < count:
        w, b, x, y = (round(float(v), 1) for v in rng.uniform(-3, 3, size=4))
        if sigma == "relu" and abs(w * x + b) < 0.05:
            continue
        out.append(NR.NeuronParams(w=w, b=b, x=x, y=y, sigma=sigma))
    return out


@pytest.mark.parametrize("sigma", SIGMAS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_neuron_gradient_equals_gradient_tape_and_finite_differences(sigma, seed):
    for p in _random_neurons(seed, sigma):
        run = NR.neuron_run(p)
        bp = np.array(run.backprop)
        np.testing.assert_allclose(bp, NR.keras_gradients(p, "float64"), rtol=1e-12,
                                   atol=1e-15)
        np.testing.assert_allclose(bp, NR.keras_gradients(p, "float32"), rtol=2e-5,
                                   atol=2e-5)
        np.testing.assert_allclose(bp, NR.finite_differences(p), rtol=1e-6, atol=1e-8)
        assert run.keras == NR.keras_gradients(p)  # what the page shows is the tape's


def test_the_lectures_chain_rule_by_hand():
    # ReLU with z = 0.5·1.5 + 0.1 = 0.85 > 0: ∂L/∂w = 2(ŷ − y)·1·x, ∂L/∂b = 2(ŷ − y).
    run = NR.neuron_run(NR.NeuronParams())
    assert run.z == pytest.approx(0.85) and run.loss == pytest.approx(0.0225)
    assert run.backprop == pytest.approx((2 * (0.85 - 1) * 1.5, 2 * (0.85 - 1)))
    sig = NR.neuron_run(NR.NeuronParams(sigma="sigmoid"))
    s = 1 / (1 + math.exp(-0.85))
    assert sig.backprop == pytest.approx((2 * (s - 1) * s * (1 - s) * 1.5,
                                          2 * (s - 1) * s * (1 - s)), rel=1e-12)


def test_a_dead_relu_stops_the_gradient_and_a_live_one_does_not():
    dead = NR.neuron_run(NR.NeuronParams(w=-1.0))
    assert dead.dead and dead.backprop == (0.0, 0.0) and dead.loss == 1.0
    assert np.allclose(dead.keras, 0.0) and np.allclose(dead.finite, 0.0)
    assert "dead unit" in NR.notice(dead)
    assert dead.descent.verdict(dead.loss) == "unchanged"
    live = NR.neuron_run(NR.NeuronParams())
    assert not live.dead and "dead" not in NR.notice(live)


def test_on_relus_kink_the_finite_difference_is_flagged():
    kink = NR.neuron_run(NR.NeuronParams(w=1.0, x=1.0, b=-1.0))
    assert kink.z == 0.0 and kink.straddles_kink
    assert kink.keras == (0.0, 0.0)  # TensorFlow takes ReLU′(0) = 0, as the graph does
    assert abs(kink.finite[0]) > 0.5  # the difference averages the slopes 0 and 1
    assert "kink" in NR.agreement(kink)
    assert not NR.neuron_run(NR.NeuronParams()).straddles_kink


def test_a_saturated_sigmoid_passes_almost_nothing():
    run = NR.neuron_run(NR.NeuronParams(sigma="sigmoid", w=4.0, b=1.0, x=2.0, y=0.0))
    slope = run.graph.nodes[NR.Y_HAT].local[0]
    assert slope < 2e-4 and abs(run.backprop[0]) < 1e-3 < run.loss
    assert "saturated" in NR.notice(run)


@pytest.mark.parametrize("p, verdict", [
    (NR.NeuronParams(), "lower"),
    (NR.NeuronParams(sigma="linear", learning_rate=5.0), "higher"),  # α·2x² > 2: overshoot
    (NR.NeuronParams(w=-1.0), "unchanged"),
])
def test_one_gradient_descent_step(p, verdict):
    run = NR.neuron_run(p)
    d = run.descent
    assert d.w == p.w - p.learning_rate * run.backprop[0]
    assert d.b == p.b - p.learning_rate * run.backprop[1]
    assert d.loss == pytest.approx(NR.loss(p, d.w, d.b))
    assert d.verdict(run.loss) == verdict
    assert {"lower": "falls", "higher": "rises", "unchanged": "stays"}[verdict] in \
        NR.descent_text(run)


# ----------------------------------------------------------------------------------------
# The step sequence
# ----------------------------------------------------------------------------------------

_NUMBER = r"\(?(−?[\d.]+(?:e−?\d+)?)\)?"


def _value(text: str) -> float:
    return float(text.replace("−", "-"))


def shown_products(line: str) -> tuple[list[tuple[float, float]], float]:
    """The factors and the result a backward step's line shows: "… = u × l + u × l = g"."""
    numbers_part, result = line.rsplit(" = ", 1)
    numbers_part = numbers_part.rsplit(" = ", 1)[1]
    pairs = [(_value(a), _value(b)) for a, b in
             re.findall(_NUMBER + r" × " + _NUMBER, numbers_part)]
    return pairs, _value(result)


def _agrees(pairs: list[tuple[float, float]], result: float) -> bool:
    """Whether the shown result is the shown products' sum, to the rounding of 4 digits."""
    total = math.fsum(a * b for a, b in pairs)
    scale = math.fsum(abs(a * b) for a, b in pairs)
    return abs(total - result) <= 2e-3 * max(scale, abs(result)) + 1e-300


def _graphs() -> list[G.Graph]:
    neurons = [NR.neuron_graph(p) for s in SIGMAS for p in _random_neurons(5, s, 2)]
    typed = [T.expression_graph(T.ExpressionParams(expression=e, variables=v)) for e, v in [
        ("a*b + sin(a*c)", (2.0, -1.0, 0.5)), ("a*a*a - b/c", (1.5, 2.0, -0.5)),
        ("exp(-(a - b)^2) * c", (0.5, 1.0, 3.0)), ("a", (1.0, 2.0, 3.0))]]
    return neurons + typed


@pytest.mark.parametrize("graph", _graphs(), ids=lambda g: g.output.name + str(len(g.nodes)))
def test_forward_then_backward_order_and_every_shown_product(graph):
    walk = G.steps(graph)
    phases = [s.phase for s in walk]
    assert phases == sorted(phases, key=lambda ph: ph == G.BACKWARD)  # forward first
    known = {i for i, n in enumerate(graph.nodes) if n.kind != G.OPERATION}
    for step in (s for s in walk if s.phase == G.FORWARD):
        assert set(graph.nodes[step.node].inputs) <= known  # inputs computed before
        known.add(step.node)
    assert known == set(range(len(graph.nodes)))
    done: set[int] = set()
    backward = [s for s in walk if s.phase == G.BACKWARD]
    assert backward[0].node == len(graph.nodes) - 1 and backward[0].value == 1.0
    for step in backward:
        consumers = {c for c, _ in graph.consumers(step.node)}
        assert consumers <= done  # every upstream gradient was ready
        assert {t.consumer for t in step.terms} == consumers
        assert step.value == math.fsum(t.upstream * t.local for t in step.terms) or \
            not step.terms
        done.add(step.node)
        if step.terms:
            pairs, result = shown_products(G.step_text(graph, step))
            assert len(pairs) == len(step.terms)
            assert _agrees(pairs, result), G.step_text(graph, step)
    assert done == {i for i, n in enumerate(graph.nodes) if n.needs_gradient}


def test_the_product_check_fires_on_a_wrong_line():
    pairs, result = shown_products("∂L/∂z = ∂L/∂ŷ · ∂ŷ/∂z = (−0.3) × 0.5 = −0.15")
    assert pairs == [(-0.3, 0.5)] and _agrees(pairs, result)
    pairs, result = shown_products("∂L/∂z = ∂L/∂ŷ · ∂ŷ/∂z = (−0.3) × 0.5 = −0.16")
    assert not _agrees(pairs, result)


def test_the_neurons_walk_is_the_slides_order():
    run = NR.neuron_run(NR.NeuronParams())
    names = [run.graph.nodes[s.node].name for s in run.walk]
    assert names == ["z", "ŷ", "L", "L", "ŷ", "z", "w", "b", "x"]
    assert len(run.walk) == NR.STEPS
    assert G.step_text(run.graph, run.walk[0]) == "z = w·x + b = 0.5·1.5 + 0.1 = 0.85"
    assert G.step_text(run.graph, run.walk[6]) == \
        "∂L/∂w = ∂L/∂z · ∂z/∂w = (−0.3) × 1.5 = −0.45"
    values, grads = G.reached(run.graph, run.walk, 4)
    assert values == set(range(7)) and grads == {NR.L}


def test_numbers_are_shown_to_four_digits_with_a_true_minus():
    assert G.number(-0.45000000000000007) == "−0.45"
    assert G.number(-0.0) == "0" and G.number(1.5e-8) == "1.5e−8"
    assert G.fill("ReLU({})", ["−1.4"]) == "ReLU(−1.4)"
    assert G.fill("{}·{} + {}", ["−1", "1.5", "0.1"]) == "(−1)·1.5 + 0.1"


# ----------------------------------------------------------------------------------------
# Typed expressions
# ----------------------------------------------------------------------------------------


def _tf_value(node: E.Node, env: dict):
    """The tree evaluated with TensorFlow ops (the reference the tape differentiates)."""
    tf = engine.tensorflow()
    functions = {"sin": tf.sin, "cos": tf.cos, "tan": tf.tan, "exp": tf.exp,
                 "log": tf.math.log, "sqrt": tf.sqrt, "abs": tf.abs, "tanh": tf.tanh,
                 "sinh": tf.sinh, "cosh": tf.cosh, "arctan": tf.atan}
    if isinstance(node, E.Num):
        return tf.constant(node.value, tf.float64)
    if isinstance(node, E.Var):
        return env[node.name]
    if isinstance(node, E.Unary):
        return -_tf_value(node.operand, env)
    if isinstance(node, E.Call):
        return functions[node.function](_tf_value(node.argument, env))
    left, right = _tf_value(node.left, env), _tf_value(node.right, env)
    return {"+": tf.add, "-": tf.subtract, "*": tf.multiply, "/": tf.divide,
            "^": tf.pow}[node.op](left, right)


def _tape_gradient(text: str, point: dict[str, float]) -> dict[str, float]:
    tf = engine.tensorflow()
    env = {k: tf.Variable(v, dtype=tf.float64) for k, v in point.items()}
    with tf.GradientTape() as tape:
        value = _tf_value(E.parse(text, T.VARIABLES), env)
    grads = tape.gradient(value, [env[k] for k in T.VARIABLES])
    return {k: 0.0 if g is None else float(g) for k, g in zip(T.VARIABLES, grads)}


def _finite_gradient(text: str, point: dict[str, float], h: float = 1e-6) -> dict[str, float]:
    tree = E.parse(text, T.VARIABLES)
    out = {}
    for k in T.VARIABLES:
        up, down = dict(point), dict(point)
        up[k] += h
        down[k] -= h
        out[k] = float((E.evaluate_at(tree, up) - E.evaluate_at(tree, down)) / (2 * h))
    return out


EXPRESSIONS = ["a*b + sin(a*c)", "a*a*a - b/c", "exp(-(a - b)^2) * c", "sqrt(a^2 + b^2) + c",
               "log(a) * tanh(b) - arctan(c)", "cos(a)/(1 + b^2) + sinh(c) - cosh(a*c)",
               "abs(a - b) + tan(c/4)", "a^b + 2^c", "-a + --b - pi*c"]


@pytest.mark.parametrize("text", EXPRESSIONS)
@pytest.mark.parametrize("seed", [0, 1])
def test_a_typed_expressions_gradient_equals_gradient_tape_and_finite_differences(text, seed):
    rng = np.random.default_rng([seed, len(text)])
    values = tuple(round(float(v), 1) for v in rng.uniform(0.3, 2.0, size=3))
    p = T.ExpressionParams(expression=text, variables=values)
    graph = T.expression_graph(p)
    got = T.gradient_of(graph, G.gradients(graph))
    want = _tape_gradient(text, p.point)
    for k in T.VARIABLES:
        assert got[k] == pytest.approx(want[k], rel=1e-12, abs=1e-14), k
        assert got[k] == pytest.approx(_finite_gradient(text, p.point)[k], rel=1e-6,
                                       abs=1e-7), k
    assert graph.output.value == pytest.approx(float(E.evaluate_at(E.parse(
        text, T.VARIABLES), p.point)), rel=1e-14)


def test_a_variable_used_twice_sums_two_products():
    graph = T.expression_graph(T.ExpressionParams())  # a*b + sin(a*c)
    a = next(s for s in G.steps(graph) if graph.nodes[s.node].name == "a")
    assert len(a.terms) == 2
    assert " + " in G.step_text(graph, a).split(" = ")[2]
    b = next(s for s in G.steps(graph) if graph.nodes[s.node].name == "b")
    assert len(b.terms) == 1  # positive case: used once, one product


def test_subexpressions_without_variables_are_folded_into_constants():
    graph = T.expression_graph(T.ExpressionParams(expression="2*pi*a"))
    assert [n.kind for n in graph.nodes].count(G.CONSTANT) == 1
    assert T.gradient_of(graph, G.gradients(graph))["a"] == pytest.approx(2 * math.pi)


def test_every_function_of_the_grammar_has_its_derivative():
    assert set(T.DERIVATIVES) == set(E.FUNCTIONS)


HOSTILE = ["__import__('os')", "a.real", "lambda a: a", "[a for a in b]", "x + 1",
           "9**9**9", "a^1000", "a" * 10_000, "(" * 40 + "a" + ")" * 40, "", "2a",
           "sin a", "sin(a, b)", "a +", "1e400 * a", "a = 1", "'a'"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_with_the_universal_approximation_pages_message(text):
    """The same parser, so the same message as f(x) gets for the same fault (with the
    variable names of this page)."""
    with pytest.raises(E.ExpressionError) as ours:
        T.check_expression(text)
    as_x = text.replace("a", "x").replace("b", "x") if text != "x + 1" else "y + 1"
    with pytest.raises(E.ExpressionError) as theirs:
        E.check_syntax(as_x)

    def kind(message: str) -> str:
        return re.sub(r"[\d]+|allowed: .*|function of .*|expected .*", "", message)

    assert kind(str(ours.value)) == kind(str(theirs.value))
    assert "__import__" not in str(ours.value)


def test_what_cannot_be_drawn_or_differentiated_is_refused_with_where():
    with pytest.raises(E.ExpressionError, match="constant"):
        T.check_expression("2 * pi")
    with pytest.raises(E.ExpressionError, match="at most 16"):
        T.check_expression("+".join(["a*b"] * 9))
    with pytest.raises(E.ExpressionError, match=r"t₁ = log\(b\) is not finite"):
        T.expression_graph(T.ExpressionParams(expression="log(b) + a"))
    with pytest.raises(E.ExpressionError, match="not differentiable"):
        T.expression_graph(T.ExpressionParams(expression="sqrt(a - 2)"))
    T.check_expression("a*b + c")  # positive case


def test_the_params_round_trip_through_the_url():
    from core.backprop import cost as C
    from core.backprop import network as N

    for p in (NR.NeuronParams(w=-1.2, sigma="tanh", step=3, learning_rate=0.5),
              T.ExpressionParams(expression="exp(-a^2) * sin(4*b) - abs(c)/3",
                                 variables=(0.5, -1.0, 2.0)),
              N.NetParams(network="random", hidden_units=(4, 1), point="01", target=-0.5),
              C.CostParams(widths=(8, 32, 4))):
        back, notes = type(p).from_query(p.to_query())
        assert back == p and notes == []


def test_a_hostile_expression_in_a_link_is_ignored_without_repeating_it():
    back, notes = T.ExpressionParams.from_query({"expression": "__import__('os').system('ls')"})
    assert back == T.ExpressionParams() and len(notes) == 1
    assert "unknown name" in notes[0] and "__import__" not in notes[0]
    good, notes = T.ExpressionParams.from_query({"expression": "a - b"})
    assert good.expression == "a - b" and notes == []


# ----------------------------------------------------------------------------------------
# Gradients through depth (the words; the numbers are core.initialisation's probe)
# ----------------------------------------------------------------------------------------


def test_the_depth_notice_follows_the_numbers():
    base = I.InitParams(depth=8, width=64)
    sigmoid = I.probe_all(base.replace(activation="sigmoid"))
    assert "vanishes" in D.notice(sigmoid, base.replace(activation="sigmoid",
                                                        initializer="small"))
    relu = I.probe_all(base.replace(activation="relu"))
    he = D.notice(relu, base.replace(activation="relu", initializer="he_normal"))
    assert "keeps its order of magnitude" in he and "times that of" not in he
    large = D.notice(relu, base.replace(activation="relu", initializer="large"))
    assert "far too large" in large
    assert "exactly 0" in D.notice(sigmoid, base.replace(activation="sigmoid",
                                                         initializer="zeros"))
