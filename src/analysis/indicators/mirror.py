"""Mirror estimate of an importer's dependence on China where bilateral import data are missing.

**Method.** China's share of country *c*'s imports of a product in year *y* is estimated as

    mirror_share = China-reported exports to c (FOB USD, summed over the calendar year's months)
                   ÷ c's reported imports from the World (CIF USD)

for the *same* HS codes on both sides; the same ratio is given by net weight (kg), which is
free of the CIF/FOB valuation gap. A product group is matched only when every HS code in the
numerator is also in the denominator and vice versa; otherwise the output row says it is not
matched, names the codes on each side, and gives no share — it never guesses.

**It is an estimate**, not a reported share:

* valuation — exports are FOB, imports CIF (freight and insurance): the value ratio is biased
  *down* by the CIF/FOB margin (typically a few per cent); the weight ratio is not;
* timing — goods shipped in December arrive in January: calendar years do not line up exactly;
* partner attribution — China records the destination it knows; the importer records the
  country of origin. Chinese goods routed through Hong Kong, Singapore or others count as
  China in the importer's data but not as exports *to* the importer in China's: the estimate
  is then too low; re-exports of non-Chinese goods from China push it the other way;
* product-group matching — the China side here is a *derived* table (monthly Comtrade pulls
  summed by the author of ``qennis/ChinaCriticalMineralComtrade``), so the codes in a group
  are as the author's pipeline defined them (stated per group in :data:`CHINA_GROUP_CODES`);
* a share above 1 is possible and is flagged: it means the two sides disagree, not that
  China supplies more than everything.

Shares are 0–1 fractions; values in current USD; weights in kg.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.indicators.trade import TRADE_REQUIRED
from analysis.vocabulary import INDIA, JAPAN, WORLD

#: HS6 codes summed into each product group of China's derived export table
#: (``country_monthly_stats.csv``). From the author's ``scripts/make_tables.py``
#: (HS6_TO_SUBGROUP / SUBGROUP_TO_BROAD) at commit b722e752, the commit that wrote the table;
#: the graphite group is also checked against the HS6 table (250410 + 380110 add up to it).
CHINA_GROUP_CODES: dict[str, tuple[str, ...]] = {
    "Graphite": ("250410", "380110"),
    "Rare Earths": ("280530", "284690", "850511"),
    "Gallium/Germanium": ("282560", "282590", "285000", "285390", "811292", "811299"),
    "Polysilicon": ("280461",),
}

#: The products the reports ask about → candidate China-side definitions, most specific first.
#: ``("hs6", code)`` reads the HS6 table; ``("group", name)`` the group table.
PRODUCTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Natural graphite (HS 250410)": (("hs6", "250410"),),
    "Artificial graphite (HS 380110)": (("hs6", "380110"),),
    "Graphite (HS 250410 + 380110)": (("group", "Graphite"),),
    "Rare earths (China group: HS 280530 + 284690 + 850511)": (("group", "Rare Earths"),),
    "Gallium, germanium and other metals, unwrought (HS 811292)": (("hs6", "811292"),),
    "Gallium/germanium (China group)": (("group", "Gallium/Germanium"),),
}

METHOD = (
    "Mirror estimate: China-reported exports to the importer (FOB, derived monthly table summed to the calendar year) "
    "÷ the importer's reported imports from the World (CIF), same HS codes on both sides."
)
CAVEATS: tuple[str, ...] = (
    "Valuation: exports FOB vs imports CIF — the value share is biased down by the freight-and-insurance margin; the weight share is not.",
    "Timing: shipments straddling the year end fall in different years on the two sides.",
    "Partner attribution: the importer records origin, China the known destination; goods routed via Hong Kong or other hubs "
    "lower the estimate, re-exports from China raise it.",
    "China side is a derived table (author-aggregated Comtrade pulls), not raw Comtrade records.",
    "A share above 100 % means the two sides disagree; it is shown as such, never capped.",
)

COLUMNS = ["importer_iso3", "year", "product", "matched", "china_codes", "importer_codes", "missing_in_importer",
           "china_exports_usd", "importer_world_imports_usd", "mirror_share_value",
           "china_exports_kg", "importer_world_imports_kg", "mirror_share_weight", "label", "note"]  # fmt: skip


def _china_side(
    hs6: pd.DataFrame, groups: pd.DataFrame, kind: str, key: str, importer: str, year: int
) -> tuple[tuple[str, ...], float, float, int]:
    """(codes, value USD, weight kg, months with data) of China's exports to ``importer`` in ``year``."""
    if kind == "hs6":
        rows = hs6[(hs6["hs_code"] == key)]
        codes = (key,)
    else:
        rows = groups[groups["product_group"] == key]
        if key not in CHINA_GROUP_CODES:
            raise ParameterError(f"unknown China product group {key!r}; known: {', '.join(CHINA_GROUP_CODES)}")
        codes = CHINA_GROUP_CODES[key]
    rows = rows[(rows["partner_iso3"] == importer) & (rows["month"].dt.year == int(year))]
    weight = float(rows["quantity_kg"].sum()) if rows["quantity_kg"].notna().all() else float("nan")
    return codes, float(rows["value_usd"].sum()), weight, int(rows["month"].nunique())


