"""``econsec data …``: look at, refresh and compare the data package.

* ``econsec data status`` — every resource: kind, edition/years, source, sha256, size, and
  whether the file still matches its recorded hash (exit 1 if one does not);
* ``econsec data import-mcs PATH [--doi DOI]`` — add a USGS MCS world table (any edition);
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
    status.set_defaults(handler=cmd_status)

    mcs = sub.add_parser("import-mcs", help="add a USGS Mineral Commodity Summaries world table (any edition)",
                         description="Validate a USGS MCS world-data CSV (2025 all-commodity layout or a per-commodity "
                         "world table), copy it unchanged to data/raw/usgs-mcs-<edition>/ and record it in datapackage.json.")
    mcs.add_argument("path", metavar="PATH", help="the CSV as downloaded from USGS ScienceBase")
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


def cmd_status(args: argparse.Namespace) -> int:
    from analysis.data.refresh.history import snapshots
    from analysis.data.refresh.status import OK, human_bytes, resource_status, untracked_files

    package = datapackage_path()
    if not package.exists():
        raise EconsecError(f"{package}: no data package (set ECONSEC_ROOT to the project folder)")
    rows = resource_status(package)
    print(f"{package} — {len(rows)} resources")
    print(
        _table(
            [[r.name, r.kind, r.coverage, r.source, r.sha256[:12], human_bytes(r.bytes), r.state] for r in rows],
            ["RESOURCE", "KIND", "EDITION / YEARS", "SOURCE", "SHA256", "SIZE", "FILE"],
        )
    )
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
    from analysis.data.refresh.mcs import import_mcs

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
