"""A computational graph of scalars, and the backward pass through it one node at a time.

Every node holds its forward value and, for each of its inputs, the local derivative
∂node/∂input at the point. The backward pass (reverse-mode automatic differentiation, what
``tf.GradientTape`` does) visits the nodes from the output back to the leaves; each node's
gradient is the sum, over the nodes that use it, of upstream gradient × local derivative.
Because the nodes are visited in reverse order, every upstream gradient is already known
when it is needed: computed once, reused by everything before it.

The step sequence (:func:`steps`) keeps each forward value and each backward product, so that
a page can walk through them and print exactly the numbers being multiplied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Kinds of node. Data and parameters get a gradient (a parameter's is what training
#: needs, a data input's is what flows on to an earlier layer); targets and constants none.
INPUT, PARAMETER, TARGET, CONSTANT, OPERATION = (
    "input", "parameter", "target", "constant", "operation")
FORWARD, BACKWARD = "forward", "backward"
#: Significant digits of every number a step's text shows.
DIGITS = 4


@dataclass(frozen=True)
class GraphNode:
    """One scalar of the graph.

    ``template`` writes the operation with one ``{}`` per input ("{}·{} + {}"), filled with
    the inputs' names for the formula and with their values for the arithmetic;
    ``local`` holds ∂node/∂inputs[i] at the point, ``local_formulas`` the same in symbols."""

    name: str
    kind: str
    value: float
    inputs: tuple[int, ...] = ()
    local: tuple[float, ...] = ()
    template: str = ""
    local_formulas: tuple[str, ...] = ()

    @property
    def needs_gradient(self) -> bool:
        return self.kind not in (TARGET, CONSTANT)


@dataclass(frozen=True)
class Graph:
    """Nodes in forward (topological) order: every node's inputs come before it; the last
    node is the output whose gradient is taken."""

    nodes: tuple[GraphNode, ...]

    def __post_init__(self) -> None:
        for i, node in enumerate(self.nodes):
            if any(not 0 <= j < i for j in node.inputs):
                raise ValueError(f"node {node.name}: inputs must come before the node")
            if len(node.local) != len(node.inputs):
                raise ValueError(f"node {node.name}: one local derivative per input")

    @property
    def output(self) -> GraphNode:
        return self.nodes[-1]

    def consumers(self, i: int) -> tuple[tuple[int, int], ...]:
        """(node, position) for every use of node ``i`` as an input, in forward order."""
        return tuple((c, pos) for c, node in enumerate(self.nodes)
                     for pos, j in enumerate(node.inputs) if j == i)

    def formula(self, i: int) -> str:
        """Node ``i`` written with its inputs' names: "w·x + b" ("" for a leaf)."""
        node = self.nodes[i]
        return fill(node.template, [self.nodes[j].name for j in node.inputs])

    def arithmetic(self, i: int) -> str:
        """Node ``i``'s operation with its inputs' values: "0.5·1.5 + 0.1"."""
        node = self.nodes[i]
        return fill(node.template, [number(self.nodes[j].value) for j in node.inputs])

    def partial(self, of: int, by: int) -> str:
        """The symbol ∂of/∂by, e.g. "∂L/∂ŷ"."""
        return f"∂{self.nodes[of].name}/∂{self.nodes[by].name}"


@dataclass(frozen=True)
class Term:
    """One use of a node in the backward pass: the consumer's gradient (upstream) times the
    consumer's local derivative with respect to the node."""

    consumer: int
    position: int
    upstream: float
    local: float

    @property
    def product(self) -> float:
        return self.upstream * self.local


@dataclass(frozen=True)
class Step:
    """A step of the walk: a forward value computed, or a node's gradient formed from its
    terms (the output's own gradient, 1, has none)."""

    phase: str
    node: int
    value: float
    terms: tuple[Term, ...] = ()


def gradients(graph: Graph) -> tuple[float, ...]:
    """∂output/∂node for every node (NaN for nodes that need none), by one backward pass."""
    done = _backward(graph)
    return tuple(done[i].value if i in done else math.nan for i in range(len(graph.nodes)))


