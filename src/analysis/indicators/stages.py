"""Stage-resolved concentration: mining vs refining, the IEA outlook, a refining-stage disruption.

Input: the stage-aware supply table of :func:`analysis.data.supply.stage_supply` (tonnes,
``basis`` observed | estimate | projection, one ``source`` per series). Shares are 0–1
fractions of the source's world total; HHI on the 0–10 000 scale as a lower–upper range
(the residual — IEA "Rest of world", USGS "Other countries" — fragmented vs one supplier),
exactly as :func:`analysis.indicators.concentration.concentration` computes it: each series is
handed to that function, so the conventions are one.

A country the IEA does not list in a block (Japan in lithium chemicals, India everywhere but
copper refining) has an *unknown* output inside Rest of world: its share and rank are NaN /
"not listed", never 0. Bloc shares are therefore lower bounds (members inside the residual
are not counted), and the rows say which members were listed.

IEA figures for 2030 and 2035 are **projections** (IEA base case: announced projects weighted
by their probability of coming online), never observations; every output row carries
``basis`` and a ``label`` saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.data.supply import stage_series
from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.indicators.concentration import Concentration, concentration
from analysis.indicators.partners import INDIA_JAPAN, bloc_members
from analysis.indicators.scenarios import exposure, shortfall_grid
from analysis.vocabulary import FOCUS, PARTNER_ISO3, STAGE_MEASURE as _MEASURE

IEA_SOURCE = "iea-critical-minerals-2024"
IEA_MINERALS: tuple[str, ...] = ("Copper", "Cobalt", "Lithium", "Nickel", "Graphite", "Rare earths")
PROJECTION_LABEL = "IEA base-case projection"
OBSERVED_LABEL = "observed"
#: (ISO3, column prefix) of the two partners, Japan first as the stage tables print them
_FOCUS = tuple((iso3, FOCUS[iso3].lower()) for iso3 in sorted(PARTNER_ISO3, reverse=True))


def _as_usgs_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of one supply series in the column layout :func:`concentration` reads."""
    return pd.DataFrame(
        {
            "commodity": rows["mineral"].astype(str),
            "measure": rows["stage"].map(_MEASURE),
            "type": rows["product"].astype(str),
            "iso3": rows["iso3"].astype(str),
            "country": rows["country"].astype(str),
            "entity_kind": rows["entity_kind"].replace({"rest_of_world": "other"}).astype(str),
            "year": rows["year"].astype(int),
            "value_t": rows["value_t"].astype(float),
            "unit": "metric tons",
            "value_status": rows["value_status"].astype(str),
            "note": "",
        }
    )


def stage_concentration(
    supply: pd.DataFrame,
    mineral: str,
    stage: str,
    year: int,
    *,
    source: str = IEA_SOURCE,
    product: str | None = None,
    top_k: int = 3,
) -> Concentration:
    """Concentration of one stage's series (``Concentration.measure`` is ``mine_production`` or
    ``refinery_production``; ``usgs_type`` holds the product). Raises :class:`ParameterError`
    naming what exists when the series is absent."""
    rows = stage_series(supply, mineral, stage, year, source, product=product)
    result = concentration(_as_usgs_frame(rows), mineral, _MEASURE[stage], int(year), top_k=top_k)
    if source.startswith("iea"):
        notes = tuple(n.replace("USGS 'Other countries'", "IEA 'Rest of world'").replace("USGS ", "IEA ") for n in result.notes)
        result = replace(result, notes=notes)
    return result


def _position(result: Concentration, iso3: str) -> tuple[float, float, bool]:
    """(share, rank, listed) of one country; NaN share and rank when the source does not list it."""
    row = result.shares[result.shares["iso3"] == iso3]
    if row.empty:
        return float("nan"), float("nan"), False
    return float(row["share"].iloc[0]), float(row["rank"].iloc[0]), True


