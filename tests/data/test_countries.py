"""Country harmonisation: overrides, qualifiers, entities, and loud failure on unknown names."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.countries import comtrade_code_to_iso3, harmonise_codes, harmonise_names, match_name
from analysis.errors import UnknownCountryError


@pytest.mark.parametrize(
    "name, code, kind",
    [
        ("Congo (Kinshasa)", "COD", "country"),
        ("Burma", "MMR", "country"),
        ("Russia ", "RUS", "country"),
        ("Korea, Republic of", "KOR", "country"),
        ("Republic of Korea", "KOR", "country"),
        ("Côte d’Ivoire", "CIV", "country"),
        ("World total (rounded)", "WLD", "world"),
        ("Other Countries", "OTH", "other"),
        ("United\xa0States and Canada", "USA+CAN", "aggregate"),
        ("European Union (European Commission)", "EUU", "union"),
    ],
)
def test_names(name, code, kind):
    entity = match_name(name)
    assert (entity.code, entity.kind) == (code, kind)


def test_parenthesised_qualifier_is_kept():
    entity = match_name("Brazil (beneficiated, marketable)")
    assert entity.code == "BRA" and entity.qualifier == "beneficiated, marketable"


def test_unmatched_names_raise_listing_every_one_with_its_row():
    names = pd.Series(["India", "Atlantis", "Japan", "El Dorado"])
    with pytest.raises(UnknownCountryError) as error:
        harmonise_names(names, path="f.csv", column="COUNTRY")
    message = str(error.value)
    assert "'Atlantis' (row 3)" in message and "'El Dorado' (row 5)" in message and "f.csv" in message


def test_comtrade_codes():
    assert comtrade_code_to_iso3(699) == ("IND", "country")
    assert comtrade_code_to_iso3(392) == ("JPN", "country")
    assert comtrade_code_to_iso3(0) == ("WLD", "world")
    frame = harmonise_codes(pd.Series(["W00", "S19", "IND"]), path="f", column="partnerISO")
    assert frame.iso3.tolist() == ["WLD", "S19", "IND"]
    assert frame.entity_kind.tolist() == ["world", "area", "country"]
