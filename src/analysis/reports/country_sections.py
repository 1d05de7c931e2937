"""Country report sections built on stage-resolved supply and the mirror estimate.

Two sections of the country-dependence report, each one function returning a small typed
result: :func:`refining_section` (the country's place as a refiner in the IEA 2023 data, China's
refining share beside it) and :func:`mirror_section` (China's share of the country's imports
estimated from China's own export records where the country's imports by partner are missing:
rare earths, graphite, gallium). Every sentence is built from computed numbers with
:mod:`analysis.text` formatters.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_all_reporters_2023, load_china_exports_groups, load_china_exports_hs6, load_supply
from analysis.data.comtrade import QUAD_WORLD_RESOURCE
from analysis.data.iea import IEA_SOURCE_OBSERVED
from analysis.data.minerals import HS_PRODUCTS, product_name
from analysis.indicators.dependence import import_dependence
from analysis.indicators.mirror import china_exports_by_year, mirror_shares, reported_check
from analysis.indicators.stages import IEA_MINERALS, stage_comparison
from analysis.text import count_noun, fmt_ordinal, number_word, fmt_share, fmt_usd, fmt_weight_kg, join_names

#: Heading of the mirror section in the notebook (findings point to it).
MIRROR_HEADING = "How dependent on China where bilateral data are missing"
#: IEA edition read by the refining section (observed year of the May 2024 workbook).
REFINING_YEAR = 2023

#: Products of the mirror section: reader label → (China-side definition key of
#: :data:`analysis.indicators.mirror.PRODUCTS`, short name used in sentences).
MIRROR_PRODUCTS: dict[str, str] = {
    "Rare earths (China group: HS 280530 + 284690 + 850511)": "rare earths",
    "Graphite (HS 250410 + 380110)": "graphite",
    "Natural graphite (HS 250410)": "natural graphite",
    "Artificial graphite (HS 380110)": "artificial graphite",
    "Gallium, germanium and other metals, unwrought (HS 811292)": "gallium, germanium and other unwrought metals",
}
#: The product group of the graphite estimate in the findings' words: wider than the natural
#: graphite (HS 2504) of the country's own customs data, so the two never read as one figure.
GRAPHITE_PRODUCTS = "graphite products, natural and artificial (HS 250410 + 380110)"
#: Rows of :data:`MIRROR_PRODUCTS` the sentences are about.
GRAPHITE = "Graphite (HS 250410 + 380110)"
RARE_EARTHS = "Rare earths (China group: HS 280530 + 284690 + 850511)"
GALLIUM = "Gallium, germanium and other metals, unwrought (HS 811292)"
MIRROR_CAVEATS: tuple[str, ...] = (
    "This is an estimate, not a reported share: China's reported exports to the country divided by the country's reported "
    "imports from the whole world, for the same HS codes on both sides.",
    "Valuation: China values its exports free on board (FOB); importers value imports including freight and insurance (CIF), "
    "so the value estimate is biased down by a few per cent. The weight estimate does not have this bias.",
    "Timing: shipments that leave China in December and arrive in January fall in different years on the two sides.",
    "Partner attribution: the importer records where goods came from, China where it knows they went. Chinese goods routed "
    "through Hong Kong or other hubs lower the estimate; re-exports of non-Chinese goods from China raise it.",
    "Product matching: China's side is a table summed from UN Comtrade monthly records by a third party; where its product "
    "group holds codes the importer's figures lack, no estimate is given.",
    "An estimate above 100% means the two sides disagree (timing, attribution or coverage); it is shown, not capped.",
)


@dataclass(frozen=True)
class RefiningSection:
    """The country's place as a refiner (IEA, one observed year)."""

    year: int
    #: :func:`~analysis.indicators.stages.stage_comparison` of both stages (chart data)
    comparison: pd.DataFrame
    #: one row per IEA mineral's refining stage: mineral, product, country share/rank/listed, China share, leader
    rows: pd.DataFrame
    table: pd.DataFrame
    text: list[str]
    finding: str
    caveats: list[str]
    source: str


