"""Tests of analysis.indicators (a package so test module names cannot clash with other folders)."""
