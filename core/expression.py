"""A function typed by the user, parsed by a small whitelisted grammar and evaluated with
NumPy: f(x) on the universal-approximation page, f(a, b, c) on the backpropagation page.

User text is never handed to ``eval``/``exec``/``ast``: a tokenizer turns it into numbers,
the variable names the caller allows (``x`` unless told otherwise), the constants ``pi`` and
``e``, the functions of :data:`FUNCTIONS`, the operators ``+ - * / ^ **`` and parentheses,
and rejects everything else; a recursive-descent parser turns the tokens into a tiny tree
that is evaluated on NumPy arrays. The grammar::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("-" | "+") unary | power
    power   := atom (("^" | "**") unary)?          # right-associative, -x^2 = -(x^2)
    atom    := NUMBER | VARIABLE | "pi" | "e" | FUNCTION "(" sum ")" | "(" sum ")"

Bounds keep hostile input cheap: the length is checked before anything else, the nesting
depth while parsing, and a constant exponent's size before it is ever used (``9**9**9`` is
refused, not computed). Every rejection raises :class:`ExpressionError` with a message that
says what is wrong and where; the message never repeats the user's text, so a page may show
it as it is (the text itself belongs in a code block).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

MAX_LENGTH = 200
MAX_DEPTH = 20
#: The largest |p| a constant exponent may have (x^p with |x| ≤ 20 stays within float64).
MAX_EXPONENT = 64.0
#: The largest number a literal may be.
MAX_LITERAL = 1e9

FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
    "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh,
    "arctan": np.arctan,
}
CONSTANTS: dict[str, float] = {"pi": float(np.pi), "e": float(np.e)}
#: The variable of a function of one variable (the default everywhere below).
X: tuple[str, ...] = ("x",)
ALLOWED_NAMES = (*X, *CONSTANTS, *FUNCTIONS)


def help_text(variables: Sequence[str] = X) -> str:
    """What may be typed, for a text box's help."""
    names = ", ".join(variables)
    return (f"An expression in {names}: numbers, {names}, + − * / and ^ (or **), parentheses, "
            "the constants pi and e, and the functions " + ", ".join(FUNCTIONS) +
            f". At most {MAX_LENGTH} characters.")


HELP = help_text()


class ExpressionError(ValueError):
    """Why a text is not an acceptable expression (the message never quotes the text)."""


# ----------------------------------------------------------------------------------------
# Tokens
# ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/^()])
""", re.VERBOSE)
#: Signs people paste from slides, read as their ASCII operators.
_LOOKALIKES = str.maketrans({"−": "-", "×": "*", "·": "*"})


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    position: int  # 1-based column, for messages


def tokenize(text: str, variables: Sequence[str] = X) -> list[Token]:
    """The tokens of ``text`` followed by an "end" token; ExpressionError for any character
    or name outside the grammar (whose names are ``variables``, the constants and the
    functions)."""
    allowed = (*variables, *CONSTANTS, *FUNCTIONS)
    text = text.translate(_LOOKALIKES)
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExpressionError(_bad_character(text[pos], pos + 1))
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token("op" if kind == "op" else kind, match.group(), pos + 1))
            if kind == "name" and match.group() not in allowed:
                raise ExpressionError(
                    f"unknown name at column {pos + 1} (a name of {len(match.group())} "
                    f"characters); allowed: {', '.join(allowed)}")
        pos = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _bad_character(char: str, column: int) -> str:
    reasons = {".": "attribute access is not allowed", ",": "functions take one argument",
               "[": "lists are not allowed", "'": "text is not allowed",
               '"': "text is not allowed", "=": "assignments are not allowed",
               ":": "not part of the grammar"}
    reason = reasons.get(char, "not part of the grammar")
    # Named, not quoted: the message may be shown as Markdown, the user's text never is.
    name = unicodedata.name(char, "unnamed character").lower()
    return f"character U+{ord(char):04X} ({name}) at column {column}: {reason}"


# ----------------------------------------------------------------------------------------
# The tree
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Var:
    name: str = "x"


@dataclass(frozen=True)
class Unary:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str  # one of + - * / ^
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str
    argument: Node


Node = Num | Var | Unary | Binary | Call

_BINARY: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power,
}


def evaluate(node: Node, x: np.ndarray) -> np.ndarray:
    """The values of a function of x at the points ``x`` (float64; NaN/inf where undefined)."""
    return evaluate_at(node, {"x": x})


def evaluate_at(node: Node, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The expression's values where each variable takes ``values[name]`` (arrays of one
    shape, or scalars), float64, NaN/inf where undefined."""
    env = {name: np.asarray(v, dtype=np.float64) for name, v in values.items()}
    shape = np.broadcast_shapes(*(v.shape for v in env.values())) if env else ()
    with np.errstate(all="ignore"):
        return np.broadcast_to(_eval(node, env), shape).astype(np.float64)


def _eval(node: Node, env: Mapping[str, np.ndarray]) -> np.ndarray | float:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var):
        return env[node.name]
    if isinstance(node, Unary):
        return np.negative(_eval(node.operand, env))
    if isinstance(node, Binary):
        return _BINARY[node.op](np.float64(_eval(node.left, env)), _eval(node.right, env))
    return FUNCTIONS[node.function](np.float64(_eval(node.argument, env)))


def variables_in(node: Node) -> frozenset[str]:
    """The names of the variables that occur in the tree (none: the tree is a constant)."""
    if isinstance(node, Var):
        return frozenset((node.name,))
    if isinstance(node, Num):
        return frozenset()
    if isinstance(node, Unary):
        return variables_in(node.operand)
    if isinstance(node, Binary):
        return variables_in(node.left) | variables_in(node.right)
    return variables_in(node.argument)


