"""``econsec build``, ``econsec list``, ``econsec params`` (registered by :mod:`analysis.cli`).

Exit codes (all sub-commands): 0 everything asked for was done; 1 a report failed to build
(the others were still built); 2 usage or input error — a bad parameter value, an unknown
report, a malformed ``publications.toml`` or data file — reported in one line, before any
kernel starts and with nothing written.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_CODES = """\
exit codes:
  0  every report asked for is built (or was already up to date)
  1  at least one report failed; the others were built, failures are listed
  2  usage or input error (bad parameter value, unknown report, malformed
     publications.toml or data file — also when a notebook's loader finds the
     malformed file): one line, nothing written for that report
  130 interrupted (Ctrl-C): reports finished so far are kept, nothing is
     half-written, kernels are stopped
"""

BUILD_EPILOG = (
    """\
examples:
  econsec build                         every report of publications.toml, HTML and PDF
  econsec build lithium cobalt          two reports (by output name)
  econsec build mineral_profile -p year=2023 --format html
                                        every mineral profile, for 2023, HTML only
  econsec build --force --jobs 1        rebuild everything, one report at a time

Reports go to reports/<name>.html and .pdf, the executed notebook beside them
(reports/<name>.ipynb; reports/_failed/<name>.ipynb when it failed) and
reports/index.html links them all. Unchanged reports are skipped: the cache keys
each output on the notebook, its parameters, the data files it read, the
analysis source and templates, and package versions.

