"""Typed parameter parsing and validation (no kernel, no data)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.engine.params import ParamSpec, check_value, closest, parse_assignment, parse_text, validate_set
from analysis.errors import ParameterError

MINERALS = ["Cobalt", "Lithium", "Nickel", "Rare earths"]


def domains(name: str) -> list:
    return {"minerals": MINERALS, "years": [2022, 2023, 2024]}[name]


def spec(kind: str, **kw) -> ParamSpec:
    return ParamSpec(name=kw.pop("name", "p"), type=kind, **kw)


def test_str_keeps_leading_zeros_and_text_exactly():
    assert parse_text(spec("str"), "029", "nb") == "029"
    assert parse_text(spec("str"), " a=b ", "nb") == " a=b "


@given(st.text())
def test_str_round_trips_any_text(text):
    assert parse_text(spec("str"), text, "nb") == text


@given(st.integers())
def test_int_round_trips(number):
    assert parse_text(spec("int"), str(number), "nb") == number


@pytest.mark.parametrize("text", ["1.0", "1e3", "", "one", "0x10", "1_000"])
def test_int_refuses_non_integers(text):
    with pytest.raises(ParameterError, match="expects an integer"):
        parse_text(spec("int"), text, "nb")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_round_trips(number):
    assert parse_text(spec("float"), repr(number), "nb") == number


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "abc"])
def test_float_refuses_non_finite(text):
    with pytest.raises(ParameterError):
        parse_text(spec("float"), text, "nb")


@pytest.mark.parametrize("text,value", [("true", True), ("No", False), ("1", True), ("off", False)])
def test_bool(text, value):
    assert parse_text(spec("bool"), text, "nb") is value


def test_bool_refuses_other_words():
    with pytest.raises(ParameterError, match="expects true or false"):
        parse_text(spec("bool"), "maybe", "nb")


def test_lists_are_lists_not_strings():
    assert parse_text(spec("list[int]"), "[1,2]", "nb") == [1, 2]
    assert parse_text(spec("list[int]"), "1, 2,3", "nb") == [1, 2, 3]
    assert parse_text(spec("list[str]"), '["029", "x"]', "nb") == ["029", "x"]
    with pytest.raises(ParameterError, match="expects int"):
        parse_text(spec("list[int]"), '["1"]', "nb")


def test_assignment_needs_equals():
    assert parse_assignment("mineral=Rare earths") == ("mineral", "Rare earths")
    assert parse_assignment("expr=a=b") == ("expr", "a=b")
    with pytest.raises(ParameterError, match="expected key=value"):
        parse_assignment("mineral")


def test_unknown_domain_value_names_everything_in_one_line():
    with pytest.raises(ParameterError) as info:
        check_value(spec("str", name="mineral", domain="minerals"), "Litium", "notebook mineral_profile (-p)", domains)
    message = str(info.value)
    assert "\n" not in message
    assert "notebook mineral_profile" in message
    assert "unknown mineral 'Litium' — did you mean 'Lithium'?" in message
    assert "valid: Cobalt, Lithium, Nickel, Rare earths" in message


def test_case_insensitive_close_match():
    assert closest("rare earths", MINERALS) == "Rare earths"
    assert closest(2042, [2022, 2023, 2024]) == 2024
    assert closest("zzz", MINERALS) is None


def test_bounds():
    cut = spec("float", name="cut", min=0, max=1)
    assert check_value(cut, 0, "nb", domains) == 0.0
    assert isinstance(check_value(cut, 1, "nb", domains), float)
    with pytest.raises(ParameterError, match=r"cut 1.5 is out of range — valid: \[0, 1\]"):
        check_value(cut, 1.5, "nb", domains)
    expansion = spec("float", name="expansion", min=0)
    with pytest.raises(ParameterError, match="valid: ≥ 0"):
        check_value(expansion, -0.1, "nb", domains)


def test_toml_types_are_strict():
    with pytest.raises(ParameterError, match="expects int, got str '2024'"):
        check_value(spec("int", name="year"), "2024", "nb", domains)
    with pytest.raises(ParameterError, match="expects int, got bool"):
        check_value(spec("int", name="year"), True, "nb", domains)
    with pytest.raises(ParameterError, match="expects str, got int 29"):
        check_value(spec("str", name="code"), 29, "nb", domains)


def test_validate_set_fills_defaults_and_rejects_unknown_names():
    specs = {
        "mineral": spec("str", name="mineral", domain="minerals", default="Lithium"),
        "year": spec("int", name="year", domain="years", default=2024),
    }
    assert validate_set(specs, {"year": 2023}, "nb", domains) == {"mineral": "Lithium", "year": 2023}
    with pytest.raises(ParameterError, match="unknown parameter 'yaer' — did you mean 'year'"):
        validate_set(specs, {"yaer": 2023}, "nb", domains)
    no_default = {"mineral": spec("str", name="mineral")}
    with pytest.raises(ParameterError, match="missing"):
        validate_set(no_default, {}, "nb", domains)


def test_a_combination_names_the_first_value_without_data_and_the_valid_ones():
    from analysis.engine.params import Combination

    # SYNTHETIC: Cobalt has mining 2023–2024 and refining 2023; Lithium mining 2024 only
    rows = [["Cobalt", "mining", 2023], ["Cobalt", "mining", 2024], ["Cobalt", "refining", 2023], ["Lithium", "mining", 2024]]
    lookup = {"minerals": MINERALS, "years": [2022, 2023, 2024], "series": rows}.__getitem__
    specs = {"mineral": spec("str", name="mineral", domain="minerals"), "stage": spec("str", name="stage"),
             "year": spec("int", name="year", domain="years")}  # fmt: skip
    combo = Combination(("mineral", "stage", "year"), "series")
    ok = validate_set(specs, {"mineral": "Cobalt", "stage": "refining", "year": 2023}, "nb", lookup, combinations=[combo])
    assert ok == {"mineral": "Cobalt", "stage": "refining", "year": 2023}
    with pytest.raises(ParameterError) as info:
        validate_set(specs, {"mineral": "Cobalt", "stage": "refining", "year": 2024}, "nb", lookup, combinations=[combo])
    assert str(info.value) == "nb: no data for year 2024 with mineral 'Cobalt', stage 'refining' — did you mean 2023? valid: 2023"
    with pytest.raises(ParameterError, match=r"no data for stage 'refining' with mineral 'Lithium' — did you mean 'mining'\? valid: mining$"):
        validate_set(specs, {"mineral": "Lithium", "stage": "refining", "year": 2024}, "nb", lookup, combinations=[combo])
    with pytest.raises(ParameterError, match=r"no data for mineral 'Nickel' valid: Cobalt, Lithium$"):
        validate_set(specs, {"mineral": "Nickel", "stage": "mining", "year": 2024}, "nb", lookup, combinations=[combo])
