"""Fixtures for the indicator tests: the shipped data, loaded once per session (read-only)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("indicators", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("indicators")


# ------------------------------------------------------------------ shipped data (read-only)


@pytest.fixture(scope="session")
def trade() -> pd.DataFrame:
    from analysis.data import load_trade

    return load_trade()


@pytest.fixture(scope="session")
def trade_2023() -> pd.DataFrame:
    from analysis.data import load_all_reporters_2023

    return load_all_reporters_2023()


@pytest.fixture(scope="session")
def stability() -> pd.DataFrame:
    from analysis.data import load_political_stability

    return load_political_stability()


@pytest.fixture(scope="session")
def wgi() -> pd.DataFrame:
    from analysis.data import load_wgi

    return load_wgi()


@pytest.fixture(scope="session")
def frameworks() -> pd.DataFrame:
    from analysis.data import load_frameworks

    return load_frameworks()


@pytest.fixture(scope="session")
def lists() -> pd.DataFrame:
    from analysis.data import load_critical_mineral_lists

    return load_critical_mineral_lists()


@pytest.fixture(scope="session")
def events() -> pd.DataFrame:
    from analysis.data import load_events

    return load_events()


@pytest.fixture(scope="session")
def china_groups() -> pd.DataFrame:
    from analysis.data import load_china_exports_groups

    return load_china_exports_groups()
