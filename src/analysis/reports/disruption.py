"""Disruption scenario: one supplier cuts its output of one mineral; who is short, who could cover.

:func:`disruption_scenario` makes the functions of :mod:`analysis.indicators.scenarios` visible
for one parameter set (mineral, supplier, cut, expansion): the world shortfall, the cover that
India and Japan — and the wider Quad and MSP blocs — could give from present output and from
an expansion, the shortfall over every cut, output by country before and after, and India's and
Japan's exposure where the trade data give their import share from the supplier. The
assumptions are returned as sentences so the notebook states them beside the results; every
number in them is computed and formatted with :mod:`analysis.text`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import load_frameworks, load_trade, load_usgs
from analysis.data.comtrade import ALL_REPORTERS_2023_RESOURCE, QUAD_WORLD_RESOURCE
from analysis.data.countries import DISPLAY_NAMES, display_name, match_name
from analysis.data.minerals import HS_PRODUCTS, product_label
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS, Concentration, concentration
from analysis.indicators.dependence import import_dependence
from analysis.indicators.trade import mineral_trade
from analysis.indicators.partners import INDIA_JAPAN, bloc_members
from analysis.indicators.scenarios import Disruption, disruption, disruption_curve
from analysis.reports.common import unit_note, usgs_source
from analysis.indicators.series import primary_measure
from analysis.vocabulary import PRODUCTION_MEASURES
from analysis.text import count_noun, fmt_share, fmt_tonnes, fmt_usd, join_names, lower_first

#: Partner groups whose cover is computed, narrowest first (short names of ``bloc_members``).
BLOCS: tuple[str, ...] = (INDIA_JAPAN, "Quad", "MSP")
#: Importers whose exposure is reported.
IMPORTERS: dict[str, str] = {"IND": "India", "JPN": "Japan"}
#: Cuts drawn on the shortfall curve (the chosen cut is added).
CURVE_CUTS: tuple[float, ...] = tuple(np.round(np.linspace(0.0, 1.0, 21), 2))
#: Producers shown by name in the before/after chart (plus supplier, India and Japan).
TOP_PRODUCERS = 8


@dataclass(frozen=True)
class DisruptionScenario:
    """Everything the disruption-scenario notebook shows (see :func:`disruption_scenario`)."""

    mineral: str
    supplier: str
    supplier_iso3: str
    cut: float
    expansion: float
    year: int
    measure: str
    measure_label: str
    unit_note: str
    standfirst: str
    #: India and Japan as partners (the default of :func:`analysis.indicators.scenarios.disruption`)
    result: Disruption
    #: bloc name → result with that bloc's members (supplier left out) as partners
    blocs: dict[str, Disruption]
    bloc_members: dict[str, tuple[str, ...]]
    #: one row per bloc: output, cover at present output and with expansion (chart and table data)
    cover: pd.DataFrame
    cover_table: pd.DataFrame
    #: shortfall over cuts: ``cut``, ``series``, ``share`` (0–1 of world output), ``tonnes``
    curve: pd.DataFrame
    #: output by country before and after the cut and the widest bloc's expansion
    output: pd.DataFrame
    output_bloc: str
    #: importers' exposure (``country``, ``import_share``, ``exposure`` 0–1, ``hs_code``, ``year``) or None
    exposure: pd.DataFrame | None
    exposure_text: list[str]
    #: the scenario's assumptions in words, keyed cut | redirection | expansion | exposure | not_modelled | data
    assumptions: dict[str, str]
    findings: list[str]
    caveats: list[str]
    source: str
    trade_source: str


def supplier_code(name: str) -> str:
    """ISO alpha-3 of a supplier's display name ("DR Congo" → "COD", "China" → "CHN")."""
    reverse = {display: code for code, display in DISPLAY_NAMES.items()}
    if name in reverse:
        return reverse[name]
    entity = match_name(name)
    if entity is None or entity.kind != "country":
        raise ParameterError(f"unknown supplier {name!r}; give a country name as USGS lists it, e.g. 'China' or 'DR Congo'")
    return entity.code


def _names(codes: tuple[str, ...] | list[str]) -> str:
    return join_names(sorted(display_name(c) for c in codes))


def _who(bloc: str, codes: tuple[str, ...]) -> str:
    """"Quad members (Australia, India, Japan and United States)"; long lists become a count."""
    if bloc == INDIA_JAPAN:
        return _bloc_label(bloc)
    inside = _names(codes) if len(codes) <= 5 else count_noun(len(codes), "country", "countries")
    return f"{_bloc_label(bloc)} ({inside})"