def _backward(graph: Graph) -> dict[int, Step]:
    """The backward step of every node that needs a gradient, keyed by node, built from
    the output back: a node's consumers all come after it, so their gradients are ready."""
    last = len(graph.nodes) - 1
    done: dict[int, Step] = {last: Step(BACKWARD, last, 1.0)}
    for i in range(last - 1, -1, -1):
        if not graph.nodes[i].needs_gradient:
            continue
        terms = tuple(Term(c, pos, done[c].value, graph.nodes[c].local[pos])
                      for c, pos in graph.consumers(i) if c in done)
        done[i] = Step(BACKWARD, i, math.fsum(t.product for t in terms), terms)
    return done


def steps(graph: Graph) -> tuple[Step, ...]:
    """The walk: every operation's forward value in forward order, then every gradient in
    backward order (the output first, with gradient 1)."""
    forward = tuple(Step(FORWARD, i, n.value) for i, n in enumerate(graph.nodes)
                    if n.kind == OPERATION)
    backward = _backward(graph)
    return forward + tuple(backward[i] for i in sorted(backward, reverse=True))


def reached(graph: Graph, walk: tuple[Step, ...], count: int) -> tuple[set[int], set[int]]:
    """After the first ``count`` steps of ``walk``: the nodes whose value is known (leaves
    always) and the nodes whose gradient is known."""
    values = {i for i, n in enumerate(graph.nodes) if n.kind != OPERATION}
    grads: set[int] = set()
    for step in walk[:count]:
        (values if step.phase == FORWARD else grads).add(step.node)
    return values, grads


# ----------------------------------------------------------------------------------------
# What a step says, with the numbers it multiplies
# ----------------------------------------------------------------------------------------


def number(value: float) -> str:
    """``value`` to :data:`DIGITS` significant digits, with a true minus sign; −0 is 0."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return {math.inf: "∞", -math.inf: "−∞"}.get(value, "undefined")
    text = f"{value:.{DIGITS}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def factor(value: float) -> str:
    """A number as a factor inside a formula: negative ones in parentheses."""
    text = number(value)
    return f"({text})" if text.startswith("−") else text


def fill(template: str, parts: list[str]) -> str:
    """``template`` with its ``{}`` slots filled by ``parts``; a part with a leading minus
    sign gets parentheses unless its slot already has them ("ReLU(−1.4)", "(−1)·1.5")."""
    pieces = template.split("{}")
    out = [pieces[0]]
    for part, after in zip(parts, pieces[1:]):
        enclosed = out[-1].endswith("(") and after.startswith(")")
        out.append(part if enclosed or not part.startswith("−") else f"({part})")
        out.append(after)
    return "".join(out)


def step_text(graph: Graph, step: Step) -> str:
    """The step in one line, symbols first, then the numbers: "z = w·x + b = 0.5·1.5 + 0.1
    = 0.85", or "∂L/∂z = ∂L/∂ŷ · ∂ŷ/∂z = −0.3 × 1 = −0.3" (upstream × local; a node used
    twice sums two products)."""
    node = graph.nodes[step.node]
    if step.phase == FORWARD:
        return f"{node.name} = {graph.formula(step.node)} = {graph.arithmetic(step.node)} " \
               f"= {number(step.value)}"
    out = graph.output.name
    if not step.terms:
        return f"∂{out}/∂{out} = 1"
    symbols = " + ".join(f"∂{out}/∂{graph.nodes[t.consumer].name} · "
                         f"{graph.partial(t.consumer, step.node)}" for t in step.terms)
    numbers = " + ".join(f"{factor(t.upstream)} × {factor(t.local)}" for t in step.terms)
    return f"∂{out}/∂{node.name} = {symbols} = {numbers} = {number(step.value)}"


def local_text(graph: Graph, consumer: int, position: int) -> str:
    """An edge's local derivative, in symbols and value: "∂z/∂w = x = 1.5"."""
    node = graph.nodes[consumer]
    symbol = graph.partial(consumer, node.inputs[position])
    value = number(node.local[position])
    formula = node.local_formulas[position] if node.local_formulas else ""
    return f"{symbol} = {formula} = {value}" if formula and formula != value \
        else f"{symbol} = {value}"
