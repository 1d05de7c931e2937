"""Disruption scenario: one supplier cuts its mining or refining of one mineral in one year.

:func:`disruption_scenario` makes the functions of :mod:`analysis.indicators.scenarios` and
:mod:`analysis.indicators.stages` visible for one parameter set (mineral, stage, year, supplier,
cut, expansion), in small named steps:

1. :func:`_series` — the stage's supply by country (:func:`~analysis.indicators.stages.stage_frame`:
   USGS where it tabulates the stage, else the IEA's observed 2023 figures), checked;
2. :func:`_runs` — the cut with India–Japan, Quad and MSP partners expanding;
3. :func:`_capacity` — where the IEA has the series, how much of the loss its 2030 base-case
   new output outside the supplier would replace (a projection);
4. :func:`_shortfall_cases` — the share of world supply still missing in each case;
5. :func:`_exposure` — India's and Japan's import shares from the supplier at that stage:
   their own reported split, else a mirror estimate, else a plain "cannot be computed";
6. :func:`_assumptions`, :func:`_findings`, :func:`_caveats` — the words, every number
   computed and formatted with :mod:`analysis.text`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import load_all_reporters_2023, load_china_exports_groups, load_china_exports_hs6, load_frameworks, load_supply, load_trade
from analysis.data.comtrade import QUAD_WORLD_RESOURCE
from analysis.data.countries import DISPLAY_NAMES, display_name, match_name
from analysis.data.minerals import HS_PRODUCTS, product_label
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS, Concentration, concentration
from analysis.indicators.dependence import import_dependence
from analysis.indicators.mirror import mirror_shares
from analysis.indicators.partners import INDIA_JAPAN, bloc_members
from analysis.indicators.scenarios import Disruption, disruption
from analysis.indicators.stages import IEA_SOURCE, PROJECTION_LABEL, StageDisruption, refining_disruption, stage_frame
from analysis.indicators.trade import mineral_trade
from analysis.reports.common import unit_note, usgs_source
from analysis.text import count_noun, fmt_share, fmt_tonnes, fmt_usd, join_names, lower_first

#: Partner groups whose cover is computed, narrowest first (short names of ``bloc_members``).
BLOCS: tuple[str, ...] = (INDIA_JAPAN, "Quad", "MSP")
#: Importers whose exposure is reported.
IMPORTERS: dict[str, str] = {"IND": "India", "JPN": "Japan"}
#: Producers shown by name in the before/after chart (plus supplier, India and Japan).
TOP_PRODUCERS = 8
#: Smallest partner output, as a share of the lost tonnes, for which the cover chart is drawn.
COVER_CHART_MIN = 0.05
#: The IEA year whose base-case output is compared with the loss.
CAPACITY_YEAR = 2030
#: HS stages of the trade table that belong to each supply-chain stage.
TRADE_STAGES: dict[str, tuple[str, ...]] = {"mining": ("ore",), "refining": ("processed", "metal")}
#: The mirror-estimate product (:data:`analysis.indicators.mirror.PRODUCTS`) standing for a mineral's stage.
MIRROR_PRODUCTS: dict[tuple[str, str], str] = {
    ("Graphite", "mining"): "Natural graphite (HS 250410)",
    ("Graphite", "refining"): "Artificial graphite (HS 380110)",
    ("Rare earths", "refining"): "Rare earths (China group: HS 280530 + 284690 + 850511)",
    ("Gallium", "refining"): "Gallium, germanium and other metals, unwrought (HS 811292)",
}
IEA_SOURCE_LINE = "IEA (2024), Critical Minerals Data Explorer (CC BY 4.0)"
TRADE_SOURCE = "UN Comtrade (UN Statistics Division): imports reported by India and Japan; China-reported exports by partner"
STAGE_WORDS = {"mining": "mining", "refining": "refining"}


@dataclass(frozen=True)
class DisruptionScenario:
    """Everything the disruption-scenario notebook shows (see :func:`disruption_scenario`)."""

    mineral: str
    stage: str
    supplier: str
    supplier_iso3: str
    cut: float
    expansion: float
    year: int
    measure: str
    #: what is cut, in words ("refinery production", "battery-grade graphite refining")
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
    #: False when every partner group's present output is under :data:`COVER_CHART_MIN` of the loss
    #: (the bars would be invisible; the table and findings say it)
    show_cover_chart: bool
    cover_note: str
    #: IEA cut of the same stage with 2030 base-case output (None when the IEA lacks the series)
    capacity: StageDisruption | None
    capacity_text: list[str]
    #: share of world supply still missing per case: ``case``, ``share``, ``tonnes``, ``kind``
    cases: pd.DataFrame
    #: output by country before and after the cut and the widest bloc's expansion
    output: pd.DataFrame
    output_bloc: str
    #: importers' exposure (``country``, ``product``, ``year``, ``import_share``, ``exposure``, ``basis``) or None
    exposure: pd.DataFrame | None
    exposure_text: list[str]
    #: the scenario's assumptions in words, keyed cut | redirection | expansion | capacity | exposure | not_modelled | data
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


def _bloc_label(bloc: str) -> str:
    return {INDIA_JAPAN: "India and Japan", "Quad": "Quad members", "MSP": "MSP partners"}.get(bloc, bloc)


def _who(bloc: str, codes: tuple[str, ...]) -> str:
    """"Quad members (Australia, India, Japan and United States)"; long lists become a count."""
    if bloc == INDIA_JAPAN:
        return _bloc_label(bloc)
    inside = _names(codes) if len(codes) <= 5 else count_noun(len(codes), "country", "countries")
    return f"{_bloc_label(bloc)} ({inside})"


# --- 1. the series ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """The validated scenario inputs: the stage's supply by country, its source and the partner blocs."""

    year: int
    stage: str
    iso3: str
    frame: pd.DataFrame
    measure: str
    label: str
    product: str
    unit: str
    from_iea: bool
    series: Concentration
    listed: set[str]
    members: dict[str, tuple[str, ...]]
    left_out: list[str]