@dataclass(frozen=True)
class MirrorSection:
    """China's estimated share of the country's imports where bilateral data are missing."""

    year: int
    #: rows of :func:`~analysis.indicators.mirror.mirror_shares` for the country and the products shown
    mirror: pd.DataFrame
    #: the country's own reported China share beside a matched estimate (:func:`reported_check`)
    reported: pd.DataFrame
    #: China-reported rare-earth exports to the country per year (empty when China's table has none)
    rare_earths_by_year: pd.DataFrame
    table: pd.DataFrame
    text: list[str]
    rare_earths_text: list[str]
    finding: str
    caveats: list[str]
    source: str


def refining_section(country: str, iso3: str, year: int = REFINING_YEAR) -> RefiningSection:
    """Rank and share of ``country`` at the refining stage of each IEA mineral, China's share beside it."""
    full = stage_comparison(load_supply(), IEA_MINERALS, year)
    comparison = full[full["stage"] == "refining"].reset_index(drop=True)
    prefix = country.lower()
    rows = pd.DataFrame({
        "mineral": comparison["mineral"],
        "product": comparison["product"],
        "share": comparison[f"{prefix}_share"],
        "rank": comparison[f"{prefix}_rank"],
        "listed": comparison[f"{prefix}_listed"],
        "china_share": comparison["china_share"],
        "leader": comparison["leader"],
        "world_total_t": comparison["world_total_t"],
    }).reset_index(drop=True)
    text, finding = _refining_sentences(rows, country, year)
    caveats = [
        "Refining here is the IEA's refined-product series (for graphite, battery-grade graphite; for rare earths, the magnet "
        "rare earths neodymium, praseodymium, dysprosium and terbium), in tonnes of contained metal or product as the IEA states.",
        "Ranks count only countries the IEA names; a country inside 'Rest of world' could rank higher than shown for others.",
    ]
    return RefiningSection(year=int(year), comparison=full, rows=rows, table=_refining_table(rows, country), text=text,
                           finding=finding, caveats=caveats, source=f"Source: {IEA_SOURCE_OBSERVED}")


def _refining_table(rows: pd.DataFrame, country: str) -> pd.DataFrame:
    """The country's rank and share beside China's and the largest refiner, formatted for the reader."""
    return pd.DataFrame({
        "Mineral": rows["mineral"],
        "Refined product": rows["product"],
        f"{country}: rank among refiners": [fmt_ordinal(r) if ok else "not listed" for r, ok in zip(rows["rank"], rows["listed"])],
        f"{country}: share of world output": [fmt_share(s) if ok else "not listed" for s, ok in zip(rows["share"], rows["listed"])],
        "China: share of world output": rows["china_share"].map(fmt_share),
        "Largest refiner": rows["leader"],
    })


def _refining_sentences(rows: pd.DataFrame, country: str, year: int) -> tuple[list[str], str]:
    """(paragraph sentences, finding): where the country refines, and where the IEA does not name it."""
    listed = rows[rows["listed"]]
    unlisted = rows[~rows["listed"]]
    phrases = [
        f"{fmt_ordinal(r.rank)} refiner of {_refined_name(r.mineral, r.product)} ({fmt_share(r.share)} of world output; China {fmt_share(r.china_share)})"
        for r in listed.itertuples()
    ]
    text = []
    if len(listed):
        text.append(f"In {year} {country} was the " + join_names(phrases) + ", in the IEA's figures.")
        china_led = rows[rows["leader"] == "China"]
        finding = (
            f"Refining is where China's hold is tightest — it was the largest refiner of {number_word(len(china_led))} of the "
            f"{count_noun(len(rows), 'mineral')} the IEA covers in {year}, with {fmt_share(china_led['china_share'].min())} to "
            f"{fmt_share(china_led['china_share'].max())} of world output — but {country} refines too: it was the "
            + join_names([p.split(' (')[0] for p in phrases]) + f" (shares of world output: "
            + join_names([f"{_refined_name(r.mineral, r.product)} {fmt_share(r.share)}" for r in listed.itertuples()]) + ")."
        )
    else:
        finding = (f"The IEA names {country} as a refiner of none of {count_noun(len(rows), 'mineral')} it covers in {year}: "
                   "its output, if any, is inside 'Rest of world'.")
        text.append(finding)
    if len(unlisted):
        text.append(
            f"The IEA does not name {country} among the refiners of {join_names([m.lower() for m in unlisted['mineral']])}: "
            "any output it has there is inside the IEA's 'Rest of world', unknown rather than zero."
        )
    return text, finding


