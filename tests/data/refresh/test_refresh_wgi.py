"""`econsec data pull-wgi` and the governance scores the risk indicators use."""

from __future__ import annotations

import csv
import statistics

import pytest

from analysis.cli import main
from analysis.reports.common import load_governance as governance_scores
from analysis.errors import ParameterError

from tests.support.refresh import REAL_DATA, WGI_BULK, assert_no_staging_left, assert_package_valid, tree_digest

STABILITY = REAL_DATA / "raw/trade/critical-minerals-risk-index/stability_data.csv"
SIX = ("VA.EST", "PV.EST", "GE.EST", "RQ.EST", "RL.EST", "CC.EST")


def bulk_estimates(iso3: str, year: str) -> list[float]:
    with open(WGI_BULK, encoding="utf-8-sig", newline="") as handle:
        return [float(r[year]) for r in csv.DictReader(handle) if r["Country Code"] == iso3 and r["Indicator Code"] in SIX]


def stability_rank(iso3: str) -> float:
    with open(STABILITY, encoding="utf-8-sig", newline="") as handle:
        return next(float(r["2023"].replace(",", ".")) for r in csv.DictReader(handle) if r["Country Code"] == iso3)


def test_shipped_data_scores_by_political_stability_and_says_so(project):
    scores = governance_scores().set_index("iso3")
    assert scores.loc["IND", "basis"] == "political stability percentile 2023"
    assert scores.loc["IND", "governance_score"] == pytest.approx((100 - stability_rank("IND")) / 10)
    six = governance_scores(2018).set_index("iso3")  # pinned to 2018: the bulk file's six dimensions
    estimates = bulk_estimates("JPN", "2018")
    assert len(estimates) == 6
    assert six.loc["JPN", "basis"] == "mean of six WGI dimensions 2018"
    assert six.loc["JPN", "governance_score"] == pytest.approx(2 * (2.5 - statistics.mean(estimates)))
    with pytest.raises(ParameterError, match="unknown governance basis 'eu'; valid: auto, six_dimensions, political_stability"):
        governance_scores(basis="eu")


def test_replayed_pull_adds_six_dimensions_used_by_the_eu_convention(project, wgi_client, capsys):
    project.remove_resources("wgi-all-indicators")  # only the political-stability file left
    assert set(governance_scores()["basis"]) == {"political stability percentile 2023"}
    with pytest.raises(ParameterError, match="no governance data"):
        governance_scores(basis="six_dimensions")

    assert main(["data", "pull-wgi", "--mrv", "3"]) == 0
    assert "added wgi-pull-" in capsys.readouterr().out
    assert wgi_client[0]["db"] == 3 and wgi_client[0]["mrv"] == 3
    assert sorted(wgi_client[0]["series"]) == sorted(f"GOV_WGI_{c}" for c in SIX)

    entry = next(e for e in project.package()["resources"] if e["name"].startswith("wgi-pull-"))
    assert entry["econsec"]["kind"] == "wgi-pull" and entry["econsec"]["years"] == [2018]
    assert entry["econsec"]["query"]["series"] == [f"GOV_WGI_{c}" for c in SIX]
    assert entry["econsec"]["retrieved"].endswith("Z")

    six = governance_scores(basis="six_dimensions").set_index("iso3")
    assert six.loc["IND", "basis"] == "mean of six WGI dimensions 2018"
    assert six.loc["IND", "governance_score"] == pytest.approx(2 * (2.5 - statistics.mean(bulk_estimates("IND", "2018"))))
    assert six.loc["IND", "source"] == entry["name"]
    # auto: 2018 estimates are older than the 2023 stability ranks, so stability still wins …
    assert governance_scores().set_index("iso3").loc["IND", "basis"] == "political stability percentile 2023"
    # … unless the analysis is pinned to 2018
    assert governance_scores(2018).set_index("iso3").loc["IND", "basis"] == "mean of six WGI dimensions 2018"
    assert_package_valid(project)
    assert_no_staging_left(project)


def test_no_network(project, monkeypatch, capsys):
    requests = pytest.importorskip("requests")
    wbgapi = pytest.importorskip("wbgapi")

    def offline(*args, **kwargs):
        raise requests.ConnectionError("Failed to resolve 'api.worldbank.org'")

    monkeypatch.setattr(wbgapi.requests, "get", offline)
    monkeypatch.setattr(wbgapi.source, "_concepts", {})
    before = tree_digest(project.data)
    assert main(["data", "pull-wgi"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the World Bank API at api.worldbank.org (ConnectionError)" in err and "Traceback" not in err
    assert tree_digest(project.data) == before


class _Response:
    def __init__(self, status_code: int, reason: str, body: object = None) -> None:
        self.status_code, self.reason, self._body = status_code, reason, body

    def json(self):
        if isinstance(self._body, Exception):
            raise self._body
        return self._body


@pytest.mark.parametrize(
    "response, message",
    [
        (_Response(502, "Bad Gateway"), "the World Bank API refused the query (HTTP 502: Bad Gateway)"),
        (_Response(200, "OK", ValueError("Expecting value")), "the World Bank API sent a malformed response (JSON decoding error)"),
    ],
)
def test_api_error_and_malformed_response(project, monkeypatch, capsys, response, message):
    wbgapi = pytest.importorskip("wbgapi")
    monkeypatch.setattr(wbgapi.requests, "get", lambda *a, **k: response)
    monkeypatch.setattr(wbgapi.source, "_concepts", {})
    before = tree_digest(project.data)
    assert main(["data", "pull-wgi", "--years", "2021-2023"]) == 2
    assert message in capsys.readouterr().err
    assert tree_digest(project.data) == before
    assert_package_valid(project)


def test_records_missing_a_dimension_are_refused(project, wgi_client):
    from analysis.data.refresh import RefreshError
    from analysis.data.refresh.wgi_pull import WgiQuery, call_client, pull_wgi

    def without_rule_of_law(query):
        return [r for r in call_client(query) if r["series"] != "GOV_WGI_RL.EST"]

    before = tree_digest(project.data)
    with pytest.raises(RefreshError, match="lacks GOV_WGI_RL.EST; all six dimensions are needed"):
        pull_wgi(WgiQuery(), client=without_rule_of_law)
    assert tree_digest(project.data) == before