def _series(supply: pd.DataFrame, mineral: str, stage: str, year: int, supplier: str) -> _Series:
    """The stage's supply by country in ``year``, the supplier checked against it, the partner blocs."""
    frame = stage_frame(supply, mineral, stage, year)
    iso3 = supplier_code(supplier)
    measure = str(frame["measure"].iloc[0])
    product = str(frame["type"].iloc[0])
    from_iea = str(frame["source"].iloc[0]).startswith("iea")
    label = stage if from_iea else MEASURE_LABELS[measure]  # the IEA measures a product at a stage, not USGS's series
    unit = product if from_iea else unit_note(product, mineral)
    series = concentration(frame, mineral, measure, int(year))
    listed = set(series.shares["iso3"].astype(str))
    if iso3 not in listed:
        producers = join_names(series.shares["country"].head(5).tolist())
        raise ParameterError(
            f"no {stage} figure of {mineral.lower()} for {supplier} in {year}, so a cut removes nothing; "
            f"the largest listed are {producers}"
        )
    frameworks = load_frameworks()
    members: dict[str, tuple[str, ...]] = {}
    left_out: list[str] = []
    for bloc in BLOCS:
        codes = bloc_members(frameworks, bloc).members
        if iso3 in codes:
            left_out.append(bloc)
        members[bloc] = tuple(c for c in codes if c != iso3)
    return _Series(int(year), stage, iso3, frame, measure, label, product, unit, from_iea, series, listed, members, left_out)


# --- 2. the cut, per partner bloc -------------------------------------------------------------


def _runs(s: _Series, mineral: str, cut: float, expansion: float, shares: dict[str, float] | None) -> dict[str, Disruption]:
    return {
        bloc: disruption(s.frame, mineral, s.measure, s.year, supplier=s.iso3, cut=cut, expansion=expansion,
                         partners=s.members[bloc], import_shares=shares or None)
        for bloc in BLOCS
    }  # fmt: skip


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
        (f"Their {label} output" if label in STAGE_WORDS else f"Their {label}"): cover["partner_output_t"].map(fmt_tonnes),
        "Share of the loss they could redirect": cover["redirect_cover"].map(fmt_share),
        f"New output at {expansion_label}": cover["expansion_t"].map(fmt_tonnes),
        "Share of the loss it replaces": cover["expansion_cover"].map(fmt_share),
        "World shortfall left": cover["residual_shortfall_share"].map(fmt_share),
    })
    return cover, cover_table


# --- 3. IEA 2030 output outside the supplier ----------------------------------------------------