def _bloc_label(bloc: str) -> str:
    return {INDIA_JAPAN: "India and Japan", "Quad": "Quad members", "MSP": "MSP partners"}.get(bloc, bloc)


def _refinery_listed(usgs: pd.DataFrame, mineral: str, year: int) -> bool:
    rows = usgs[(usgs["commodity"] == mineral) & (usgs["measure"] == "refinery_production") & (usgs["year"] == year)]
    return bool(rows["value_t"].notna().any())


def _exposure(trade: pd.DataFrame, mineral: str, supplier_iso3: str) -> tuple[dict[str, float], pd.DataFrame | None]:
    """Importers' shares of imports from the supplier where an extract splits it (China only, Quad files)."""
    if supplier_iso3 != "CHN":
        return {}, None
    rows = []
    for iso3, name in IMPORTERS.items():
        try:
            table = import_dependence(trade, iso3, mineral=mineral)
        except ParameterError:
            continue
        split = table[(table["source"] == QUAD_WORLD_RESOURCE) & (table["china_basis"] == "reported")]
        if split.empty:
            continue
        latest = split[split["year"] == split["year"].max()].sort_values("value_usd", ascending=False).iloc[0]
        rows.append({
            "reporter_iso3": iso3,
            "country": name,
            "hs_code": str(latest["hs_code"]),
            "product": product_label(str(latest["hs_code"])),
            "stage": HS_PRODUCTS[str(latest["hs_code"])].stage,
            "year": int(latest["year"]),
            "import_share": float(latest["china_share"]),
            "imports_usd": float(latest["value_usd"]),
            "china_usd": float(latest["china_value_usd"]),
        })
    if not rows:
        return {}, None
    frame = pd.DataFrame(rows)
    return dict(zip(frame["reporter_iso3"], frame["import_share"])), frame


@dataclass(frozen=True)
class _Series:
    """The validated scenario inputs: year, supplier code, production series and partner blocs."""

    year: int
    iso3: str
    measure: str
    label: str
    series: Concentration
    listed: set[str]
    members: dict[str, tuple[str, ...]]
    left_out: list[str]


@dataclass(frozen=True)
class _Exposure:
    """Importers' exposure (None when no extract splits imports by partner) and its sentences."""

    table: pd.DataFrame | None
    text: list[str]


def _series(usgs: pd.DataFrame, mineral: str, supplier: str, year: int | None) -> _Series:
    """Check the mineral and supplier, pick the year and production series, and the partner blocs."""
    if mineral not in set(usgs["commodity"]):
        raise ParameterError(f"unknown mineral {mineral!r}; valid: {', '.join(sorted(usgs['commodity'].unique()))}")
    if year is None:
        rows = usgs[(usgs["commodity"] == mineral) & usgs["measure"].isin(PRODUCTION_MEASURES)
                    & usgs["value_t"].notna()]
        if rows.empty:
            raise ParameterError(f"USGS has no production figures for {mineral}")
        year = int(rows["year"].max())
    iso3 = supplier_code(supplier)
    measure = primary_measure(usgs, mineral, year)
    label = MEASURE_LABELS[measure]
    series = concentration(usgs, mineral, measure, year)
    listed = set(series.shares["iso3"].astype(str))
    if iso3 not in listed:
        producers = join_names(series.shares["country"].head(5).tolist())
        raise ParameterError(
            f"USGS lists no {label} of {mineral.lower()} for {supplier} in {year}, so a cut removes nothing; "
            f"the largest producers are {producers}"
        )

    frameworks = load_frameworks()
    members: dict[str, tuple[str, ...]] = {}
    left_out: list[str] = []
    for bloc in BLOCS:
        codes = bloc_members(frameworks, bloc).members
        if iso3 in codes:
            left_out.append(bloc)
        members[bloc] = tuple(c for c in codes if c != iso3)
    return _Series(year, iso3, measure, label, series, listed, members, left_out)


