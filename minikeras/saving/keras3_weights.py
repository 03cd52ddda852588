"""Keras 3 `.weights.h5` layout (also `model.weights.h5` inside a `.keras` archive).

```
layers/<snake_class_name[_n]>/vars   attrs name=<layer name>; datasets "0", "1", ...
optimizer/vars                        attrs name=<optimizer name>; iteration, lr, slots
vars                                  attrs name=<model name>
```
Group names under `layers/` are the snake_case class names made unique in
`model.layers` order, not the layer names (FORMATS.md section 5). Layers inside
a nested model live under `layers/<model group>/layers/...`; sub-layers held by
a plain layer's attribute under `layers/<group>/<attribute>/...`, as Keras 3 does.
"""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.backend.memory import check_total_allocation
from minikeras.utils.naming import to_snake_case


def _unique_names(objects) -> list[tuple[str, object]]:
    used: dict[str, int] = {}
    out = []
    for obj in objects:
        base = to_snake_case(type(obj).__name__)
        n = used.get(base, 0)
        used[base] = n + 1
        out.append((base if n == 0 else f"{base}_{n}", obj))
    return out


def _own_variables(layer) -> list:
    return list(layer._trainable_variables) + list(layer._non_trainable_variables)


def _children(layer) -> list[tuple[str, list]]:
    """`(path, [layers])` groups of sub-layers, as Keras 3 walks them."""
    from minikeras.layers.layer import Layer
    from minikeras.models.model import Model

    if isinstance(layer, Model):
        return [("layers", list(layer.layers))]
    out = []
    for attr in sorted(vars(layer)):
        if attr.startswith("_"):
            continue
        value = vars(layer)[attr]
        if isinstance(value, Layer) and value is not layer:
            out.append((attr, [value]))
        elif (
            isinstance(value, (list, tuple)) and value and all(isinstance(v, Layer) for v in value)
        ):
            out.append((attr, list(value)))
    # Private sub-layers Keras 3 also walks (after the public ones), e.g. `_lookup_layer`.
    for attr in getattr(layer, "_saved_private_children", ()):
        out.append((attr, [getattr(layer, attr)]))
    return out


def _save_layer(group, layer, visited: set) -> None:
    visited.add(id(layer))
    v = group.create_group("vars")
    v.attrs["name"] = layer.name
    if hasattr(layer, "save_own_variables"):  # named entries (e.g. a lookup's idf_weights)
        store: dict = {}
        layer.save_own_variables(store)
        for key, value in store.items():
            v.create_dataset(key, data=value)
    for i, var in enumerate(_own_variables(layer)):
        v.create_dataset(str(i), data=np.asarray(var.value))
    for path, layers in _children(layer):
        if len(layers) == 1 and path != "layers":
            if id(layers[0]) not in visited:
                _save_layer(group.create_group(path), layers[0], visited)
            continue
        container = group.create_group(path)
        for name, sub in _unique_names(layers):
            if id(sub) not in visited:
                _save_layer(container.create_group(name), sub, visited)


def save_optimizer(group, optimizer) -> None:
    """`optimizer/vars`: its current variables (only iteration and learning rate if unbuilt)."""
    v = group.create_group("optimizer").create_group("vars")
    v.attrs["name"] = optimizer.name
    for i, var in enumerate(optimizer.variables):
        value = np.asarray(var.value)
        if var is optimizer.iterations:
            value = value.astype(np.int32)
        v.create_dataset(str(i), data=value)


def save_weights_to_h5(f, model) -> None:
    """Writes `model` (and its optimizer, once compiled) into the open file `f`."""
    _save_layer(f, model, set())
    if getattr(model, "optimizer", None) is not None and getattr(model, "compiled", False):
        save_optimizer(f, model.optimizer)


def _datasets(group, where: str) -> list:
    if "vars" not in group:
        return []
    vg = group["vars"]
    keys = list(vg.keys())
    if not all(k.isdigit() for k in keys):
        raise ValueError(
            f"'{where}/vars' holds unexpected entries {sorted(keys)[:5]}; "
            "expected datasets named 0, 1, 2, ..."
        )
    return [vg[k] for k in sorted(keys, key=int)]


