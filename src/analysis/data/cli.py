"""``econsec data …``: look at, refresh and compare the data package.

* ``econsec data status`` — every resource: kind, edition/years, source, sha256, size, and
  whether the file still matches its recorded hash (exit 1 if one does not);
* ``econsec data import-mcs PATH|DIR [--doi DOI]`` — add a USGS MCS world table (any edition), or
  every world CSV of an edition folder in one atomic step;
* ``econsec data pull-comtrade --reporters IND,JPN --hs 2504,2822,282520 --years 2019-2025
  [--partners WLD,CHN|all] [--flows M]`` — UN Comtrade via ``comtradeapicall`` (key from
  ``COMTRADE_API_KEY``);
* ``econsec data pull-wgi [--years 2019-2023 | --mrv 5]`` — the six WGI estimates via ``wbgapi``;
* ``econsec data diff [--against REF] [--top N]`` — largest changes in shares, HHI and China's
  share of India's and Japan's imports since the previous state.

Imports and pulls are atomic (see :mod:`analysis.data.refresh.transaction`); errors the user
can fix are :class:`~analysis.errors.EconsecError` (one line, exit 2).
"""

from __future__ import annotations

import argparse
import re
import sys

from analysis.errors import EconsecError
from analysis.paths import data_dir, datapackage_path


