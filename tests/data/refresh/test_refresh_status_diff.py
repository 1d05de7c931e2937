"""`econsec data status` and `econsec data diff` / `changes_since` (the briefing's "what changed")."""

from __future__ import annotations

import csv
import importlib.util

import pytest

from analysis.cli import main
from analysis.indicators.changes import largest_changes
from analysis.reports.changes import changes_since
from analysis.data.usgs import load_usgs
from analysis.indicators.concentration import concentration

from tests.support.refresh import FIXTURES, MCS2024_RE, MCS2025, tree_digest

USGS = ("usgs-mcs-2025-world", "usgs-mcs-2024-rare-earths")


def test_status_lists_every_resource_with_hash_size_and_check(project, capsys):
    assert main(["data", "status", "--all"]) == 0
    out = capsys.readouterr().out
    for entry in project.package()["resources"]:
        line = next(line for line in out.splitlines() if line.startswith(entry["name"] + " "))
        assert entry["hash"].removeprefix("sha256:")[:12] in line and line.rstrip().endswith("ok")
    line = next(line for line in out.splitlines() if line.startswith("usgs-mcs-2025-world "))
    assert "MCS 2025: 2023–2024" in line and "https://doi.org/10.5066/P13XCP3R" in line and "134.5 kB" in line
    assert "all files match their recorded sha256" in out


def test_status_flags_changed_missing_and_untracked_files(project, capsys):
    with open(project.data / project.resource("wgi-all-indicators")["path"], "ab") as handle:
        handle.write(b"\n")
    (project.data / project.resource("partnership-events")["path"]).unlink()
    stray = project.data / "raw/usgs-mcs-2026/half-copied.csv"
    stray.parent.mkdir()
    stray.write_text("SOURCE\n")
    assert main(["data", "status"]) == 1
    captured = capsys.readouterr()
    assert next(line for line in captured.out.splitlines() if line.startswith("wgi-all-indicators ")).endswith("CHANGED")
    assert next(line for line in captured.out.splitlines() if line.startswith("partnership-events ")).endswith("MISSING")
    assert f"untracked: {stray}" in captured.out
    assert "wgi-all-indicators (CHANGED), partnership-events (MISSING)" in captured.err


def _mcs2024_re(country: str, column: str) -> float:
    with open(MCS2024_RE, encoding="utf-8-sig", newline="") as handle:
        return next(float(r[column]) for r in csv.DictReader(handle) if r["Country"].strip().startswith(country))


def _mcs2025_re(country: str, column: str) -> float:
    with open(MCS2025, encoding="utf-8-sig", newline="") as handle:
        return next(
            float(r[column].replace(",", ""))
            for r in csv.DictReader(handle)
            if r["COMMODITY"].strip() == "Rare earths" and r["COUNTRY"].strip().startswith(country)
        )


def test_diff_after_importing_the_newer_edition(project, capsys):
    project.remove_imported_editions()
    project.remove_resources(*USGS)
    assert main(["data", "import-mcs", str(MCS2024_RE)]) == 0
    old_usgs = load_usgs()
    assert main(["data", "import-mcs", str(MCS2025)]) == 0
    capsys.readouterr()

    changes = changes_since()
    assert changes.attrs["against"].startswith("data/history/") and "import-mcs-usgs-mcs-2025-world" in changes.attrs["against"]
    shares = changes[(changes["metric"] == "share of world supply") & (changes["mineral"] == "Rare earths") & (changes["year"] == 2023)]
    china = shares.set_index("iso3").loc["CHN"]
    old_share = _mcs2024_re("China", "Prod_t_est_2023") / _mcs2024_re("World", "Prod_t_est_2023")
    new_share = _mcs2025_re("China", "PROD_2023") / _mcs2025_re("World", "PROD_2023")
    assert china["old"] == pytest.approx(old_share) and china["new"] == pytest.approx(new_share)
    assert china["status"] == "changed"
    assert f"{_mcs2024_re('World', 'Prod_t_est_2023'):,.0f} t (MCS 2024)" in china["note"]

    hhi = changes[(changes["metric"] == "HHI") & (changes["mineral"] == "Rare earths") & (changes["year"] == 2023)].iloc[0]
    assert hhi["old"] == pytest.approx(concentration(old_usgs, "Rare earths", "mine_production", 2023).hhi_lower)
    assert hhi["new"] == pytest.approx(concentration(load_usgs(), "Rare earths", "mine_production", 2023).hhi_lower)
    # 2022 is only in MCS 2024 and untouched by the new edition: no change reported for it
    assert not ((changes["mineral"] == "Rare earths") & (changes["year"] == 2022)).any()
    # largest first within a metric
    top = largest_changes(changes, 3)
    top_shares = top[top["metric"] == "share of world supply"]["change"].abs().tolist()
    assert top_shares == sorted(top_shares, reverse=True)

    assert main(["data", "diff", "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "resources added: usgs-mcs-2025-world" in out
    assert f"China · Rare earths mine production 2023 (Mine production, rare-earth-oxide equivalent): {old_share:.1%} → {new_share:.1%}" in out
    assert "HHI — 1 changed" in out and "new series:" in out


def test_diff_against_an_older_snapshot_and_bad_references(project, capsys):
    project.remove_resources("usgs-mcs-2024-rare-earths")
    assert main(["data", "import-mcs", str(MCS2024_RE)]) == 0
    snapshot = next((project.data / "history").glob("*.json"))
    assert main(["data", "diff", "--against", str(snapshot)]) == 0
    assert main(["data", "diff", "--against", snapshot.name[:10]]) == 0  # a unique prefix
    capsys.readouterr()
    assert main(["data", "diff", "--against", "no-such-ref"]) == 2
    assert "is neither a file, a snapshot in data/history/" in capsys.readouterr().err


def test_diff_without_any_earlier_state(project, capsys):
    before = tree_digest(project.data)
    assert main(["data", "diff"]) == 2
    assert "no earlier data state" in capsys.readouterr().err
    table = changes_since()
    assert table.empty and table.attrs["against"] is None
    assert tree_digest(project.data) == before


def test_recorded_fixtures_are_what_the_shipped_files_give():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (FIXTURES / "comtrade-getfinaldata-quad.json").read_bytes() == module.comtrade_body()
    assert (FIXTURES / "wgi-fetch-2018.json").read_bytes() == module.wgi_body()
