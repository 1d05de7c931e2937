"""Disruption scenario, the words: the standfirst, the assumptions, the key findings and the
caveats, every number computed and formatted with :mod:`analysis.text`.

:func:`analysis.reports.disruption.disruption_scenario` composes these with the steps of
:mod:`analysis.reports.disruption_cut` and :mod:`analysis.reports.disruption_exposure`."""

from __future__ import annotations

import pandas as pd

from analysis.indicators.partners import INDIA_JAPAN
from analysis.indicators.scenarios import Disruption
from analysis.indicators.stages import PROJECTION_LABEL, StageDisruption, product_name
from analysis.reports.disruption_cut import BLOCS, CAPACITY_YEAR, CutSeries, joined_names, who
from analysis.text import fmt_share, fmt_tonnes, join_names, lower_first


def what_is_cut(s: CutSeries, mineral: str) -> str:
    """"2023 refining of cobalt" (IEA series) or "2024 mine production of rare earths" (USGS series)."""
    return f"{s.year} {s.label} of {mineral.lower()}"


def scenario_standfirst(mineral: str, supplier: str, s: CutSeries, cut: float) -> str:
    """The line under the title: what is cut and what the report answers."""
    return (
        f"A {fmt_share(cut)} cut in {supplier}'s {what_is_cut(s, mineral)}: how much of the world goes short, what India and "
        f"Japan, the Quad and MSP partners could put against it, what new output the IEA expects by {CAPACITY_YEAR}, "
        "and who is exposed"
    )


def scenario_assumptions(mineral: str, supplier: str, s: CutSeries, result: Disruption, cut: float, expansion: float) -> dict[str, str]:
    """The scenario's assumptions in words (cut, redirection, expansion, exposure, not modelled, data)."""
    assumptions = {
        "cut": (
            f"**The cut.** {supplier}'s {what_is_cut(s, mineral)} ({fmt_tonnes(result.supplier_output_t)} of {s.unit}, "
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


def scenario_findings(mineral: str, supplier: str, s: CutSeries, result: Disruption, runs: dict[str, Disruption], cut: float,
                      expansion: float, capacity: StageDisruption | None, exposure: pd.DataFrame | None,
                      exposure_text: list[str]) -> list[str]:
    """The key findings: the loss, partners' cover, the IEA outlook, the importers' exposure."""
    findings = [
        f"A **{fmt_share(cut)}** cut in {supplier}'s {what_is_cut(s, mineral)} ({fmt_share(result.supplier_share)} of the world) "
        f"removes **{fmt_tonnes(result.lost_t)}**, **{fmt_share(result.shortfall_share)}** of world supply "
        f"({fmt_tonnes(result.world_total_t)})."
    ]
    widest = runs[BLOCS[-1]]
    pair = runs[INDIA_JAPAN]
    if widest.partner_output_t <= 0:
        findings.append(f"No partner country has listed {s.label} of {mineral.lower()}: none could redirect or expand any.")
    else:
        findings.append(
            f"Partners cannot close the gap: a {fmt_share(expansion)} expansion by {who(BLOCS[-1], s.members[BLOCS[-1]])} adds "
            f"{fmt_tonnes(widest.expansion_t)} (**{fmt_share(widest.expansion_cover)}** of the loss)"
            + (f", by India and Japan {fmt_tonnes(pair.expansion_t)} ({fmt_share(pair.expansion_cover)})"
               if pair.partner_output_t > 0 else f"; India and Japan {'are not listed by the IEA' if s.from_iea else 'have no listed output'}")
            + f", leaving {fmt_share(widest.residual_shortfall_share)} of world supply missing."
        )
    if capacity is not None:
        # On another series than the one cut (other product, other base year), product and year are named so the
        # share does not read as part of the shortfall above.
        same = s.from_iea and s.year == capacity.year
        product = "" if same else f" of {product_name(capacity.product)}"
        series = "" if same else f" (the IEA's own series, not the {what_is_cut(s, mineral)} cut above)"
        findings.append(
            f"New {s.stage} outside {supplier} in the {PROJECTION_LABEL} for {CAPACITY_YEAR} ({fmt_tonnes(capacity.new_capacity_t)}{product}) "
            f"would replace **{fmt_share(capacity.new_capacity_cover)}** of a {fmt_share(cut)} cut of its {capacity.year} {s.stage}{product}{series}."
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


def scenario_caveats(mineral: str, supplier: str, s: CutSeries, capacity: StageDisruption | None) -> list[str]:
    """Series notes and partners counted as 0 t (withheld or not listed)."""
    residual = "IEA 'Rest of world'" if s.from_iea else "USGS 'Other countries'"
    caveats = [n.replace("USGS 'Other countries'", residual) for n in s.series.notes if not n.startswith("HHI range")]
    partners_all = sorted(set().union(*s.members.values()))
    withheld = [c for c in partners_all if c in set(s.series.excluded["iso3"].astype(str))]
    absent = [c for c in partners_all if c not in s.listed and c not in withheld]
    if withheld:
        caveats.append(f"Partner output withheld or not available, counted as 0 t (so cover is a lower bound): {joined_names(withheld)}.")
    if absent:
        where = "The IEA names only the largest producers; these partners are" if s.from_iea else "These partners are"
        caveats.append(f"{where} not listed for {s.label} of {mineral.lower()} and counted as 0 t: {joined_names(absent)}.")
    if s.left_out:
        caveats.append(f"{supplier} is itself a member of {join_names(s.left_out)}; it is left out of those partners.")
    if capacity is not None:
        caveats.append(f"Only producers the IEA names are counted in its {CAPACITY_YEAR} new output; its 'Rest of world' is not.")
    return list(dict.fromkeys(caveats))
