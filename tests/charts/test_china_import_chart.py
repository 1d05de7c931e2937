"""China's share of India's and Japan's imports: the legend shows the markers the lines are drawn with."""

from __future__ import annotations

import pandas as pd

from analysis.charts.theme import COLOURS
from analysis.charts.trade import PRODUCT_SHAPES, china_import_share_chart


def _find(spec: object, key: str) -> list[dict]:
    """Every dict under ``spec`` holding ``key`` (encodings of all layers)."""
    found = []
    if isinstance(spec, dict):
        if key in spec and isinstance(spec[key], dict):
            found.append(spec[key])
        for value in spec.values():
            found.extend(_find(value, key))
    elif isinstance(spec, list):
        for value in spec:
            found.extend(_find(value, key))
    return found


def test_legend_markers_are_the_plotted_shapes_in_chinas_colour():
    """Issue 13: the legend showed circles for lines drawn with squares and triangles."""
    # SYNTHETIC: two importers × three products × two years
    imports = pd.DataFrame([
        {"country": c, "hs_code": hs, "year": y, "china_share": 0.5, "value_usd": 1.0, "china_value_usd": 0.5}
        for c in ("India", "Japan") for hs in ("2822", "282520", "2504") for y in (2023, 2024)
    ])
    spec = china_import_share_chart(imports, source="test").to_dict()
    shapes, dashes = _find(spec, "shape"), _find(spec, "strokeDash")
    assert shapes and dashes
    assert all(d.get("legend", "absent") is None for d in dashes)  # no second legend of dashes drawn as circles
    legend = shapes[0]["legend"]
    assert shapes[0]["scale"]["range"] == PRODUCT_SHAPES
    assert legend["symbolFillColor"] == COLOURS["china"] and legend["symbolStrokeColor"] == COLOURS["china"]
