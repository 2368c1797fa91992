"""What a simulation keeps between calls: a dict bounded to its most recently used entries."""

from __future__ import annotations

from typing import Hashable, TypeVar

Value = TypeVar("Value")


def keep(store: dict, key: Hashable, value: Value, limit: int) -> Value:
    """Put ``value`` under ``key`` as the most recently used entry of ``store`` (a dict, whose order
    is least recently used first), drop the least recently used beyond ``limit``, return ``value``."""
    store.pop(key, None)
    store[key] = value
    while len(store) > limit:
        store.pop(next(iter(store)))
    return value
