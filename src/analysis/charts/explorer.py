"""Kept for notebooks/explorer.ipynb, which imports :func:`explorer_chart` from here: the chart
draws supply (country shares and concentration) and lives in :mod:`analysis.charts.supply`."""

from analysis.charts.supply import explorer_chart  # noqa: F401
