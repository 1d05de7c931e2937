"""Validation at the edge: raw columns present, tidy frames matching their schema.

Tidy frames carry ``source_line`` (the line of the raw file a row comes from), so a schema
failure is reported as one line naming the file, that row, the column and the bad value.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.errors import DataFileError


def read_csv_text(path: Path, *, encoding: str = "utf-8") -> pd.DataFrame:
    """A CSV file as a frame of strings (empty cells ""), refusing rows of the wrong width.

    pandas silently pads a short row with empty cells, so a truncated file or a broken line
    would read as missing values; here every row must have as many fields as the header, and
    the error names the first line that does not (its line number in the file).
    """
    try:
        with open(path, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise DataFileError(path, "the file is empty")
            rows = []
            for row in reader:
                if len(row) != len(header):
                    raise DataFileError(
                        path,
                        f"line has {len(row)} field(s) but the header has {len(header)} — "
                        "the file is truncated or a line is broken",
                        row=reader.line_num,
                        value=",".join(row)[:60],
                    )
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not a readable CSV file: {exc}") from None
    except csv.Error as exc:
        raise DataFileError(path, f"not a readable CSV file: {exc}") from None
    # Blank header cells (a spreadsheet's trailing columns) get pandas' "Unnamed: <i>" names so
    # column names stay unique.
    header = [name if name.strip() else f"Unnamed: {i}" for i, name in enumerate(header)]
    return pd.DataFrame(rows, columns=header, dtype="str") if rows else pd.DataFrame(columns=header, dtype="str")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> None:
    """Raise naming the first missing column (and the ones found) if the header lacks one."""
    present = [str(c).strip() for c in frame.columns]
    missing = [c for c in columns if c not in present]
    if missing:
        raise DataFileError(
            path,
            f"header lacks column(s) {', '.join(map(repr, missing))}; found {', '.join(present[:12])}"
            + (" …" if len(present) > 12 else ""),
            row=1,
        )


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> pd.DataFrame:
    """``frame`` checked against ``schema``; the first failure raised as :class:`DataFileError`."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        first = cases.iloc[0]
        index = first["index"]
        row = None
        if index is not None and not pd.isna(index) and "source_line" in frame.columns:
            row = int(frame.loc[index, "source_line"])
        check = str(first["check"])
        readable = re.sub(r"^isin\((.*)\)$", r"one of \1", check)
        raise DataFileError(
            path,
            f"value fails check {readable} ({len(cases)} failure(s) in all)",
            row=row,
            column=str(first["column"]),
            value=first["failure_case"],
        ) from None


def to_number(series: pd.Series, path: Path, column: str, *, first_row: int = 2, decimal: str = ".") -> pd.Series:
    """Strings → floats; empty cells → NaN; anything else raises naming file, row, column, value.

    ``first_row`` is the file line of the series' first element (header = line 1).
    """
    text = series.astype("string").str.strip()
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(text.replace("", pd.NA), errors="coerce")
    bad = numbers.isna() & text.fillna("").ne("")
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise DataFileError(
            path,
            "expected a number",
            row=position + first_row,
            column=column,
            value=series.iloc[position],
        )
    return numbers.astype("float64")
