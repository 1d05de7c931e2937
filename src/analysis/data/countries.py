"""Country harmonisation: every source's country names and codes → ISO 3166-1 alpha-3.

pycountry (the ISO 3166 tables) does the matching; the override tables below hold only the
names and codes that ISO does not know, each with the reason. Anything else raises
:class:`~analysis.errors.UnknownCountryError` listing every unmatched name: no country may
silently drop out of a share or a sum.

Besides countries, sources carry entities that are not countries. They keep a code and an
``entity_kind`` so that indicators can tell them apart:

============  =====================================================  =================
entity_kind   meaning                                                code
============  =====================================================  =================
country       an ISO 3166 country or territory                       ISO alpha-3
world         a world total (USGS "World total (rounded)", W00)      ``WLD``
other         USGS "Other countries": the residual of small producers ``OTH``
aggregate     several countries reported together                    e.g. ``USA+CAN``
union         the European Union (a framework member)                 ``EUU``
area          Comtrade's "nes" areas, free zones, special categories  Comtrade ISO field
historic      a country that no longer exists (Netherlands Antilles)   former ISO alpha-3
============  =====================================================  =================

(country_converter was tried first; its 1.3 release fails to initialise under pandas 3, so
pycountry is used.)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from analysis.errors import UnknownCountryError

#: Names ISO 3166 does not know, mapped to (code, entity_kind). Keys are compared after
#: :func:`normalise_name` (spaces collapsed, no-break spaces replaced, case folded).
NAME_OVERRIDES: dict[str, tuple[str, str]] = {
    # USGS uses U.S. Government (GENC) short names.
    "burma": ("MMR", "country"),  # Myanmar
    "congo (kinshasa)": ("COD", "country"),  # Democratic Republic of the Congo
    "congo (brazzaville)": ("COG", "country"),  # Republic of the Congo
    "korea, north": ("PRK", "country"),
    "russia": ("RUS", "country"),  # ISO: "Russian Federation"
    "turkey": ("TUR", "country"),  # ISO renamed to "Türkiye" in 2022
    "côte d’ivoire": ("CIV", "country"),  # typographic apostrophe; ISO spells "Côte d'Ivoire"
    "laos": ("LAO", "country"),
    # IEA Critical Minerals Data Explorer
    "democratic republic of congo": ("COD", "country"),
    # partnership/frameworks.csv word order and abbreviations
    "republic of korea": ("KOR", "country"),
    "uae": ("ARE", "country"),
    "european union (european commission)": ("EUU", "union"),  # World Bank's code for the EU
    # USGS reports the two together for abrasives plant capacity
    "united states and canada": ("USA+CAN", "aggregate"),
    # mcs2024-tanta_world.csv labels its residual row just "Other"
    "other": ("OTH", "other"),
}

#: USGS names that start with these phrases are totals or residuals, whatever follows
#: ("World total (rounded), natural", "Other countries (includes crude").
PREFIX_ENTITIES: list[tuple[str, str, str]] = [
    ("world total", "WLD", "world"),
    ("other countries", "OTH", "other"),
]

#: UN Comtrade numeric codes that differ from ISO 3166 numeric codes (Comtrade keeps its own
#: M49-derived codes for some reporters). Checked against the reporterISO column on load.
COMTRADE_CODE_OVERRIDES: dict[int, tuple[str, str]] = {
    0: ("WLD", "world"),  # partner "World" (ISO field W00)
    699: ("IND", "country"),  # India reports to Comtrade as 699, not ISO 356
    842: ("USA", "country"),  # USA, not ISO 840
    251: ("FRA", "country"),  # France incl. Monaco, not ISO 250
    579: ("NOR", "country"),  # Norway incl. Svalbard, not ISO 578
    757: ("CHE", "country"),  # Switzerland incl. Liechtenstein, not ISO 756
    736: ("SDN", "historic"),  # Sudan before South Sudan's independence (…2011)
    490: ("S19", "area"),  # "Other Asia, nes": Comtrade's label for Taiwan's trade; kept as reported
    530: ("ANT", "historic"),  # Netherlands Antilles (…2010)
    891: ("SCG", "historic"),  # Serbia and Montenegro (…2005)
    568: ("E19", "area"),  # Other Europe, nes
    838: ("X2", "area"),  # Free zones
    839: ("XX", "area"),  # Special categories
    899: ("_X", "area"),  # Areas, nes
}

#: ISO-like codes used by UN Comtrade and the World Bank that ISO 3166 does not assign.
CODE_OVERRIDES: dict[str, str] = {
    "W00": "world",
    "WLD": "world",
    "S19": "area",
    "E19": "area",
    "X2": "area",
    "XX": "area",
    "_X": "area",
    "XKX": "country",  # Kosovo: user-assigned code used by the World Bank and the EU
    "ANT": "historic",
    "SCG": "historic",
}

#: Short names for charts and text, where ISO's official name is long or unusual.
DISPLAY_NAMES: dict[str, str] = {
    "COD": "DR Congo",
    "COG": "Congo",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "RUS": "Russia",
    "USA": "United States",
    "GBR": "United Kingdom",
    "VNM": "Vietnam",
    "TWN": "Taiwan",
    "IRN": "Iran",
    "BOL": "Bolivia",
    "TZA": "Tanzania",
    "LAO": "Laos",
    "SYR": "Syria",
    "VEN": "Venezuela",
    "MDA": "Moldova",
    "MMR": "Myanmar",
    "TUR": "Türkiye",
    "CIV": "Côte d'Ivoire",
    "XKX": "Kosovo",
    "WLD": "World",
    "OTH": "Other countries",
    "EUU": "European Union",
    "USA+CAN": "United States and Canada",
    "S19": "Other Asia, nes",
    "ANT": "Netherlands Antilles",
    "SCG": "Serbia and Montenegro",
}

_PAREN = re.compile(r"^(?P<base>.*?)\s*\((?P<qualifier>[^()]*)\)\s*(?P<rest>.*)$")


def normalise_name(name: str) -> str:
    """Case-folded name with no-break spaces replaced and runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", str(name)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Entity:
    """One harmonised name: ISO alpha-3 (or entity code), its kind, and a qualifier.

    ``qualifier`` keeps USGS's parenthesised remark ("Brazil (beneficiated)" → "beneficiated").
    """

    code: str
    kind: str
    qualifier: str = ""


