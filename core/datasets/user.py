"""Data that students bring themselves: a CSV upload or an edited table, read into a
:class:`Dataset` with a message naming the row and column of anything unusable."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from core.datasets.base import (
    COLUMNS,
    KINDS,
    MAX_ABS_COORDINATE,
    MAX_CLASSES,
    MAX_USER_POINTS,
    MIN_USER_POINTS,
    Dataset,
    Kind,
    _regression,
)

if TYPE_CHECKING:  # pandas is imported where a table is read: the home page needs none of it
    import pandas as pd


def _check_kind(kind: object) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be 'classification' or 'regression', got {kind!r}")


def _is_blank(value: object) -> bool:
    """True for cells a student would call empty: None, NaN, '' or only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    import pandas as pd  # pd.NA, NaT, NumPy scalars: rare, so imported only for them

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


#: Characters of a cell or column name quoted back in a message (a cell may be megabytes).
SHOWN_CHARS = 40
#: Column names listed when the required ones are missing.
SHOWN_COLUMNS = 8


def _shown(value: object) -> str:
    """``value`` quoted for a message, cut to SHOWN_CHARS characters."""
    text = str(value)
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…")


def _locate_columns(header: Sequence[object]) -> dict[str, int]:
    """Positions of x1, x2 and label in ``header`` (ignoring case and surrounding spaces).

    Other columns are allowed and ignored. Raises ValueError when a required column is
    missing or appears twice.
    """
    positions: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = str(raw).strip().lower()
        if key in COLUMNS:
            if key in positions:
                raise ValueError(f"The column '{key}' appears more than once in the header.")
            positions[key] = i
    missing = [c for c in COLUMNS if c not in positions]
    if missing:
        found = ", ".join(_shown(h) for h in header[:SHOWN_COLUMNS]) or "no columns at all"
        if len(header) > SHOWN_COLUMNS:
            found += f", … ({len(header)} columns)"
        raise ValueError(
            f"Missing column(s): {', '.join(missing)}. The data needs the columns x1, x2 and "
            f"label (first line = header); found: {found}."
        )
    return positions


def _parse_number(value: object, column: str, row: int) -> float:
    """One cell as a finite float, or a ValueError naming column and row."""
    where = f"in column '{column}' at row {row} (the header is row 1)"
    if _is_blank(value):
        raise ValueError(f"Empty or missing value {where}. Every row needs x1, x2 and label.")
    try:
        if isinstance(value, (bool, np.bool_)):  # float(True) would silently give 1.0
            raise TypeError
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        hint = " Use a dot as decimal separator." if "," in str(value) else ""
        raise ValueError(f"Non-numeric value {_shown(value)} {where}.{hint}") from None
    if math.isnan(number):
        raise ValueError(f"Missing value (NaN) {where}.")
    if math.isinf(number):
        raise ValueError(f"Infinite value {where}.")
    return number


def _parse_column(name: str, cells: Sequence[object], rows: Sequence[int]) -> np.ndarray:
    return np.array(
        [_parse_number(v, name, r) for v, r in zip(cells, rows, strict=True)], dtype=np.float64
    )


def _classification_labels(raw: np.ndarray, rows: Sequence[int]) -> tuple[np.ndarray, int]:
    """Map whole-number labels in sorted order to 0..k-1 (so -1/+1 become 0/1)."""
    not_whole = np.flatnonzero(raw != np.round(raw))
    if not_whole.size:
        i = int(not_whole[0])
        raise ValueError(
            f"Labels must be whole numbers (class numbers) for classification; column "
            f"'label' at row {rows[i]} (the header is row 1) holds {raw[i]:g}."
        )
    classes = np.unique(raw)
    if len(classes) < 2:
        raise ValueError(
            f"Classification needs at least two classes, but every label is {classes[0]:g}."
        )
    if len(classes) > MAX_CLASSES:
        shown = ", ".join(f"{c:g}" for c in classes)
        raise ValueError(
            f"At most {MAX_CLASSES} classes are supported, but the label column has "
            f"{len(classes)} different values: {shown}."
        )
    return np.searchsorted(classes, raw).astype(np.int64), len(classes)


