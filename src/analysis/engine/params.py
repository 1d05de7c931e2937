"""Typed report parameters: the schema of one parameter, parsing ``-p`` text, validation.

Unlike ``papermill -p`` (which turns ``[1,2]`` into a string) or Quarto (which turns ``"029"``
into 29), a value is parsed according to the parameter's declared type and nothing else:

======== ======================================== ==========================================
type     from ``-p key=value``                    from ``publications.toml``
======== ======================================== ==========================================
str      the text exactly (``029`` stays "029")    a TOML string
int      ``[+-]digits`` only (``1.0`` is refused)  a TOML integer
float    a finite decimal number                  a TOML float or integer
bool     true/false, yes/no, on/off, 1/0           a TOML boolean
list[T]  a JSON array or comma-separated items     a TOML array of T
======== ======================================== ==========================================

Validation then checks ``min``/``max`` and, when the schema names a ``domain``, membership in
the values that domain draws from the data. Every failure is one :class:`ParameterError` line
naming the notebook, the parameter, the value, the valid values and the closest match.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.errors import ParameterError

SCALAR_TYPES = ("str", "int", "float", "bool")
TYPES = SCALAR_TYPES + tuple(f"list[{t}]" for t in SCALAR_TYPES)
#: Valid values listed in an error line before "… and N more".
MAX_LISTED = 25

_INT = re.compile(r"[+-]?\d+")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_MISSING = object()


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a notebook, as declared in ``publications.toml``."""

    name: str
    type: str
    domain: str | None = None
    min: float | None = None
    max: float | None = None
    help: str = ""
    #: Value assigned in the notebook's ``parameters`` cell (``MISSING`` when not a literal).
    default: Any = field(default=_MISSING, compare=False)

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING

    @property
    def item_type(self) -> str:
        return self.type[5:-1] if self.type.startswith("list[") else self.type

    @property
    def is_list(self) -> bool:
        return self.type.startswith("list[")

    def describe_bounds(self) -> str:
        if self.min is not None and self.max is not None:
            return f"[{_fmt(self.min)}, {_fmt(self.max)}]"
        if self.min is not None:
            return f"≥ {_fmt(self.min)}"
        if self.max is not None:
            return f"≤ {_fmt(self.max)}"
        return ""


MISSING = _MISSING


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def show(value: Any) -> str:
    """A value as the user would type it in an error line."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


# ---------------------------------------------------------------------------- parsing text


def parse_assignment(text: str) -> tuple[str, str]:
    """``"key=value"`` → ``("key", "value")`` (only the first ``=`` splits)."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ParameterError(f"-p {text!r}: expected key=value, e.g. -p mineral=Lithium")
    return key, value


def _parse_scalar(kind: str, text: str, where: str, name: str) -> Any:
    if kind == "str":
        return text
    stripped = text.strip()
    if kind == "int":
        if not _INT.fullmatch(stripped):
            raise ParameterError(f"{where}: parameter {name!r} expects an integer, got {text!r}")
        return int(stripped)
    if kind == "float":
        try:
            number = float(stripped)
        except ValueError:
            raise ParameterError(f"{where}: parameter {name!r} expects a number, got {text!r}") from None
        if not math.isfinite(number):
            raise ParameterError(f"{where}: parameter {name!r} expects a finite number, got {text!r}")
        return number
    if kind == "bool":
        lowered = stripped.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ParameterError(f"{where}: parameter {name!r} expects true or false, got {text!r}")
    raise AssertionError(kind)


def parse_text(spec: ParamSpec, text: str, where: str) -> Any:
    """The typed value of ``-p name=text`` for ``spec`` (not yet range/domain checked)."""
    if not spec.is_list:
        return _parse_scalar(spec.type, text, where, spec.name)
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{where}: parameter {spec.name!r} expects a JSON array, got {text!r} ({exc.msg})") from None
        if not isinstance(items, list):
            raise ParameterError(f"{where}: parameter {spec.name!r} expects a list, got {text!r}")
        return [check_type(spec, item, where, item_only=True) for item in items]
    if not stripped:
        return []
    return [_parse_scalar(spec.item_type, part.strip(), where, spec.name) for part in text.split(",")]


# ---------------------------------------------------------------------------- validation


def check_type(spec: ParamSpec, value: Any, where: str, *, item_only: bool = False) -> Any:
    """``value`` (from TOML or JSON) normalised to the declared type, or a one-line error."""
    kind = spec.item_type if item_only else spec.type
    if kind.startswith("list["):
        if not isinstance(value, list):
            raise ParameterError(f"{where}: parameter {spec.name!r} expects a list, got {show(value)}")
        return [check_type(spec, item, where, item_only=True) for item in value]
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
    }[kind]
    if not ok:
        raise ParameterError(
            f"{where}: parameter {spec.name!r} expects {kind}, got {type(value).__name__} {show(value)}"
        )
    if kind == "float":
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(f"{where}: parameter {spec.name!r} expects a finite number, got {show(value)}")
    return value