"""
    + EXIT_CODES
)


def _project():
    from analysis.engine.cache import Project
    from analysis.paths import project_root

    return Project(project_root())


def _formats(text: str) -> list[str]:
    return [part for part in text.split(",")]


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser(
        "build",
        help="build reports (HTML and PDF) from publications.toml",
        description="Execute each report's notebook with its parameters and convert it to a "
        "self-contained offline HTML page and a PDF. Skips reports whose inputs did not change.",
        epilog=BUILD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("names", nargs="*", metavar="NAME", help="report output names, notebook ids or shell patterns (default: all)")
    build.add_argument("--format", default="html,pdf", type=_formats, metavar="html,pdf", help="output formats (default: html,pdf)")
    build.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="reports built in parallel (default: number of cores)")
    build.add_argument("--force", action="store_true", help="rebuild even when up to date")
    build.add_argument("-p", "--param", action="append", default=[], metavar="key=value", dest="params",
                       help="set a parameter (typed by the notebook's schema); repeatable")
    build.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="run the reports on this dask.distributed scheduler (extra 'distributed')")
    build.add_argument("--timeout", type=int, default=1800, metavar="SECONDS", help="limit for one notebook cell (default: 1800)")
    build.add_argument("--no-progress", action="store_true", help="no progress display (default: shown on a terminal)")
    build.add_argument("--quiet", "-q", action="store_true", help="print failures only")
    build.set_defaults(handler=cmd_build)

    listing = subparsers.add_parser(
        "list",
        help="every report with its parameters and status (fresh / stale / failed)",
        description="List every publication of publications.toml with its parameters and whether "
        "its outputs are fresh, stale (and why) or failed last time. Reads no notebook output.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    listing.add_argument("--format", default="html,pdf", type=_formats, metavar="html,pdf", help="formats that count (default: html,pdf)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=cmd_list)

    params = subparsers.add_parser(
        "params",
        help="a notebook's parameter schema",
        description="Show the parameters of a notebook: type, default, allowed values (from the data) and help.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    params.add_argument("notebook", metavar="NOTEBOOK", help="notebook id (publications.toml) or path")
    params.add_argument("--json", action="store_true", help="machine-readable output")
    params.set_defaults(handler=cmd_params)


# ----------------------------------------------------------------------------- build


def cmd_build(args: argparse.Namespace) -> int:
    from analysis.engine.runner import BuildOptions, build
    from analysis.errors import ParameterError

    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs must be at least 1, got {args.jobs}")
    if args.scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ParameterError("--scheduler needs dask.distributed: pip install 'econsec[distributed]'") from None
    options = BuildOptions(
        names=args.names,
        formats=tuple(args.format),
        jobs=args.jobs,
        force=args.force,
        overrides=args.params,
        scheduler=args.scheduler,
        progress=False if (args.no_progress or args.quiet) else None,
        timeout=args.timeout,
    )
    project = _project()
    result = build(project, options)
    print_summary(result, project, quiet=args.quiet)
    return result.exit_code


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, width=None if stream.isatty() else 120, highlight=False, soft_wrap=False)


def print_summary(result: Any, project: Any, *, quiet: bool = False) -> None:
    from rich.table import Table

    outcomes = result.outcomes
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    if not quiet:
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        for column in ("report", "status", "time", "output"):
            table.add_column(column, justify="right" if column == "time" else "left", no_wrap=column != "output")
        shown = outcomes if len(outcomes) <= 40 else [o for o in outcomes if o.status != "fresh"]
        style = {"built": "green", "converted": "green", "fresh": "dim", "failed": "bold red", "not run": "yellow",
                 "input error": "bold red"}
        for outcome in shown:
            stem = outcome.decision.report.stem
            if outcome.status == "fresh":
                files = [f"reports/{stem}.{fmt}" for fmt in (outcome.decision.entry or {}).get("outputs", {})]
            else:
                files = outcome.outputs
            seconds = f"{outcome.seconds:.1f} s" if outcome.status not in ("fresh", "not run", "input error") else "–"
            table.add_row(stem, f"[{style.get(outcome.status, '')}]{outcome.status}[/]", seconds, ", ".join(files))
        if len(shown) < len(outcomes):
            table.add_row(f"… {len(outcomes) - len(shown)} more", "[dim]fresh[/]", "–", "")
        console = _console()
        console.print(table)
    failures = [o for o in outcomes if o.status in ("failed", "not run", "input error")]
    errors = _console(stderr=True)
    for outcome in failures:
        message = outcome.message or f"report {outcome.decision.report.stem} was not run (build interrupted)"
        errors.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    parts = [f"{counts[s]} {s}" for s in ("built", "converted", "fresh", "failed", "input error", "not run") if counts.get(s)]
    line = f"{len(outcomes)} report{'s' if len(outcomes) != 1 else ''}: {', '.join(parts) or 'nothing to do'} in {result.seconds:.1f} s"
    if not quiet or failures:
        (errors if failures else _console()).print(line, highlight=False)


# ----------------------------------------------------------------------------- list


def cmd_list(args: argparse.Namespace) -> int:
    from analysis.engine.cache import BuildInputs, decide
    from analysis.engine.plan import check_formats, load_reports

    formats = check_formats(args.format)
    project = _project()
    inputs = BuildInputs.compute(project)
    reports = load_reports(project, inputs)
    decisions = [decide(report, formats, inputs) for report in reports]
    inputs.hasher.save()
    rows = []
    for decision in decisions:
        report = decision.report
        entry = decision.entry or {}
        failure = (entry.get("failure") or {}) if decision.status == "failed" else {}
        rows.append({
            "report": report.stem,
            "notebook": report.notebook.id,
            "title": report.title,
            "group": report.group,
            "parameters": report.params,
            "status": decision.status,
            "reason": "" if decision.status == "fresh" else decision.reason,
            "failure": failure.get("summary", ""),
            "kept": failure.get("kept"),
            "outputs": [f"reports/{report.stem}.{fmt}" for fmt in formats],
        })
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("report", "notebook", "parameters", "status", "why"):
        table.add_column(column, no_wrap=column not in ("why", "parameters"))
    colours = {"fresh": "green", "stale": "yellow", "failed": "bold red"}
    for row in rows:
        params = ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in row["parameters"].items())
        why = row["reason"] + (f" (notebook kept at {row['kept']})" if row["kept"] else "")
        table.add_row(row["report"], row["notebook"], params, f"[{colours[row['status']]}]{row['status']}[/]", why)
    _console().print(table)
    return 0


# ----------------------------------------------------------------------------- params


def cmd_params(args: argparse.Namespace) -> int:
    from analysis.engine.cache import BuildInputs
    from analysis.engine.publications import load_matrix
    from analysis.engine.plan import domain_cache

    project = _project()
    matrix = load_matrix(project.root)
    spec = matrix.notebook(args.notebook)
    domains = domain_cache(project, BuildInputs.compute(project), matrix)
    described = []
    for param in spec.parameters.values():
        values = domains(param.domain) if param.domain else None
        described.append({
            "name": param.name,
            "type": param.type,
            "default": param.default if param.has_default else None,
            "domain": param.domain,
            "values": values,
            "min": param.min,
            "max": param.max,
            "help": param.help,
        })
    domains.save()
    if args.json:
        print(json.dumps({"notebook": spec.id, "path": spec.relpath, "title": spec.title, "output": spec.output,
                          "group": spec.group, "parameters": described}, indent=1, ensure_ascii=False))
        return 0
    console = _console()
    console.print(f"[bold]{spec.id}[/]  {spec.relpath}", highlight=False)
    console.print(f"title:  {spec.title}\noutput: reports/{spec.output}.html, .pdf\ngroup:  {spec.group}\n", highlight=False, markup=False)
    for item in described:
        default = json.dumps(item["default"], ensure_ascii=False) if item["default"] is not None else "(none)"
        console.print(f"[bold]{item['name']}[/]: {item['type']}  default {default}", highlight=False)
        if item["help"]:
            console.print(f"    {item['help']}", highlight=False, markup=False)
        bounds = []
        if item["min"] is not None:
            bounds.append(f"min {item['min']}")
        if item["max"] is not None:
            bounds.append(f"max {item['max']}")
        if bounds:
            console.print("    range: " + ", ".join(bounds), highlight=False)
        if item["values"] is not None:
            from analysis.engine.domains import registry

            values = ", ".join(str(v) for v in item["values"])
            console.print(f"    allowed ({len(item['values'])}, domain '{item['domain']}': {registry(matrix.domains)[item['domain']][1]}):",
                          highlight=False, markup=False)
            console.print(f"    {values}", highlight=False, markup=False)
    return 0