def _refined_name(mineral: str, product: str) -> str:
    """"copper"; "battery-grade graphite" where the IEA's refined product is narrower than the mineral."""
    return product if product.startswith("battery-grade") else mineral.lower()


def _reported_rows(iso3: str) -> pd.DataFrame:
    """The country's own China share per HS code and year (Quad extracts, China reported)."""
    from analysis.data import load_trade

    table = import_dependence(load_trade(), iso3)
    return table[(table["source"] == QUAD_WORLD_RESOURCE) & (table["china_basis"] == "reported")].assign(reporter_iso3=iso3)


def _estimate_phrase(row: pd.Series) -> str:
    weight = "" if pd.isna(row["mirror_share_weight"]) else f", {fmt_share(row['mirror_share_weight'])} by weight"
    return f"**{fmt_share(row['mirror_share_value'])}** by value{weight}"


def mirror_section(country: str, iso3: str) -> MirrorSection:
    """Mirror estimate of China's share of ``country``'s imports of rare earths, graphite and gallium."""
    world = load_all_reporters_2023()
    groups = load_china_exports_groups()
    mirror = mirror_shares(load_china_exports_hs6(), groups, world, importers=(iso3,))
    year = int(mirror["year"].max())
    mirror = mirror[(mirror["year"] == year) & mirror["product"].isin(MIRROR_PRODUCTS)].reset_index(drop=True)
    reported = reported_check(mirror, _reported_rows(iso3))
    by_product = mirror.set_index("product")
    text, finding_parts = _mirror_text(by_product, reported, country, year)
    rare = by_product.loc[RARE_EARTHS]
    by_year, rare_text, rare_parts = _rare_earths(rare, groups, iso3, country, year)
    finding = _mirror_finding(by_product, [*finding_parts, *rare_parts], country, year)
    source = (f"Source: UN Comtrade — China-reported monthly exports, summed by a third party (qennis/ChinaCriticalMineralComtrade); "
              f"{country}'s imports from the world, {year} (UN Comtrade); estimate computed here")
    return MirrorSection(year=year, mirror=mirror, reported=reported, rare_earths_by_year=by_year,
                         table=_mirror_table(mirror, reported, country), text=text, rare_earths_text=rare_text,
                         finding=finding, caveats=list(MIRROR_CAVEATS), source=source)


def _mirror_table(mirror: pd.DataFrame, reported: pd.DataFrame, country: str) -> pd.DataFrame:
    """Per product: China's exports, the country's world imports, the estimate and its own reported share."""
    own = reported.set_index("product") if len(reported) else pd.DataFrame()

    def own_share(product: str) -> str:
        if product not in own.index:
            return "not in the data"
        row = own.loc[product]
        row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
        return f"{fmt_share(row['reported_china_share'])} (HS {row['reported_hs_code']})"

    def codes(items: tuple[str, ...]) -> str:
        return "HS " + " + ".join(items) if items else "none"

    return pd.DataFrame({
        "Product": mirror["product"],
        "China-reported exports to " + country + " (USD)": mirror["china_exports_usd"].map(lambda v: "none in the table" if pd.isna(v) else fmt_usd(v)),
        f"{country}'s imports from the world (USD)": [
            ("not in the data" if pd.isna(v) else fmt_usd(v)) + ("" if not missing or pd.isna(v) else f" (lacks {codes(missing)})")
            for v, missing in zip(mirror["importer_world_imports_usd"], mirror["missing_in_importer"])],
        "Estimate: China's share by value": [fmt_share(v) if ok else "no estimate" for v, ok in zip(mirror["mirror_share_value"], mirror["matched"])],
        "Estimate: China's share by weight": [fmt_share(v) if ok else "no estimate" for v, ok in zip(mirror["mirror_share_weight"], mirror["matched"])],
        f"{country}'s own reported China share": [own_share(p) for p in mirror["product"]],
    })


