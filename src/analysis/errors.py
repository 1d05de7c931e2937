"""User-facing errors.

Every error a user can cause (a malformed data file, an unknown parameter value) is an
:class:`EconsecError` whose message is one self-contained line: the CLI prints it without a
traceback and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path


class EconsecError(Exception):
    """Base class of errors whose message is meant for the user, not a developer.

    In IPython (a notebook, a console) it shows as its one line, ``ParameterError: …``, without
    the traceback: IPython calls ``_render_traceback_`` instead of formatting the stack
    (``%debug`` still has the stack). Code that catches it sees the usual exception.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class DataFileError(EconsecError):
    """A data file does not match what its loader expects.

    The message names the file, the row (1-based line number in the file, header = 1), the
    column and the offending value, so the user can open the file and look.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.column = column
        self.value = value
        where = [str(self.path)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        text = ", ".join(where) + ": " + message
        if value is not None:
            text += f" (found {value!r})"
        super().__init__(text)


class UnknownCountryError(DataFileError):
    """A country name or code could not be harmonised to ISO 3166 alpha-3."""


class ParameterError(EconsecError):
    """A report parameter is missing, of the wrong type or outside its allowed values."""