def stage_comparison(
    supply: pd.DataFrame,
    minerals: Iterable[str] = IEA_MINERALS,
    year: int = 2023,
    *,
    source: str = IEA_SOURCE,
    stages: Sequence[str] = ("mining", "refining"),
) -> pd.DataFrame:
    """Mining vs refining per mineral: one row per mineral × stage.

    Columns: ``mineral``, ``stage``, ``product``, ``year``, ``basis``, ``source``,
    ``world_total_t`` (t), ``leader``, ``leader_share``, ``china_share``, ``top3_share``,
    ``hhi_lower``, ``hhi_upper`` (0–10 000), ``residual_share``, and for Japan and India
    ``japan_share``/``japan_rank``/``japan_listed`` (share 0–1 and rank NaN when the source
    does not list the country — its output is inside the residual, unknown, not zero), same
    for ``india_*``. Minerals or stages without a series are skipped and named in
    ``attrs["skipped"]``.
    """
    rows, skipped = [], {}
    for mineral in minerals:
        for stage in stages:
            try:
                result = stage_concentration(supply, mineral, stage, year, source=source)
            except ParameterError as error:
                skipped[f"{mineral} / {stage}"] = str(error)
                continue
            basis = stage_series(supply, mineral, stage, year, source)["basis"].iloc[0]
            row: dict[str, object] = {
                "mineral": mineral,
                "stage": stage,
                "product": result.usgs_type,
                "year": int(year),
                "basis": basis,
                "source": source,
                "world_total_t": result.world_total_t,
                "leader": result.leader,
                "leader_share": result.leader_share,
                "china_share": result.share_of("CHN"),
                "top3_share": result.top_k_share,
                "hhi_lower": result.hhi_lower,
                "hhi_upper": result.hhi_upper,
                "residual_share": result.residual_share,
            }
            for iso3, prefix in _FOCUS:
                share, rank, listed = _position(result, iso3)
                row.update({f"{prefix}_share": share, f"{prefix}_rank": rank, f"{prefix}_listed": listed})
            rows.append(row)
    if not rows:
        raise ParameterError(f"no mineral × stage has data in {source} for {year} (e.g. {next(iter(skipped.values()), '')})")
    table = pd.DataFrame(rows)
    table.attrs["skipped"] = skipped
    return table


def product_name(product: str) -> str:
    """Short name of a source's product at a stage, as a reader names it: "magnet rare earths (Nd, Pr,
    Dy, Tb), refined" → "magnet rare earths", "cobalt, mined (Co content)" → "cobalt",
    "battery-grade graphite" unchanged."""
    return str(product).split(" (")[0].removesuffix(", refined").removesuffix(", mined")


def china_stage_gaps(comparison: pd.DataFrame) -> pd.DataFrame:
    """China's share of refining against its share of mining, one row per mineral of a
    :func:`stage_comparison` where the source lists China at refining.

    A source that does not list China at mining (the IEA for cobalt and nickel) puts its output
    inside the residual ("Rest of world"), so China's mining share is *at most* that residual
    share and the gap is *at least* refining − residual. Columns: ``mineral``, ``refining_share``,
    ``mining_share`` (NaN when not listed), ``mining_at_most`` (the listed share, else the residual
    share), ``gap`` (refining − ``mining_at_most``: exact when listed, a lower bound otherwise),
    ``gap_at_most`` (the largest the gap can be: ``gap`` when listed, the refining share otherwise),
    ``exact`` (China listed at both stages).
    """
    by = comparison.set_index(["mineral", "stage"])
    rows = []
    for mineral in dict.fromkeys(comparison["mineral"]):
        if (mineral, "mining") not in by.index or (mineral, "refining") not in by.index:
            continue
        mining, refining = by.loc[(mineral, "mining")], float(by.loc[(mineral, "refining"), "china_share"])
        if refining != refining:
            continue
        mined = float(mining["china_share"])
        exact = mined == mined
        at_most = mined if exact else float(mining["residual_share"])
        rows.append({"mineral": mineral, "refining_share": refining, "mining_share": mined, "mining_at_most": at_most,
                     "gap": refining - at_most, "gap_at_most": refining - at_most if exact else refining, "exact": exact})
    return pd.DataFrame(rows, columns=["mineral", "refining_share", "mining_share", "mining_at_most", "gap", "gap_at_most", "exact"])


def widest_gap(gaps: pd.DataFrame) -> tuple[pd.Series | None, bool]:
    """(row of :func:`china_stage_gaps`, certain) for the mineral with the widest refining − mining gap.

    Certain when its smallest possible gap is at least every other mineral's largest possible
    gap (bounds from unlisted mining shares included). Otherwise the widest among the minerals
    where China is listed at both stages, with ``certain`` False (an unlisted one might be wider);
    (None, False) when there is none.
    """
    positive = gaps[gaps["gap"] > 0]
    if positive.empty:
        return None, False
    best = positive.loc[positive["gap"].idxmax()]
    others = positive.drop(index=best.name)
    if others.empty or best["gap"] >= others["gap_at_most"].max():
        return best, True
    exact = positive[positive["exact"]]
    return (exact.loc[exact["gap"].idxmax()] if len(exact) else None), False