def _cover(runs: dict[str, Disruption], members: dict[str, tuple[str, ...]], label: str, expansion_label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cover per bloc: (chart data, formatted table)."""
    cover = pd.DataFrame([
        {
            "bloc": bloc,
            "label": _bloc_label(bloc),
            "members": _names(members[bloc]),
            "lost_t": run.lost_t,
            "partner_output_t": run.partner_output_t,
            "redirect_cover": run.redirect_cover,
            "expansion_t": run.expansion_t,
            "expansion_cover": run.expansion_cover,
            "residual_shortfall_t": run.residual_shortfall_t,
            "residual_shortfall_share": run.residual_shortfall_share,
        }
        for bloc, run in runs.items()
    ])
    cover_table = pd.DataFrame({
        "Partners": cover["label"],
        f"Their {label}": cover["partner_output_t"].map(fmt_tonnes),
        "Share of the loss they could redirect": cover["redirect_cover"].map(fmt_share),
        f"New output at {expansion_label}": cover["expansion_t"].map(fmt_tonnes),
        "Share of the loss it replaces": cover["expansion_cover"].map(fmt_share),
        "World shortfall left": cover["residual_shortfall_share"].map(fmt_share),
    })
    return cover, cover_table


def _curve(usgs: pd.DataFrame, mineral: str, s: _Series, cut: float, expansion: float, expansion_label: str) -> pd.DataFrame:
    """Shortfall over cuts: no new supply, and after each bloc's expansion."""
    cuts = sorted(set(CURVE_CUTS) | {round(cut, 4)})
    lines = []
    for bloc in BLOCS:
        grid = disruption_curve(usgs, mineral, s.measure, s.year, supplier=s.iso3, cuts=cuts, expansions=(expansion,), partners=s.members[bloc])
        if not lines:
            lines.append(pd.DataFrame({"cut": grid["cut"], "series": "No new supply", "share": grid["shortfall_share"],
                                       "tonnes": grid["lost_t"]}))
        lines.append(pd.DataFrame({"cut": grid["cut"], "series": f"{_bloc_label(bloc)} raise output {expansion_label}",
                                   "share": grid["residual_shortfall_share"], "tonnes": grid["residual_shortfall_t"]}))
    curve = pd.concat(lines, ignore_index=True)
    curve["chosen"] = np.isclose(curve["cut"], cut)
    return curve


def _output(runs: dict[str, Disruption], iso3: str, widest: str) -> pd.DataFrame:
    """Output by country before and after (the widest bloc's expansion)."""
    by_country = runs[widest].by_country
    keep = by_country.head(TOP_PRODUCERS)
    extra = by_country[by_country["iso3"].isin([iso3, "IND", "JPN"]) & ~by_country["iso3"].isin(keep["iso3"])]
    output = pd.concat([keep, extra], ignore_index=True)
    return output.assign(
        role=np.select([output["iso3"] == iso3, output["iso3"] == "IND", output["iso3"] == "JPN", output["role"] == "partner"],
                       ["Supplier cut", "India", "Japan", f"Other {_bloc_label(widest)}"], "Other producers"),
        change_t=output["after_t"] - output["output_t"],
    )


def _exposure_section(
    trade: pd.DataFrame, exposure_rows: pd.DataFrame | None, result: Disruption, mineral: str, supplier: str, iso3: str,
    cut: float, label: str,
) -> _Exposure:
    """Importers' exposure to the cut, or why it cannot be measured and the imports for scale."""
    exposure_text: list[str] = []
    exposure = None
    if exposure_rows is not None:
        exposed = result.exposure.set_index("reporter_iso3")
        exposure = exposure_rows.assign(exposure=exposure_rows["reporter_iso3"].map(exposed["exposure"]))
        for row in exposure.itertuples():
            exposure_text.append(
                f"{row.country} bought **{fmt_share(row.import_share)}** of its {lower_first(row.product)} imports "
                f"from {supplier} in {row.year} ({fmt_usd(row.china_usd)} of {fmt_usd(row.imports_usd)}): a {fmt_share(cut)} cut "
                f"would remove **{fmt_share(row.exposure)}** of them if no other supplier stepped in."
            )
        stages = sorted(set(exposure["stage"]))
        if stages != ["ore"]:
            exposure_text.append(
                f"The import share is for {join_names(sorted(set(exposure['product'])))}, a {join_names(stages)} product, "
                f"while the cut is to {label}: the two stages need not move together."
            )
        missing = [name for code, name in IMPORTERS.items() if code not in set(exposure["reporter_iso3"])]
        if missing:
            exposure_text.append(f"No extract splits {join_names(missing)}'s imports of {mineral.lower()} by partner.")
        return _Exposure(exposure, exposure_text)
    if iso3 != "CHN":
        reason = (
            f"The trade data split India's and Japan's imports only between China and the rest of the world, so their "
            f"exposure to a cut by {supplier} cannot be measured; it is not estimated here."
        )
    else:
        reason = (
            f"No extract in the data package splits India's or Japan's imports of {mineral.lower()} by partner, so their "
            f"exposure to the cut cannot be measured; it is not estimated here."
        )
    exposure_text.append(reason)
    world = trade[trade["source"] == ALL_REPORTERS_2023_RESOURCE]
    trade_year = int(world["year"].max())
    parts = []
    for code, name in IMPORTERS.items():
        table = mineral_trade(world, code, trade_year)
        row = table[table["mineral"] == mineral]
        if len(row) and row["imports_usd"].iloc[0] > 0:
            parts.append(f"{name} {fmt_usd(float(row['imports_usd'].iloc[0]))} (HS {row['hs_codes'].iloc[0]})")
    if parts:
        exposure_text.append(
            f"For scale: in {trade_year}, imports of {mineral.lower()} from all origins were {join_names(parts)}."
        )
    return _Exposure(None, exposure_text)


def _china_note(usgs: pd.DataFrame, mineral: str, supplier: str, s: _Series) -> list[str]:
    """When the scenario cuts another country because USGS lists no Chinese output, say so."""
    if s.iso3 == "CHN" or "CHN" in s.listed:
        return []
    refinery = _refinery_listed(usgs, mineral, s.year)
    return [
        f"USGS lists no Chinese {s.label} of {mineral.lower()}"
        + ("" if refinery else f", and the Mineral Commodity Summaries have no {mineral.lower()} refinery table")
        + f"; this scenario cuts {supplier}"
        + (", the largest producer listed," if s.series.leader_iso3 == s.iso3 else "")
        + f" instead, and China's role in processing {mineral.lower()} is outside it."
    ]


def _assumptions(usgs: pd.DataFrame, mineral: str, supplier: str, s: _Series, result: Disruption, cut: float, expansion: float, editions: pd.Series) -> dict[str, str]:
    """The scenario's assumptions in words (cut, redirection, expansion, exposure, not modelled, data)."""
    year, label = s.year, s.label
    assumptions = {
        "cut": (
            f"**The cut.** {supplier}'s {year} {label} of {mineral.lower()} ({fmt_tonnes(result.supplier_output_t)}, "
            f"{fmt_share(result.supplier_share)} of the world) falls by {fmt_share(cut)}; every other producer's output stays as it was. "
            f"The shortfall is the lost tonnes as a share of world output, so it rises in step with the cut."
        ),
        "redirection": (
            "**Redirection.** Partners send all of their present output to the buyers who lost supply. That moves the shortage "
            "to the partners' former buyers; the world is still short by the same tonnes."
        ),
        "expansion": (
            f"**Expansion.** Partners raise output by {fmt_share(expansion)} of what they produce now. That is new supply and "
            "the only thing here that shrinks the world shortfall; how long it would take to build is not modelled."
        ),
        "exposure": (
            f"**Exposure.** An importer loses its import share from {supplier} times the cut, as if the cut fell evenly on all "
            f"of {supplier}'s customers and nobody rerouted."
        ),
        "not_modelled": "**Not modelled.** Prices, stocks, demand response, substitution and recycling.",
    }
    if usgs.loc[(usgs["commodity"] == mineral) & (usgs["year"] == year) & (usgs["measure"] == s.measure), "estimated"].any():
        assumptions["data"] = (
            f"**Data.** USGS values for {year} are estimates (marked 'e') of the Mineral Commodity Summaries "
            f"{int(editions.max())}."
        )
    return assumptions


def _findings(
    mineral: str, supplier: str, s: _Series, result: Disruption, runs: dict[str, Disruption], cut: float, expansion: float,
    exposure: _Exposure, china_note: list[str],
) -> list[str]:
    """The key findings: the loss, each bloc's cover, the importers' exposure."""
    label = s.label
    findings = [
        (f"A **{fmt_share(cut)}** cut in {supplier}'s {s.year} {label} of {mineral.lower()} ({fmt_tonnes(result.supplier_output_t)}, "
        f"{fmt_share(result.supplier_share)} of the world) removes **{fmt_tonnes(result.lost_t)}**, **{fmt_share(result.shortfall_share)}** "
        f"of world output ({fmt_tonnes(result.world_total_t)}).")
    ]
    for bloc, run in runs.items():
        who = _who(bloc, s.members[bloc])
        if run.partner_output_t <= 0:
            findings.append(
                f"{who} have no listed {label} of {mineral.lower()}: they could neither redirect nor expand any."
            )
            continue
        findings.append(
            f"{who} produce {fmt_tonnes(run.partner_output_t)}: redirected in full, it would replace "
            f"**{fmt_share(run.redirect_cover)}** of the loss; raising it by {fmt_share(expansion)} adds {fmt_tonnes(run.expansion_t)} "
            f"(**{fmt_share(run.expansion_cover)}** of the loss), leaving {fmt_share(run.residual_shortfall_share)} of world output missing."
        )
    if exposure.table is not None:
        table = exposure.table
        products = join_names(sorted({lower_first(p) for p in table["product"]}))
        findings.append(
            f"A {fmt_share(cut)} cut would remove "
            + join_names([f"**{fmt_share(r.exposure)}** of {r.country}'s" for r in table.itertuples()])
            + f" imports of {products} — their {join_names(sorted({str(y) for y in table['year']}))} import shares from "
            f"{supplier} ({join_names([fmt_share(v) for v in table['import_share']])}) times the cut, if nobody rerouted."
        )
    else:
        findings.append(exposure.text[0])
    findings.extend(china_note)
    return findings


def _caveats(mineral: str, supplier: str, s: _Series) -> list[str]:
    """Series notes and partners counted as 0 t (withheld or not listed)."""
    caveats = [n for n in s.series.notes if not n.startswith("HHI range")]
    partners_all = sorted(set().union(*s.members.values()))
    withheld = [c for c in partners_all if c in set(s.series.excluded["iso3"].astype(str))]
    absent = [c for c in partners_all if c not in s.listed and c not in withheld]
    if withheld:
        caveats.append(f"Partner output withheld or not available, counted as 0 t (so cover is a lower bound): {_names(withheld)}.")
    if absent:
        caveats.append(f"USGS lists no {s.label} of {mineral.lower()} for these partners, counted as 0 t: {_names(absent)}.")
    if s.left_out:
        caveats.append(f"{supplier} is itself a member of {join_names(s.left_out)}; it is left out of those partners.")
    return list(dict.fromkeys(caveats))


def disruption_scenario(
    mineral: str = "Rare earths",
    supplier: str = "China",
    cut: float = 0.5,
    expansion: float = 0.2,
    year: int | None = None,
) -> DisruptionScenario:
    """A supplier-cut scenario for one mineral, with cover by India–Japan, the Quad and MSP partners.

    ``supplier`` is a display name ("China", "DR Congo"); ``cut`` ∈ [0, 1] is the fraction of
    its output lost; ``expansion`` ∈ [0, 1] the partners' output increase as a fraction of their
    present output; ``year`` defaults to the latest USGS production year for the mineral. The
    production series is mine production where USGS reports it, else refinery production.
    """
    usgs = load_usgs()
    s = _series(usgs, mineral, supplier, year)
    trade = load_trade()
    shares, exposure_rows = _exposure(trade, mineral, s.iso3)
    runs = {
        bloc: disruption(usgs, mineral, s.measure, s.year, supplier=s.iso3, cut=cut, expansion=expansion, partners=s.members[bloc],
                         import_shares=shares or None)
        for bloc in BLOCS
    }
    result = runs[INDIA_JAPAN]
    editions = usgs.loc[(usgs["commodity"] == mineral) & (usgs["year"] == s.year), "edition"]
    expansion_label = f"+{fmt_share(expansion)}"
    widest = BLOCS[-1]
    cover, cover_table = _cover(runs, s.members, s.label, expansion_label)
    exposure = _exposure_section(trade, exposure_rows, result, mineral, supplier, s.iso3, cut, s.label)
    china_note = _china_note(usgs, mineral, supplier, s)
    return DisruptionScenario(
        mineral=mineral,
        supplier=supplier,
        supplier_iso3=s.iso3,
        cut=cut,
        expansion=expansion,
        year=s.year,
        measure=s.measure,
        measure_label=s.label,
        unit_note=unit_note(s.series.usgs_type, mineral),
        standfirst=(
            f"A {fmt_share(cut)} cut in {supplier}'s {s.year} {s.label} of {mineral.lower()}, cover from India and Japan, "
            f"the Quad and MSP partners with a {fmt_share(expansion)} expansion, and who is exposed"
        ),
        result=result,
        blocs=runs,
        bloc_members=s.members,
        cover=cover,
        cover_table=cover_table,
        curve=_curve(usgs, mineral, s, cut, expansion, expansion_label),
        output=_output(runs, s.iso3, widest),
        output_bloc=_bloc_label(widest),
        exposure=exposure.table,
        exposure_text=exposure.text,
        assumptions=_assumptions(usgs, mineral, supplier, s, result, cut, expansion, editions),
        findings=_findings(mineral, supplier, s, result, runs, cut, expansion, exposure, china_note),
        caveats=_caveats(mineral, supplier, s) + china_note,
        source=usgs_source(editions),
        trade_source="UN Comtrade (UN Statistics Division): imports reported by India and Japan, partners World and China",
    )
