"""Hostile and clumsy CSV uploads for the Playground's own data.

In core: every file gives a Dataset or a ValueError with a short message (never another
exception, never a message that echoes megabytes), and the files spreadsheets really write
(Latin-1, UTF-16 with its byte-order mark, semicolons with decimal commas) are read with the
right numbers. Through the page (AppTest via app.py): a bad upload shows the reason with the
file's name, the table keeps the previous data and the page goes on training on it; the
upload's help states the size limit the server enforces (.streamlit/config.toml).
"""

from __future__ import annotations

import codecs
import re
import tomllib

import numpy as np
import pytest
from conftest import ROOT, as_read, open_page, problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.datasets import MAX_USER_POINTS, dataset_from_csv, decode_csv, upload_help

PAGE = "pages/playground.py"
GOOD_ROWS = ((1.5, -2.0, 1), (-3.25, 4.0, 0), (0.5, 0.5, 1), (-1.0, -1.0, 0), (2.0, 3.0, 1))
GOOD = "x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in GOOD_ROWS)
RNG = np.random.default_rng(12)
#: A message longer than this would be a wall of text in the page.
MAX_MESSAGE = 400

#: name → (file, words the message must contain)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "empty"),
    "only_spaces": (b" \n\t\n  ", "empty"),
    "only_separators": (b";;\n ; ;\n", "no values"),
    "header_only": (b"x1,x2,label\n", "Too few rows: 0"),
    "binary_junk": (RNG.integers(0, 256, 3000, dtype=np.uint8).tobytes(), "binary"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    "zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(100), "binary"),
    "control_chars": (b"x1,x2,label\n1,2,\x07\n", "binary"),
    "million_rows": (b"x1,x2,label\n" + b"1,2,1\n" * 10**6, "Too many rows: 1000000"),
    "huge_number": (GOOD.replace("1.5", "1e300").encode(), "too large"),
    "overflow": (GOOD.replace("1.5", "1e400").encode(), "Infinite value"),
    "nan": (GOOD.replace("-2.0", "nan").encode(), "NaN"),
    "inf": (GOOD.replace("-2.0", "-inf").encode(), "Infinite value"),
    "mixed_types": (GOOD.replace("0.5,0.5", "half,0.5").encode(), "Non-numeric value 'half'"),
    "text_label": (GOOD.replace(",0\n", ",zero\n", 1).encode(), "Non-numeric value 'zero'"),
    "duplicated_header": (b"x1,x2,label,x1\n1,2,1,3\n", "'x1' appears more than once"),
    "missing_column": (b"x1,x2,y\n1,2,1\n", "Missing column(s): label"),
    "ragged_row": (GOOD.replace("0.5,0.5,1", "0.5,0.5,1,7,8").encode(), "has 5 values"),
    "decimal_commas": (b"x1,x2,label\n1,5,2,1\n", "Decimal commas need ';'"),
    "one_class": (b"x1,x2,label\n" + b"1,2,1\n" * 5, "at least two classes"),
    "seven_classes": (("x1,x2,label\n" + "".join(f"{i},{i},{i}\n" for i in range(7))).encode(),
                      "At most 6 classes"),
    "long_cell": (GOOD.replace("1.5", "x" * 100_000).encode(), "Non-numeric value 'xxx"),
    "giant_cell": (b"x1,x2,label\n" + b"7" * 200_000 + b",1,1\n", "longer than"),
    "many_columns": ((",".join(f"c{i}" for i in range(5000)) + "\n1\n").encode(),
                     "(5000 columns)"),
    "unterminated_quote": (b'x1,x2,label\n"1,2,1\n3,4,0\n', "Missing value|Non-numeric|rows"),
}


@pytest.mark.parametrize(("data", "reason"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_gets_a_short_clear_message(data: bytes, reason: str) -> None:
    with pytest.raises(ValueError) as err:
        dataset_from_csv(data, "classification")
    message = str(err.value)
    assert re.search(reason if "|" in reason else re.escape(reason), message), message
    assert len(message) < MAX_MESSAGE


def _expected_x() -> np.ndarray:
    return np.array([[a, b] for a, b, _ in GOOD_ROWS])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "latin-1", "cp1252"])
def test_files_spreadsheets_write_are_read_with_the_right_numbers(encoding: str) -> None:
    text = "x1,x2,label,note\n" + "".join(f"{a},{b},{c},Café ± naïve\n" for a, b, c in GOOD_ROWS)
    raw = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # Excel's "Unicode text" starts with a BOM
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        raw = bom + raw
    data = dataset_from_csv(raw, "classification")
    np.testing.assert_array_equal(data.x, _expected_x())
    np.testing.assert_array_equal(data.y, [c for _, _, c in GOOD_ROWS])
    assert "Café" in decode_csv(raw)


