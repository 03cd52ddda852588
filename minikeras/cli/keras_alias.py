"""An import hook that makes `keras`, `tf_keras` and `tensorflow.keras` resolve to minikeras.

Once `install()` has run, `import keras`, `from keras.layers import Dense`,
`from keras.layers.convolutional import Conv2D` (Keras 2 paths),
`import tensorflow as tf; tf.keras...` and `import tf_keras` all give minikeras
objects. The real Keras/TensorFlow are never imported.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

# Top-level names redirected, longest first so `tensorflow.keras` wins over `tensorflow`.
ROOTS = {
    "tensorflow.python.keras": "minikeras",
    "tensorflow.keras": "minikeras",
    "tensorflow": "minikeras.tensorflow",
    "tf_keras": "minikeras",
    "keras": "minikeras",
}

# Keras 1/2 module paths and Keras 3 internals, relative to the minikeras root.
LEGACY_PATHS = {
    "src": "",
    "api": "",
    "_tf_keras": "",
    "_tf_keras.keras": "",
    "layers.recurrent": "layers._legacy_paths.recurrent",
    "layers.embeddings": "layers._legacy_paths.embeddings",
    "layers.merge": "layers._legacy_paths.merge",
    "layers.advanced_activations": "layers._legacy_paths.advanced_activations",
    "layers.wrappers": "layers._legacy_paths.wrappers",
    "layers.noise": "layers._legacy_paths.noise",
}


def resolve(fullname: str) -> str | None:
    """The minikeras module name standing in for `fullname`, or None if it is not ours."""
    for root in sorted(ROOTS, key=len, reverse=True):
        if fullname == root or fullname.startswith(root + "."):
            rest = fullname[len(root) + 1 :]
            target = ROOTS[root]
            if rest and target == "minikeras":
                for old in sorted(LEGACY_PATHS, key=len, reverse=True):
                    if rest == old or rest.startswith(old + "."):
                        new = LEGACY_PATHS[old] + rest[len(old) :]
                        rest = new.lstrip(".")
                        break
            return target + ("." + rest if rest else "")
    return None


class _AliasLoader(importlib.abc.Loader):
    """Hands back an already-imported minikeras module under the alias name."""

    def __init__(self, module):
        self.module = module
        self.saved = {k: getattr(module, k, None) for k in ("__spec__", "__loader__")}

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        # The import system stamps the alias spec on the module; keep minikeras' own.
        for key, value in self.saved.items():
            if value is not None:
                setattr(module, key, value)


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """`sys.meta_path` entry that redirects Keras/TensorFlow imports to minikeras."""

    def find_spec(self, fullname, path=None, target=None):
        name = resolve(fullname)
        if name is None:
            return None
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and not name.startswith(exc.name) and exc.name != name:
                raise
            raise ModuleNotFoundError(
                f"No module named '{fullname}': minikeras stands in for Keras here and has no "
                f"'{name}' module. The parts of Keras that minikeras implements are listed in "
                "its README.",
                name=fullname,
            ) from None
        return importlib.util.spec_from_loader(
            fullname, _AliasLoader(module), is_package=hasattr(module, "__path__")
        )


_FINDER = KerasAliasFinder()


def install() -> None:
    """Puts the alias finder first on `sys.meta_path` and drops already-imported real Keras."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    for name in list(sys.modules):
        if resolve(name) is not None and not _is_minikeras(sys.modules[name]):
            del sys.modules[name]


def uninstall() -> None:
    """Removes the finder and the aliases it created."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in list(sys.modules):
        if resolve(name) is not None and _is_minikeras(sys.modules[name]):
            del sys.modules[name]


def _is_minikeras(module) -> bool:
    return getattr(module, "__name__", "").startswith("minikeras")
