"""Report-facing compositions: one call per report section, composing loaders and indicators.

Notebooks stay thin: ``profile = mineral_profile("Rare earths", 2024)`` gives every number,
frame and sentence the mineral-profile notebook shows. No new analysis lives here — only the
choice of which indicator answers which question, and the sentences that report it.
"""