def mirror_shares(
    china_hs6: pd.DataFrame,
    china_groups: pd.DataFrame,
    importer_world: pd.DataFrame,
    *,
    importers: Sequence[str] = (JAPAN, INDIA),
    years: Iterable[int] | None = None,
    products: Mapping[str, tuple[tuple[str, str], ...]] = PRODUCTS,
) -> pd.DataFrame:
    """Mirror estimates per importer × year × product (see module doc for method and caveats).

    ``china_hs6`` / ``china_groups``: :func:`analysis.data.load_china_exports_hs6` /
    ``load_china_exports_groups`` (``month``, ``partner_iso3``, ``hs_code`` or
    ``product_group``, ``value_usd``, ``quantity_kg``). ``importer_world``: Comtrade rows with
    ``reporter_iso3``, ``partner_iso3`` (``WLD``), ``flow`` (``import``), ``hs_code``, ``year``,
    ``value_usd``, ``net_weight_kg`` (e.g. :func:`analysis.data.load_all_reporters_2023`).
    ``years``: default every year in which the importer's World imports exist.

    One row per importer × year × product with ``matched`` (bool), the codes on each side,
    the numerators and denominators (``importer_world_imports_*`` sums only ``importer_codes``, so
    for an unmatched row it is *not* the same product as the numerator), ``mirror_share_value`` and ``mirror_share_weight``
    (0–1; NaN when not matched or a side is missing), ``label`` ("estimate" or "not
    matched" / "no data") and ``note``. ``attrs["method"]`` and ``attrs["caveats"]`` say how
    to read it.
    """
    check.columns("china_hs6", china_hs6, ["month", "partner_iso3", "hs_code", "value_usd", "quantity_kg"])
    check.columns("china_groups", china_groups, ["month", "partner_iso3", "product_group", "value_usd", "quantity_kg"])
    check.columns("importer_world", importer_world, TRADE_REQUIRED)
    importers = check.iso3_codes("importers", importers)
    world = importer_world[(importer_world["partner_iso3"] == WORLD) & (importer_world["flow"] == "import")]
    rows = []
    for importer in importers:
        own = world[world["reporter_iso3"] == importer]
        wanted = sorted(own["year"].astype(int).unique()) if years is None else [int(y) for y in years]
        for year in wanted:
            in_year = own[own["year"].astype(int) == year]
            reported_codes = set(in_year["hs_code"].astype(str))
            for product, candidates in products.items():
                for kind, key in candidates:
                    codes, value, weight, months = _china_side(china_hs6, china_groups, kind, key, importer, year)
                    missing_in_importer = tuple(c for c in codes if c not in reported_codes)
                    denominator = in_year[in_year["hs_code"].isin(codes)]
                    imports_usd = float(denominator["value_usd"].sum()) if len(denominator) else float("nan")
                    imports_kg = (float(denominator["net_weight_kg"].sum())
                                  if len(denominator) and denominator["net_weight_kg"].notna().all() else float("nan"))  # fmt: skip
                    note = ""
                    if months == 0:
                        label, matched = "no data", False
                        note = f"China's derived table has no {key} exports to {importer} in {year}."
                    elif missing_in_importer:
                        label, matched = "not matched", False
                        note = (
                            f"China's {key} covers HS {', '.join(codes)}, but {importer}'s World imports in {year} lack "
                            f"HS {', '.join(missing_in_importer)}: the two sides are not the same product, no share is given."
                        )
                    elif not imports_usd > 0:
                        label, matched = "no data", False
                        note = f"{importer} reports no imports from the World of HS {', '.join(codes)} in {year}."
                    else:
                        label, matched = "estimate", True
                        if months < 12:
                            note = f"China's table has {months} month(s) of data for {year}; the numerator is a partial year."
                    share_value = value / imports_usd if matched else float("nan")
                    share_weight = weight / imports_kg if matched and imports_kg > 0 else float("nan")
                    if matched and (share_value > 1 or share_weight > 1):
                        note = (note + " " if note else "") + "Share above 100 %: the two sides disagree (origin vs destination, timing or coverage)."
                    rows.append(
                        {
                            "importer_iso3": importer,
                            "year": year,
                            "product": product,
                            "matched": matched,
                            "china_codes": codes,
                            "importer_codes": tuple(c for c in codes if c in reported_codes),
                            "missing_in_importer": missing_in_importer,
                            "china_exports_usd": value if months else float("nan"),
                            "importer_world_imports_usd": imports_usd,
                            "mirror_share_value": share_value,
                            "china_exports_kg": weight if months else float("nan"),
                            "importer_world_imports_kg": imports_kg,
                            "mirror_share_weight": share_weight,
                            "label": label,
                            "note": note,
                        }
                    )
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs["method"] = METHOD
    table.attrs["caveats"] = CAVEATS
    return table


