"""Charts: the house theme (registered on import) and builders returning Altair charts."""

from analysis.charts.theme import COLOURS, MIME_TYPE, PALETTE, publish

__all__ = ["COLOURS", "MIME_TYPE", "PALETTE", "publish"]