def _capacity(supply: pd.DataFrame, mineral: str, s: _Series, supplier: str, cut: float) -> tuple[StageDisruption | None, list[str]]:
    """The same cut on the IEA's series with its 2030 base case, or why there is none."""
    try:
        run = refining_disruption(supply, mineral, cut=cut, year=2023, capacity_year=CAPACITY_YEAR, stage=s.stage, supplier=s.iso3)
    except ParameterError:
        return None, [
            f"The IEA outlook does not cover {s.stage} of {mineral.lower()}, so there is no projection of new output "
            f"outside {supplier} to set against the loss."
        ]
    product = str(supply.loc[(supply["source"] == IEA_SOURCE) & (supply["mineral"] == mineral) & (supply["stage"] == s.stage),
                             "product"].iloc[0])
    basis = (
        "" if s.from_iea and s.year == 2023
        else f", on the IEA's own series ({product}, 2023 base year), which measures a different product from the one cut here"
    )
    text = [
        f"**{PROJECTION_LABEL} for {CAPACITY_YEAR}.** {s.stage.capitalize()} outside {supplier} that the IEA names grows by "
        f"{fmt_tonnes(run.new_capacity_t)} from 2023 to {CAPACITY_YEAR} — **{fmt_share(run.new_capacity_cover)}** of the "
        f"{fmt_tonnes(run.lost_t)} a {fmt_share(cut)} cut of {supplier}'s 2023 {s.stage} removes{basis}. "
        "It is a projection of announced projects, not output that exists today."
    ]
    return run, text


# --- 4. share of world supply still missing -----------------------------------------------------


def _shortfall_cases(result: Disruption, runs: dict[str, Disruption], capacity: StageDisruption | None, expansion: float,
                     same_series: bool) -> pd.DataFrame:
    """One row per case: no new supply, each bloc's expansion, IEA 2030 output outside the supplier."""
    rows = [{"case": "No new supply", "share": result.shortfall_share, "tonnes": result.lost_t, "kind": "No new supply"}]
    for bloc, run in runs.items():
        rows.append({"case": f"{_bloc_label(bloc)} +{fmt_share(expansion)}", "share": run.residual_shortfall_share,
                     "tonnes": run.residual_shortfall_t, "kind": "Partners expand"})
    if capacity is not None and same_series:  # on another series (other product, base year) it is told in words only
        left = max(capacity.lost_t - capacity.new_capacity_t, 0.0)
        rows.append({"case": f"IEA {CAPACITY_YEAR} new output (projection)",
                     "share": left / capacity.world_total_t, "tonnes": left, "kind": "IEA projection"})
    return pd.DataFrame(rows)


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


# --- 5. India's and Japan's exposure ------------------------------------------------------------


def _reported_share(trade: pd.DataFrame, iso3: str, mineral: str, stage: str) -> dict[str, object] | None:
    """The importer's own China split for an HS code of the stage, latest year, largest code."""
    try:
        table = import_dependence(trade, iso3, mineral=mineral)
    except ParameterError:
        return None
    split = table[(table["source"] == QUAD_WORLD_RESOURCE) & (table["china_basis"] == "reported") & table["china_share"].notna()
                  & table["stage"].isin(TRADE_STAGES[stage])]  # fmt: skip
    if split.empty:
        return None
    row = split[split["year"] == split["year"].max()].sort_values("value_usd", ascending=False).iloc[0]
    code = str(row["hs_code"])
    return {"product": f"{product_label(code)}", "hs": code, "year": int(row["year"]), "import_share": float(row["china_share"]),
            "imports_usd": float(row["value_usd"]), "china_usd": float(row["china_value_usd"]),
            "basis": f"reported by {IMPORTERS[iso3]}"}  # fmt: skip


def _mirror_share(mirror: pd.DataFrame, iso3: str, mineral: str, stage: str) -> dict[str, object] | None:
    product = MIRROR_PRODUCTS.get((mineral, stage))
    if product is None:
        return None
    rows = mirror[(mirror["importer_iso3"] == iso3) & (mirror["product"] == product) & mirror["matched"]]
    rows = rows[rows["mirror_share_value"].notna()]
    if rows.empty:
        return None
    row = rows[rows["year"] == rows["year"].max()].iloc[0]
    return {"product": product, "hs": "", "year": int(row["year"]), "import_share": min(float(row["mirror_share_value"]), 1.0),
            "imports_usd": float(row["importer_world_imports_usd"]), "china_usd": float(row["china_exports_usd"]),
            "basis": "mirror estimate: China's reported exports to it ÷ its imports from the world"}  # fmt: skip


