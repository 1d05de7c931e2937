"""Mineral names and the HS-code → mineral table, shared by every module.

USGS commodity names are the reference vocabulary ("Rare earths", "Lithium", …). Other
sources name the same minerals differently (India's list says "REE (rare earth elements)",
Japan's "Rare earth elements"); :data:`MINERAL_ALIASES` maps them onto USGS names.

:data:`HS_PRODUCTS` says which traded product (Harmonized System code) belongs to which
mineral and at which stage of the chain. It is written out, code by code, because HS headings
do not follow mineral boundaries (2846 mixes all rare-earth compounds; 811292 mixes gallium,
germanium, indium and others) and every module must agree on the same mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: USGS spellings corrected for display. The raw value stays in ``commodity_raw``.
COMMODITY_CORRECTIONS: dict[str, str] = {
    "Gemanium": "Germanium",  # misspelt in MCS2025_World_Data.csv (values withheld anyway)
}

#: Names used by other sources → USGS commodity name.
MINERAL_ALIASES: dict[str, str] = {
    "REE (rare earth elements)": "Rare earths",
    "Rare earth elements": "Rare earths",
    "Rare Earths": "Rare earths",
    "PGE (platinum group elements)": "Platinum-group metals",
    "Platinum Group Metals": "Platinum-group metals",
    "Platinum": "Platinum-group metals",
    "Palladium": "Platinum-group metals",
    "Titanium": "Titanium mineral concentrates",
    "Zirconium": "Zirconium and hafnium",
    "Hafnium": "Zirconium and hafnium",
    "Potash": "Potash",
    "Phosphorous": "Phosphate rock",  # India's list spells it so; the mineral mined is phosphate rock
    "Gallium/Germanium": "Gallium",  # China-export product group (HS 811292 mixes both)
}

#: MCS per-commodity world files are named ``mcs<edition>-<code>_world.csv``; they have no
#: COMMODITY column, so the code in the file name says which commodity a file holds. Each code
#: maps to the commodity name of the all-commodity MCS 2025 table (as :func:`commodity_name`
#: prints it), so that one mineral's series joins across the 2023, 2024 and 2025 editions
#: ("lithi" → "Lithium", "raree" → "Rare earths", "graph" → "Graphite" — MCS names natural
#: graphite just "Graphite"). Codes seen in the MCS 2022–2024 data releases; "stond" (dimension
#: stone) has no MCS 2025 counterpart and keeps its chapter title.
MCS_FILE_CODES: dict[str, str] = {
    "abras": "Abrasives", "alumi": "Aluminum", "antim": "Antimony", "arsen": "Arsenic",
    "asbes": "Asbestos", "barit": "Barite", "bauxi": "Bauxite", "beryl": "Beryllium",
    "bismu": "Bismuth", "boron": "Boron", "bromi": "Bromine", "cadmi": "Cadmium",
    "cemen": "Cement", "chrom": "Chromium", "clays": "Clays", "cobal": "Cobalt",
    "coppe": "Copper", "diamo": "Diamond (industrial)", "diato": "Diatomite",
    "felds": "Feldspar", "feore": "Iron ore", "fepig": "Iron oxide pigments",
    "feste": "Iron and steel", "fluor": "Fluorspar", "galli": "Gallium",
    "garne": "Garnet (industrial)", "gemst": "Gemstones", "germa": "Germanium", "gold": "Gold",
    "graph": "Graphite", "gypsu": "Gypsum", "heliu": "Helium", "indiu": "Indium",
    "iodin": "Iodine", "kyani": "Kyanite and related minerals", "lead": "Lead", "lime": "Lime",
    "lithi": "Lithium", "manga": "Manganese", "mercu": "Mercury",
    "mgcomp": "Magnesium compounds", "mgmet": "Magnesium metal", "mica": "Mica (natural)",
    "molyb": "Molybdenum", "nicke": "Nickel", "niobi": "Niobium",
    "nitro": "Nitrogen(fixed) - ammonia", "peat": "Peat", "perli": "Perlite",
    "phosp": "Phosphate rock", "plati": "Platinum-group metals", "potas": "Potash",
    "pumic": "Pumice & pumicite", "raree": "Rare earths", "rheni": "Rhenium", "salt": "Salt",
    "sandi": "Sand and gravel (industrial)", "selen": "Selenium", "silve": "Silver",
    "simet": "Silicon", "sodaa": "Soda ash", "stond": "Stone (dimension)",
    "stron": "Strontium", "sulfu": "Sulfur", "talc": "Talc and pyrophyllite",
    "tanta": "Tantalum", "tellu": "Tellurium", "timin": "Titanium mineral concentrates",
    "tin": "Tin", "titan": "Titanium & titanium dioxide", "tungs": "Tungsten",
    "vanad": "Vanadium", "vermi": "Vermiculite", "wolla": "Wollastonite",
    "yttri": "Yttrium", "zeoli": "Zeolites (natural)", "zinc": "Zinc",
    "zirco": "Zirconium and hafnium", "zirco-hafni": "Zirconium and hafnium",
}


#: The minerals the reports treat first (IEA's energy-transition set plus gallium/germanium).
PRIORITY_MINERALS: tuple[str, ...] = (
    "Rare earths",
    "Lithium",
    "Cobalt",
    "Nickel",
    "Graphite",
    "Manganese",
    "Gallium",
    "Copper",
)


@dataclass(frozen=True)
class HsProduct:
    """One HS code: the mineral it carries and the stage of the value chain."""

    code: str
    mineral: str
    stage: str  # "ore" | "processed" | "metal" | "battery"
    description: str


#: HS code → mineral. Codes are strings (leading zeros and 4- vs 6-digit matter).
HS_PRODUCTS: dict[str, HsProduct] = {
    p.code: p
    for p in [
        # Graphite
        HsProduct("2504", "Graphite", "ore", "Natural graphite (heading)"),
        HsProduct("250410", "Graphite", "ore", "Natural graphite in powder or flakes"),
        HsProduct("250490", "Graphite", "ore", "Natural graphite, other than powder or flakes"),
        HsProduct("380110", "Graphite", "processed", "Artificial graphite"),
        # Cobalt
        HsProduct("260500", "Cobalt", "ore", "Cobalt ores and concentrates"),
        HsProduct("2822", "Cobalt", "processed", "Cobalt oxides and hydroxides; commercial cobalt oxides (heading)"),
        HsProduct("282200", "Cobalt", "processed", "Cobalt oxides and hydroxides; commercial cobalt oxides"),
        HsProduct("810520", "Cobalt", "metal", "Cobalt mattes and intermediates; unwrought cobalt; powders"),
        # Lithium
        HsProduct("282520", "Lithium", "processed", "Lithium oxide and hydroxide"),
        HsProduct("283691", "Lithium", "processed", "Lithium carbonates"),
        HsProduct("850760", "Lithium", "battery", "Lithium-ion accumulators (batteries)"),
        # Rare earths
        HsProduct("280530", "Rare earths", "metal", "Rare-earth metals, scandium and yttrium"),
        HsProduct("2846", "Rare earths", "processed", "Compounds of rare-earth metals, yttrium or scandium (heading)"),
        HsProduct("284610", "Rare earths", "processed", "Cerium compounds"),
        HsProduct("284690", "Rare earths", "processed", "Rare-earth compounds other than cerium"),
        # Nickel
        HsProduct("260400", "Nickel", "ore", "Nickel ores and concentrates"),
        HsProduct("7501", "Nickel", "processed", "Nickel mattes, oxide sinters and intermediates (heading)"),
        HsProduct("750110", "Nickel", "processed", "Nickel mattes"),
        HsProduct("750120", "Nickel", "processed", "Nickel oxide sinters and other intermediates"),
        HsProduct("7502", "Nickel", "metal", "Unwrought nickel (heading)"),
        HsProduct("7503", "Nickel", "metal", "Nickel waste and scrap (heading)"),
        HsProduct("282540", "Nickel", "processed", "Nickel oxides and hydroxides (battery precursor chemicals)"),
        # Copper
        HsProduct("260300", "Copper", "ore", "Copper ores and concentrates"),
        HsProduct("740200", "Copper", "metal", "Unrefined copper; copper anodes"),
        HsProduct("740311", "Copper", "metal", "Refined copper cathodes"),
        # Platinum-group metals (USGS reports platinum and palladium as one commodity)
        HsProduct("711011", "Platinum-group metals", "metal", "Platinum, unwrought or in powder form"),
        HsProduct("711031", "Platinum-group metals", "metal", "Rhodium, unwrought or in powder form"),
        # Manganese
        HsProduct("260200", "Manganese", "ore", "Manganese ores and concentrates"),
        # Gallium / germanium (HS 2022 heading 811292 mixes Ga, Ge, In, Nb, Hf, Re, V, Tl)
        HsProduct("811292", "Gallium", "metal", "Unwrought gallium, germanium, indium and other metals (HS 2022)"),
    ]
}
# Codes in the trade extracts deliberately left out of the table, because they do not carry
# one mineral: 253090 (mineral substances n.e.c.), 2612 (uranium/thorium ores), 261690
# (precious-metal ores incl. gold), 2826xx/282739/283329/2841xx/284290 (fluorides, chlorides,
# sulphates, oxometallic salts of many metals), 284390 (precious-metal compounds), 381512
# (catalysts), 382499 (chemical preparations n.e.c.), 7407–7409 (copper semi-manufactures),
# 711019 (platinum semi-manufactures), 711319 (jewellery), 854519 (carbon electrodes),
# 870240 (electric buses). ``mineral_of_hs`` returns None for them.


def hs_table() -> pd.DataFrame:
    """:data:`HS_PRODUCTS` as a frame: ``hs_code``, ``mineral``, ``stage``, ``description``."""
    return pd.DataFrame(
        [(p.code, p.mineral, p.stage, p.description) for p in HS_PRODUCTS.values()],
        columns=["hs_code", "mineral", "stage", "description"],
    )


def product_name(hs_code: str) -> str:
    """Short product name of an HS code ("2822" → "Cobalt oxides and hydroxides")."""
    name = HS_PRODUCTS[str(hs_code)].description.split(";")[0]
    for suffix in (" (heading)", " (HS 2022)"):
        name = name.replace(suffix, "")
    return name


def product_label(hs_code: str) -> str:
    """Product name with its code for charts and tables: "Natural graphite (HS 2504)"."""
    return f"{product_name(hs_code)} (HS {hs_code})"


def mineral_of_hs(code: str) -> str | None:
    """Mineral of an HS code, or ``None`` for codes outside the table (e.g. platinum jewellery)."""
    product = HS_PRODUCTS.get(str(code))
    return product.mineral if product else None


def commodity_name(raw: str) -> str:
    """Display name of a USGS COMMODITY value.

    Trailing and doubled spaces go ("Lithium " → "Lithium"), known misspellings are corrected
    ("Gemanium" → "Germanium") and capitalisation becomes sentence case, as USGS mixes both
    ("Platinum-Group metals", "Iron Ore" → "Platinum-group metals", "Iron ore").
    """
    stripped = " ".join(str(raw).replace("\xa0", " ").split())
    stripped = COMMODITY_CORRECTIONS.get(stripped, stripped)
    return stripped[:1].upper() + stripped[1:].lower()


def standard_mineral(name: str) -> str:
    """USGS commodity name (as :func:`commodity_name` gives it) for any source's mineral name."""
    stripped = " ".join(str(name).split())
    return MINERAL_ALIASES.get(stripped, commodity_name(stripped))
