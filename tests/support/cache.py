"""Compose a report once per set of arguments in a test session (results are only read)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


def composed_once(compose: Callable[..., Any]) -> Callable[..., Any]:
    """``compose`` with its result kept per argument set: ``f("India")``, ``f(country="India")`` and
    ``f("India", 2024)`` are one call when 2024 is the default. Unhashable arguments (frames) and
    raised errors are not kept."""
    signature = inspect.signature(compose)

    @functools.cache
    def cached(arguments: tuple[tuple[str, Any], ...]) -> Any:
        return compose(**dict(arguments))

    @functools.wraps(compose)
    def call(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = tuple(bound.arguments.items())
        try:
            hash(key)
        except TypeError:
            return compose(*args, **kwargs)
        return cached(key)

    return call
