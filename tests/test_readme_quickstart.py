"""The README's "Explore in Python" snippets run as written and print sensible figures."""

from __future__ import annotations

import contextlib
import io
import math
import re

import pytest

from tests.support.project import REPO

pytestmark = pytest.mark.slow


def _snippets() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Explore in Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


@pytest.fixture(scope="module")
def ran() -> list[tuple[dict, str]]:
    results = []
    for code in _snippets():
        namespace: dict = {}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own code
        results.append((namespace, out.getvalue()))
    return results


def test_three_snippets_of_three_or_four_lines():
    snippets = _snippets()
    assert len(snippets) == 3
    assert all(3 <= len(s.strip().splitlines()) <= 4 for s in snippets)


def test_concentration_snippet(ran):
    ns, out = ran[0]
    c = ns["c"]
    shares = c.shares.sort_values("share", ascending=False)
    assert c.leader == shares.iloc[0]["country"] == "China"
    # the share is the leader's tonnes over the world total, a 0–1 fraction
    assert math.isclose(c.leader_share, shares.iloc[0]["value_t"] / c.world_total_t, rel_tol=1e-9)
    assert 0 < c.leader_share < 1
    assert f"{c.leader_share:.1%}" in out and "2024" in out


def test_china_share_snippet(ran):
    ns, out = ran[1]
    row = ns["row"]
    assert 0 < row.china_share < 1
    assert math.isclose(row.china_share, row.china_value_usd / row.value_usd, rel_tol=1e-9)
    assert f"{row.china_share:.1%}" in out and "India 2023" in out


def test_scenario_snippet(ran):
    ns, out = ran[2]
    d = ns["d"]
    # half of China's output lost, as a share of the world total
    assert math.isclose(d.lost_t, 0.5 * d.supplier_output_t, rel_tol=1e-9)
    assert math.isclose(d.shortfall_share, d.lost_t / d.world_total_t, rel_tol=1e-9)
    assert 0 < d.shortfall_share < d.supplier_share < 1
    assert f"{d.shortfall_share:.1%}" in out and f"{d.lost_t:,.0f} t" in out


def test_help_shows_units():
    from analysis.indicators import concentration, disruption, import_dependence

    assert "tonnes" in concentration.__doc__ and "0–1" in concentration.__doc__
    assert "china_share" in import_dependence.__doc__
    assert "tonnes" in (disruption.__doc__ or "") + (__import__("analysis.indicators.scenarios", fromlist=["x"]).__doc__ or "")
