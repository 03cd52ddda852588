"""Layer assets in `.keras` archives (`assets/<layer path>/<file>`), where Keras 3 puts them.

A layer with `save_assets() -> {file name: bytes}` and `load_assets(files)`
(e.g. a lookup layer's `vocabulary.txt`) has its files stored under the same
path as its weights group: `assets/layers/text_vectorization/vocabulary.txt`.
"""

from __future__ import annotations

from minikeras.saving.keras3_weights import _children, _unique_names

PREFIX = "assets/"


def _walk(layer, path: str, visited: set):
    visited.add(id(layer))
    yield path, layer
    for attr, layers in _children(layer):
        if len(layers) == 1 and attr != "layers":
            targets = [(f"{path}/{attr}" if path else attr, layers[0])]
        else:
            base = f"{path}/{attr}" if path else attr
            targets = [(f"{base}/{name}", sub) for name, sub in _unique_names(layers)]
        for sub_path, sub in targets:
            if id(sub) not in visited:
                yield from _walk(sub, sub_path, visited)


def collect_assets(model) -> dict:
    """`{archive member name: bytes}` of every layer's assets."""
    out = {}
    for path, layer in _walk(model, "", set()):
        if hasattr(layer, "save_assets"):
            for name, data in layer.save_assets().items():
                out[f"{PREFIX}{path}/{name}" if path else f"{PREFIX}{name}"] = data
    return out


def restore_assets(model, files: dict) -> None:
    """Hands each layer the asset files stored directly under its path."""
    for path, layer in _walk(model, "", set()):
        if not hasattr(layer, "load_assets"):
            continue
        prefix = f"{PREFIX}{path}/" if path else PREFIX
        own = {
            name[len(prefix) :]: data
            for name, data in files.items()
            if name.startswith(prefix) and "/" not in name[len(prefix) :]
        }
        if own:
            layer.load_assets(own)