@lru_cache(maxsize=4096)
def _lookup_iso(name: str) -> str | None:
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


@lru_cache(maxsize=4096)
def match_name(name: str) -> Entity | None:
    """Entity for one source name, or ``None`` when it matches nothing."""
    key = normalise_name(name)
    if key in NAME_OVERRIDES:
        return Entity(*NAME_OVERRIDES[key])
    for prefix, code, kind in PREFIX_ENTITIES:
        if key.startswith(prefix):
            return Entity(code, kind, key[len(prefix) :].strip(" ,()"))
    iso = _lookup_iso(key)
    if iso:
        return Entity(iso, "country")
    paren = _PAREN.match(key)
    if paren:  # "Brazil (beneficiated)": the base name is the country
        base = paren["base"]
        qualifier = (paren["qualifier"] + " " + paren["rest"]).strip()
        inner = match_name(base)
        if inner is not None and inner.kind in {"country", "aggregate"}:
            return Entity(inner.code, inner.kind, qualifier)
    if ", " in key:  # "Argentina, crude ore" (MCS boron): country, then the product as a remark
        for cut in range(key.count(", "), 0, -1):  # longest country name first ("Korea, Republic of, …")
            parts = key.split(", ")
            base, remark = ", ".join(parts[:cut]), ", ".join(parts[cut:])
            inner = match_name(base)
            if inner is not None and inner.kind in {"country", "aggregate"} and not inner.qualifier:
                return Entity(inner.code, inner.kind, remark)
    return None


