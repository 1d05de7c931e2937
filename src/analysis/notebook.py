"""Helpers for the report notebooks when an analyst runs them by hand (JupyterLab, VS Code, papermill).

:func:`check_parameters` is called by each notebook's ``parameters`` cell. It checks the values
against the same schema as ``econsec build`` — the notebook's ``[notebooks.<id>.parameters]`` in
``publications.toml``: declared type, ``min``/``max`` and ``domain`` (values drawn from the data,
:mod:`analysis.engine.domains`) — through the same functions (:func:`analysis.engine.params.validate_set`),
so a misspelt ``mineral = "Litium"`` stops at that cell with the CLI's one line::

    ParameterError: notebook mineral_profile (parameters cell): unknown mineral 'Litium' — did you mean 'Lithium'? valid: …

The line is all a notebook shows: :class:`analysis.errors.EconsecError` renders itself without a
traceback in IPython.

Build kernels (``ECONSEC_BUILD=1``) skip the check: ``econsec build`` validated the full
parameter set before it started the kernel, and the values it injects come in the cell *after*
the ``parameters`` cell, so the defaults are all this cell could see.
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["check_parameters", "report_title"]


def check_parameters(notebook: str, **values: Any) -> None:
    """Check a notebook's parameter values as ``econsec build`` does (returns nothing to display).

    ``notebook`` is the notebook's name in ``publications.toml`` (its file stem, e.g.
    ``"mineral_profile"``). ``values`` are the parameters by name; when none are given, each
    parameter the schema declares is read from the caller's global namespace (the notebook's),
    so the ``parameters`` cell needs no ``name=name`` list (papermill's ``--help-notebook``
    reads that cell line by line and would take such a line for a parameter). Every declared
    parameter must be present. Returns ``None`` so the cell, which ends with this call, shows
    no output (a report must not print the parameter set).

    Raises :class:`analysis.errors.ParameterError` (one line: the parameter, the bad value, the
    closest valid value and the valid ones) on the first bad value.
    """
    if os.environ.get("ECONSEC_BUILD") == "1":
        return None
    caller = sys._getframe(1).f_globals if not values else {}
    from analysis.engine.domains import DomainCache
    from analysis.engine.params import validate_set
    from analysis.engine.publications import load_matrix
    from analysis.errors import ParameterError
    from analysis.paths import project_root

    matrix = load_matrix(project_root())
    spec = matrix.notebook(notebook)
    where = f"notebook {spec.id} (parameters cell)"
    if not values:
        values = {name: caller[name] for name in spec.parameters if name in caller}
    missing = [name for name in spec.parameters if name not in values]
    if missing:
        raise ParameterError(f"{where}: parameter(s) {', '.join(map(repr, missing))} not set before check_parameters()")
    validate_set(spec.parameters, values, where, DomainCache(None, "", matrix.domains), spec.id, spec.combinations)
    return None


def report_title(notebook: str, **values: Any) -> str:
    """The report's title as ``publications.toml`` declares it, its ``{param}`` placeholders filled.

    The toml title is the only title: the index page, the feed and the report's own heading all
    come from it. ``values`` are the parameters by name; when none are given they are read from
    the caller's (the notebook's) global namespace, as :func:`check_parameters` does.
    """
    caller = sys._getframe(1).f_globals if not values else {}
    from analysis.engine.publications import load_matrix
    from analysis.paths import project_root

    spec = load_matrix(project_root()).notebook(notebook)
    if not values:
        values = {name: caller[name] for name in spec.parameters if name in caller}
    return spec.title.format(**values)
