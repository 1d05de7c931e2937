"""`econsec data pull-comtrade`: the UN's client against a recorded server; failures change nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys

import openpyxl
import pytest

from analysis.cli import main
from analysis.indicators.changes import china_import_shares, largest_changes
from analysis.reports.changes import changes_since
from analysis.data.comtrade import load_trade

from tests.support.refresh import QUAD, assert_no_staging_left, assert_package_valid, tree_digest

QUAD_RESOURCES = ("comtrade-quad-imports-world", "comtrade-quad-imports-china")
PULL = ["data", "pull-comtrade", "--reporters", "IND,JPN", "--hs", "2504,2822,282520", "--years", "2019-2024"]
KEY = "test-key-0123456789"


def xlsx_value(name: str, reporter: str, hs: str, year: int) -> float:
    """primaryValue of one row of a shipped quad workbook, read with openpyxl."""
    sheet = openpyxl.load_workbook(QUAD / name, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    for row in rows:
        record = dict(zip(header, row))
        if record["reporterISO"] == reporter and str(record["cmdCode"]) == hs and int(record["refYear"]) == year:
            return float(record["primaryValue"])
    raise AssertionError(f"no {reporter} {hs} {year} row in {name}")


@pytest.fixture
def before_quad(project):
    """The project as it was before the quad extracts existed (so the pull really adds them)."""
    project.remove_resources(*QUAD_RESOURCES)
    return project


def test_replayed_pull_adds_data_that_the_import_shares_then_show(before_quad, comtrade_server, monkeypatch, capsys):
    project = before_quad
    shares = china_import_shares(load_trade())
    assert not shares["hs_code"].isin(["2504", "2822", "282520"]).any()

    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    assert main(PULL) == 0
    out = capsys.readouterr().out
    assert "added comtrade-pull-" in out

    # one call of the official client, with the query translated to Comtrade codes
    assert len(comtrade_server.calls) == 1
    method, url, fields = comtrade_server.calls[0]
    assert url == "https://comtradeapi.un.org/data/v1/get/C/A/HS"
    assert fields["reportercode"] == "699,392" and fields["partnerCode"] == "0,156"
    assert fields["period"] == "2019,2020,2021,2022,2023,2024" and fields["cmdCode"] == "2504,2822,282520"
    assert fields["subscription-key"] == KEY and fields["includeDesc"] is True

    # stored unchanged, with query, retrieval time and hash in the package
    entry = next(e for e in project.package()["resources"] if e["name"].startswith("comtrade-pull-"))
    stored = project.data / entry["path"]
    assert entry["hash"] == f"sha256:{hashlib.sha256(stored.read_bytes()).hexdigest()}"
    assert entry["bytes"] == stored.stat().st_size
    props = entry["econsec"]
    assert props["kind"] == "comtrade-pull" and props["retrieved"].endswith("Z")
    assert props["query"]["reporterCode"] == "699,392" and "subscription-key" not in json.dumps(entry)
    assert KEY not in project.package_path.read_text()
    assert props["years"] == [2019, 2020, 2021, 2022, 2023, 2024]
    rows = list(csv.DictReader(io.StringIO(stored.read_text())))
    expected = [r for r in comtrade_server.rows if r["reporterISO"] in ("IND", "JPN")]
    assert len(rows) == len(expected) == props["rows"]
    assert list(rows[0]) == list(expected[0])  # every column, in the API's order
    assert [float(r["primaryValue"]) for r in rows] == [float(r["primaryValue"]) for r in expected]

    # the loaders read it like the shipped files, and the import-share table now shows it
    shares = china_import_shares(load_trade()).set_index(["reporter_iso3", "hs_code", "year"])
    row = shares.loc[("JPN", "2504", 2023)]
    china = xlsx_value("p3 minerals quad china.xlsx", "JPN", "2504", 2023)
    world = xlsx_value("p3 minerals quad world.xlsx", "JPN", "2504", 2023)
    assert row["china_share"] == pytest.approx(china / world)
    assert row["source"] == entry["name"]
    assert_package_valid(project)
    assert_no_staging_left(project)

    # and `econsec data diff` reports the new import shares
    assert main(["data", "diff"]) == 0
    diff = capsys.readouterr().out
    keys = {p: {(r["reporterISO"], r["cmdCode"], r["refYear"]) for r in expected if r["partnerCode"] == p} for p in (0, 156)}
    assert f"resources added: {entry['name']}" in diff
    assert f"new figures: {len(keys[0] & keys[156])}" in diff
    latest = xlsx_value("p3 minerals quad china.xlsx", "JPN", "2504", 2024) / xlsx_value("p3 minerals quad world.xlsx", "JPN", "2504", 2024)
    assert f"China's share of Japan imports of HS 2504 (Graphite; natural) 2024: — → {latest:.1%}" in diff  # latest year first
    recent = largest_changes(changes_since(), 3, include_new=True)
    assert len(recent) == 3 and recent["old"].isna().all() and set(recent["year"]) == {2024}
    assert set(recent["metric"]) == {"China's share of imports"}


def test_no_key_stops_before_calling_the_api(before_quad, comtrade_server, capsys):
    before = tree_digest(before_quad.data)
    assert main(PULL) == 2
    err = capsys.readouterr().err
    assert "COMTRADE_API_KEY is not set" in err and "nothing was written" in err and "Traceback" not in err
    assert comtrade_server.calls == []
    assert tree_digest(before_quad.data) == before


def test_no_network_gives_a_clear_message_without_the_key(before_quad, comtrade_server, monkeypatch, capsys):
    import urllib3

    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    comtrade_server.exception = urllib3.exceptions.MaxRetryError(
        None, f"/data/v1/get/C/A/HS?subscription-key={KEY}&period=2019", OSError("[Errno -2] Name or service not known")
    )
    before = tree_digest(before_quad.data)
    assert main(PULL) == 2
    err = capsys.readouterr().err
    assert "cannot reach the UN Comtrade API" in err and "nothing was written" in err
    assert KEY not in err
    assert tree_digest(before_quad.data) == before
    assert_package_valid(before_quad)
    assert_no_staging_left(before_quad)


def test_api_error_is_reported_with_status_and_message(before_quad, comtrade_server, monkeypatch, capsys):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    comtrade_server.status = 401
    comtrade_server.body = b'{ "statusCode": 401, "message": "Access denied due to invalid subscription key." }'
    before = tree_digest(before_quad.data)
    assert main(PULL) == 2
    err = capsys.readouterr().err
    assert "UN Comtrade API refused the query (HTTP 401: Access denied due to invalid subscription key.)" in err
    assert tree_digest(before_quad.data) == before


@pytest.mark.parametrize(
    "body, message",
    [
        ("truncated", "malformed response"),
        ("no data key", "malformed response"),
        ("missing column", "response is not usable"),
    ],
)
def test_malformed_response_changes_nothing(before_quad, comtrade_server, monkeypatch, capsys, body, message):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    rows = [r for r in comtrade_server.rows if r["reporterISO"] == "JPN"]
    if body == "truncated":  # a response cut off mid-transfer
        comtrade_server.body = json.dumps({"count": len(rows), "data": rows}).encode()[:700]
    elif body == "no data key":
        comtrade_server.body = json.dumps({"count": 0, "error": "service busy"}).encode()
    else:
        comtrade_server.body = json.dumps({"data": [{k: v for k, v in r.items() if k != "primaryValue"} for r in rows]}).encode()
    before = tree_digest(before_quad.data)
    assert main(PULL) == 2
    err = capsys.readouterr().err
    assert message in err and "nothing was written" in err and "Traceback" not in err
    if body == "missing column":
        assert "'primaryValue'" in err
    assert tree_digest(before_quad.data) == before
    assert_package_valid(before_quad)
    assert_no_staging_left(before_quad)


def test_query_matching_nothing_changes_nothing(before_quad, comtrade_server, monkeypatch, capsys):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    before = tree_digest(before_quad.data)
    assert main(["data", "pull-comtrade", "--reporters", "IND", "--hs", "2846", "--years", "2023"]) == 2
    assert "UN Comtrade returned no rows for annual imports of IND" in capsys.readouterr().err
    assert tree_digest(before_quad.data) == before


def test_client_not_installed(before_quad, monkeypatch, capsys):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    monkeypatch.setitem(sys.modules, "comtradeapicall", None)
    assert main(PULL) == 2
    assert "pip install 'econsec[refresh]'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--hs", "25x4", "'25x4' is not an HS code"),
        ("--years", "2024-2019", "runs backwards"),
        ("--years", "1980", "1980 is outside 1988"),
        ("--years", "2000-2020", "at most 12"),
        ("--reporters", "IND,XYZ", "unknown country code 'XYZ'"),
        ("--partners", "CHN,QQQ", "unknown country code 'QQQ'"),
        ("--flows", "Q", "valid values are M (imports), X (exports)"),
    ],
)
def test_bad_arguments_name_the_value_and_the_valid_ones(project, monkeypatch, capsys, option, value, message):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    argv = list(PULL)
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]
    before = tree_digest(project.data)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert tree_digest(project.data) == before


def test_partners_all_asks_for_every_partner(before_quad, comtrade_server, monkeypatch):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    assert main([*PULL, "--partners", "all", "--flows", "M,X"]) == 0
    _, _, fields = comtrade_server.calls[0]
    assert "partnerCode" not in fields and fields["flowCode"] == "M,X"
    entry = next(e for e in before_quad.package()["resources"] if e["name"].startswith("comtrade-pull-"))
    assert "--partners all --flows M,X" in entry["econsec"]["command"]
