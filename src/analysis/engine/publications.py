"""``publications.toml``: notebooks, their parameter schema, and the matrix of reports.

See the file's header comment for the format. This module turns it into :class:`NotebookSpec`
and :class:`Report` objects, checks it (unknown keys, types, domains, duplicate outputs) and
selects reports for ``econsec build NAME … -p key=value``. It reads each notebook only to find
the defaults in its ``parameters`` cell (a literal-only parse, no kernel).
"""

from __future__ import annotations

import ast
import fnmatch
import json
import string
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.engine.params import MISSING, TYPES, Combination, ParamSpec, parse_assignment, parse_text, unknown_name, validate_set
from analysis.errors import ParameterError
from analysis.paths import slug

MATRIX_FILE = "publications.toml"
NOTEBOOK_KEYS = {"path", "title", "output", "group", "parameters", "description", "combinations", "linked_from_all"}
PARAM_KEYS = {"type", "domain", "min", "max", "help"}
PROJECT_KEYS = {"title", "domains", "sections", "base_url"}
#: Title of reports/index.html when ``[project] title`` is not given.
DEFAULT_TITLE = "Reports"
RESERVED_STEMS = {"index"}


class MatrixError(ParameterError):
    """``publications.toml`` itself is malformed."""


@dataclass(frozen=True)
class NotebookSpec:
    id: str
    path: Path  # absolute
    relpath: str  # as written in publications.toml
    title: str
    output: str
    group: str
    parameters: dict[str, ParamSpec] = field(default_factory=dict)
    #: parameter values that must exist together in the data (``[[notebooks.<id>.combinations]]``)
    combinations: tuple[Combination, ...] = ()
    #: every other report links this one (``linked_from_all = true``: the methods page)
    linked_from_all: bool = False

    def placeholders(self) -> set[str]:
        names = set()
        for text in (self.title, self.output):
            names.update(f for _, f, _, _ in string.Formatter().parse(text) if f)
        return names


@dataclass(frozen=True)
class Report:
    """One output: a notebook with one complete, validated parameter set."""

    notebook: NotebookSpec
    params: dict[str, Any]
    stem: str
    title: str
    origin: str  # where the parameter set came from, for messages
    #: (href, title) of the pages this report links to: reports on the same subject and sections
    #: of other reports about it (:func:`related_reports`)
    related: tuple[tuple[str, str], ...] = ()
    #: (publisher, base URL) the page cites and links with: ``[project] title`` and ``base_url``
    site: tuple[str, str] = ("", "")

    @property
    def group(self) -> str:
        return self.notebook.group