def uses_x(node: Node) -> bool:
    """Whether x occurs in the tree (a tree without x is a constant)."""
    return "x" in variables_in(node)


# ----------------------------------------------------------------------------------------
# The parser
# ----------------------------------------------------------------------------------------


def parse(text: str, variables: Sequence[str] = X) -> Node:
    """The tree of ``text``, a function of ``variables``; ExpressionError (saying what and
    where) if it is not in the grammar or breaks a bound. The length is checked before any
    other work."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; at most "
                              f"{MAX_LENGTH} are allowed")
    if not text.strip():
        raise ExpressionError(f"the expression is empty: type a function of "
                              f"{', '.join(variables)}, e.g. sin(3*{variables[0]})")
    return _Parser(tokenize(text, variables), variables).parse()


class _Parser:
    def __init__(self, tokens: list[Token], variables: Sequence[str]) -> None:
        self.tokens = tokens
        self.variables = tuple(variables)
        self.i = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.sum()
        if self.token.kind != "end":
            raise ExpressionError(self._unexpected("an operator or the end"))
        return node

    def _unexpected(self, wanted: str) -> str:
        t = self.token
        if t.kind == "end":
            return f"the expression ends too early (expected {wanted})"
        found = {"number": "a number", "name": f"the name {t.text!r}"}.get(t.kind,
                                                                            f"{t.text!r}")
        hint = ""
        if t.kind in ("number", "name") or t.text == "(":
            hint = "; write * between factors, e.g. 2*x"
        return f"expected {wanted} at column {t.position}, found {found}{hint}"

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"the expression nests deeper than {MAX_DEPTH} levels "
                                  f"(at column {self.token.position})")

    def sum(self) -> Node:
        node = self.product()
        while self.token.text in ("+", "-"):
            op = self.advance().text
            node = Binary(op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.token.text in ("*", "/"):
            op = self.advance().text
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.token.text in ("-", "+"):
            sign = self.advance().text
            self._enter()
            operand = self.unary()
            self.depth -= 1
            return Unary(operand) if sign == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.token.text not in ("^", "**"):
            return base
        column = self.advance().position
        self._enter()
        exponent = self.unary()
        self.depth -= 1
        _check_exponent(exponent, column)
        return Binary("^", base, exponent)

    def atom(self) -> Node:
        t = self.token
        if t.kind == "number":
            self.advance()
            value = float(t.text)
            if not abs(value) <= MAX_LITERAL:
                raise ExpressionError(f"the number at column {t.position} is larger than "
                                      f"{MAX_LITERAL:g}")
            return Num(value)
        if t.kind == "name":
            self.advance()
            if t.text in self.variables:
                return Var(t.text)
            if t.text in CONSTANTS:
                return Num(CONSTANTS[t.text])
            return Call(t.text, self._bracketed(f"'(' after {t.text}"))
        if t.text == "(":
            return self._bracketed("'('")
        names = ", ".join(self.variables)
        raise ExpressionError(self._unexpected(f"a number, {names}, a function or '('"))

    def _bracketed(self, wanted: str) -> Node:
        if self.token.text != "(":
            raise ExpressionError(self._unexpected(wanted))
        self.advance()
        self._enter()
        node = self.sum()
        self.depth -= 1
        if self.token.text != ")":
            raise ExpressionError(self._unexpected("')'"))
        self.advance()
        return node


def _check_exponent(exponent: Node, column: int) -> None:
    """Refuse a constant exponent larger than MAX_EXPONENT, before anything raises to it.

    Its own powers were checked when they were parsed, so working it out is cheap."""
    if variables_in(exponent):
        return
    value = float(evaluate_at(exponent, {})[()])
    if not abs(value) <= MAX_EXPONENT:
        raise ExpressionError(f"the exponent of the power at column {column} is "
                              f"{'not a finite number' if not np.isfinite(value) else 'too large'}"
                              f"; at most ±{MAX_EXPONENT:g} is allowed")


# ----------------------------------------------------------------------------------------
# A usable target
# ----------------------------------------------------------------------------------------


def check_syntax(text: str) -> None:
    """Raise ExpressionError unless ``text`` parses and uses x (the URL/field validator)."""
    if not uses_x(parse(text)):
        raise ExpressionError("the expression is a constant (it does not use x): nothing to "
                              "approximate")


def values_on(text: str, x: np.ndarray) -> np.ndarray:
    """The expression's values on ``x``; ExpressionError if it does not parse, is constant
    there, or is NaN/infinite anywhere on ``x`` (the message says where)."""
    node = parse(text)
    y = evaluate(node, x)
    bad = ~np.isfinite(y)
    if bad.any():
        raise ExpressionError(f"the expression is not finite (NaN or ±∞) at {int(bad.sum())} "
                              f"of {len(x)} points of the range: {_where(x, bad)}")
    if not uses_x(node) or np.ptp(y) == 0.0:
        raise ExpressionError("the expression is constant on the range: nothing to "
                              "approximate")
    return y


def _where(x: np.ndarray, bad: np.ndarray, shown: int = 3) -> str:
    """The stretches of ``x`` where ``bad`` holds, as 'x = a' or 'x in [a, b]'."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], bad.astype(int), [0]])))
    spans = [(float(x[s]), float(x[e - 1])) for s, e in zip(edges[::2], edges[1::2])]
    parts = [f"x = {a:.3g}" if a == b else f"x in [{a:.3g}, {b:.3g}]" for a, b in spans]
    more = f" and {len(parts) - shown} more" if len(parts) > shown else ""
    return ", ".join(parts[:shown]) + more
