"""Keras 1/2 layer module paths, kept as thin modules that forward to `minikeras.layers`.

`minikeras.layers.__path__` ends with this folder, so `import
minikeras.layers.recurrent` finds `recurrent.py` here unless a real package of
that name exists (`convolutional`, `pooling` and `normalization` are real
packages that forward the same way). Each module resolves its names lazily from
`minikeras.layers`, so layers added later are found without editing these files.
"""

from __future__ import annotations

import importlib


def forwarder(module_name: str, names: tuple):
    """`(__getattr__, __dir__)` for a legacy module whose Keras 2 contents are `names`."""

    def __getattr__(name):  # noqa: N807
        if name.startswith("__"):
            raise AttributeError(name)
        layers = importlib.import_module("minikeras.layers")
        if hasattr(layers, name):
            return getattr(layers, name)
        hint = (
            f" `{name}` is a Keras 2 name of this module but is not implemented in "
            "minikeras.layers yet."
            if name in names
            else ""
        )
        raise AttributeError(f"module '{module_name}' has no attribute '{name}'.{hint}")

    def __dir__():  # noqa: N807
        layers = importlib.import_module("minikeras.layers")
        return sorted(n for n in names if hasattr(layers, n))

    return __getattr__, __dir__
