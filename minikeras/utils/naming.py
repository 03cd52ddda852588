"""Automatic unique layer names (`dense`, `dense_1`, ...), reset by `clear_session()`."""

from __future__ import annotations

import re

_name_counts: dict[str, int] = {}


def to_snake_case(name: str) -> str:
    """`"MaxPooling2D"` → `"max_pooling2d"`, `"SimpleRNN"` → `"simple_rnn"` (Keras' rule)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def unique_name(base: str) -> str:
    """Returns `base` the first time, then `base_1`, `base_2`, ..."""
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def reset_names() -> None:
    """Forgets all names handed out (used by `clear_session`)."""
    _name_counts.clear()