def _mirror_text(by_product: pd.DataFrame, reported: pd.DataFrame, country: str, year: int) -> tuple[list[str], list[str]]:
    """(paragraph sentences, finding phrases) for graphite, the country's own reported shares and gallium."""
    text: list[str] = []  # the notebook's section introduction says what the estimate is
    finding_parts = []
    graphite = by_product.loc[GRAPHITE]
    if graphite["matched"]:
        sentence = (
            f"Graphite (natural and artificial, HS 250410 + 380110), {year}: estimated China share {_estimate_phrase(graphite)} "
            f"({fmt_usd(graphite['china_exports_usd'])} China-reported exports against {fmt_usd(graphite['importer_world_imports_usd'])} "
            f"of {country}'s imports from the world)."
        )
        parts = [p for p in ("Natural graphite (HS 250410)", "Artificial graphite (HS 380110)") if by_product.loc[p, "matched"]]
        if parts:
            sentence += " By product: " + "; ".join(
                f"{MIRROR_PRODUCTS[p]} {_estimate_phrase(by_product.loc[p]).replace('**', '')}" for p in parts) + "."
        over = [MIRROR_PRODUCTS[p] for p in MIRROR_PRODUCTS if p in by_product.index and by_product.loc[p, "matched"]
                and max(by_product.loc[p, "mirror_share_value"], by_product.loc[p, "mirror_share_weight"]) > 1]
        if over:
            sentence += (f" The weight estimate for {join_names(over)} is above 100%: the two sides do not agree there, "
                         "so read it as 'nearly all', not as a precise share.")
        text.append(sentence)
        finding_parts.append(f"{fmt_share(graphite['mirror_share_value'])} of its imports of {GRAPHITE_PRODUCTS}, by value "
                             f"({fmt_share(graphite['mirror_share_weight'])} by weight)")
    for r in reported.itertuples():
        text.append(
            f"{country}'s own records give China {fmt_share(r.reported_china_share)} of its imports of HS {r.reported_hs_code} in {r.year}, "
            f"beside the estimate of {fmt_share(r.mirror_share_value)} for {MIRROR_PRODUCTS.get(r.product, r.product)}"
            + (" (the same codes)." if r.comparison == "same codes" else
               f"; HS {r.reported_hs_code} covers more products than the estimate, so the two need not agree.")
        )
    gallium = by_product.loc[GALLIUM]
    if gallium["matched"]:
        text.append(f"Gallium, germanium and other unwrought metals (HS 811292), {year}: estimated China share {_estimate_phrase(gallium)}; "
                    "this code mixes several metals, so it is not gallium alone.")
        finding_parts.append(f"{fmt_share(gallium['mirror_share_value'])} of its HS 811292 imports (gallium, germanium and others) by value")
    elif gallium["label"] == "not matched":
        text.append(
            f"Gallium: no estimate. China reported {fmt_usd(gallium['china_exports_usd'])} of exports to {country} in {year} under HS 811292 "
            f"(gallium, germanium, indium and other unwrought metals together), but {country}'s imports from the world under that code "
            f"are not in the {year} data, so there is nothing to divide by."
        )

    return text, finding_parts


