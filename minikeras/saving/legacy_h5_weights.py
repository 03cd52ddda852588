"""Keras 2 weights HDF5 layout (`layer_names`, `weight_names`, `layer/name/kernel:0`)."""

from __future__ import annotations

import numpy as np


def _str_list(values) -> list[str]:
    """Decodes an HDF5 string attribute (vlen str, fixed bytes, or arrays of either)."""
    if values is None:
        return []
    arr = np.atleast_1d(values)
    out = []
    for v in arr.tolist():
        out.append(v.decode("utf8") if isinstance(v, bytes) else str(v))
    return out


def weight_name(layer, var) -> str:
    if var.path.startswith(layer.name + "/"):  # nested weights: "bidi/forward_lstm/.../kernel"
        return f"{var.path}:0"
    return f"{layer.name}/{var.name}:0"


def save_weights_to_hdf5_group(group, model) -> None:
    """Writes `model`'s layers into `group` in the Keras 2 layout."""
    layers = model.layers
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = "2.21.0"
    group.attrs["layer_names"] = [lay.name.encode("utf8") for lay in layers]
    for layer in layers:
        g = group.create_group(layer.name)
        weights = layer.weights
        names = [weight_name(layer, w) for w in weights]
        g.attrs["weight_names"] = [n.encode("utf8") for n in names] if names else np.zeros(
            (0,), dtype=np.float64)
        for name, w in zip(names, weights):
            g.create_dataset(name, data=w.value)
    top = group.create_group("top_level_model_weights")
    top.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)


def load_weights_from_hdf5_group(group, model, by_name=False, skip_mismatch=False) -> None:
    """Reads Keras 2 layout weights from `group` into `model`.

    Raises:
        ValueError: on a layer-count, weight-count or shape mismatch, naming the layer.
    """
    names = _str_list(group.attrs.get("layer_names"))
    file_layers = []
    for name in names:
        g = group[name]
        wnames = _str_list(g.attrs.get("weight_names"))
        file_layers.append((name, [np.asarray(g[w]) for w in wnames]))
    model_layers = [lay for lay in model.layers if lay.weights or not by_name]
    if by_name:
        lookup = dict(file_layers)
        for layer in model.layers:
            if layer.name in lookup:
                _assign(layer, lookup[layer.name], skip_mismatch)
        return
    with_weights = [(n, w) for n, w in file_layers if w]
    targets = [lay for lay in model_layers if lay.weights]
    if len(with_weights) != len(targets):
        raise ValueError(
            f"Layer count mismatch when loading weights from file. Model expects "
            f"{len(targets)} layers with weights, but the saved weights have "
            f"{len(with_weights)} ({[n for n, _ in with_weights]}).")
    for layer, (_, values) in zip(targets, with_weights):
        _assign(layer, values, skip_mismatch)


def _assign(layer, values, skip_mismatch) -> None:
    weights = layer.weights
    if len(weights) != len(values):
        if skip_mismatch:
            return
        raise ValueError(
            f"Weight count mismatch for layer '{layer.name}': the layer has {len(weights)} "
            f"weights, the file has {len(values)}.")
    for w, v in zip(weights, values):
        if tuple(w.shape) != tuple(v.shape):
            if skip_mismatch:
                return
            raise ValueError(
                f"Shape mismatch in layer '{layer.name}' for weight '{w.path}': the model "
                f"expects {tuple(w.shape)}, the file has {tuple(v.shape)}.")
    for w, v in zip(weights, values):
        w.assign(v)