def display_name(code: str) -> str:
    """Short English name of an entity code for charts ("COD" → "DR Congo")."""
    if code in DISPLAY_NAMES:
        return DISPLAY_NAMES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        historic = pycountry.historic_countries.get(alpha_3=code)
        return historic.name if historic else code
    return getattr(country, "common_name", None) or country.name


def harmonise_names(
    names: pd.Series, *, path: str | Path, column: str, first_row: int = 2, rows: pd.Series | None = None
) -> pd.DataFrame:
    """ISO alpha-3 code, entity kind, qualifier and display name for each source name.

    ``names`` is a column of a file (``path``/``column`` only serve the error message;
    ``first_row`` is the file line of its first element, or ``rows`` gives each element's file
    line when ``names`` is not one-per-line, as in a tidy frame). Raises
    :class:`UnknownCountryError` naming every unmatched name and its first row.
    Returns a frame aligned with ``names`` with columns ``iso3``, ``entity_kind``,
    ``qualifier``, ``country``.
    """
    unique = pd.unique(names)
    matches = {name: match_name(name) for name in unique}
    unmatched = [name for name, entity in matches.items() if entity is None]
    if unmatched:
        lines = (rows.reset_index(drop=True) if rows is not None
                 else pd.Series(range(first_row, first_row + len(names))))
        flat = names.reset_index(drop=True)
        positions = {name: int(lines[int((flat == name).idxmax())]) for name in unmatched}
        listing = "; ".join(f"{name!r} (row {positions[name]})" for name in unmatched)
        raise UnknownCountryError(
            path,
            f"cannot harmonise {len(unmatched)} name(s) to ISO 3166: {listing}. "
            "Add them to NAME_OVERRIDES in analysis/data/countries.py with the reason",
            row=positions[unmatched[0]],
            column=column,
        )
    out = pd.DataFrame(
        {
            "iso3": names.map(lambda n: matches[n].code),
            "entity_kind": names.map(lambda n: matches[n].kind),
            "qualifier": names.map(lambda n: matches[n].qualifier),
        },
        index=names.index,
    )
    out["country"] = out["iso3"].map(display_name)
    return out


def harmonise_codes(codes: pd.Series, *, path: str | Path, column: str, first_row: int = 2) -> pd.DataFrame:
    """Entity kind and display name for ISO-like alpha-3 codes (Comtrade, World Bank).

    Valid ISO 3166 codes are countries; codes in :data:`CODE_OVERRIDES` keep their kind
    (``W00`` becomes ``WLD``); anything else raises :class:`UnknownCountryError`.
    Returns columns ``iso3``, ``entity_kind``, ``country`` aligned with ``codes``.
    """
    kinds: dict[str, tuple[str, str]] = {}
    for code in pd.unique(codes):
        text = str(code).strip()
        if text in CODE_OVERRIDES:
            kind = CODE_OVERRIDES[text]
            kinds[code] = ("WLD" if kind == "world" else text, kind)
        elif pycountry.countries.get(alpha_3=text) is not None:
            kinds[code] = (text, "country")
        else:
            row = int((codes.reset_index(drop=True) == code).idxmax()) + first_row
            raise UnknownCountryError(
                path,
                "not an ISO 3166 alpha-3 code nor a known Comtrade/World Bank area code; "
                "add it to CODE_OVERRIDES in analysis/data/countries.py with the reason",
                row=row,
                column=column,
                value=code,
            )
    out = pd.DataFrame(
        {"iso3": codes.map(lambda c: kinds[c][0]), "entity_kind": codes.map(lambda c: kinds[c][1])},
        index=codes.index,
    )
    out["country"] = out["iso3"].map(display_name)
    return out


def comtrade_code_to_iso3(code: int) -> tuple[str, str]:
    """(ISO alpha-3 or area code, entity kind) of a UN Comtrade numeric reporter/partner code."""
    if code in COMTRADE_CODE_OVERRIDES:
        return COMTRADE_CODE_OVERRIDES[code]
    country = pycountry.countries.get(numeric=f"{int(code):03d}")
    if country is None:
        raise KeyError(code)
    return country.alpha_3, "country"