def _flag(raw: dict[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _fail(where, f"{key!r} must be true or false, got {value!r}")
    return value


def _subject(report: Report) -> set[tuple[str, str]]:
    return {(k, v) for k, v in report.params.items() if isinstance(v, str)}


def section_links(section: Mapping[str, Any], reports: Sequence[Report]) -> list[tuple[str, str]]:
    """(href, label) of one report section (a ``[project] sections`` value: ``notebook``,
    ``params``, ``fragment``, ``label``) in each of ``reports`` that holds it: the reports of that
    notebook whose parameters include the section's ``params``."""
    wanted = dict(section.get("params", {})).items()
    return [(f"{target.stem}.html#{section['fragment']}", str(section["label"])) for target in reports
            if target.notebook.id == section["notebook"] and wanted <= target.params.items()]


def related_reports(report: Report, matrix_reports: Sequence[Report],
                    sections: Sequence[Mapping[str, Any]] = ()) -> tuple[tuple[str, str], ...]:
    """(href, title) of the pages ``report`` links to, in this order, each once:

    * the matrix's reports that share a text parameter's value with it — the rare-earths profile
      and every rare-earths scenario, say — and the reports of notebooks marked
      ``linked_from_all`` (the methods page, the explorer), in matrix order, itself excluded; a
      ``linked_from_all`` report links only the other such reports;
    * sections of other reports about its subject. ``sections`` (the ``[project] sections``
      domain function's values, computed from the data) are mappings ``{"subject": {"mineral":
      "Rare earths"}, "notebook": "country_dependence", "params": {"country": "India"},
      "fragment": "mineral-rare-earths", "label": "India: imports of rare earths"}``: a report
      whose text parameters include the subject links ``<target>.html#<fragment>`` for each
      matrix report of that notebook whose parameters include ``params``;
    * and back: the target report links the reports that are about exactly that subject (the
      profile, not every scenario on the mineral).

    Only text parameters (``mineral = "Rare earths"``, ``country = "India"``) define a subject;
    numbers (a year, a cut) do not, or every 2024 report would be related to every other.
    """
    # a page every report links (methods, explorer) is about every subject: its parameters (the
    # explorer's first mineral) relate it to nothing, it links only the other such pages
    subject = set() if report.notebook.linked_from_all else _subject(report)
    found: dict[str, str] = {}
    for other in matrix_reports:
        href = f"{other.stem}.html"
        if other.stem == report.stem or href in found:
            continue
        if other.notebook.linked_from_all:
            found[href] = other.title
        elif subject & _subject(other):
            found[href] = other.title
    back: dict[str, str] = {}
    for section in sections:
        about = {(str(k), str(v)) for k, v in section["subject"].items()}
        target_params = dict(section.get("params", {}))
        if about <= subject:
            for href, label in section_links(section, [t for t in matrix_reports if t.stem != report.stem]):
                found.setdefault(href, label)
        if (report.notebook.id == section["notebook"] and target_params.items() <= report.params.items()
                and not report.notebook.linked_from_all):
            for other in matrix_reports:
                if other.stem != report.stem and _subject(other) == about:
                    back.setdefault(f"{other.stem}.html", other.title)
    for href, title in back.items():
        found.setdefault(href, title)
    return tuple(found.items())


@dataclass
class Matrix:
    root: Path
    notebooks: dict[str, NotebookSpec]
    #: Parameter sets as written (not yet validated): (notebook id, given params, origin)
    sets: list[tuple[str, dict[str, Any], str]]
    #: ``[project] title``: the title of reports/index.html
    title: str = DEFAULT_TITLE
    #: ``[project] domains``: the module whose functions give parameters' allowed values
    domains: str | None = None
    #: ``[project] sections``: the domain function listing report sections about a subject
    #: (see :func:`related_reports`)
    sections: str | None = None
    #: ``[project] base_url``: the address the reports folder is published at ("" — relative
    #: links only); makes embed snippets, citations and social-card images absolute
    base_url: str = ""

    def notebook(self, name: str) -> NotebookSpec:
        """A notebook by id or by path (``notebooks/x.ipynb``)."""
        if name in self.notebooks:
            return self.notebooks[name]
        for spec in self.notebooks.values():
            if name in (spec.relpath, str(spec.path)) or Path(name).stem == spec.id and name.endswith(".ipynb"):
                return spec
        raise unknown_name(name, self.notebooks, MATRIX_FILE, "notebook")


def _fail(where: str, message: str) -> MatrixError:
    return MatrixError(f"{MATRIX_FILE}: {where}: {message}")


def notebook_defaults(path: Path) -> dict[str, Any]:
    """Literal values assigned in the notebook's ``parameters`` cell (exactly one is required)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MatrixError(f"{MATRIX_FILE}: notebook {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise MatrixError(f"{path}: not a readable notebook ({exc})") from None
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise MatrixError(f"{path}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    source = cells[0].get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise MatrixError(f"{path}: parameters cell is not valid Python ({exc.msg}, line {exc.lineno})") from None
    defaults: dict[str, Any] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    defaults[target.id] = ast.literal_eval(value)
                except ValueError:
                    defaults[target.id] = MISSING
    return defaults


def _param_spec(name: str, raw: Any, where: str, default: Any, known_domains: dict[str, Any]) -> ParamSpec:
    if not isinstance(raw, dict):
        raise _fail(where, "must be a table with at least 'type'")
    extra = set(raw) - PARAM_KEYS
    if extra:
        raise _fail(where, f"unknown key {sorted(extra)[0]!r}; allowed: {', '.join(sorted(PARAM_KEYS))}")
    kind = raw.get("type")
    if kind not in TYPES:
        raise _fail(where, f"type {kind!r} is not one of {', '.join(TYPES)}")
    bounds = {}
    for key in ("min", "max"):
        if key in raw:
            if not isinstance(raw[key], (int, float)) or isinstance(raw[key], bool):
                raise _fail(where, f"{key} must be a number, got {raw[key]!r}")
            if kind.replace("list[", "").rstrip("]") not in ("int", "float"):
                raise _fail(where, f"{key} applies to int and float parameters only")
            bounds[key] = raw[key]
    domain = raw.get("domain")
    if domain is not None:
        if not known_domains:
            raise _fail(where, f"domain {domain!r} needs a domain module: set [project] domains = \"<module>\"")
        if domain not in known_domains:
            raise unknown_name(domain, sorted(known_domains), f"{MATRIX_FILE}: {where}", "domain")
    return ParamSpec(
        name=name,
        type=kind,
        domain=domain,
        min=bounds.get("min"),
        max=bounds.get("max"),
        help=str(raw.get("help", "")),
        default=default,
    )


def load_matrix(root: Path) -> Matrix:
    """Parse and structurally check ``<root>/publications.toml`` (values are checked by :func:`reports`)."""
    path = root / MATRIX_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MatrixError(f"{path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise MatrixError(f"{path}: {exc}") from None
    extra = set(data) - {"project", "notebooks", "publications"}
    if extra:
        raise _fail("top level", f"unknown table {sorted(extra)[0]!r}; expected [project], [notebooks.<id>] and [[publications]]")
    project = data.get("project") or {}
    if not isinstance(project, dict):
        raise _fail("project", "must be a table")
    if set(project) - PROJECT_KEYS:
        raise _fail("project", f"unknown key {sorted(set(project) - PROJECT_KEYS)[0]!r}; allowed: {', '.join(sorted(PROJECT_KEYS))}")
    for key in PROJECT_KEYS:
        if key in project and (not isinstance(project[key], str) or not project[key]):
            raise _fail("project", f"'{key}' must be a non-empty string")
    from analysis.engine.domains import registry

    domains_module = project.get("domains")
    known_domains = registry(domains_module)
    sections = project.get("sections")
    if sections is not None and sections not in known_domains:
        if not known_domains:
            raise _fail("project", f"sections = {sections!r} needs a domain module: set [project] domains = \"<module>\"")
        raise unknown_name(sections, sorted(known_domains), f"{MATRIX_FILE}: [project] sections", "domain")
    notebooks: dict[str, NotebookSpec] = {}
    for nb_id, raw in (data.get("notebooks") or {}).items():
        where = f"notebooks.{nb_id}"
        if not isinstance(raw, dict):
            raise _fail(where, "must be a table")
        extra = set(raw) - NOTEBOOK_KEYS
        if extra:
            raise _fail(where, f"unknown key {sorted(extra)[0]!r}; allowed: {', '.join(sorted(NOTEBOOK_KEYS))}")
        for key in ("path", "title", "output"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise _fail(where, f"'{key}' is required (a string)")
        nb_path = (root / raw["path"]).resolve()
        defaults = notebook_defaults(nb_path)
        params = {}
        for name, spec in (raw.get("parameters") or {}).items():
            if name not in defaults:
                raise _fail(
                    f"{where}.parameters.{name}",
                    f"the notebook's parameters cell does not assign {name!r} (it assigns: {', '.join(defaults) or 'nothing'})",
                )
            params[name] = _param_spec(name, spec, f"{where}.parameters.{name}", defaults[name], known_domains)
        combinations = []
        for number, combo in enumerate(raw.get("combinations") or [], start=1):
            cwhere = f"{where}.combinations #{number}"
            if not isinstance(combo, dict) or set(combo) - {"parameters", "domain", "help"}:
                raise _fail(cwhere, "expects keys 'parameters', 'domain' and 'help' only")
            names = combo.get("parameters")
            if not isinstance(names, list) or not names or any(n not in params for n in names):
                raise _fail(cwhere, f"'parameters' must list declared parameters ({', '.join(params)})")
            if combo.get("domain") not in known_domains:
                raise unknown_name(str(combo.get("domain")), sorted(known_domains), cwhere, "domain")
            combinations.append(Combination(tuple(names), combo["domain"], str(combo.get("help", ""))))
        spec = NotebookSpec(
            id=nb_id,
            path=nb_path,
            relpath=raw["path"],
            title=raw["title"],
            output=raw["output"],
            group=str(raw.get("group", "Reports")),
            parameters=params,
            combinations=tuple(combinations),
            linked_from_all=_flag(raw, "linked_from_all", where),
        )
        unknown = spec.placeholders() - set(params)
        if unknown:
            raise _fail(where, f"title/output use {{{sorted(unknown)[0]}}}, which is not a declared parameter")
        notebooks[nb_id] = spec
    sets: list[tuple[str, dict[str, Any], str]] = []
    for number, entry in enumerate(data.get("publications") or [], start=1):
        where = f"[[publications]] #{number}"
        if not isinstance(entry, dict) or set(entry) - {"notebook", "parameters"}:
            raise _fail(where, "expects keys 'notebook' and 'parameters' only")
        nb_id = entry.get("notebook")
        if nb_id not in notebooks:
            raise unknown_name(str(nb_id), notebooks, f"{MATRIX_FILE}: {where}", "notebook")
        param_sets = entry.get("parameters", [{}])
        if not isinstance(param_sets, list) or not all(isinstance(p, dict) for p in param_sets):
            raise _fail(where, "'parameters' must be a list of tables")
        for index, given in enumerate(param_sets, start=1):
            sets.append((nb_id, dict(given), f"{MATRIX_FILE} [[publications]] #{number} set {index}"))
    return Matrix(root=root, notebooks=notebooks, sets=sets, title=project.get("title", DEFAULT_TITLE), domains=domains_module,
                  sections=sections, base_url=project.get("base_url", ""))


def make_report(spec: NotebookSpec, params: dict[str, Any], origin: str) -> Report:
    slugs = {k: slug(v) if not isinstance(v, list) else "-".join(slug(x) for x in v) for k, v in params.items()}
    stem = spec.output.format(**slugs)
    if not stem or "/" in stem or "\\" in stem or stem.startswith((".", "_")) or stem in RESERVED_STEMS:
        raise ParameterError(f"{origin}: output name {stem!r} of notebook {spec.id} is not usable")
    return Report(notebook=spec, params=params, stem=stem, title=spec.title.format(**params), origin=origin)


def where_of(spec: NotebookSpec, origin: str) -> str:
    return f"notebook {spec.id} ({origin})"


def reports(
    matrix: Matrix,
    domain_values: Callable[[str], Sequence[Any]],
    names: Sequence[str] = (),
    overrides: Sequence[str] = (),
) -> list[Report]:
    """The validated reports to build.

    ``names`` selects by report stem, notebook id or shell pattern (default: the whole matrix).
    ``overrides`` (``key=value`` strings, typed by each notebook's schema) replace that key in
    every selected parameter set; a selected notebook without any set in the matrix gets one
    set made of the overrides and its defaults. Raises :class:`ParameterError` on the first
    bad value, before anything runs.
    """
    candidates: list[tuple[NotebookSpec, dict[str, Any], str]] = [
        (matrix.notebooks[nb_id], given, origin) for nb_id, given, origin in matrix.sets
    ]
    # Stems of the matrix as written (needed to select by stem before overrides apply).
    matrix_reports = [
        make_report(spec, validate_set(spec.parameters, given, where_of(spec, origin), domain_values, spec.id, spec.combinations), origin)
        for spec, given, origin in candidates
    ]
    if names:
        chosen: list[tuple[NotebookSpec, dict[str, Any], str]] = []
        extra_notebooks: list[NotebookSpec] = []
        for name in names:
            hits = [
                (r.notebook, r.params, r.origin)
                for r in matrix_reports
                if name in (r.stem, r.notebook.id) or fnmatch.fnmatchcase(r.stem, name)
            ]
            if not hits and name in matrix.notebooks:
                extra_notebooks.append(matrix.notebooks[name])
                continue
            if not hits:
                known = sorted({r.stem for r in matrix_reports} | set(matrix.notebooks))
                raise unknown_name(name, known, "econsec build", "report or notebook")
            for hit in hits:
                if all(hit[2] != c[2] or hit[0].id != c[0].id for c in chosen):
                    chosen.append(hit)
        for spec in extra_notebooks:
            chosen.append((spec, {}, "command line"))
    else:
        chosen = [(r.notebook, r.params, r.origin) for r in matrix_reports]

    if overrides:
        pairs = [parse_assignment(item) for item in overrides]
        keys = {key for key, _ in pairs}
        for key in sorted(keys):
            if not any(key in spec.parameters for spec, _, _ in chosen):
                known = sorted({name for spec, _, _ in chosen for name in spec.parameters})
                raise unknown_name(key, known, "-p", "parameter")
        updated = []
        for spec, given, origin in chosen:
            typed = dict(given)
            for key, text in pairs:
                if key in spec.parameters:
                    typed[key] = parse_text(spec.parameters[key], text, f"notebook {spec.id} (-p {key}={text})")
            updated.append((spec, typed, origin + " with -p" if given else "-p"))
        chosen = updated

    result: list[Report] = []
    seen: dict[str, Report] = {}
    for spec, given, origin in chosen:
        params = validate_set(spec.parameters, given, where_of(spec, origin), domain_values, spec.id, spec.combinations)
        report = make_report(spec, params, origin)
        if report.stem in seen:
            other = seen[report.stem]
            if other.notebook.id == spec.id and other.params == params:
                continue  # the same report selected twice
            raise ParameterError(
                f"{origin}: output {report.stem!r} is also produced by {other.origin}; "
                "give the notebook's 'output' a placeholder that tells them apart"
            )
        seen[report.stem] = report
        result.append(report)
    return result