def _load_layer(group, layer, where: str, skip_mismatch: bool, visited: set) -> None:
    visited.add(id(layer))
    if hasattr(layer, "load_own_variables"):
        layer.load_own_variables(group["vars"] if "vars" in group else {})
        return
    own = _own_variables(layer)
    data = _datasets(group, where)
    problem = None
    if len(data) != len(own):
        problem = (
            f"Layer '{layer.name}' expected {len(own)} variables "
            f"{[v.path for v in own]}, but received {len(data)} variables during "
            f"loading (file group '{where}')."
        )
    else:
        bad = [(v, d) for v, d in zip(own, data) if tuple(v.shape) != tuple(d.shape)]
        if bad:
            v, d = bad[0]
            problem = (
                f"Shape mismatch in layer '{layer.name}' for weight '{v.path}': the "
                f"model expects {tuple(v.shape)}, the file has {tuple(d.shape)} "
                f"('{where}/vars')."
            )
    if problem is not None and not skip_mismatch:
        raise ValueError(problem)
    if problem is not None:
        warnings.warn(f"Skipping loading weights of layer '{layer.name}': {problem}", stacklevel=4)
    else:
        for v, d in zip(own, data):
            v.assign(np.asarray(d[()], dtype=v.dtype))
    for path, layers in _children(layer):
        if len(layers) == 1 and path != "layers":
            targets = [(path, layers[0])]
        else:
            targets = [(f"{path}/{n}", sub) for n, sub in _unique_names(layers)]
        for sub_path, sub in targets:
            if id(sub) in visited:
                continue
            if sub_path not in group:
                if _own_variables(sub) or sub.weights:
                    raise ValueError(
                        f"The file has no weights for layer '{sub.name}' (expected group "
                        f"'{where}/{sub_path}')."
                    )
                continue
            _load_layer(group[sub_path], sub, f"{where}/{sub_path}", skip_mismatch, visited)


def load_optimizer(group, optimizer, var_list) -> None:
    """Restores optimizer variables in Keras 3 order (iteration, learning_rate, slots)."""
    data = _datasets(group, "optimizer")
    if not optimizer.built and len(data) != len(optimizer.variables):
        check_total_allocation(
            f"The optimizer state in the file ({len(data)} variables)",
            [(d.shape, d.dtype) for d in data],
        )
        optimizer.build(var_list)
    own = optimizer.variables
    if len(data) != len(own):
        warnings.warn(
            f"Skipping variable loading for optimizer '{optimizer.name}', because it has "
            f"{len(own)} variables whereas the saved optimizer has {len(data)} variables.",
            stacklevel=3,
        )
        return
    for v, d in zip(own, data):
        if tuple(v.shape) != tuple(d.shape):
            raise ValueError(
                f"Optimizer variable '{v.name}' has shape {tuple(v.shape)}, the file has "
                f"{tuple(d.shape)}."
            )
    for v, d in zip(own, data):
        v.assign(np.asarray(d[()], dtype=v.dtype))


def load_weights_from_h5(f, model, skip_mismatch=False, load_optimizer_state=True) -> None:
    """Reads a Keras 3 weights file (open h5py `f`) into `model`."""
    if "layers" not in f and "vars" not in f:
        raise ValueError("no 'layers' or 'vars' group: not a Keras 3 weights file")
    for path, layers in _children(model):
        for name, layer in _unique_names(layers):
            key = f"{path}/{name}"
            if key not in f:
                if layer.weights:
                    raise ValueError(
                        f"The file has no weights for layer '{layer.name}' (expected group "
                        f"'{key}'). File layer groups: {sorted(f[path]) if path in f else []}"
                    )
                continue
            _load_layer(f[key], layer, key, skip_mismatch, {id(model)})
    opt = getattr(model, "optimizer", None)
    if load_optimizer_state and opt is not None and "optimizer" in f:
        load_optimizer(f["optimizer"], opt, model.trainable_variables)
