"""China's monthly exports by destination (derived tables from UN Comtrade, China as reporter).

These are *mirror* figures: what China reported exporting to India or Japan (FOB USD), not
India's or Japan's own import records, and they are tables computed by the author of
``qennis/ChinaCriticalMineralComtrade`` from monthly API pulls — secondary data, to be labelled
so in reports.

``load_china_exports_hs6`` columns: ``month`` (first day, Timestamp), ``partner`` (display
name), ``partner_iso3``, ``hs_code`` (250410 natural graphite, 380110 artificial graphite,
811292 unwrought Ga/Ge/In…), ``mineral``, ``value_usd``, ``quantity_kg``,
``unit_value_usd_per_kg``, ``source_line``.

``load_china_exports_groups`` columns: ``month``, ``product_group`` (Graphite,
Gallium/Germanium, Rare Earths, Polysilicon as the author grouped HS codes), ``mineral``,
``partner``, ``partner_iso3``, ``value_usd``, ``quantity_kg``, ``unit_value_usd_per_kg``,
``author_hhi`` (the author's concentration index, 0–1, kept for reference), ``source_line``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_names
from analysis.data.minerals import mineral_of_hs, standard_mineral
from analysis.data.package import check_resource
from analysis.data.validation import read_csv_text, require_columns, to_number, validate
from analysis.errors import DataFileError

HS6_RESOURCE = "china-exports-hs6-monthly"
GROUPS_RESOURCE = "china-exports-group-monthly"

SCHEMA = pa.DataFrameSchema(
    {
        "month": pa.Column("datetime64[ns]"),
        "partner_iso3": pa.Column(str),
        "value_usd": pa.Column(float, pa.Check.ge(0), nullable=True),
        "quantity_kg": pa.Column(float, pa.Check.ge(0), nullable=True),
        "source_line": pa.Column(int, pa.Check.ge(2)),
    },
    strict=False,
)


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    raw = read_csv_text(path)
    require_columns(raw, columns, path)
    return raw


def _months(raw: pd.Series, path: Path) -> pd.Series:
    months = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    if months.isna().any():
        position = int(months.isna().to_numpy().argmax())
        raise DataFileError(path, "expected a date YYYY-MM-DD", row=position + 2, column="period_dt", value=raw.iloc[position])
    return months.astype("datetime64[ns]")


def _common(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    partner = harmonise_names(raw["partner_name"], path=path, column="partner_name")
    return pd.DataFrame(
        {
            "month": _months(raw["period_dt"], path),
            "partner": partner["country"],
            "partner_iso3": partner["iso3"],
            "value_usd": to_number(raw["val"], path, "val"),
            "quantity_kg": to_number(raw["qty"], path, "qty"),
            "unit_value_usd_per_kg": to_number(raw["uv"], path, "uv"),
            "source_line": np.arange(len(raw)) + 2,
        }
    )


def read_china_exports_hs6(path: str | Path) -> pd.DataFrame:
    """Tidy monthly exports by HS6 code and partner (see module doc)."""
    path = Path(path)
    raw = _read(path, ["period_dt", "partner_name", "hs6", "val", "qty", "uv"])
    tidy = _common(raw, path)
    tidy.insert(3, "hs_code", raw["hs6"].str.strip())
    tidy.insert(4, "mineral", tidy["hs_code"].map(mineral_of_hs).astype("string"))
    return validate(tidy, SCHEMA, path)


def read_china_exports_groups(path: str | Path) -> pd.DataFrame:
    """Tidy monthly exports by product group and partner (see module doc)."""
    path = Path(path)
    raw = _read(path, ["period_dt", "val", "qty", "uv", "hhi", "broad_group", "partner_name"])
    tidy = _common(raw, path)
    tidy.insert(1, "product_group", raw["broad_group"].str.strip())
    tidy.insert(2, "mineral", tidy["product_group"].map(standard_mineral))
    tidy["author_hhi"] = to_number(raw["hhi"], path, "hhi")
    return validate(tidy, SCHEMA, path)


def load_china_exports_hs6() -> pd.DataFrame:
    return read_china_exports_hs6(check_resource(HS6_RESOURCE))


def load_china_exports_groups() -> pd.DataFrame:
    return read_china_exports_groups(check_resource(GROUPS_RESOURCE))