def _dataset_from_cells(
    columns: dict[str, Sequence[object]], rows: Sequence[int], kind: Kind
) -> Dataset:
    """Shared checks for table and CSV input; ``rows`` are spreadsheet row numbers."""
    # Drop rows that are empty in all three columns: spreadsheets often export trailing
    # ",," lines, and an editable table may hold a freshly added, still empty row.
    keep = [i for i in range(len(rows)) if not all(_is_blank(columns[c][i]) for c in COLUMNS)]
    if len(keep) > MAX_USER_POINTS:
        raise ValueError(
            f"Too many rows: {len(keep)} data rows, at most {MAX_USER_POINTS} are allowed."
        )
    if len(keep) < MIN_USER_POINTS:
        raise ValueError(
            f"Too few rows: {len(keep)} data row(s), at least {MIN_USER_POINTS} are needed."
        )
    kept_rows = [rows[i] for i in keep]
    values = {c: _parse_column(c, [columns[c][i] for i in keep], kept_rows) for c in COLUMNS}
    # Regression targets are learnt as they are: one of 1e300 would overflow the loss.
    for c in ("x1", "x2", "label") if kind == "regression" else ("x1", "x2"):
        too_big = np.flatnonzero(np.abs(values[c]) > MAX_ABS_COORDINATE)
        if too_big.size:
            i = int(too_big[0])
            what = "regression labels" if c == "label" else "coordinates"
            raise ValueError(
                f"Value {values[c][i]:g} in column '{c}' at row {kept_rows[i]} (the header is "
                f"row 1) is too large; {what} must lie within ±{MAX_ABS_COORDINATE:g}."
            )
    x = np.column_stack([values["x1"], values["x2"]])
    if kind == "regression":
        return _regression(x, values["label"])
    y, n_classes = _classification_labels(values["label"], kept_rows)
    return Dataset(x=x, y=y, kind="classification", n_classes=n_classes)


def dataset_from_frame(df: pd.DataFrame, kind: Kind) -> Dataset:
    """Build a Dataset from a table with columns x1, x2, label (e.g. an editable table).

    Column names match ignoring case and surrounding spaces; other columns are ignored.
    Error messages count rows like a spreadsheet: the header is row 1, the first data row
    is row 2. Rows that are empty in all three columns are skipped. Nothing is rescaled.
    For classification, up to 6 distinct whole-number labels are mapped in sorted order to
    classes 0..k-1 (so Playground's -1/+1 become 0/1).
    """
    import pandas as pd

    _check_kind(kind)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    positions = _locate_columns(list(df.columns))
    columns = {c: df.iloc[:, positions[c]].tolist() for c in COLUMNS}
    return _dataset_from_cells(columns, [i + 2 for i in range(len(df))], kind)