def _import_shares(mineral: str, stage: str, iso3: str) -> pd.DataFrame | None:
    """India's and Japan's import shares from the supplier at the scenario's stage, where the data allow."""
    if iso3 != "CHN":
        return None
    trade = load_trade()
    mirror = mirror_shares(load_china_exports_hs6(), load_china_exports_groups(), load_all_reporters_2023())
    rows = []
    for code, name in IMPORTERS.items():
        found = _reported_share(trade, code, mineral, stage) or _mirror_share(mirror, code, mineral, stage)
        if found is not None:
            rows.append({"reporter_iso3": code, "country": name, **found})
    return pd.DataFrame(rows) if rows else None


def _exposure(table: pd.DataFrame | None, result: Disruption, mineral: str, supplier: str, stage: str, cut: float) -> tuple[pd.DataFrame | None, list[str]]:
    """Importers' exposure to the cut and its sentences, or plainly why it cannot be computed."""
    text: list[str] = []
    if table is not None:
        exposed = result.exposure.set_index("reporter_iso3")
        table = table.assign(exposure=table["reporter_iso3"].map(exposed["exposure"]))
        for row in table.itertuples():
            text.append(
                f"{row.country} bought **{fmt_share(row.import_share)}** of its {lower_first(row.product)} imports from "
                f"{supplier} in {row.year} ({row.basis}, {fmt_usd(row.china_usd)} of {fmt_usd(row.imports_usd)}): a "
                f"{fmt_share(cut)} cut would remove **{fmt_share(row.exposure)}** of them if no other supplier stepped in."
            )
        missing = [name for code, name in IMPORTERS.items() if code not in set(table["reporter_iso3"])]
        if missing:
            text.append(f"For {join_names(missing)}, neither its own trade data nor a mirror estimate give the share of "
                        f"{mineral.lower()} {stage} products bought from {supplier}: its exposure cannot be computed.")
        return table, text
    if supplier != "China":
        text.append(f"The trade data split India's and Japan's imports only between China and the rest of the world, so "
                    f"their exposure to a cut by {supplier} cannot be computed.")
    else:
        text.append(f"Neither India's and Japan's own trade data nor a mirror estimate from China's exports give the share of "
                    f"their imports of {mineral.lower()} at the {stage} stage that comes from {supplier}, so their exposure "
                    "cannot be computed; it is not estimated here.")
    world = load_all_reporters_2023()
    trade_year = int(world["year"].max())
    parts = []
    for code, name in IMPORTERS.items():
        row = mineral_trade(world, code, trade_year)
        row = row[row["mineral"] == mineral]
        if len(row) and row["imports_usd"].iloc[0] > 0:
            parts.append(f"{name} {fmt_usd(float(row['imports_usd'].iloc[0]))} (HS {row['hs_codes'].iloc[0]})")
    if parts:
        text.append(f"For scale: in {trade_year}, imports of {mineral.lower()} products from all origins were {join_names(parts)}.")
    return None, text


# --- 6. words ---------------------------------------------------------------------------------


def _what(s: _Series, mineral: str) -> str:
    """"2023 refining of cobalt" (IEA series) or "2024 mine production of rare earths" (USGS series)."""
    return f"{s.year} {s.label} of {mineral.lower()}"


