"""Whether layers cast floating inputs to their own dtype (Keras' input autocasting)."""

from __future__ import annotations

import contextlib

_disabled = [0]


def enabled() -> bool:
    """True unless inside `disabled()`."""
    return not _disabled[0]


@contextlib.contextmanager
def disabled():
    """Layers keep their inputs' float dtype inside this block.

    `minikeras.testing.gradient_check` uses it so that float64 probes stay
    float64 when they pass through float32 layers.
    """
    _disabled[0] += 1
    try:
        yield
    finally:
        _disabled[0] -= 1
