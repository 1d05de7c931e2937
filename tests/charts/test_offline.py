"""The notebook renderer ``econsec-offline``: the Vega bundle once per session, small charts after."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import altair as alt
import pytest
import vl_convert

from analysis.charts import offline

SPEC = {"$schema": alt.SCHEMA_URL, "description": "Test </script> chart", "mark": "bar",
        "data": {"values": [{"a": "x</b>", "b": 1}]}, "encoding": {"x": {"field": "a"}, "y": {"field": "b"}}}


@pytest.fixture()
def fresh_session(monkeypatch):
    monkeypatch.setattr(offline, "_STATE", {"sent": False, "cell": None, "count": None})


def test_bundle_again_when_the_cell_holding_it_runs_again(fresh_session, monkeypatch):
    execution = {"now": ("cell-a", 4)}
    monkeypatch.setattr(offline, "_execution", lambda: execution["now"])
    assert "window.vegaEmbed=" in offline.render(SPEC)["text/html"]
    assert "window.vegaEmbed=" not in offline.render(SPEC)["text/html"]  # same cell, same run
    execution["now"] = ("cell-b", 5)
    assert "window.vegaEmbed=" not in offline.render(SPEC)["text/html"]  # another cell
    execution["now"] = ("cell-a", 9)
    assert "window.vegaEmbed=" in offline.render(SPEC)["text/html"]  # cell-a re-run replaces its output


def test_bundle_once_per_session_then_small_snippets(fresh_session):
    first, second = offline.render(SPEC), offline.render(SPEC)
    assert set(first) == set(second) == {"text/html", "text/plain"}
    assert "window.vegaEmbed=" in first["text/html"] and len(first["text/html"]) > 500_000
    assert "window.vegaEmbed=" not in second["text/html"] and len(second["text/html"]) < 5_000
    offline.resend_bundle()
    assert "window.vegaEmbed=" in offline.render(SPEC)["text/html"]


def test_snippet_carries_the_spec_and_cannot_close_its_script(fresh_session):
    html = offline.render(SPEC)["text/html"]
    snippet = html[html.index('<div id="econsec-chart-'):]
    # exactly one <script> … </script> in the chart snippet; the spec's "</" cannot end it early
    assert snippet.lower().count("</script") == 1
    payload = re.search(r"spec = (\{.*?\}), options = ", snippet).group(1)
    assert json.loads(payload) == SPEC
    assert offline.render(SPEC)["text/plain"] == "<Vega-Lite chart: Test </script> chart>"


def test_bundle_matches_altairs_vega_lite():
    # the pinned vl-convert ships the Vega-Lite minor of altair's schema (6.4 for altair 6.3)
    assert offline.VEGALITE_MINOR in vl_convert.get_vegalite_versions()
    assert offline.VEGALITE_MINOR == ".".join(alt.VEGALITE_VERSION.split(".")[:2])


@pytest.mark.parametrize(("build", "expected"), [("1", "econsec"), ("", "econsec-offline")])
def test_build_kernels_keep_the_mime_renderer(build, expected):
    code = "import altair as alt, analysis.charts; print(alt.renderers.active)"
    env = {"ECONSEC_BUILD": build, "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected
