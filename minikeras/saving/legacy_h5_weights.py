"""Keras 2 weights HDF5 layout (`layer_names`, `weight_names`, `layer/name/kernel:0`).

Written exactly as tf_keras 2.21 writes it (FORMATS.md section 3): variable-length
string attributes, one group per layer of `model.layers` (also weightless ones),
an empty float64 `weight_names` for those, and `top_level_model_weights`.
Read: that layout, Keras 2.4's fixed-length byte-string attributes, and Keras 3's
legacy `.h5` (`sequential/dense/kernel` names without `:0`).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from minikeras.saving.config_flavor import KERAS2_VERSION


def str_list(values) -> list[str]:
    """Decodes an HDF5 string attribute (vlen str, fixed bytes, or arrays of either)."""
    if values is None:
        return []
    arr = np.atleast_1d(np.asarray(values))
    if arr.dtype.kind == "f" and arr.size == 0:
        return []
    if arr.dtype.kind not in ("U", "S", "O"):
        raise ValueError(f"expected a string attribute, found values of dtype {arr.dtype}")
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in arr.tolist()]


def legacy_weights(layer) -> list:
    """A layer's weights in Keras 2 file order: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def weight_name(var) -> str:
    """`dense/kernel:0`; nested weights keep their full path (`lstm/lstm_cell/kernel:0`,
    the inner layers of a nested model: `dense_2/kernel:0`), as tf_keras names them."""
    return f"{var.path}:0"


_HDF5_OBJECT_HEADER_LIMIT = 64512


def write_names(group, key, names) -> None:
    """A string-list attribute, split into `key0`, `key1`, ... when too big (as Keras)."""
    names = list(names)
    if not names:
        group.attrs[key] = np.zeros((0,), dtype=np.float64)
        return
    chunks = 1
    while sum(len(n.encode("utf8")) + 16 for n in names) / chunks > _HDF5_OBJECT_HEADER_LIMIT:
        chunks += 1
    if chunks == 1:
        group.attrs[key] = names  # h5py stores a list of str as vlen strings
        return
    for i, part in enumerate(np.array_split(np.array(names, dtype=object), chunks)):
        group.attrs[f"{key}{i}"] = list(part)


def read_names(group, key) -> list[str] | None:
    """A string-list attribute, also when Keras split it into `key0`, `key1`, ..."""
    if key in group.attrs:
        return str_list(group.attrs[key])
    if f"{key}0" not in group.attrs:
        return None
    out, i = [], 0
    while f"{key}{i}" in group.attrs:
        out.extend(str_list(group.attrs[f"{key}{i}"]))
        i += 1
    return out


def save_weights_to_hdf5_group(group, model, keras_version: str = KERAS2_VERSION) -> None:
    """Writes `model`'s layers into `group` in the Keras 2 layout."""
    layers = model.layers
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = keras_version
    write_names(group, "layer_names", [lay.name for lay in layers])
    for layer in layers:
        g = group.create_group(layer.name)
        weights = legacy_weights(layer)
        names = [weight_name(w) for w in weights]
        write_names(g, "weight_names", names)
        for name, w in zip(names, weights):
            g.create_dataset(name, data=np.asarray(w.value))
    top = group.create_group("top_level_model_weights")
    write_names(top, "weight_names", [])


def _layer_datasets(group, name) -> list:
    """The datasets of the layer group `name`, in `weight_names` order (not read yet)."""
    if name not in group:
        raise ValueError(f"the file lists layer '{name}' in `layer_names` but has no group for it")
    g = group[name]
    out = []
    for wname in read_names(g, "weight_names") or []:
        if wname not in g:
            raise ValueError(f"layer group '{name}' lists weight '{wname}' but has no such dataset")
        out.append((wname, g[wname]))
    return out


def claimed_arrays(group) -> list[tuple[str, tuple, object]]:
    """`(name, shape, dtype)` of every weight dataset `group` lists (`layer_names`, then
    each layer's `weight_names`), from HDF5 metadata only: nothing is read.

    Raises:
        ValueError: when `layer_names` is missing or names something absent.
    """
    names = read_names(group, "layer_names")
    if names is None:
        raise ValueError("missing the `layer_names` attribute of a Keras 2 weights file")
    return [
        (f"{name}/{wname}", tuple(int(d) for d in ds.shape), ds.dtype)
        for name in names
        for wname, ds in _layer_datasets(group, name)
    ]


def check_claimed_memory(group) -> None:
    """Refuses a weights group whose listed datasets, all together, need more memory than
    this process can allocate now (`backend.memory.check_total_allocation`), before a
    model is built for it. The message names the largest dataset and its shape."""
    from minikeras.backend.memory import check_total_allocation

    arrays = claimed_arrays(group)
    if not arrays:
        return
    name, shape, dtype = max(arrays, key=lambda a: math.prod(a[1]) * np.dtype(a[2]).itemsize)
    check_total_allocation(
        f"The weights the file lists ({len(arrays)} arrays, the largest '{name}' of shape "
        f"{shape} {np.dtype(dtype).name})",
        [(a[1], a[2]) for a in arrays],
    )


def _check_and_assign(layer, datasets, skip_mismatch, file_layer, convert=None) -> bool:
    """Assigns `datasets` to `layer`'s weights after checking counts and shapes.

    `convert(layer, arrays)` turns old layouts (Keras 1, Theano, CuDNN) into the
    layer's. A mismatch raises ValueError, or with `skip_mismatch` warns and leaves
    the layer as is.
    """
    weights = legacy_weights(layer)
    need = sum(int(np.prod(w.shape)) for w in weights)
    have = sum(int(np.prod(ds.shape)) for _, ds in datasets)
    # Old layouts hold as many values as the layer (CuDNN: up to twice its biases); a
    # file claiming more is reported by the checks below without being read.
    if convert is not None and datasets and have <= 2 * need:
        arrays = convert(layer, [ds[()] for _, ds in datasets])
        names = [n for n, _ in datasets]
        datasets = [
            (names[i] if i < len(names) else f"{file_layer}[{i}]", a) for i, a in enumerate(arrays)
        ]
    problem = None
    if len(weights) != len(datasets):
        problem = (
            f"Weight count mismatch for layer '{layer.name}' (named '{file_layer}' in the "
            f"file): the layer has {len(weights)} weight(s) "
            f"{[w.path for w in weights]}, the file has {len(datasets)} "
            f"{[n for n, _ in datasets]}."
        )
    else:
        for w, (dname, ds) in zip(weights, datasets):
            if tuple(w.shape) != tuple(ds.shape):
                problem = (
                    f"Shape mismatch in layer '{layer.name}' for weight '{w.path}': the model "
                    f"expects {tuple(w.shape)}, the file has {tuple(ds.shape)} ('{dname}')."
                )
                break
    if problem is not None:
        if not skip_mismatch:
            raise ValueError(problem)
        warnings.warn(f"Skipping loading weights of layer '{layer.name}': {problem}", stacklevel=4)
        return False
    for w, (_, ds) in zip(weights, datasets):
        w.assign(np.asarray(ds[()], dtype=w.dtype))
    return True


def load_weights_from_hdf5_group(
    group, model, by_name=False, skip_mismatch=False, legacy_backend=None, root=None
) -> None:
    """Reads Keras 2 layout weights from `group` into `model`.

    With `by_name=False`, layers with weights are matched in order; with
    `by_name=True`, by layer name (layers absent from the file are left alone).
    Keras 1, Theano and CuDNN layouts are converted (`minikeras.legacy.saving`);
    `legacy_backend` ("tensorflow"/"theano") overrides the backend the file names.

    Raises:
        ValueError: on a layer-count, weight-count or shape mismatch, naming the layer.
    """
    names = read_names(group, "layer_names")
    if names is None:
        raise ValueError("missing the `layer_names` attribute of a Keras 2 weights file")
    file_layers = [(name, _layer_datasets(group, name)) for name in names]
    from minikeras.legacy.saving.loading import weight_converter

    convert = weight_converter(
        group, model, [n for _, d in file_layers for n, _ in d], legacy_backend, root
    )
    if by_name:
        lookup = dict(file_layers)
        for layer in model.layers:
            if layer.name in lookup:
                _check_and_assign(layer, lookup[layer.name], skip_mismatch, layer.name, convert)
        return
    with_weights = [(n, d) for n, d in file_layers if d]
    targets = [lay for lay in model.layers if legacy_weights(lay)]
    if len(with_weights) != len(targets):
        raise ValueError(
            f"Layer count mismatch when loading weights from file. Model expects "
            f"{len(targets)} layers with weights {[t.name for t in targets]}, but the saved "
            f"weights have {len(with_weights)} ({[n for n, _ in with_weights]})."
        )
    for layer, (fname, datasets) in zip(targets, with_weights):
        _check_and_assign(layer, datasets, skip_mismatch, fname, convert)