def china_exports_by_year(
    china_groups: pd.DataFrame, product_group: str, importer: str
) -> pd.DataFrame:
    """China-reported exports of one derived product group to ``importer`` per calendar year.

    The numerator of the mirror estimate on its own, for years where the importer's World
    imports are not in the package: ``year``, ``months`` (with data), ``value_usd``,
    ``quantity_kg``, ``hs_codes`` (the group's codes). Not a share and not an estimate of one.
    """
    check.columns("china_groups", china_groups, ["month", "partner_iso3", "product_group", "value_usd", "quantity_kg"])
    (importer,) = check.iso3_codes("importer", importer)
    if product_group not in CHINA_GROUP_CODES:
        raise ParameterError(f"unknown China product group {product_group!r}; known: {', '.join(CHINA_GROUP_CODES)}")
    rows = china_groups[(china_groups["product_group"] == product_group) & (china_groups["partner_iso3"] == importer)]
    if rows.empty:
        partners = sorted(china_groups.loc[china_groups["product_group"] == product_group, "partner_iso3"].unique())
        raise ParameterError(f"China's table has no {product_group} exports to {importer}; partners: {', '.join(partners)}")
    out = (
        rows.assign(year=rows["month"].dt.year)
        .groupby("year", as_index=False)
        .agg(months=("month", "nunique"), value_usd=("value_usd", "sum"), quantity_kg=("quantity_kg", "sum"))
    )
    out["hs_codes"] = [CHINA_GROUP_CODES[product_group]] * len(out)
    out["year"] = out["year"].astype(int)
    return out


