"""Test helpers importable from any test module (``from tests.support.files import copy_with``)."""

from __future__ import annotations

from pathlib import Path


def copy_with(tmp_path: Path, source: Path, replace: tuple[str, str] | None = None, *, name: str | None = None,
              encoding: str = "utf-8-sig") -> Path:
    """Copy ``source`` into ``tmp_path``, optionally replacing the first occurrence of a string."""
    text = source.read_text(encoding=encoding)
    if replace is not None:
        old, new = replace
        assert old in text, f"test setup: {old!r} not in {source.name}"
        text = text.replace(old, new, 1)
    target = tmp_path / (name or source.name)
    target.write_text(text, encoding=encoding)
    return target
