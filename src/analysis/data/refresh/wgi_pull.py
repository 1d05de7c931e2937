"""``econsec data pull-wgi``: the six Worldwide Governance Indicators from the World Bank API.

Uses the World Bank's own client, ``wbgapi`` (database 3 = Worldwide Governance Indicators;
series ``GOV_WGI_VA.EST``, ``GOV_WGI_PV.EST``, ``GOV_WGI_GE.EST``, ``GOV_WGI_RQ.EST``,
``GOV_WGI_RL.EST``, ``GOV_WGI_CC.EST`` — the estimates, −2.5…+2.5, higher = better). The
records ``wbgapi.data.fetch`` yields are stored unchanged as a JSON array, one record per line,
in ``data/raw/wgi-pulls/<UTC time>/wgi-estimates.json`` and recorded as resource
``wgi-pull-<UTC time>`` with the query and retrieval time.
:func:`analysis.indicators.risk.governance_scores` then uses the EU convention (mean of the six) where
they are at least as recent as the political-stability file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis.data.refresh import RefreshError, client_version
from analysis.data.refresh.transaction import DataTransaction, iso_time, utc_now
from analysis.data.wgi import API_SERIES, ESTIMATE_CODES, PULL_KIND, read_wgi_pull, six_dimension_estimates
from analysis.errors import DataFileError

DATABASE = 3  # World Bank API source id of the Worldwide Governance Indicators
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


@dataclass(frozen=True)
class WgiQuery:
    """Most recent ``mrv`` years, or explicit ``years`` (then ``mrv`` is ignored)."""

    years: tuple[int, ...] | None = None
    mrv: int = 5

    def client_arguments(self) -> dict[str, Any]:
        """Keyword arguments of ``wbgapi.data.fetch``."""
        arguments: dict[str, Any] = {"series": list(API_SERIES), "economy": "all", "db": DATABASE, "skipBlanks": False}
        if self.years:
            arguments["time"] = [f"YR{y}" for y in self.years]
        else:
            arguments["mrv"] = self.mrv
        return arguments

    def command(self) -> str:
        if self.years:
            return f"econsec data pull-wgi --years {self.years[0]}-{self.years[-1]}"
        return f"econsec data pull-wgi --mrv {self.mrv}"


@dataclass
class WgiPullResult:
    resource: str
    path: Path
    rows: int
    years: list[int]
    snapshot: Path

    def message(self) -> str:
        rel = self.path.relative_to(self.path.parents[3])
        return (
            f"added {self.resource}: {self.rows} records, years {', '.join(map(str, self.years))} → data/{rel}\n"
            f"  previous package kept as data/history/{self.snapshot.name}; governance scores now use the six-dimension "
            "mean where it is at least as recent as the political-stability file"
        )


def call_client(query: WgiQuery) -> list[dict[str, Any]]:
    """Records from ``wbgapi.data.fetch``; one-line errors for missing client, network and API errors."""
    try:
        import requests
        import wbgapi
    except ImportError:
        raise RefreshError("pull-wgi needs the World Bank's client package: pip install 'econsec[refresh]' (installs wbgapi)") from None
    try:
        return list(wbgapi.data.fetch(**query.client_arguments()))
    except wbgapi.APIResponseError as exc:
        raise RefreshError(f"the World Bank API sent a malformed response ({exc.msg}); nothing was written") from None
    except wbgapi.APIError as exc:
        code = f"HTTP {exc.code}: " if exc.code else ""
        raise RefreshError(f"the World Bank API refused the query ({code}{exc.msg}); nothing was written") from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise RefreshError(
            f"cannot reach the World Bank API at api.worldbank.org ({type(exc).__name__}); "
            "check the network connection and try again — nothing was written"
        ) from None
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise RefreshError(f"the World Bank API sent a malformed response ({type(exc).__name__}: {exc}); nothing was written") from None


def _dump(records: Iterable[dict[str, Any]]) -> bytes:
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def pull_wgi(
    query: WgiQuery = WgiQuery(),
    *,
    data_dir: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
    client: Callable[[WgiQuery], list[dict[str, Any]]] = call_client,
) -> WgiPullResult:
    """Pull the six WGI estimates and add them to the package atomically."""
    with DataTransaction("pull-wgi", data_dir, clock=clock) as tx:
        records = client(query)
        if not records:
            raise RefreshError(f"the World Bank API returned no WGI records for `{query.command()}`; nothing was written")
        name, folder = tx.unique_name("wgi-pull", "wgi-pulls")
        rel = f"{folder}/wgi-estimates.json"
        try:
            data = _dump(records)
        except (TypeError, ValueError) as exc:
            raise RefreshError(f"the World Bank API sent records that are not JSON data ({exc}); nothing was written") from None
        staged = tx.add_file(rel, data=data)
        try:
            tidy = read_wgi_pull(staged)
        except DataFileError as exc:
            detail = str(exc).split(": ", 1)[-1]
            raise RefreshError(f"the World Bank response is not usable ({detail}); nothing was written") from None
        present = set(tidy["indicator_code"])
        missing = [s for s in API_SERIES if s.removeprefix("GOV_WGI_") not in present]
        if missing:
            raise RefreshError(f"the World Bank response lacks {', '.join(missing)}; all six dimensions are needed — nothing was written")
        years = sorted(int(y) for y in tidy["year"].unique())
        now = iso_time(tx.time)
        entry = {
            "name": name,
            "path": rel,
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "title": f"World Bank WGI: six governance estimates, {years[0]}–{years[-1]} (pulled {now[:10]})",
            "description": "Records of wbgapi.data.fetch stored unchanged (JSON array, one record per line).",
            "sources": [
                {
                    "title": "World Bank, Worldwide Governance Indicators (API source 3)",
                    "publisher": "World Bank",
                    "path": "https://www.worldbank.org/en/publication/worldwide-governance-indicators",
                    "retrieved": f"{now} from https://api.worldbank.org/v2/sources/{DATABASE} with wbgapi",
                }
            ],
            "licenses": [dict(LICENCE)],
            "bytes": len(data),
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
            "econsec": {
                "kind": PULL_KIND,
                "retrieved": now,
                "client": f"wbgapi {client_version('wbgapi')}",
                "query": query.client_arguments(),
                "command": query.command(),
                "rows": len(records),
                "years": years,
            },
        }
        tx.action = f"pull-wgi-{name}"
        tx.add_resource(entry)
        view = tx.view()
        estimates = six_dimension_estimates(view)
        mine = estimates[estimates["source"].eq(name) & estimates["indicator_code"].isin(ESTIMATE_CODES)]
        if not (mine.groupby(["iso3", "year"])["indicator_code"].nunique() == len(ESTIMATE_CODES)).any():
            raise RefreshError(f"the stored response {rel} gives no country all six dimensions in one year; nothing was written")
        snapshot = tx.commit()
        return WgiPullResult(name, tx.data_dir / rel, len(records), years, snapshot)

