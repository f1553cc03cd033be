"""Tests for core.params: validation, query-string round trips and tolerant parsing.

The dataclasses below are declared here, as a page would declare its own parameters.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import pytest

from core.params import Params, choice, choices, flag, number, numbers, optional_number

RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class Demo(Params):
    units: int = number(4, 1, 64, label="units")
    rate: float = number(0.03, 1e-5, 3.0, options=RATES, label="learning rate")
    noise: float = number(0.1, 0.0, 0.5)
    activation: str = choice("tanh", ("relu", "tanh", "sigmoid"))
    bias: bool = flag(True)
    layers: tuple[int, ...] = numbers((4, 2), 1, 8, min_len=1, max_len=4)
    weights: tuple[float, ...] = numbers((0.5, -1.0), -5.0, 5.0, min_len=0, max_len=3)


@dataclass(frozen=True)
class Window(Params):
    """Two fields with a rule across them."""

    lo: float = number(0.0, 0.0, 20.0)
    hi: float = number(10.0, 0.0, 20.0)

    def check(self) -> None:
        if self.lo >= self.hi:
            raise ValueError(f"lo must be below hi, got lo={self.lo:g} and hi={self.hi:g}")


DEFAULTS = {"units": 4, "rate": 0.03, "noise": 0.1, "activation": "tanh", "bias": True,
            "layers": (4, 2), "weights": (0.5, -1.0)}


def as_dict(p: Params) -> dict:
    return {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}


# ----------------------------------------------------------------------------------------
# Construction and validation
# ----------------------------------------------------------------------------------------


def test_defaults_construct() -> None:
    p = Demo()
    assert as_dict(p) == DEFAULTS
    assert isinstance(p.rate, float) and isinstance(p.units, int)
    assert Demo.field_names() == tuple(DEFAULTS)
    assert Demo.meta("units")["lo"] == 1 and Demo.meta("units")["hi"] == 64
    assert Demo.meta("units")["label"] == "units"
    assert Demo.meta("activation")["options"] == ("relu", "tanh", "sigmoid")


def test_float_field_given_an_int_becomes_float_and_lists_become_tuples() -> None:
    p = Demo(noise=0, layers=[3, 3])
    assert p.noise == 0.0 and isinstance(p.noise, float)
    assert p.layers == (3, 3) and isinstance(p.layers, tuple)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("units", 0),
        ("units", 65),
        ("units", 2.5),
        ("units", True),
        ("units", "4"),
        ("rate", 0.02),  # within range, but not on the ladder
        ("rate", 10.0),
        ("rate", math.nan),
        ("noise", -0.1),
        ("noise", 0.51),
        ("noise", math.inf),
        ("activation", "softmax"),
        ("activation", ""),
        ("bias", 1),
        ("layers", ()),
        ("layers", (1, 2, 3, 4, 5)),
        ("layers", (0,)),
        ("layers", (9,)),
        ("layers", (2.5,)),
        ("layers", 4),
        ("weights", (5.5,)),
    ],
)
def test_bad_values_raise_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=rf"^{field}\b"):
        Demo(**{field: value})
    with pytest.raises(ValueError, match=rf"^{field}\b"):
        Demo().replace(**{field: value})


@pytest.mark.parametrize(("field", "value"), [("units", 1), ("units", 64), ("rate", 1e-5),
                                              ("rate", 3.0), ("noise", 0.0), ("noise", 0.5),
                                              ("weights", ()), ("layers", (8, 8, 8, 8))])
def test_bounds_are_inclusive(field: str, value: object) -> None:
    assert getattr(Demo(**{field: value}), field) == value


def test_cross_field_check_raises() -> None:
    with pytest.raises(ValueError, match="lo"):
        Window(lo=5.0, hi=3.0)
    assert Window(lo=5.0, hi=6.0).hi == 6.0


# ----------------------------------------------------------------------------------------
# Query round trips
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"rate": 1e-5},
        {"rate": 0.003, "noise": 0.07},
        {"noise": 1 / 3},
        {"noise": 0.3 - 0.2},  # 0.09999999999999998: repr must keep every digit
        {"units": 64, "activation": "relu", "bias": False},
        {"layers": (8,), "weights": ()},
        {"layers": (1, 2, 3, 4), "weights": (-4.75, 0.001, 1e-5)},
    ],
)
def test_query_round_trip(changes: dict) -> None:
    p = Demo(**changes)
    query = p.to_query()
    assert set(query) == set(DEFAULTS)
    assert all(isinstance(v, str) for v in query.values())
    back, notes = Demo.from_query(query)
    assert notes == []
    assert back == p
    assert as_dict(back) == as_dict(p)


def test_query_text_is_readable() -> None:
    query = Demo(rate=0.03, noise=0.0, bias=False, layers=(8, 4)).to_query()
    assert query["rate"] == "0.03"
    assert float(query["noise"]) == 0.0
    assert query["units"] == "4"
    assert query["layers"] == "8,4"
    assert query["bias"] in ("0", "false", "False", "no", "off")


def test_query_round_trip_with_cross_field_rule() -> None:
    p = Window(lo=2.5, hi=7.0)
    assert Window.from_query(p.to_query()) == (p, [])


def test_query_round_trip_when_a_value_conflicts_with_another_fields_default() -> None:
    p = Window(lo=12.0, hi=15.0)  # valid, but lo=12 with the default hi=10 is not
    assert Window.from_query(p.to_query()) == (p, [])


# ----------------------------------------------------------------------------------------
# Tolerant parsing of hand-edited or stale links
# ----------------------------------------------------------------------------------------

GOOD = {"units": "7", "rate": "0.1", "activation": "relu", "bias": "0", "layers": "3,5"}
GOOD_VALUES = {"units": 7, "rate": 0.1, "activation": "relu", "bias": False, "layers": (3, 5)}


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("units", "abc"),
        ("units", "100"),
        ("units", "0"),
        ("units", "2.5"),
        ("units", ""),
        ("units", "nan"),
        ("noise", "nan"),
        ("noise", "inf"),
        ("noise", "-inf"),
        ("noise", "0.6"),
        ("noise", "1e400"),
        ("rate", "0.02"),
        ("activation", "softmax"),
        ("activation", ""),
        ("bias", "maybe"),
        ("bias", ""),
        ("layers", "3,x"),
        ("layers", "1,2,3,4,5"),
        ("layers", "0"),
        ("layers", ""),
        ("weights", "1,,nan"),
    ],
)
def test_bad_value_keeps_default_and_the_good_ones(key: str, raw: str) -> None:
    query = {k: v for k, v in GOOD.items() if k != key} | {key: raw}
    p, notes = Demo.from_query(query)
    expected = DEFAULTS | {k: v for k, v in GOOD_VALUES.items() if k != key}
    assert as_dict(p) == expected
    assert len(notes) == 1
    assert key in notes[0]


def test_unknown_key_is_noted_and_ignored() -> None:
    p, notes = Demo.from_query(GOOD | {"colour": "red"})
    assert as_dict(p) == DEFAULTS | GOOD_VALUES
    assert len(notes) == 1 and "colour" in notes[0]


def test_several_bad_values_give_one_note_each() -> None:
    query = GOOD | {"units": "abc", "noise": "inf", "colour": "red", "activation": "elu"}
    p, notes = Demo.from_query(query)
    assert as_dict(p) == DEFAULTS | {k: v for k, v in GOOD_VALUES.items()
                                     if k not in ("units", "activation")}
    assert len(notes) == 4
    for key in ("units", "noise", "colour", "activation"):
        assert sum(key in note for note in notes) == 1, key


def test_whitespace_around_values_is_tolerated() -> None:
    p, notes = Demo.from_query({"units": " 9 ", "layers": " 2, 3 "})
    assert (p.units, p.layers, notes) == (9, (2, 3), [])


def test_floats_in_ladder_and_flags_spelled_differently() -> None:
    p, notes = Demo.from_query({"rate": "1e-5", "bias": "false"})
    assert (p.rate, p.bias, notes) == (1e-5, False, [])
    p, notes = Demo.from_query({"bias": "TRUE", "units": "8.0"})
    assert (p.bias, p.units, notes) == (True, 8, [])
    assert isinstance(p.units, int)


def test_list_values_from_streamlit() -> None:
    # st.query_params holds repeated keys as lists; like st.query_params[key], the last wins.
    p, notes = Demo.from_query({"units": ["9"], "activation": ["relu", "sigmoid"]})
    assert (p.units, p.activation, notes) == (9, "sigmoid", [])
    p, notes = Demo.from_query({"units": [], "noise": ["0.2"]})
    assert (p.units, p.noise) == (4, 0.2)
    assert len(notes) <= 1 and all("units" in n for n in notes)
    p, notes = Demo.from_query({"units": ["abc"]})
    assert p == Demo() and len(notes) == 1 and "units" in notes[0]


def test_other_keys_are_skipped_silently() -> None:
    query = {"units": "5", "dataset": "spiral", "page": ["2"]}
    p, notes = Demo.from_query(query, other_keys=("dataset", "page"))
    assert (p.units, notes) == (5, [])
    p, notes = Demo.from_query(query)
    assert p.units == 5 and len(notes) == 2


def test_empty_query_gives_defaults() -> None:
    assert Demo.from_query({}) == (Demo(), [])


def test_cross_field_failure_falls_back_to_all_defaults() -> None:
    # Each value is fine with the other field's default (8 < 10, 0 < 5), together they
    # break lo < hi.
    p, notes = Window.from_query({"lo": "8", "hi": "5"})
    assert p == Window()
    assert len(notes) == 1
    assert "default" in notes[0]


# ----------------------------------------------------------------------------------------
# Several choices, optional numbers, choices that depend on another field
# ----------------------------------------------------------------------------------------

KINDS = {"classification": ("circle", "xor"), "regression": ("plane",)}


@dataclass(frozen=True)
class Rich(Params):
    shown: tuple[str, ...] = choices(("relu", "tanh"), ("relu", "sigmoid", "tanh"), min_len=1)
    patience: int | None = optional_number(None, 1, 100)
    rate: float | None = optional_number(0.5, 0.0, 1.0)
    problem: str = choice("classification", tuple(KINDS))
    dataset: str = choice("circle", ("circle", "xor", "plane"), depends_on="problem",
                          options_for=KINDS.__getitem__)


def test_choices_are_kept_in_the_options_order_without_repeats() -> None:
    assert Rich(shown=("tanh", "relu")).shown == ("relu", "tanh")
    assert Rich(shown=["sigmoid"]).shown == ("sigmoid",)
    with pytest.raises(ValueError, match="shown names an option twice"):
        Rich(shown=("relu", "relu"))
    with pytest.raises(ValueError, match="shown"):
        Rich(shown=("swish",))
    with pytest.raises(ValueError, match="shown must have 1 to 3"):
        Rich(shown=())


def test_optional_number_is_none_or_in_range() -> None:
    assert Rich(patience=None).patience is None
    assert Rich(patience=7).patience == 7
    assert isinstance(Rich(rate=1).rate, float)
    with pytest.raises(ValueError, match="patience must be between 1 and 100"):
        Rich(patience=0)
    with pytest.raises(ValueError, match="patience must be a whole number"):
        Rich(patience=2.5)


def test_a_dependent_choice_must_fit_the_field_it_depends_on() -> None:
    assert Rich(problem="regression", dataset="plane").dataset == "plane"
    with pytest.raises(ValueError, match="dataset must be one of plane when problem is"):
        Rich(problem="regression", dataset="circle")


@pytest.mark.parametrize("changes", [
    {}, {"shown": ("sigmoid",)}, {"patience": 12}, {"rate": None},
    {"problem": "regression", "dataset": "plane"},
])
def test_query_round_trip_of_the_new_kinds(changes: dict) -> None:
    p = Rich(**changes)
    back, notes = Rich.from_query(p.to_query())
    assert back == p and notes == []


def test_new_kinds_are_read_from_links_as_written_by_hand() -> None:
    p, notes = Rich.from_query({"shown": "tanh, sigmoid", "patience": "off", "rate": "none"})
    assert (p.shown, p.patience, p.rate) == (("sigmoid", "tanh"), None, None) and not notes
    p, notes = Rich.from_query({"patience": "12", "rate": ""})
    assert (p.patience, p.rate) == (12, None) and not notes
    assert Rich(patience=None).to_query()["patience"] == "off"


@pytest.mark.parametrize("query, field", [
    ({"shown": "relu,swish"}, "shown"), ({"shown": ""}, "shown"), ({"patience": "-3"}, "patience"),
    ({"patience": "soon"}, "patience"), ({"dataset": "moons"}, "dataset"),
])
def test_bad_values_of_the_new_kinds_are_named_and_replaced(query: dict, field: str) -> None:
    p, notes = Rich.from_query(query)
    assert getattr(p, field) == getattr(Rich(), field)
    assert len(notes) == 1 and field in notes[0]


def test_a_link_whose_choices_contradict_each_other_falls_back_with_a_note() -> None:
    p, notes = Rich.from_query({"problem": "regression", "dataset": "xor"})
    assert p == Rich() and "dataset must be one of plane" in notes[0]


def test_a_links_own_text_is_shortened_in_notes() -> None:
    long = "x" * 10_000
    for query in ({"units": long}, {"activation": long}, {long: "1"}):
        _, notes = Demo.from_query(query)
        assert len(notes) == 1 and len(notes[0]) < 300, notes[0][:300]
        assert "x" * 40 + "…" in notes[0]
    _, notes = Demo.from_query({"units": "99"})
    assert notes and "'99'" in notes[0]  # short values are quoted whole
