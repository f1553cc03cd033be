"""A function of a, b, c typed by the student, turned into a computational graph.

The text is read by the universal-approximation page's parser (core.expression, its grammar
and its bounds) with the variables a, b, c instead of x; the tree becomes a graph
(core.backprop.graph) with one node per operation and one leaf per variable, so that a
variable used twice has two consumers and its gradient is a sum of two products.
Sub-expressions without a variable are folded into one constant (they need no gradient).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import expression as E
from core import limits
from core.backprop.graph import CONSTANT, INPUT, OPERATION, Graph, GraphNode, number
from core.params import Params, numbers, text

VARIABLES = ("a", "b", "c")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

#: f′(u) of every function of the grammar, with its formula ("{}" is the argument's name).
DERIVATIVES: dict[str, tuple[Callable[[np.float64], np.float64], str]] = {
    "sin": (np.cos, "cos({})"),
    "cos": (lambda u: -np.sin(u), "−sin({})"),
    "tan": (lambda u: 1.0 / np.cos(u) ** 2, "1/cos²({})"),
    "exp": (np.exp, "exp({})"),
    "log": (lambda u: 1.0 / u, "1/{}"),
    "sqrt": (lambda u: 0.5 / np.sqrt(u), "1/(2·sqrt({}))"),
    # abs′(0) is taken as 0, as TensorFlow's gradient of abs does.
    "abs": (np.sign, "sign({})"),
    "tanh": (lambda u: 1.0 - np.tanh(u) ** 2, "1 − tanh²({})"),
    "sinh": (np.cosh, "cosh({})"),
    "cosh": (np.sinh, "sinh({})"),
    "arctan": (lambda u: 1.0 / (1.0 + u * u), "1/(1 + {}²)"),
}
_TEMPLATES = {"+": "{} + {}", "-": "{} − {}", "*": "{}·{}", "/": "{}/{}", "^": "{}^{}"}


def check_expression(text: str) -> None:
    """Raise ExpressionError unless ``text`` is a function of a, b, c small enough to draw
    (the field's validator: the URL and the text box refuse anything else)."""
    tree = E.parse(text, VARIABLES)
    if not E.variables_in(tree):
        raise E.ExpressionError("the expression is a constant (it uses none of a, b, c): "
                                "nothing to differentiate")
    count = _node_count(tree)
    if count > limits.BACKPROP_MAX_NODES:
        raise E.ExpressionError(f"the expression makes a graph of {count} nodes; at most "
                                f"{limits.BACKPROP_MAX_NODES} can be drawn")


@dataclass(frozen=True)
class ExpressionParams(Params):
    """A typed f(a, b, c) and the point where its graph is evaluated."""

    expression: str = text("a*b + sin(a*c)", max_len=E.MAX_LENGTH, validator=check_expression,
                           label="f(a, b, c)", help=E.help_text(VARIABLES))
    variables: tuple[float, ...] = numbers((2.0, -1.0, 0.5), -10, 10, min_len=3, max_len=3,
                                           step=0.5, label="a, b, c")

    @property
    def point(self) -> dict[str, float]:
        return dict(zip(VARIABLES, self.variables))


def expression_graph(p: ExpressionParams) -> Graph:
    """The graph of ``p``'s expression at ``p``'s point; ExpressionError if a value or a
    needed local derivative is not finite there (saying which node)."""
    return from_expression(E.parse(p.expression, VARIABLES), p.point)


def from_expression(tree: E.Node, point: dict[str, float]) -> Graph:
    """The computational graph of ``tree`` with the variables at ``point``."""
    builder = _Builder(point)
    for name in VARIABLES:
        if name in E.variables_in(tree):
            builder.leaf(name, INPUT, point[name], key=name)
    builder.add(tree)
    nodes = builder.nodes
    if nodes[-1].kind != OPERATION:  # f = a: one more node, so that f has a name
        nodes.append(GraphNode("f", OPERATION, nodes[-1].value, (len(nodes) - 1,), (1.0,),
                               "{}", ("1",)))
    nodes[-1] = dataclasses.replace(nodes[-1], name="f")
    return Graph(tuple(nodes))


class _Builder:
    """Turns a tree into nodes, post-order, so every node's inputs come before it."""

    def __init__(self, point: dict[str, float]) -> None:
        self.point = point
        self.nodes: list[GraphNode] = []
        self.leaves: dict[str, int] = {}
        self.operations = 0

    def leaf(self, name: str, kind: str, value: float, key: str) -> int:
        if key not in self.leaves:
            self.leaves[key] = len(self.nodes)
            self.nodes.append(GraphNode(name, kind, float(value)))
        return self.leaves[key]

    def add(self, tree: E.Node) -> int:
        if isinstance(tree, E.Var):
            return self.leaves[tree.name]
        if not E.variables_in(tree):
            value = float(E.evaluate_at(tree, {})[()])
            # Each occurrence its own leaf: a constant needs no gradient, so no sum to show.
            return self.leaf(number(value), CONSTANT, value, key=f"constant {len(self.nodes)}")
        if isinstance(tree, E.Unary):
            return self.operation("−{}", [self.add(tree.operand)], lambda u: (-1.0,),
                                  lambda names: ("−1",))
        if isinstance(tree, E.Call):
            fn, (slope, formula) = E.FUNCTIONS[tree.function], DERIVATIVES[tree.function]
            arg = self.add(tree.argument)
            return self.operation(f"{tree.function}({{}})", [arg], lambda u: (slope(u),),
                                  lambda names: (formula.format(names[0]),), fn)
        left, right = self.add(tree.left), self.add(tree.right)
        local, formulas = _BINARY_LOCAL[tree.op]
        return self.operation(_TEMPLATES[tree.op], [left, right], local, formulas,
                              E._BINARY[tree.op])  # noqa: SLF001 - the evaluator's own ops

    def operation(self, template: str, inputs: list[int], local: Callable, formulas: Callable,
                  fn: Callable | None = None) -> int:
        values = [np.float64(self.nodes[i].value) for i in inputs]
        names = [self.nodes[i].name for i in inputs]
        self.operations += 1
        name = f"t{self.operations}".translate(_SUBSCRIPTS)
        with np.errstate(all="ignore"):
            value = float(fn(*values)) if fn is not None else -float(values[0])
            slopes = tuple(float(s) for s in local(*values))
        shown = template.format(*names)
        if not np.isfinite(value):
            raise E.ExpressionError(f"{name} = {shown} is not finite (NaN or ±∞) at "
                                    f"{_point_text(self.point)}")
        needed = [self.nodes[i].kind != CONSTANT for i in inputs]
        slopes = tuple(s if need else float("nan") for s, need in zip(slopes, needed))
        if any(need and not np.isfinite(s) for s, need in zip(slopes, needed)):
            raise E.ExpressionError(f"{name} = {shown} has no finite slope at "
                                    f"{_point_text(self.point)}: not differentiable there")
        self.nodes.append(GraphNode(name, OPERATION, value, tuple(inputs), slopes, template,
                                    tuple(formulas(names))))
        return len(self.nodes) - 1


_BINARY_LOCAL: dict[str, tuple[Callable, Callable]] = {
    "+": (lambda left, right: (1.0, 1.0), lambda n: ("1", "1")),
    "-": (lambda left, right: (1.0, -1.0), lambda n: ("1", "−1")),
    "*": (lambda left, right: (right, left), lambda n: (n[1], n[0])),
    "/": (lambda left, right: (1.0 / right, -left / right ** 2),
          lambda n: (f"1/{n[1]}", f"−{n[0]}/{n[1]}²")),
    # ∂(l^r)/∂r = l^r·ln l exists for l > 0 only; with a constant exponent it is not needed.
    "^": (lambda left, right: (right * left ** (right - 1.0), left ** right * np.log(left)),
          lambda n: (f"{n[1]}·{n[0]}^({n[1]} − 1)", f"{n[0]}^{n[1]}·ln {n[0]}")),
}


def _point_text(point: dict[str, float]) -> str:
    return ", ".join(f"{k} = {number(v)}" for k, v in point.items())


def _node_count(tree: E.Node) -> int:
    """Nodes of the graph of ``tree``: one per variable, per constant (after folding) and
    per operation."""
    variables = E.variables_in(tree)

    def walk(t: E.Node) -> int:
        if isinstance(t, E.Var) or not E.variables_in(t):
            return 0 if isinstance(t, E.Var) else 1
        if isinstance(t, E.Unary):
            return 1 + walk(t.operand)
        if isinstance(t, E.Call):
            return 1 + walk(t.argument)
        return 1 + walk(t.left) + walk(t.right)

    return len(variables) + walk(tree)


def gradient_of(graph: Graph, gradients: tuple[float, ...]) -> dict[str, float]:
    """∂f/∂a, ∂f/∂b, ∂f/∂c (0 for a variable the expression does not use)."""
    found = {n.name: g for n, g in zip(graph.nodes, gradients) if n.kind == INPUT}
    return {name: found.get(name, 0.0) for name in VARIABLES}
