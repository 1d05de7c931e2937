"""``econsec data pull-comtrade``: annual trade from the UN Comtrade API with the UN's own client.

One pull is one call of :func:`comtradeapicall.getFinalData` (final annual data, HS as
reported, descriptions included) with the subscription key from ``COMTRADE_API_KEY``. The
client returns the response's ``data`` array as a DataFrame (``json_normalize``); that frame is
stored unchanged — every column in the client's order, no row dropped — as CSV in
``data/raw/comtrade-pulls/<UTC time>/comtrade-final-annual.csv`` and recorded as resource
``comtrade-pull-<UTC time>`` with ``econsec: {kind: "comtrade-pull", query, retrieved,
client, rows, years}``. :func:`analysis.data.comtrade.load_trade` reads it like the shipped
extracts (after them, so :func:`analysis.indicators.trade.dedupe_trade` prefers it).

The client prints errors and returns ``None`` instead of raising; this module captures what
it prints (with the key blanked out) and turns it into one-line :class:`RefreshError` messages.
Nothing in ``data/`` changes unless the response is complete and valid.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from analysis.data.comtrade import PULL_KIND, load_trade, read_comtrade_csv
from analysis.data.countries import COMTRADE_CODE_OVERRIDES
from analysis.data.refresh import RefreshError, client_version
from analysis.data.refresh.transaction import DataTransaction, iso_time, utc_now
from analysis.errors import DataFileError

KEY_VARIABLE = "COMTRADE_API_KEY"
ENDPOINT = "https://comtradeapi.un.org/data/v1/get/C/A/HS"
#: Rows per call; a response this long was cut off by the API and is refused.
MAX_RECORDS = 250_000
#: Years per call (one request carries them all, comma-separated).
MAX_YEARS = 12
FLOWS = {"M": "imports", "X": "exports"}
LICENCE = {
    "name": "UN-Comtrade-terms",
    "title": 'UN Comtrade Database terms of use (cite "UN Comtrade Database")',
    "path": "https://comtradeplus.un.org/",
}

#: ISO alpha-3 → Comtrade numeric code where Comtrade differs from ISO 3166 numeric (India 699).
_ISO_TO_COMTRADE = {iso3: code for code, (iso3, kind) in COMTRADE_CODE_OVERRIDES.items() if kind in ("country", "world")}


def comtrade_code(iso3: str) -> int:
    """UN Comtrade reporter/partner code of an ISO alpha-3 code (``WLD`` → 0, ``IND`` → 699)."""
    iso3 = iso3.strip().upper()
    if iso3 in _ISO_TO_COMTRADE:
        return _ISO_TO_COMTRADE[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise RefreshError(f"unknown country code {iso3!r}: use ISO 3166 alpha-3 codes such as IND, JPN, CHN (WLD = World)")
    return int(country.numeric)


def parse_countries(text: str, option: str, *, allow_all: bool = False) -> tuple[str, ...] | None:
    """``"IND,JPN"`` → ("IND", "JPN"); ``"all"`` → None where allowed."""
    if allow_all and text.strip().lower() == "all":
        return None
    codes = tuple(dict.fromkeys(c.strip().upper() for c in text.split(",") if c.strip()))
    if not codes:
        raise RefreshError(f"{option}: give ISO alpha-3 codes separated by commas, e.g. IND,JPN")
    for code in codes:
        try:
            comtrade_code(code)
        except RefreshError as exc:
            raise RefreshError(f"{option}: {exc}") from None
    return codes


def parse_hs(text: str) -> tuple[str, ...]:
    """``"2504,2822,282520"`` → codes of 2, 4 or 6 digits (as strings: leading zeros matter)."""
    codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    if not codes:
        raise RefreshError("--hs: give HS codes separated by commas, e.g. 2504,2822,282520")
    for code in codes:
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
            raise RefreshError(f"--hs: {code!r} is not an HS code; valid: 2, 4 or 6 digits such as 2504 or 282520")
    return codes


def parse_years(text: str, *, today: datetime | None = None) -> tuple[int, ...]:
    """``"2019-2025"`` or ``"2019,2021"`` → years (1988 … this year, at most :data:`MAX_YEARS`)."""
    last = (today or utc_now()).year
    years: list[int] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        match = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", part)
        if match is None:
            raise RefreshError(f"--years: {part!r} is not a year or a range like 2019-2025")
        start, end = int(match[1]), int(match[2] or match[1])
        if start > end:
            raise RefreshError(f"--years: range {part!r} runs backwards")
        years.extend(range(start, end + 1))
    years = sorted(set(years))
    if not years:
        raise RefreshError("--years: give a year or a range like 2019-2025")
    bad = [y for y in years if not 1988 <= y <= last]
    if bad:
        raise RefreshError(f"--years: {bad[0]} is outside 1988–{last} (Comtrade's HS data start in 1988)")
    if len(years) > MAX_YEARS:
        raise RefreshError(f"--years: {len(years)} years in one pull; at most {MAX_YEARS} — split the pull")
    return tuple(years)


@dataclass(frozen=True)
class ComtradeQuery:
    """What to ask UN Comtrade for: annual final data, HS as reported."""

    reporters: tuple[str, ...]
    hs_codes: tuple[str, ...]
    years: tuple[int, ...]
    partners: tuple[str, ...] | None = ("WLD", "CHN")  # None = every partner
    flows: tuple[str, ...] = ("M",)
    max_records: int = MAX_RECORDS

    def client_arguments(self) -> dict[str, Any]:
        """Keyword arguments of ``comtradeapicall.getFinalData`` (everything but the key)."""
        return {
            "typeCode": "C",
            "freqCode": "A",
            "clCode": "HS",
            "period": ",".join(map(str, self.years)),
            "reporterCode": ",".join(str(comtrade_code(c)) for c in self.reporters),
            "cmdCode": ",".join(self.hs_codes),
            "flowCode": ",".join(self.flows),
            "partnerCode": None if self.partners is None else ",".join(str(comtrade_code(c)) for c in self.partners),
            "partner2Code": None,
            "customsCode": None,
            "motCode": None,
            "maxRecords": self.max_records,
            "format_output": "JSON",
            "aggregateBy": None,
            "breakdownMode": "classic",
            "countOnly": None,
            "includeDesc": True,
        }

    def command(self) -> str:
        """The ``econsec`` command line that repeats this pull."""
        years = f"{self.years[0]}-{self.years[-1]}" if list(self.years) == list(range(self.years[0], self.years[-1] + 1)) else ",".join(map(str, self.years))
        partners = "all" if self.partners is None else ",".join(self.partners)
        return (
            f"econsec data pull-comtrade --reporters {','.join(self.reporters)} --hs {','.join(self.hs_codes)} "
            f"--years {years} --partners {partners} --flows {','.join(self.flows)}"
        )

    def describe(self) -> str:
        flows = " and ".join(FLOWS[f] for f in self.flows)
        partners = "every partner" if self.partners is None else ", ".join(self.partners)
        span = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        return f"annual {flows} of {', '.join(self.reporters)} from {partners}; HS {', '.join(self.hs_codes)}; {span}"


@dataclass
class PullResult:
    resource: str
    path: Path
    rows: int
    years: list[int]
    snapshot: Path
    notes: list[str] = field(default_factory=list)

    def message(self) -> str:
        rel = self.path.relative_to(self.path.parents[3])
        return (
            f"added {self.resource}: {self.rows} rows, years {', '.join(map(str, self.years))} → data/{rel}\n"
            f"  previous package kept as data/history/{self.snapshot.name}; `econsec data diff` lists what changed"
        )


def _redact(text: str, key: str) -> str:
    return text.replace(key, "***") if key else text


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def call_client(query: ComtradeQuery, key: str) -> pd.DataFrame:
    """The DataFrame ``comtradeapicall.getFinalData`` returns; one-line errors otherwise."""
    try:
        import comtradeapicall
    except ImportError:
        raise RefreshError(
            "pull-comtrade needs the UN's client package: pip install 'econsec[refresh]' (installs comtradeapicall)"
        ) from None
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            frame = comtradeapicall.getFinalData(key, **query.client_arguments())
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSONDecodeError is a ValueError
        raise RefreshError(
            f"UN Comtrade sent a malformed response ({type(exc).__name__}: {_short(_redact(str(exc), key), 160)}); "
            "nothing was written"
        ) from None
    except OSError as exc:
        raise RefreshError(f"cannot reach the UN Comtrade API ({_short(_redact(str(exc), key))}); nothing was written") from None
    said = _redact(printed.getvalue().strip(), key)
    if frame is None:
        if said.startswith("Request error"):
            reason = said.removeprefix("Request error:").strip()
            cause = re.search(r"\(Caused by (.*)\)\s*$", reason, flags=re.S)
            raise RefreshError(
                f"cannot reach the UN Comtrade API at comtradeapi.un.org ({_short(cause[1] if cause else reason, 200)}); "
                "check the network connection and try again — nothing was written"
            )
        detail = said
        with contextlib.suppress(ValueError, AttributeError):
            body = json.loads(said)
            detail = f"HTTP {body.get('statusCode', '?')}: {body.get('message', said)}"
        raise RefreshError(f"UN Comtrade API refused the query ({_short(detail) or 'no reason given'}); nothing was written")
    if not isinstance(frame, pd.DataFrame):
        raise RefreshError(f"UN Comtrade client returned {type(frame).__name__}, not a table; nothing was written")
    return frame


def pull_comtrade(
    query: ComtradeQuery,
    *,
    key: str | None = None,
    data_dir: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
    client: Callable[[ComtradeQuery, str], pd.DataFrame] = call_client,
    log: Callable[[str], None] | None = None,
) -> PullResult:
    """Pull ``query`` and add the response to the package atomically (see module doc)."""
    key = key if key is not None else os.environ.get(KEY_VARIABLE, "")
    if not key.strip():
        raise RefreshError(
            f"{KEY_VARIABLE} is not set: get a free key at https://comtradedeveloper.un.org "
            f"(subscribe to 'comtrade - v1'), then `export {KEY_VARIABLE}=<key>`; nothing was written"
        )
    key = key.strip()
    with DataTransaction("pull-comtrade", data_dir, clock=clock) as tx:
        if log is not None:
            log(f"pulling {query.describe()} from UN Comtrade …")
        frame = client(query, key)
        if frame.empty:
            raise RefreshError(f"UN Comtrade returned no rows for {query.describe()}; nothing was written")
        if len(frame) >= query.max_records:
            raise RefreshError(
                f"UN Comtrade returned {len(frame)} rows, the most one call gives: the response is cut off — "
                "pull fewer reporters, products or years at a time; nothing was written"
            )
        name, folder = tx.unique_name("comtrade-pull", "comtrade-pulls")
        rel = f"{folder}/comtrade-final-annual.csv"
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        staged = tx.add_file(rel, data=data)
        try:
            tidy = read_comtrade_csv(staged, name)
        except DataFileError as exc:
            detail = str(exc).split(": ", 1)[-1]
            raise RefreshError(f"UN Comtrade response is not usable ({detail}); nothing was written") from None
        years = sorted(int(y) for y in tidy["year"].unique())
        now = iso_time(tx.time)
        entry = {
            "name": name,
            "path": rel,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": f"UN Comtrade: {query.describe()} (pulled {now[:10]})",
            "description": (
                "Response of comtradeapicall.getFinalData stored unchanged (the client's DataFrame written as CSV: "
                "every column, every row). Query and retrieval time in the econsec property."
            ),
            "sources": [
                {
                    "title": "UN Comtrade Database — final annual data (Comtrade+ API v1)",
                    "publisher": "United Nations Statistics Division (UN Comtrade, API v1)",
                    "path": "https://comtradeplus.un.org/",
                    "retrieved": f"{now} from {ENDPOINT} with comtradeapicall",
                }
            ],
            "licenses": [dict(LICENCE)],
            "bytes": len(data),
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
            "type": "table",
            "econsec": {
                "kind": PULL_KIND,
                "retrieved": now,
                "client": f"comtradeapicall {client_version('comtradeapicall')}",
                "endpoint": ENDPOINT,
                "query": {k: v for k, v in query.client_arguments().items() if v is not None},
                "command": query.command(),
                "rows": len(frame),
                "years": years,
            },
        }
        tx.action = f"pull-comtrade-{name}"
        tx.add_resource(entry)
        view = tx.view()
        stacked = load_trade(view)
        if not (stacked["source"] == name).any():
            raise RefreshError(f"the stored response {rel} is not read by load_trade; nothing was written")
        snapshot = tx.commit()
        return PullResult(name, tx.data_dir / rel, len(frame), years, snapshot)