def closest(value: Any, candidates: Sequence[Any]) -> Any | None:
    """The candidate a user most likely meant (case-insensitive text match, or nearest number)."""
    if not candidates:
        return None
    if isinstance(value, str):
        texts = {str(c): c for c in candidates}
        lowered = {k.lower(): v for k, v in texts.items()}
        if value.lower() in lowered:
            return lowered[value.lower()]
        match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[match[0]] if match else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        numeric = [c for c in candidates if isinstance(c, (int, float)) and not isinstance(c, bool)]
        if numeric:
            return min(numeric, key=lambda c: (abs(c - value), c))
    return None


def listing(values: Sequence[Any], hint: str = "") -> str:
    """``a, b, c`` — at most :data:`MAX_LISTED` values, then "… and N more"."""
    shown = ", ".join(str(v) for v in values[:MAX_LISTED])
    if len(values) > MAX_LISTED:
        shown += f", … and {len(values) - MAX_LISTED} more{hint}"
    return shown


def check_value(
    spec: ParamSpec,
    value: Any,
    where: str,
    domain_values: Callable[[str], Sequence[Any]],
    notebook_id: str = "",
) -> Any:
    """Type, bounds and domain check of one value; returns it normalised."""
    value = check_type(spec, value, where)
    items = value if spec.is_list else [value]
    for item in items:
        if spec.item_type in ("int", "float"):
            if spec.min is not None and item < spec.min or spec.max is not None and item > spec.max:
                raise ParameterError(
                    f"{where}: {spec.name} {show(item)} is out of range — valid: {spec.describe_bounds()}"
                )
        if spec.domain:
            allowed = domain_values(spec.domain)
            if item not in allowed:
                guess = closest(item, allowed)
                did_you_mean = f" — did you mean {show(guess)}?" if guess is not None else ""
                hint = f" (`econsec params {notebook_id}`)" if notebook_id else ""
                raise ParameterError(
                    f"{where}: unknown {spec.name} {show(item)}{did_you_mean} valid: {listing(list(allowed), hint)}"
                )
    return value


def unknown_name(name: str, known: Iterable[str], where: str, what: str = "parameter") -> ParameterError:
    """The error for a name that is not in ``known`` (with a close match)."""
    known = list(known)
    guess = closest(name, known)
    did_you_mean = f" — did you mean {guess!r}?" if guess is not None else ""
    return ParameterError(f"{where}: unknown {what} {name!r}{did_you_mean} valid: {listing(known) or '(none)'}")


@dataclass(frozen=True)
class Combination:
    """Parameters whose values must exist *together* in the data (e.g. mineral × stage × year).

    ``domain`` names a function of the domains module returning the allowed value tuples, one
    list per combination, in the order of ``parameters``.
    """

    parameters: tuple[str, ...]
    domain: str
    help: str = ""


def check_combination(
    combination: Combination, values: Mapping[str, Any], where: str, domain_values: Callable[[str], Sequence[Any]]
) -> None:
    """One line naming the first value that has no data with the values before it, and the valid ones."""
    allowed = [tuple(row) for row in domain_values(combination.domain)]
    names = combination.parameters
    key = tuple(values[name] for name in names)
    if key in allowed:
        return
    for depth in range(len(names)):
        prefix = key[:depth]
        options = [row[depth] for row in allowed if row[:depth] == prefix]
        if key[depth] not in options:
            valid = sorted(set(options), key=str)
            context = ", ".join(f"{n} {show(v)}" for n, v in zip(names, prefix))
            guess = closest(key[depth], valid)
            did_you_mean = f" — did you mean {show(guess)}?" if guess is not None else ""
            raise ParameterError(
                f"{where}: no data for {names[depth]} {show(key[depth])}"
                + (f" with {context}" if context else "")
                + f"{did_you_mean} valid: {listing(valid)}"
            )


def validate_set(
    specs: Mapping[str, ParamSpec],
    given: Mapping[str, Any],
    where: str,
    domain_values: Callable[[str], Sequence[Any]],
    notebook_id: str = "",
    combinations: Sequence[Combination] = (),
) -> dict[str, Any]:
    """A complete, checked parameter set in schema order (notebook defaults fill the gaps), then
    each ``combinations`` entry checked against the data (:func:`check_combination`)."""
    for name in given:
        if name not in specs:
            raise unknown_name(name, specs, where)
    result: dict[str, Any] = {}
    for name, spec in specs.items():
        if name in given:
            value = given[name]
        elif spec.has_default:
            value = spec.default
        else:
            raise ParameterError(f"{where}: parameter {name!r} is missing and the notebook gives no default")
        result[name] = check_value(spec, value, where, domain_values, notebook_id)
    for combination in combinations:
        check_combination(combination, result, where, domain_values)
    return result