def _rare_earths(rare: pd.Series, groups: pd.DataFrame, iso3: str, country: str, year: int) -> tuple[pd.DataFrame, list[str], list[str]]:
    """(China's rare-earth exports to the country per year, sentences, finding phrases): the
    estimate where both sides match, else what China's side alone shows."""
    has_rare = bool(((groups["partner_iso3"] == iso3) & (groups["product_group"] == "Rare Earths")).any())
    by_year = china_exports_by_year(groups, "Rare Earths", iso3) if has_rare else pd.DataFrame(
        columns=["year", "months", "value_usd", "quantity_kg", "hs_codes"])
    rare_text, finding_parts = [], []
    if rare["matched"]:
        rare_text.append(f"Rare earths, {year}: estimated China share {_estimate_phrase(rare)}.")
        finding_parts.append(f"{fmt_share(rare['mirror_share_value'])} of its rare-earth imports by value")
    elif not has_rare:
        rare_text.append(
            f"Rare earths: no estimate. The table of China's exports used here has no rare-earth exports to {country}, and "
            f"{country}'s imports by partner are not in the data, so China's share of {country}'s rare-earth imports cannot be given."
        )
    else:
        china_codes = tuple(rare["china_codes"])
        have = [c for c in china_codes if c not in rare["missing_in_importer"]]
        lack = list(rare["missing_in_importer"])
        peak = by_year.loc[by_year["value_usd"].idxmax()]
        last = by_year.iloc[-1]
        rare_text.append(
            f"How dependent is {country} on China for rare earths? The data here cannot give a share. China reported exporting "
            f"{fmt_usd(rare['china_exports_usd'])} of rare earths to {country} in {year} ({fmt_weight_kg(rare['china_exports_kg'])}), "
            f"in a product group that sums HS {join_names(list(china_codes))}. {country}'s own import figures for {year} cover "
            f"HS {join_names(have)} ({fmt_usd(rare['importer_world_imports_usd'])} from the whole world) but not "
            f"HS {join_names(lack)}"
            + (f" ({join_names([product_name(c).lower() for c in lack])})" if all(_named(c) for c in lack) else "") + ". "
            "Because China's figure cannot be split by code, the two sides are not the same products and no share is computed; "
            f"{country}'s rare-earth imports by partner country are not in the data either."
        )
        rare_text.append(
            f"What the data do show is the Chinese side alone: China's reported rare-earth exports to {country} were "
            f"{fmt_usd(peak['value_usd'])} in {int(peak['year'])}, the highest of {int(by_year['year'].min())}–{int(last['year'])}, "
            f"and {fmt_usd(last['value_usd'])} in {int(last['year'])} ({fmt_weight_kg(peak['quantity_kg'])} and "
            f"{fmt_weight_kg(last['quantity_kg'])} by weight)."
            + (" Value moved far more than weight, so prices drove much of the change." if
               abs(last["value_usd"] / peak["value_usd"] - 1) > 2 * abs(last["quantity_kg"] / peak["quantity_kg"] - 1) else "")
            + " These figures say how much China sold to the country, not what share of the country's imports that was."
        )
    return by_year, rare_text, finding_parts


def _mirror_finding(by_product: pd.DataFrame, finding_parts: list[str], country: str, year: int) -> str:
    """The finding: China's estimated shares (graphite, gallium, rare earths) and where no share can be given."""
    graphite = by_product.loc[GRAPHITE]
    rare = by_product.loc[RARE_EARTHS]
    gallium = by_product.loc[GALLIUM]
    if finding_parts:
        lead = (f"**Most of {country}'s graphite products came from China**: "
                if graphite["matched"] and graphite["mirror_share_value"] > 0.5 else "")
        finding = (lead + f"an estimate from China's own export records (a mirror estimate, not {country}'s customs data) "
                   "puts China at " + join_names(finding_parts) + f" in {year}.")
    else:
        finding = (f"The data cannot say what share of {country}'s rare-earth, graphite or gallium imports came from China: "
                   "neither side's records line up.")
        finding = finding[:1].upper() + finding[1:]
    gaps = [name for name, row in (("rare earths", rare), ("gallium", gallium)) if not row["matched"]]
    if gaps and finding_parts:
        finding += (f" For {join_names(gaps)} the data cannot give a share, even as an estimate (reasons under "
                    f"“{MIRROR_HEADING}”).")
    return finding


def _named(code: str) -> bool:
    return str(code) in HS_PRODUCTS