def _assumptions(mineral: str, supplier: str, s: _Series, result: Disruption, cut: float, expansion: float) -> dict[str, str]:
    """The scenario's assumptions in words (cut, redirection, expansion, exposure, not modelled, data)."""
    assumptions = {
        "cut": (
            f"**The cut.** {supplier}'s {_what(s, mineral)} ({fmt_tonnes(result.supplier_output_t)} of {s.unit}, "
            f"{fmt_share(result.supplier_share)} of the world) falls by {fmt_share(cut)} for a year; every other producer's "
            "output stays as it was. The world goes short by the lost tonnes."
        ),
        "redirection": (
            "**Redirection.** Partners send all of their present output to the buyers who lost supply. That moves the shortage "
            "to the partners' former buyers; the world is still short by the same tonnes."
        ),
        "expansion": (
            f"**Expansion.** Partners raise output by {fmt_share(expansion)} of what they produce now. That is new supply and, "
            "with the IEA's projected new output, the only thing here that shrinks the world shortfall; how long it would take "
            "to build is not modelled."
        ),
        "exposure": (
            f"**Exposure.** An importer loses its import share from {supplier} times the cut, as if the cut fell evenly on all "
            f"of {supplier}'s customers and nobody rerouted."
        ),
        "not_modelled": "**Not modelled.** Prices, stocks, demand response, substitution and recycling.",
    }
    if s.from_iea:
        assumptions["data"] = (
            f"**Data.** The {s.stage} figures are the IEA's observed 2023 values for {s.product}; the Mineral Commodity "
            f"Summaries have no {mineral.lower()} {s.stage} table by country."
        )
    elif (s.frame["basis"] == "estimate").any():
        editions = sorted({int(e) for e in s.frame["edition"]})
        assumptions["data"] = (
            f"**Data.** USGS values for {s.year} are estimates (marked 'e') of the Mineral Commodity Summaries {editions[-1]}."
        )
    return assumptions


def _findings(mineral: str, supplier: str, s: _Series, result: Disruption, runs: dict[str, Disruption], cut: float,
              expansion: float, capacity: StageDisruption | None, exposure: pd.DataFrame | None, exposure_text: list[str]) -> list[str]:
    """The key findings: the loss, partners' cover, the IEA outlook, the importers' exposure."""
    findings = [
        f"A **{fmt_share(cut)}** cut in {supplier}'s {_what(s, mineral)} ({fmt_share(result.supplier_share)} of the world) "
        f"removes **{fmt_tonnes(result.lost_t)}**, **{fmt_share(result.shortfall_share)}** of world supply "
        f"({fmt_tonnes(result.world_total_t)})."
    ]
    widest = runs[BLOCS[-1]]
    pair = runs[INDIA_JAPAN]
    if widest.partner_output_t <= 0:
        findings.append(f"No partner country has listed {s.label} of {mineral.lower()}: none could redirect or expand any.")
    else:
        findings.append(
            f"Partners cannot close the gap: a {fmt_share(expansion)} expansion by {_who(BLOCS[-1], s.members[BLOCS[-1]])} adds "
            f"{fmt_tonnes(widest.expansion_t)} (**{fmt_share(widest.expansion_cover)}** of the loss)"
            + (f", by India and Japan {fmt_tonnes(pair.expansion_t)} ({fmt_share(pair.expansion_cover)})"
               if pair.partner_output_t > 0 else f"; India and Japan {'are not listed by the IEA' if s.from_iea else 'have no listed output'}")
            + f", leaving {fmt_share(widest.residual_shortfall_share)} of world supply missing."
        )
    if capacity is not None:
        series = "" if s.from_iea and s.year == 2023 else f" on the IEA's own {mineral.lower()} series"
        findings.append(
            f"New {s.stage} outside {supplier} in the {PROJECTION_LABEL} for {CAPACITY_YEAR} ({fmt_tonnes(capacity.new_capacity_t)}) "
            f"would replace **{fmt_share(capacity.new_capacity_cover)}** of a {fmt_share(cut)} cut of its 2023 {s.stage}{series}."
        )
    if exposure is not None:
        findings.append(
            "A cut would reach India and Japan: "
            + join_names([f"{r.country} would lose **{fmt_share(r.exposure)}** of its {lower_first(r.product)} imports "
                          f"({r.year}, {r.basis.split(':')[0]})" for r in exposure.itertuples()])
            + " if nobody rerouted."
        )
    else:
        findings.append(exposure_text[0])
    return findings