def stage_outlook(
    supply: pd.DataFrame,
    frameworks: pd.DataFrame,
    *,
    blocs: Sequence[str] = ("MSP", "Quad", INDIA_JAPAN),
    minerals: Iterable[str] = IEA_MINERALS,
    years: Sequence[int] = (2023, 2030, 2035),
    source: str = IEA_SOURCE,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """China's and partner blocs' shares of mining and refining over the IEA's years.

    One row per mineral × stage × year × group (``China`` and each bloc). Columns:
    ``mineral``, ``stage``, ``year``, ``group``, ``basis`` (observed | projection), ``label``
    ("observed" | "IEA base-case projection"), ``value_t`` (t), ``share`` (0–1 of the world
    total; for a bloc a lower bound: members not listed by the IEA are inside Rest of world;
    NaN when the IEA lists no member at all),
    ``members_listed`` (ISO codes with a figure), ``world_total_t``. Membership is from
    :func:`~analysis.indicators.partners.bloc_members` (``as_of`` as there); China is in no bloc.
    """
    groups: dict[str, tuple[str, ...]] = {"China": ("CHN",)}
    notes: list[str] = []
    for bloc in blocs:
        members = bloc_members(frameworks, bloc, as_of=as_of)
        groups[members.name] = members.members
        notes.extend(f"{members.name}: {n}" for n in members.notes)
    rows = []
    for mineral in minerals:
        for stage in ("mining", "refining"):
            for year in years:
                series = stage_series(supply, mineral, stage, year, source)
                world = series.loc[series["entity_kind"] == "world", "value_t"]
                if world.empty or not world.iloc[0] > 0:
                    raise ParameterError(f"{source} has no world total for {mineral} {stage} {year}")
                world_t = float(world.iloc[0])
                countries = series[series["entity_kind"] == "country"]
                basis = str(series["basis"].iloc[0])
                for group, members in groups.items():
                    inside = countries[countries["iso3"].isin(members)]
                    value = float(inside["value_t"].sum())
                    rows.append(
                        {
                            "mineral": mineral,
                            "stage": stage,
                            "year": int(year),
                            "group": group,
                            "basis": basis,
                            "label": PROJECTION_LABEL if basis == "projection" else OBSERVED_LABEL,
                            "value_t": value,
                            # No member named by the IEA: the group's output is unknown (inside Rest of world), not 0.
                            "share": value / world_t if len(inside) else float("nan"),
                            "members_listed": tuple(sorted(inside["iso3"].astype(str))),
                            "world_total_t": world_t,
                        }
                    )
    table = pd.DataFrame(rows)
    table.attrs["members"] = groups
    table.attrs["notes"] = notes + [
        "Bloc shares count only members the IEA lists by name; members inside 'Rest of world' are not counted, so bloc shares are lower bounds.",
        "2030 and 2035 are IEA base-case projections (announced projects weighted by their probability of coming online), not observations.",
    ]
    return table


@dataclass(frozen=True)
class StageDisruption:
    """Result of :func:`refining_disruption` (tonnes; shares 0–1 of the base year's world total).

    ``by_country``: ``iso3``, ``country``, ``output_t`` (base year), ``projected_t`` (capacity
    year, IEA projection), ``growth_t`` (projected − base, ≥ 0 counted), ``role``.
    ``grid``: the :func:`~analysis.indicators.scenarios.shortfall_grid` row for present refiners.
    ``exposure``: :func:`~analysis.indicators.scenarios.exposure` of the given importers.
    """

    mineral: str
    stage: str
    year: int
    capacity_year: int
    cut: float
    supplier: str
    supplier_share: float
    world_total_t: float
    lost_t: float
    shortfall_share: float
    present_cover: float  # other named refiners' present output / lost (redirection; capped at 1)
    partner_output_t: float
    partner_cover: float  # India's and Japan's (``partners``) present output / lost, capped at 1
    new_capacity_t: float  # growth of non-supplier refiners to capacity_year (IEA projection)
    new_capacity_cover: float  # min(new capacity, lost) / lost
    by_country: pd.DataFrame
    exposure: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    product: str = ""  # the source's product at this stage ("magnet rare earths (Nd, Pr, Dy, Tb), mined")


def refining_disruption(
    supply: pd.DataFrame,
    mineral: str,
    *,
    cut: float = 0.5,
    year: int = 2023,
    capacity_year: int = 2030,
    stage: str = "refining",
    supplier: str = "CHN",
    partners: Sequence[str] = PARTNER_ISO3,
    import_shares: Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    source: str = IEA_SOURCE,
) -> StageDisruption:
    """Cut ``supplier``'s output at one stage (refining by default) by ``cut`` ∈ [0, 1].

    World shortfall = ``cut ×`` the supplier's base-year output (t) and its share of the world
    total. Cover from **present refiners**: the other named refiners' base-year output as a
    share of the lost tonnes (capped at 1; redirection moves the shortage, it does not end it).
    Cover from **IEA capacity**: the growth of the other named refiners' output from ``year``
    to ``capacity_year`` in the IEA base case (net new supply, a projection) as a share of the
    lost tonnes (capped at 1). ``partners`` (default India and Japan): their own present cover.
    ``import_shares`` (ISO → share of imports from the supplier, e.g. a mirror estimate) gives
    the importers' first-order exposure ``share × cut``. Rest of world is never counted as
    cover (it is not one refiner and its growth is unallocated).
    """
    cut = check.fraction("cut", cut)
    (supplier,) = check.iso3_codes("supplier", supplier)
    partners = check.iso3_codes("partners", partners)
    if int(capacity_year) <= int(year):
        raise ParameterError(f"capacity_year must be after year {year}, got {capacity_year!r}")
    base = stage_series(supply, mineral, stage, year, source)
    later = stage_series(supply, mineral, stage, capacity_year, source)
    result = stage_concentration(supply, mineral, stage, year, source=source)
    if not result.is_listed(supplier):
        raise ParameterError(
            f"{source} lists no {stage} of {mineral} for {supplier} in {year}; listed: {', '.join(result.shares['iso3'].astype(str))}"
        )
    countries = base[base["entity_kind"] == "country"][["iso3", "country", "value_t"]].rename(columns={"value_t": "output_t"})
    projected = later[later["entity_kind"] == "country"][["iso3", "country", "value_t"]].rename(columns={"value_t": "projected_t"})
    by_country = countries.merge(projected, on=["iso3", "country"], how="outer")
    by_country["growth_t"] = (by_country["projected_t"] - by_country["output_t"]).clip(lower=0)
    iso3 = by_country["iso3"].astype(str)
    by_country["role"] = np.select([iso3 == supplier, iso3.isin(partners)], ["supplier", "partner"], "other")
    present = countries.rename(columns={"output_t": "value_t"})[["iso3", "value_t"]].fillna(0.0)
    others = [c for c in present["iso3"].astype(str) if c != supplier]
    partner_grid = shortfall_grid(present, result.world_total_t, supplier, partners, [cut]).iloc[0]
    lost = float(partner_grid["lost_t"])
    if others:
        present_cover = float(shortfall_grid(present, result.world_total_t, supplier, others, [cut]).iloc[0]["redirect_cover"])
    else:  # the supplier is the only named refiner
        present_cover = 0.0 if lost > 0 else float("nan")
    new_capacity = float(by_country.loc[by_country["role"] != "supplier", "growth_t"].fillna(0.0).sum())
    notes = [
        f"Cover from IEA {capacity_year} capacity uses the IEA base-case projection for named refiners; it is not observed output.",
        "Refiners the IEA does not name (its 'Rest of world') are not counted as cover.",
    ]
    unlisted = [p for p in partners if p not in set(countries["iso3"])]
    if unlisted:
        notes.append(f"Not listed by the IEA for {mineral} {stage} (output unknown, inside Rest of world; counted as 0 cover): {', '.join(unlisted)}.")
    exposed = (
        exposure(import_shares, cut) if import_shares is not None
        else pd.DataFrame(columns=["reporter_iso3", "import_share", "cut", "exposure"])
    )  # fmt: skip
    return StageDisruption(
        mineral=mineral,
        stage=stage,
        year=int(year),
        capacity_year=int(capacity_year),
        cut=cut,
        supplier=supplier,
        supplier_share=result.share_of(supplier),
        world_total_t=result.world_total_t,
        lost_t=lost,
        shortfall_share=float(partner_grid["shortfall_share"]),
        present_cover=present_cover if lost > 0 else float("nan"),
        partner_output_t=float(partner_grid["partner_output_t"]),
        partner_cover=float(partner_grid["redirect_cover"]) if lost > 0 else float("nan"),
        new_capacity_t=new_capacity,
        new_capacity_cover=min(new_capacity, lost) / lost if lost > 0 else float("nan"),
        by_country=by_country.sort_values("output_t", ascending=False, na_position="last").reset_index(drop=True),
        exposure=exposed,
        notes=tuple(notes),
        product=result.usgs_type,
    )


# --- one stage's supply by country, for scenarios ------------------------------------------------

#: Bases a scenario may cut: what was produced (observed or a USGS preliminary estimate), never an IEA projection.
SCENARIO_BASES: tuple[str, ...] = ("observed", "estimate")


def _numeric_country_rows(supply: pd.DataFrame) -> pd.DataFrame:
    rows = supply[(supply["entity_kind"] == "country") & supply["value_t"].notna() & supply["basis"].isin(SCENARIO_BASES)]
    return rows


def stage_sources(supply: pd.DataFrame) -> pd.DataFrame:
    """Which source gives each mineral × stage × year a scenario can cut, one row each.

    USGS where it has country figures for that stage and year (its Mineral Commodity Summaries
    are the reports' main series), else the IEA's observed base year (refining of rare earths,
    cobalt, battery-grade graphite and lithium chemicals, which USGS does not tabulate).
    Projections are never a scenario year. Columns: ``mineral``, ``stage``, ``year``, ``source``,
    ``basis`` (observed | estimate), sorted by mineral, stage, year.
    """
    check.columns("supply", supply, ["mineral", "stage", "year", "source", "basis", "entity_kind", "value_t"])
    rows = _numeric_country_rows(supply)
    usgs = rows[~rows["source"].astype(str).str.startswith("iea")]
    iea = rows[rows["source"].astype(str).str.startswith("iea")]
    key = ["mineral", "stage", "year"]

    def first(frame: pd.DataFrame) -> pd.DataFrame:
        # a year's USGS rows all come from the newest edition (load_usgs); "estimate" wins over "observed" for the label
        return (frame.assign(estimated=frame["basis"] == "estimate")
                .groupby(key + ["source"], as_index=False)["estimated"].any())  # fmt: skip

    left, right = first(usgs), first(iea)
    right = right.merge(left[key], on=key, how="left", indicator=True)
    right = right[right["_merge"] == "left_only"].drop(columns="_merge")
    both = pd.concat([left, right], ignore_index=True)
    both = both.drop_duplicates(key, keep="last")  # newest edition's resource name if several edition names appear
    both["basis"] = np.where(both["estimated"], "estimate", "observed")
    both["year"] = both["year"].astype(int)
    return both[key + ["source", "basis"]].sort_values(key).reset_index(drop=True)


def stage_frame(supply: pd.DataFrame, mineral: str, stage: str, year: int,
                sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Supply by country of one mineral at one stage in one year (tonnes), from the source
    :func:`stage_sources` picks, in the column layout of :func:`analysis.data.load_usgs` so
    :func:`~analysis.indicators.concentration.concentration` and the scenario functions of
    :mod:`analysis.indicators.scenarios` read it (``measure`` is ``mine_production`` for
    mining, ``refinery_production`` for refining; ``type`` the product measured).

    Extra columns: ``source`` (data-package resource), ``basis`` (observed | estimate).
    Raises :class:`ParameterError` naming the stages and years that exist for the mineral when
    the combination has no figures. ``sources``: :func:`stage_sources` of ``supply``, when the
    caller already has it (a loop over many combinations computes it once).
    """
    if sources is None:
        sources = stage_sources(supply)
    pick = sources[(sources["mineral"] == mineral) & (sources["stage"] == stage) & (sources["year"] == int(year))]
    if pick.empty:
        have = sources[sources["mineral"] == mineral]
        if have.empty:
            raise ParameterError(f"unknown mineral {mineral!r}; valid: {', '.join(sorted(sources['mineral'].unique()))}")
        listing = "; ".join(f"{s} {', '.join(map(str, g['year']))}" for s, g in have.groupby("stage"))
        raise ParameterError(f"no {stage} figures for {mineral} in {year}; valid for {mineral}: {listing}")
    source = str(pick["source"].iloc[0])
    rows = supply[(supply["source"] == source) & (supply["mineral"] == mineral) & (supply["stage"] == stage)
                  & (supply["year"] == int(year))]  # fmt: skip
    frame = _as_usgs_frame(rows)
    frame["note"] = ""
    frame["source"] = source
    frame["basis"] = rows["basis"].astype(str).to_numpy()
    frame["estimated"] = (rows["basis"] == "estimate").to_numpy()
    frame["edition"] = rows["edition"].to_numpy()
    return frame.reset_index(drop=True)
