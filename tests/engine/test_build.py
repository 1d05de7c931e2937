"""End-to-end builds of fixture notebooks into a temporary project (kernels run: slow)."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from analysis.engine.vega import Chart
from analysis.engine.html import load_vega_bundle

from tests.support.project import make_project
from tests.support.engine import chart_specs, mtimes, run_build, statuses, temporaries

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("built") / "proj")
    result = run_build(project, formats=("html", "pdf"))
    assert result.exit_code == 0, [o.message for o in result.outcomes]
    return project, result


def test_every_report_is_built_with_its_executed_notebook_and_index(built):
    project, result = built
    assert statuses(result) == {"charts-lithium": "built", "charts-cobalt": "built", "typed-029": "built"}
    for stem in ("charts-lithium", "charts-cobalt", "typed-029"):
        for ext in ("html", "pdf", "ipynb"):
            assert (project.reports / f"{stem}.{ext}").stat().st_size > 0
    index = (project.reports / "index.html").read_text(encoding="utf-8")
    for stem in ("charts-lithium", "charts-cobalt", "typed-029"):
        assert f'href="{stem}.html"' in index and f'href="{stem}.pdf"' in index
    assert index.index("Fixture charts") < index.index("Lithium: supply charts, 2024") < index.index("Fixture types")
    # the page title is publications.toml's [project] title, not a report's title
    assert "<title>Fixture reports</title>" in index and "<h1>Fixture reports</h1>" in index
    assert not temporaries(project)


def test_html_is_offline_with_the_bundle_once_and_every_chart_spec(built):
    project, _ = built
    page = (project.reports / "charts-lithium.html").read_text(encoding="utf-8")
    bundle = load_vega_bundle(str(project.cache))
    assert page.count(bundle) == 1
    assert page.count("window.vegaEmbed=") == 1
    assert not re.search(r"<script[^>]*\ssrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert "jsdelivr" not in page and "require.js" not in page and "mathjax" not in page.lower()
    specs = chart_specs(project.reports / "charts-lithium.ipynb")
    assert len(specs) == 3
    for number, spec in enumerate(specs, start=1):
        chart = Chart(number=number, mime="", spec=spec)
        assert f'<figure class="econsec-chart" id="chart-{number}">' in page
        assert chart.spec_json() in page
        assert f'aria-label="{htmllib.escape(spec["description"], quote=True)}"' in page
    assert page.count('<figure class="econsec-chart"') == 3
    assert "actions: false" in page
    assert page.count("Download data (CSV)") == 3
    assert 'download="lithium-producers-2024.csv"' in page


def test_csv_link_holds_the_chart_data(built):
    import base64

    project, _ = built
    page = (project.reports / "charts-lithium.html").read_text(encoding="utf-8")
    payload = re.search(r'download="lithium-producers-2024.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', page)[1]
    csv_text = base64.b64decode(payload).decode("utf-8")
    header, *rows = csv_text.splitlines()
    assert header.split(",")[:2] == ["country", "iso3"]
    assert rows and rows[-1].startswith("Rest of world")


def test_pdf_has_every_chart_of_the_html_as_vector_graphics(built):
    from pypdf import PdfReader

    project, _ = built
    for stem, expected in (("charts-lithium", 3), ("typed-029", 0)):
        page = (project.reports / f"{stem}.html").read_text(encoding="utf-8")
        html_charts = page.count('<figure class="econsec-chart"')
        assert html_charts == expected
        reader = PdfReader(project.reports / f"{stem}.pdf")
        pdf_charts = sorted(d for d in reader.named_destinations if re.fullmatch(r"chart-\d+", d))
        assert len(pdf_charts) == html_charts
    reader = PdfReader(project.reports / "charts-lithium.pdf")
    text = " ".join(p.extract_text() for p in reader.pages)
    for label in ("Lithium: largest producers", "Share of world", "Cumulative share", "Appendix: data behind the charts"):
        assert label in text  # chart text is vector text, not pixels
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    assert reader.metadata["/CreationDate"].startswith("D:2026")


def test_parameters_reach_the_kernel_with_their_types(built):
    project, _ = built
    nb = json.loads((project.reports / "typed-029.ipynb").read_text(encoding="utf-8"))
    printed = "".join(o.get("text", "") if isinstance(o.get("text"), str) else "".join(o.get("text", []))
                      for c in nb["cells"] for o in c.get("outputs", []))
    values = json.loads(printed.strip().splitlines()[-1])
    assert values == {"code": "029", "items": [1, 2], "cut": 0.25, "flag": True, "types": ["str", "list", "float", "bool"]}
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and injected[0]["id"] == "injected-parameters"


def test_data_dependencies_are_recorded(built):
    from analysis.engine.cache import read_entry

    project, _ = built
    package = json.loads((project.root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    editions = {
        r["name"] for r in package["resources"]
        if r.get("econsec", {}).get("kind") in ("usgs-mcs-world", "usgs-mcs-commodity-world")
    }
    assert "usgs-mcs-2025-world" in editions and "usgs-mcs-2023-cobalt" in editions
    # load_usgs reads every MCS edition and discovers them by kind: a new resource of either
    # kind rebuilds the report; nothing else (trade, events, governance) is a dependency
    assert set(read_entry(project, "charts-lithium")["deps"]) == editions | {
        "kind:usgs-mcs-world",
        "kind:usgs-mcs-commodity-world",
    }
    assert read_entry(project, "typed-029")["deps"] == {}


def test_noop_rebuild_skips_everything_and_touches_nothing(built):
    project, _ = built
    before = mtimes(project)
    result = run_build(project, formats=("html", "pdf"))
    assert set(statuses(result).values()) == {"fresh"}
    assert result.exit_code == 0
    assert mtimes(project) == before


def test_forced_rebuild_is_byte_identical(built):
    project, _ = built
    names = ("charts-lithium.html", "charts-lithium.pdf", "charts-lithium.ipynb", "typed-029.html", "index.html", "feed.xml")
    before = {name: (project.reports / name).read_bytes() for name in names}
    result = run_build(project, names=["charts-lithium", "typed-029"], formats=("html", "pdf"), force=True)
    assert statuses(result) == {"charts-lithium": "built", "typed-029": "built"}
    for name in names:
        assert (project.reports / name).read_bytes() == before[name], name
