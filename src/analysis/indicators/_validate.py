"""Argument checks shared by the indicator modules (private).

Every check raises :class:`~analysis.errors.ParameterError` with a one-line message naming the
argument, the value received and the valid range or choices, so a notebook author can fix the
call without reading the source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.errors import ParameterError


def fraction(name: str, value: object, *, low: float = 0.0, high: float = 1.0) -> float:
    """``value`` as a float in the closed interval [low, high] (a 0–1 share by default)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number in [{low:g}, {high:g}], got {value!r}") from None
    if not math.isfinite(number) or number < low or number > high:
        raise ParameterError(f"{name} must be in [{low:g}, {high:g}], got {value!r}")
    return number


def non_negative(name: str, value: object) -> float:
    """``value`` as a finite float ≥ 0."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a finite number ≥ 0, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise ParameterError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return number


def positive_int(name: str, value: object, *, low: int = 1) -> int:
    """``value`` as an int ≥ ``low`` (bools refused)."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ParameterError(f"{name} must be an integer ≥ {low}, got {value!r}")
    number = int(value)  # type: ignore[call-overload]
    if number < low:
        raise ParameterError(f"{name} must be an integer ≥ {low}, got {value!r}")
    return number


def choice(name: str, value: object, choices: Iterable[object]) -> object:
    """``value`` if it is one of ``choices``; otherwise an error listing them."""
    options = list(choices)
    if value not in options:
        raise ParameterError(f"unknown {name} {value!r}; valid: {', '.join(map(str, options))}")
    return value


def columns(name: str, frame: object, required: Sequence[str]) -> pd.DataFrame:
    """``frame`` if it is a DataFrame holding every column of ``required``."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{name} lacks column(s) {', '.join(missing)}; expected at least: {', '.join(required)}"
        )
    return frame


def iso3_codes(name: str, codes: object) -> tuple[str, ...]:
    """A tuple of ISO alpha-3 codes from one code or an iterable of codes."""
    if isinstance(codes, str):
        codes = (codes,)
    try:
        values = tuple(str(c) for c in codes)  # type: ignore[union-attr]
    except TypeError:
        raise ParameterError(f"{name} must be an ISO alpha-3 code or a list of them, got {codes!r}") from None
    bad = [c for c in values if len(c) != 3 or not c.isalpha() or not c.isupper()]
    if bad:
        raise ParameterError(f"{name} must hold ISO alpha-3 codes such as 'IND' or 'JPN'; got {', '.join(map(repr, bad))}")
    return values