def register(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser(
        "data",
        help="show, refresh and compare the data package",
        description="Show, refresh and compare the data package (data/datapackage.json).",
    )
    sub = data.add_subparsers(dest="data_command", metavar="ACTION")
    sub.required = True

    status = sub.add_parser("status", help="every resource with source, years, sha256, size and hash check",
                            description="List every resource; exit 1 if a file is missing or differs from its recorded sha256.")
    status.add_argument("--all", action="store_true", help="list every per-commodity MCS table, not one line per edition")
    status.set_defaults(handler=cmd_status)

    mcs = sub.add_parser("import-mcs", help="add a USGS Mineral Commodity Summaries world table (any edition)",
                         description="Validate a USGS MCS world-data CSV (2025 all-commodity layout or a per-commodity "
                         "world table), copy it unchanged to data/raw/usgs-mcs-<edition>/ and record it in datapackage.json.")
    mcs.add_argument("path", metavar="PATH", help="the CSV as downloaded from USGS ScienceBase, or a folder: every "
                     "world CSV of an edition imported in one step (all or nothing)")
    mcs.add_argument("--doi", help="DOI of the data release (known for MCS 2022–2025)")
    mcs.set_defaults(handler=cmd_import_mcs)

    comtrade = sub.add_parser("pull-comtrade", help="annual trade from UN Comtrade (needs COMTRADE_API_KEY)",
                              description="Pull final annual data from the UN Comtrade API with comtradeapicall and "
                              "store the response unchanged, with the query and retrieval time.")
    comtrade.add_argument("--reporters", required=True, help="ISO alpha-3 codes, e.g. IND,JPN")
    comtrade.add_argument("--hs", required=True, help="HS codes (2, 4 or 6 digits), e.g. 2504,2822,282520")
    comtrade.add_argument("--years", required=True, help="a range or list, e.g. 2019-2025 (at most 12 years)")
    comtrade.add_argument("--partners", default="WLD,CHN", help="ISO alpha-3 codes or 'all' (default: WLD,CHN)")
    comtrade.add_argument("--flows", default="M", help="M (imports), X (exports) or M,X (default: M)")
    comtrade.set_defaults(handler=cmd_pull_comtrade)

    wgi = sub.add_parser("pull-wgi", help="the six Worldwide Governance Indicators from the World Bank API",
                         description="Pull the six WGI estimates (database 3) with wbgapi and store the records unchanged.")
    group = wgi.add_mutually_exclusive_group()
    group.add_argument("--years", help="a range or list, e.g. 2019-2023")
    group.add_argument("--mrv", type=int, default=5, help="most recent N years (default 5)")
    wgi.set_defaults(handler=cmd_pull_wgi)

    diff = sub.add_parser("diff", help="largest changes in shares, HHI and China's import shares",
                          description="Compare the current data with an earlier state: the newest snapshot in "
                          "data/history/ (kept by every import and pull), a snapshot file, or a git ref (git:HEAD~1).")
    diff.add_argument("--against", metavar="REF", help="snapshot name/path or git:<ref> (default: state before the last import)")
    diff.add_argument("--top", type=int, default=5, help="changes listed per measure (default 5)")
    diff.set_defaults(handler=cmd_diff)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(header, widths)).rstrip()]
    lines += ["  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


_EDITION = re.compile(r"MCS (\d{4})")


def _group_commodity_tables(rows: list, *, every: bool) -> tuple[list, int]:
    """Rows to list one by one; per-commodity MCS tables whose file is ok are summarised instead."""
    from analysis.data.refresh.status import OK
    from analysis.data.usgs import MCS_COMMODITY_KIND

    if every:
        return rows, 0
    hidden = [r for r in rows if r.kind == MCS_COMMODITY_KIND and r.state == OK]
    return [r for r in rows if r not in hidden], len(hidden)


def _usgs_editions(rows: list) -> list[list[str]]:
    """One line per MCS edition: its tables (all-commodity / per-commodity), years, size, file state."""
    from analysis.data.refresh.status import OK, human_bytes
    from analysis.data.usgs import MCS_COMMODITY_KIND, MCS_WORLD_KIND

    editions: dict[int, list] = {}
    for row in rows:
        match = _EDITION.match(row.coverage)
        if row.kind in (MCS_WORLD_KIND, MCS_COMMODITY_KIND) and match:
            editions.setdefault(int(match[1]), []).append(row)
    lines = []
    for edition, members in sorted(editions.items()):
        world = sum(r.kind == MCS_WORLD_KIND for r in members)
        single = len(members) - world
        tables = ", ".join(t for t in (f"{world} all-commodity" if world else "", f"{single} per-commodity" if single else "") if t)
        years = sorted({y for r in members for y in re.findall(r"\d{4}", r.coverage.split(":", 1)[1])})
        bad = [r.name for r in members if r.state != OK]
        lines.append([f"MCS {edition}", tables, f"{years[0]}–{years[-1]}" if years else "—",
                      human_bytes(sum(r.bytes for r in members)), "ok" if not bad else f"{len(bad)} differ"])
    return lines


def cmd_status(args: argparse.Namespace) -> int:
    from analysis.data.refresh.history import snapshots
    from analysis.data.refresh.status import OK, human_bytes, resource_status, untracked_files

    package = datapackage_path()
    if not package.exists():
        raise EconsecError(f"{package}: no data package (set ECONSEC_ROOT to the project folder)")
    rows = resource_status(package)
    print(f"{package} — {len(rows)} resources")
    listed, grouped = _group_commodity_tables(rows, every=getattr(args, "all", False))
    print(
        _table(
            [[r.name, r.kind, r.coverage, r.source, r.sha256[:12], human_bytes(r.bytes), r.state] for r in listed],
            ["RESOURCE", "KIND", "EDITION / YEARS", "SOURCE", "SHA256", "SIZE", "FILE"],
        )
    )
    editions = _usgs_editions(rows)
    if editions:
        print("\nUSGS Mineral Commodity Summaries editions in the package:")
        print(_table(editions, ["EDITION", "TABLES", "YEARS", "SIZE", "FILES"]))
    if grouped:
        print(f"({grouped} per-commodity MCS tables with matching hashes are summarised above; "
              "`econsec data status --all` lists each)")
    bad = [r for r in rows if r.state != OK]
    for path in untracked_files(package):
        print(f"untracked: {path} is in data/raw but no resource names it (left by an interrupted import? remove it)")
    history = snapshots(data_dir())
    if history:
        print(f"last change: data/history/{history[-1].name} (`econsec data diff` shows what it changed)")
    if bad:
        print(
            f"{len(bad)} file(s) differ from datapackage.json: {', '.join(f'{r.name} ({r.state})' for r in bad)} — "
            "restore them from git; raw files are never edited",
            file=sys.stderr,
        )
        return 1
    print("all files match their recorded sha256")
    return 0


def cmd_import_mcs(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analysis.data.refresh.mcs import import_mcs, import_mcs_folder

    if Path(args.path).expanduser().is_dir():
        print(import_mcs_folder(args.path, args.doi).message())
    else:
        print(import_mcs(args.path, args.doi).message())
    return 0


def cmd_pull_comtrade(args: argparse.Namespace) -> int:
    from analysis.data.refresh import RefreshError
    from analysis.data.refresh.comtrade_pull import ComtradeQuery, parse_countries, parse_hs, parse_years, pull_comtrade

    flows = tuple(dict.fromkeys(f.strip().upper() for f in args.flows.split(",") if f.strip()))
    if not flows or any(f not in ("M", "X") for f in flows):
        raise RefreshError(f"--flows {args.flows!r}: valid values are M (imports), X (exports) or M,X")
    query = ComtradeQuery(
        reporters=parse_countries(args.reporters, "--reporters"),  # type: ignore[arg-type]
        hs_codes=parse_hs(args.hs),
        years=parse_years(args.years),
        partners=parse_countries(args.partners, "--partners", allow_all=True),
        flows=flows,
    )
    print(pull_comtrade(query, log=lambda text: print(text, file=sys.stderr)).message())
    return 0


def cmd_pull_wgi(args: argparse.Namespace) -> int:
    from analysis.data.refresh import RefreshError
    from analysis.data.refresh.comtrade_pull import parse_years
    from analysis.data.refresh.wgi_pull import WgiQuery, pull_wgi

    if args.mrv is not None and args.mrv < 1:
        raise RefreshError(f"--mrv {args.mrv}: give a number of years ≥ 1")
    query = WgiQuery(years=parse_years(args.years) if args.years else None, mrv=args.mrv or 5)
    print(f"pulling WGI ({query.command()}) from the World Bank …", file=sys.stderr)
    print(pull_wgi(query).message())
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from analysis.indicators.changes import METRICS, largest_changes
    from analysis.data.refresh import RefreshError
    from analysis.reports.changes import compare

    if args.top < 1:
        raise RefreshError(f"--top {args.top}: give a number ≥ 1")
    table, label, resources = compare(args.against, data_dir())
    print(f"What changed: {label} → data/datapackage.json")
    for what in ("added", "removed", "changed"):
        if resources[what]:
            print(f"  resources {what}: {', '.join(resources[what])}")
    if not any(resources.values()):
        print("  no resource was added, removed or changed")
    top = largest_changes(table, args.top)
    for metric in METRICS[:-1]:  # the last, "series", is summarised below
        rows = top[top["metric"] == metric]
        n_changed = int(((table["metric"] == metric) & (table["status"] == "changed")).sum())
        print(f"\n{metric} — {n_changed} changed" + (f", largest {len(rows)}:" if len(rows) else ""))
        for record in rows.itertuples(index=False):
            print(f"  {record.text}")
            if record.note:
                print(f"      {record.note}")
        added = table[(table["metric"] == metric) & (table["status"] == "new")]
        if len(added):  # figures that exist only now (e.g. a pull's new products or years), latest first
            print(f"  new figures: {len(added)}, latest {min(len(added), args.top)}:")
            for record in added.sort_values(["year", "subject"], ascending=[False, True], kind="stable").head(args.top).itertuples():
                print(f"  {record.text}")
    series = table[table["metric"] == "series"]
    new, removed = series[series["status"] == "new"], series[series["status"] == "removed"]
    if len(new):
        print(f"\nnew series: {len(new)} (e.g. {'; '.join(new['subject'].head(3))})")
    if len(removed):
        print(f"series no longer in the data: {len(removed)} (e.g. {'; '.join(removed['subject'].head(3))})")
    return 0