def _guess_delimiter(header_line: str) -> str:
    """Comma unless the header clearly uses ';' (European spreadsheets) or tabs."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


#: Characters no CSV text holds (C0 controls other than tab, line feed, carriage return).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY = "The file looks binary, not like CSV text. Upload a .csv file."


def decode_csv(data: bytes) -> str:
    """The text of an uploaded file, or a ValueError saying why it is not CSV text.

    UTF-8 (with or without Excel's byte-order mark) first; UTF-16 when the file starts with
    its byte-order mark (Excel's "Unicode text"); otherwise Windows-1252 / Latin-1, which
    older spreadsheets write (the numbers, the only thing read, are ASCII in all of them).
    A file with control characters (NUL bytes, images, archives) is reported as binary.
    """
    raw = bytes(data)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("The file starts like UTF-16 text but is not readable as it. "
                             "Save it as 'CSV UTF-8'.") from None
    elif b"\x00" in raw:
        raise ValueError(_BINARY)
    else:
        try:
            text = raw.decode("utf-8-sig")  # tolerate the byte-order mark Excel writes
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
                text = raw.decode("latin-1")
    if _CONTROL.search(text):
        raise ValueError(_BINARY)
    return text


def _csv_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row with some content; stops with a ValueError as soon
    as there are more data rows than MAX_USER_POINTS, so a huge file is not parsed whole."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                records.append((reader.line_num, row))
            if len(records) > MAX_USER_POINTS + 1:  # + the header
                rows = sum(1 for line in text.splitlines()[1:] if line.strip(" \t,;"))
                raise ValueError(f"Too many rows: {rows} data rows, at most "
                                 f"{MAX_USER_POINTS} are allowed.")
    except csv.Error as err:
        reason = str(err)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {csv.field_size_limit()} characters"
        raise ValueError(f"The file is not valid CSV (line {reader.line_num}): {reason}."
                         ) from None
    return records


def dataset_from_csv(data: bytes, kind: Kind) -> Dataset:
    """Parse an uploaded CSV file (header line with x1, x2, label; text as
    :func:`decode_csv` reads it).

    Besides commas, ';'-separated files with decimal commas and tab-separated files are
    accepted. Row numbers in error messages are line numbers of the file (header = 1).
    Never raises anything but ValueError (and TypeError for a wrong argument type).
    """
    _check_kind(kind)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    if not bytes(data).strip():
        raise ValueError("The file is empty. Upload a CSV file with columns x1, x2, label.")
    text = decode_csv(data)
    if not text.strip():
        raise ValueError("The file is empty. Upload a CSV file with columns x1, x2, label.")

    header_line = next(line for line in text.splitlines() if line.strip())
    delimiter = _guess_delimiter(header_line)
    records = _csv_records(text, delimiter)
    if not records:  # only separators and spaces, e.g. ";;\n,,"
        raise ValueError("The file holds no values. Upload a CSV file with columns x1, x2, "
                         "label.")
    header = records[0][1]
    positions = _locate_columns(header)

    columns: dict[str, list[object]] = {c: [] for c in COLUMNS}
    rows: list[int] = []
    for line, row in records[1:]:
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            hint = " Decimal commas need ';' between the columns." if delimiter == "," else ""
            raise ValueError(
                f"Row {line} has {len(row)} values but the header has {len(header)} columns.{hint}"
            )
        for c in COLUMNS:
            cell = row[positions[c]] if positions[c] < len(row) else ""
            columns[c].append(cell.replace(",", ".") if delimiter == ";" else cell)
        rows.append(line)
    return _dataset_from_cells(columns, rows, kind)


def upload_help(limit_mb: int) -> str:
    """The upload widget's help: what the file must hold and the server's size limit
    (``server.maxUploadSize`` in .streamlit/config.toml, passed in by the page)."""
    return (f"A .csv or .txt file of at most {limit_mb} MB: a header line with x1, x2, label "
            f"(other columns are ignored), then {MIN_USER_POINTS} to {MAX_USER_POINTS} rows. "
            "Commas, semicolons (with decimal commas) or tabs; UTF-8, UTF-16 or Latin-1. "
            "A file that cannot be read leaves the table as it was.")


def dataset_to_csv(dataset: Dataset) -> bytes:
    """The data set as UTF-8 CSV (header x1,x2,label) that :func:`dataset_from_csv` reads back.

    Floats are written with full precision, so coordinates survive the round trip exactly;
    classification labels are written as class indices 0..k-1.
    """
    lines = ["x1,x2,label"]
    labels = dataset.y.tolist()  # Python ints / floats, whose repr is exact and short
    for (x1, x2), label in zip(dataset.x.tolist(), labels, strict=True):
        lines.append(f"{x1!r},{x2!r},{label!r}")
    return ("\n".join(lines) + "\n").encode("utf-8")
