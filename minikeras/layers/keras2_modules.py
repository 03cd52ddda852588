"""Layer packages that double as Keras 2 module paths (`keras.layers.convolutional`, ...).

Such a package lists what the Keras 2 module exported in `NAMES` and resolves
any layer name lazily from `minikeras.layers`.
"""

from __future__ import annotations


def layer_forwarding(module_name: str, names: tuple):
    """Module-level `__getattr__` and `__dir__` forwarding to `minikeras.layers`.

    Args:
        module_name: The forwarding module's `__name__` (for the AttributeError).
        names: What the Keras 2 module of this name exported (listed by `dir`).

    Returns:
        `(__getattr__, __dir__)`, to assign at module level.
    """

    def __getattr__(name):  # noqa: N807 - module attribute hook
        import minikeras.layers as all_layers

        if not name.startswith("__") and name in dir(all_layers):
            return getattr(all_layers, name)
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    def __dir__():  # noqa: N807 - module attribute hook
        return sorted(names)

    return __getattr__, __dir__
