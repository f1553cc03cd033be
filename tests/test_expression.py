"""The expression parser: every construct of the grammar against NumPy, hostile input
refused with a message and without work, and the URL round trip."""

import numpy as np
import pytest

from core import expression as E
from core.universal_approximation import CUSTOM, ApproxParams

X = np.linspace(-2.5, 2.5, 11)  # includes 0 and negative values
XP = np.linspace(0.1, 3.0, 9)  # for log and sqrt


@pytest.mark.parametrize("text, reference, x", [
    ("3", lambda x: np.full_like(x, 3.0), X),
    ("2.5 + .5 + 1e-1 + 2E1", lambda x: np.full_like(x, 23.1), X),
    ("x", lambda x: x, X),
    ("x + 1", lambda x: x + 1, X),
    ("x - 1 - 2", lambda x: (x - 1) - 2, X),  # left-associative
    ("2 * x * 3", lambda x: 6 * x, X),
    ("x / 2 / 4", lambda x: x / 8, X),
    ("x ^ 2", lambda x: x ** 2, X),
    ("x ** 3", lambda x: x ** 3, X),
    ("2 ^ 3 ^ 2", lambda x: np.full_like(x, 512.0), X),  # right-associative: 2^(3^2)
    ("-x ^ 2", lambda x: -(x ** 2), X),  # the power binds tighter than the sign
    ("2 ^ -x", lambda x: 2.0 ** -x, X),
    ("-(x + 1) * +2", lambda x: -(x + 1) * 2, X),
    ("--x", lambda x: x, X),
    ("1 + 2 * x ^ 2", lambda x: 1 + 2 * x ** 2, X),
    ("(1 + 2) * x", lambda x: 3 * x, X),
    ("pi * x + e", lambda x: np.pi * x + np.e, X),
    ("sin(x)", np.sin, X), ("cos(x)", np.cos, X), ("tan(x / 2)", lambda x: np.tan(x / 2), X),
    ("exp(x)", np.exp, X), ("log(x)", np.log, XP), ("sqrt(x)", np.sqrt, XP),
    ("abs(x)", np.abs, X), ("tanh(x)", np.tanh, X), ("sinh(x)", np.sinh, X),
    ("cosh(x)", np.cosh, X), ("arctan(x)", np.arctan, X),
    ("sin(3*x) + 0.5*x", lambda x: np.sin(3 * x) + 0.5 * x, X),
    ("exp(-x^2/2) * cos(2*pi*x)", lambda x: np.exp(-x ** 2 / 2) * np.cos(2 * np.pi * x), X),
    ("abs(x) − 1", lambda x: np.abs(x) - 1, X),  # a minus sign pasted from a slide
])
def test_every_construct_gives_numpys_value(text, reference, x):
    np.testing.assert_allclose(E.evaluate(E.parse(text), x), reference(x), rtol=1e-12)


@pytest.mark.parametrize("text, says", [
    ("__import__('os')", "unknown name"),
    ("x.real", "attribute access"),
    ("(1).__class__", "attribute access"),
    ("lambda x: x", "unknown name"),
    ("[x for x in range(9)]", "lists are not allowed"),
    ("sin(x) for x in y", "unknown name"),
    ("exec", "unknown name"),
    ("y + 1", "unknown name"),
    ("9**9**9", "exponent"),
    ("x^1000", "exponent"),
    ("2^(10^10)", "exponent"),
    ("x" * 10_000, "at most 200"),
    ("(" * 40 + "x" + ")" * 40, "nests deeper"),
    ("-" * 60 + "x", "nests deeper"),
    ("", "empty"),
    ("   ", "empty"),
    ("2x", "write * between factors"),
    ("sin x", "'(' after sin"),
    ("sin(x, 2)", "one argument"),
    ("x +", "ends too early"),
    ("(x", "')'"),
    ("1e400 * x", "larger than"),
    ("x = 1", "assignments"),
    ("'x'", "text is not allowed"),
])
def test_hostile_or_broken_input_is_refused_with_a_message(text, says):
    with pytest.raises(E.ExpressionError) as err:
        E.parse(text)
    assert says in str(err.value)
    assert "__import__" not in str(err.value)  # messages never repeat the text


def test_a_long_text_is_refused_before_it_is_read(monkeypatch):
    def must_not_run(text):
        raise AssertionError("tokenized a text that is too long")

    monkeypatch.setattr(E, "tokenize", must_not_run)
    with pytest.raises(E.ExpressionError, match="10000 characters"):
        E.parse("x+" * 5000)


def test_a_huge_power_is_refused_without_computing_it(monkeypatch):
    calls = []
    real_power = E._BINARY["^"]

    def power(base, exponent):
        calls.append(float(np.max(np.abs(exponent))))
        return real_power(base, exponent)

    monkeypatch.setitem(E._BINARY, "^", power)
    with pytest.raises(E.ExpressionError, match="too large"):
        E.parse("9**9**9")
    assert calls and max(calls) <= E.MAX_EXPONENT  # only 9**9, the exponent, was worked out
    # The positive case: a modest power is accepted and computed.
    assert E.evaluate(E.parse("2**3**2"), np.zeros(1))[0] == 512.0


def test_nesting_up_to_the_limit_is_accepted():
    depth = E.MAX_DEPTH - 1
    assert E.evaluate(E.parse("(" * depth + "x" + ")" * depth), np.ones(1))[0] == 1.0


def test_undefined_values_on_the_range_are_reported_with_where():
    with pytest.raises(E.ExpressionError) as err:
        E.values_on("log(x)", np.linspace(-1, 1, 21))
    assert "not finite" in str(err.value) and "x in [-1, 0]" in str(err.value)
    with pytest.raises(E.ExpressionError, match="x = 0"):
        E.values_on("1/x", np.linspace(-1, 1, 21))
    np.testing.assert_allclose(E.values_on("log(x)", XP), np.log(XP))


def test_a_constant_is_refused():
    for text in ("3", "pi^2", "x - x"):
        with pytest.raises(E.ExpressionError, match="constant"):
            E.values_on(text, X)
    with pytest.raises(E.ExpressionError, match="constant"):
        E.check_syntax("2 * pi")
    E.check_syntax("2 * pi * x")


def test_the_expression_round_trips_through_the_url():
    p = ApproxParams(target=CUSTOM, expression="exp(-x^2) * sin(4*x) - abs(x)/3",
                     x_min=-2.5, x_max=4.0)
    back, notes = ApproxParams.from_query(p.to_query())
    assert back == p and notes == []


def test_a_hostile_expression_in_a_link_is_ignored_without_repeating_it():
    back, notes = ApproxParams.from_query({"target": "custom",
                                           "expression": "__import__('os').system('ls')"})
    assert back.target == CUSTOM and back.expression == ApproxParams().expression
    assert len(notes) == 1 and "unknown name" in notes[0]
    assert "__import__" not in notes[0] and "expression (29 characters)" in notes[0]
    huge, notes = ApproxParams.from_query({"expression": "x" * 10_000})
    assert huge == ApproxParams() and "at most 200 characters" in notes[0]


def test_the_params_refuse_a_bad_expression_and_accept_a_good_one():
    with pytest.raises(ValueError, match="expression: unknown name"):
        ApproxParams(expression="os")
    assert ApproxParams(expression="x^2").expression == "x^2"