def _caveats(mineral: str, supplier: str, s: _Series, capacity: StageDisruption | None) -> list[str]:
    """Series notes and partners counted as 0 t (withheld or not listed)."""
    residual = "IEA 'Rest of world'" if s.from_iea else "USGS 'Other countries'"
    caveats = [n.replace("USGS 'Other countries'", residual) for n in s.series.notes if not n.startswith("HHI range")]
    partners_all = sorted(set().union(*s.members.values()))
    withheld = [c for c in partners_all if c in set(s.series.excluded["iso3"].astype(str))]
    absent = [c for c in partners_all if c not in s.listed and c not in withheld]
    if withheld:
        caveats.append(f"Partner output withheld or not available, counted as 0 t (so cover is a lower bound): {_names(withheld)}.")
    if absent:
        where = "The IEA names only the largest producers; these partners are" if s.from_iea else "These partners are"
        caveats.append(f"{where} not listed for {s.label} of {mineral.lower()} and counted as 0 t: {_names(absent)}.")
    if s.left_out:
        caveats.append(f"{supplier} is itself a member of {join_names(s.left_out)}; it is left out of those partners.")
    if capacity is not None:
        caveats.append(f"Only producers the IEA names are counted in its {CAPACITY_YEAR} new output; its 'Rest of world' is not.")
    return list(dict.fromkeys(caveats))


def disruption_scenario(
    mineral: str = "Rare earths",
    supplier: str = "China",
    cut: float = 0.5,
    expansion: float = 0.2,
    year: int = 2023,
    stage: str = "refining",
) -> DisruptionScenario:
    """A supplier-cut scenario for one mineral at one stage in one year, with cover by India–Japan,
    the Quad and MSP partners, the IEA 2030 outlook and India's and Japan's exposure.

    ``supplier`` is a display name ("China", "DR Congo"); ``cut`` ∈ [0, 1] is the fraction of
    its output lost; ``expansion`` ∈ [0, 1] the partners' output increase as a fraction of their
    present output; ``stage`` is ``mining`` or ``refining``; ``year`` a year with figures for
    that stage (:func:`analysis.indicators.stages.stage_sources`; else :class:`ParameterError`
    naming the valid stages and years).
    """
    supply = load_supply()
    s = _series(supply, mineral, stage, year, supplier)
    shares_table = _import_shares(mineral, stage, s.iso3)
    shares = dict(zip(shares_table["reporter_iso3"], shares_table["import_share"])) if shares_table is not None else None
    runs = _runs(s, mineral, cut, expansion, shares)
    result = runs[INDIA_JAPAN]
    expansion_label = f"+{fmt_share(expansion)}"
    cover, cover_table = _cover(runs, s.members, s.label, expansion_label)
    capacity, capacity_text = _capacity(supply, mineral, s, supplier, cut)
    exposure, exposure_text = _exposure(shares_table, result, mineral, supplier, stage, cut)
    source = IEA_SOURCE_LINE + ", 2023 observed" if s.from_iea else usgs_source(s.frame["edition"])
    return DisruptionScenario(
        mineral=mineral,
        stage=stage,
        supplier=supplier,
        supplier_iso3=s.iso3,
        cut=cut,
        expansion=expansion,
        year=s.year,
        measure=s.measure,
        measure_label=s.label,
        unit_note=s.unit,
        standfirst=(
            f"A {fmt_share(cut)} cut in {supplier}'s {_what(s, mineral)}: how much of the world goes short, what India and "
            f"Japan, the Quad and MSP partners could put against it, what new output the IEA expects by {CAPACITY_YEAR}, "
            "and who is exposed"
        ),
        result=result,
        blocs=runs,
        bloc_members=s.members,
        cover=cover,
        cover_table=cover_table,
        show_cover_chart=bool(cover["partner_output_t"].max() >= COVER_CHART_MIN * result.lost_t),
        cover_note=(
            f"Even the widest partner group's present {s.label} ({fmt_tonnes(float(cover['partner_output_t'].max()))}) is under "
            f"{fmt_share(COVER_CHART_MIN)} of the {fmt_tonnes(result.lost_t)} lost, too small to draw beside it: the table gives the tonnes."
        ),
        capacity=capacity,
        capacity_text=capacity_text,
        cases=_shortfall_cases(result, runs, capacity, expansion, s.from_iea and s.year == 2023),
        output=_output(runs, s.iso3, BLOCS[-1]),
        output_bloc=_bloc_label(BLOCS[-1]),
        exposure=exposure,
        exposure_text=exposure_text,
        assumptions=_assumptions(mineral, supplier, s, result, cut, expansion),
        findings=_findings(mineral, supplier, s, result, runs, cut, expansion, capacity, exposure, exposure_text),
        caveats=_caveats(mineral, supplier, s, capacity),
        source=source,
        trade_source=TRADE_SOURCE,
    )