def japan_rare_earths(china_groups: pd.DataFrame, mirror: pd.DataFrame) -> dict[str, object]:
    """What the package's data say about Japan's rare-earth dependence on China, as facts and gaps.

    Returns ``by_year`` (:func:`china_exports_by_year` of the Rare Earths group to Japan),
    ``mirror`` (the rows of ``mirror`` for Japan's rare earths) and ``answer`` — one sentence
    saying whether a share can be estimated and why not when it cannot.
    """
    by_year = china_exports_by_year(china_groups, "Rare Earths", JAPAN)
    rows = mirror[(mirror["importer_iso3"] == JAPAN) & mirror["product"].str.startswith("Rare earths")]
    matched = rows[rows["matched"]]
    if len(matched):
        answer = "estimate available"
    else:
        reasons = "; ".join(sorted(set(rows["note"]))) or "Japan's World imports of rare earths are not in the package."
        answer = "No mirror share can be computed: " + reasons
    return {"by_year": by_year, "mirror": rows.reset_index(drop=True), "answer": answer}


def mirror_import_shares(mirror: pd.DataFrame, product: str, year: int, *, basis: str = "value") -> pd.Series:
    """ISO → mirror share for one product and year (matched rows only), for scenario exposure.

    Shares above 1 (the two sides disagree) are capped at 1 here, because an exposure is a
    fraction of imports; the mirror table itself keeps them uncapped.
    """
    column = {"value": "mirror_share_value", "weight": "mirror_share_weight"}.get(basis)
    if column is None:
        raise ParameterError(f"unknown basis {basis!r}; valid: value, weight")
    rows = mirror[(mirror["product"] == product) & (mirror["year"] == int(year)) & mirror["matched"]]
    if rows.empty:
        raise ParameterError(f"no matched mirror estimate for {product!r} in {year}; products: {', '.join(sorted(mirror['product'].unique()))}")
    return pd.Series(np.minimum(rows[column].to_numpy(dtype=float), 1.0), index=rows["importer_iso3"].to_numpy())


def reported_check(mirror: pd.DataFrame, reported: pd.DataFrame) -> pd.DataFrame:
    """Mirror estimates beside the importer's *own* reported China share where one exists.

    ``reported``: rows of :func:`analysis.indicators.dependence.import_dependence` (``reporter_iso3``,
    ``hs_code``, ``year``, ``china_share``) — e.g. Japan's and India's HS 2504 imports by partner.
    A reported code is compared with a matched mirror row when every mirror code starts with it
    (a heading such as 2504 covers 250410 and 250490): the reported figure then covers *more*
    products than the estimate, which the ``comparison`` column says. Columns: ``importer_iso3``,
    ``year``, ``product``, ``mirror_share_value``, ``reported_hs_code``, ``reported_china_share``,
    ``comparison``. Empty when nothing lines up.
    """
    check.columns("reported", reported, ["reporter_iso3", "hs_code", "year", "china_share"])
    rows = []
    for m in mirror[mirror["matched"]].itertuples(index=False):
        same = reported[(reported["reporter_iso3"] == m.importer_iso3) & (reported["year"].astype(int) == int(m.year))]
        for r in same.itertuples(index=False):
            code = str(r.hs_code)
            if all(c.startswith(code) for c in m.china_codes):
                exact = tuple(m.china_codes) == (code,)
                rows.append(
                    {
                        "importer_iso3": m.importer_iso3,
                        "year": int(m.year),
                        "product": m.product,
                        "mirror_share_value": m.mirror_share_value,
                        "reported_hs_code": code,
                        "reported_china_share": float(r.china_share),
                        "comparison": "same codes" if exact else f"reported HS {code} is wider than HS {' + '.join(m.china_codes)}",
                    }
                )
    return pd.DataFrame(rows, columns=["importer_iso3", "year", "product", "mirror_share_value", "reported_hs_code",
                                       "reported_china_share", "comparison"])  # fmt: skip