def test_semicolons_with_decimal_commas_and_tabs_give_the_same_numbers() -> None:
    semicolons = GOOD.replace(",", ";").replace(".", ",").encode()
    tabs = GOOD.replace(",", "\t").encode("utf-16")
    for raw in (semicolons, tabs):
        np.testing.assert_array_equal(dataset_from_csv(raw, "classification").x, _expected_x())


def test_extra_and_duplicated_other_columns_are_ignored() -> None:
    text = "id,x1,note,x2,note,label\n" + "".join(
        f"{i},{a},n{i},{b},m,{c}\n" for i, (a, b, c) in enumerate(GOOD_ROWS))
    np.testing.assert_array_equal(dataset_from_csv(text.encode(), "classification").x,
                                  _expected_x())


def test_the_row_limit_is_inclusive_and_a_huge_file_stops_early() -> None:
    rows = "".join(f"{i % 9},{i % 7},{i % 2}\n" for i in range(MAX_USER_POINTS))
    assert len(dataset_from_csv(f"x1,x2,label\n{rows}".encode(), "classification")) == 2000
    with pytest.raises(ValueError, match=f"Too many rows: {MAX_USER_POINTS + 1} "):
        dataset_from_csv(f"x1,x2,label\n{rows}5,5,1\n".encode(), "classification")


def test_regression_labels_are_bounded_like_coordinates() -> None:
    ok = dataset_from_csv(GOOD.replace(",1\n", ",1e6\n", 1).encode(), "regression")
    assert ok.y[0] == 1e6
    with pytest.raises(ValueError, match="regression labels must lie within"):
        dataset_from_csv(GOOD.replace(",1\n", ",1e300\n", 1).encode(), "regression")


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=400),
    st.text(alphabet=st.sampled_from("x12label,;\t\n\r\"' .-e+naifé\x00"), max_size=200)
    .map(lambda t: t.encode("utf-8")),
    st.lists(st.sampled_from(["1", "-2.5", "1e308", "nan", "", " ", "x", "1,5", "\"3\""]),
             min_size=3, max_size=40).map(lambda cells: ("x1,x2,label\n" + "\n".join(
                 ",".join(cells[i:i + 3]) for i in range(0, len(cells), 3))).encode()),
))
def test_any_bytes_give_a_dataset_or_a_value_error(data: bytes) -> None:
    for kind in ("classification", "regression"):
        try:
            result = dataset_from_csv(data, kind)
        except ValueError as err:
            assert str(err) and len(str(err)) < MAX_MESSAGE
        else:
            assert np.all(np.isfinite(result.x)) and len(result) >= 4


# -- through the page -------------------------------------------------------------------------


def _errors(at) -> str:
    return as_read(" ".join(e.value for e in at.error))


def _upload(at, name: str, data: bytes):
    return at.file_uploader[0].set_value((name, data, "text/csv")).run()


def _epoch(at) -> str:
    return next(m.value for m in at.metric if m.label == "epoch")


def test_bad_uploads_keep_the_previous_data_and_the_page_trains_on() -> None:
    at = open_page(PAGE, {"dataset": "user", "epochs": "30"})
    rows = "\n".join(f"{x},{y},{int(x * y > 0)}" for x in range(-4, 5) for y in (-2, 1, 3))
    _upload(at, "mine.csv", f"x1,x2,label\n{rows}\n".encode())
    assert not problems(at) and not at.error
    before = at.session_state["playground.user_frame"].copy()
    assert len(before) == 27
    for name in ("empty", "binary_junk", "million_rows", "huge_number", "nan",
                 "duplicated_header", "mixed_types", "many_columns"):
        data, reason = BAD_FILES[name]
        _upload(at, f"{name}.csv", data)
        assert not problems(at), name
        assert f"{name}.csv" in _errors(at) and reason in _errors(at), (name, _errors(at))
        assert at.session_state["playground.user_frame"].equals(before), name
        assert _epoch(at) == "30"  # still trained, on the previous table


def test_a_latin1_upload_replaces_the_table() -> None:
    at = open_page(PAGE, {"dataset": "user", "epochs": "30"})
    text = "x1;x2;label;Bemerkung\n" + "".join(
        f"{a};{b};{c};größer\n".replace(".", ",") for a, b, c in GOOD_ROWS)
    _upload(at, "europe.csv", text.encode("latin-1"))
    assert not problems(at) and not at.error
    frame = at.session_state["playground.user_frame"]
    np.testing.assert_array_equal(frame[["x1", "x2"]].to_numpy(), _expected_x())


def test_the_upload_help_states_the_servers_size_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    limit = config["server"]["maxUploadSize"]
    assert isinstance(limit, int) and 1 <= limit <= 2  # 2,000 rows need about 80 kB
    at = open_page(PAGE, {"dataset": "user", "epochs": "30"})
    help_text = at.file_uploader[0].help
    assert help_text == upload_help(limit) and f"at most {limit} MB" in help_text
    assert f"{MAX_USER_POINTS}" in help_text
