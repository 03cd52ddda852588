"""Whole-model Keras 2 `.h5` files (`model.save("m.h5")`), FORMATS.md sections 4 and 7.

Written as tf_keras 2.21 writes them (readable by tf_keras and by Keras 3):
root attributes `backend`, `keras_version`, `model_config` (Keras 2 JSON without
`module`/`registered_name`/`build_config` on layer entries) and `training_config`;
`model_weights/` in the weights-file layout; `optimizer_weights/` with
`iteration:0` then tf_keras slot names (`Adam/m/dense/kernel:0`, ...).
Read: those files and Keras 3's legacy `.h5` (`adam/iteration`, `adam/learning_rate`,
`adam/sequential_dense_kernel_momentum`, ... in Keras 3 variable order).
"""

from __future__ import annotations

import json
import warnings

import numpy as np

from minikeras.backend.memory import check_total_allocation, weights_from_file
from minikeras.saving import legacy_h5_weights
from minikeras.saving.config_flavor import KERAS2_VERSION

# Keras 3 slot name -> tf_keras 2 slot name, per optimizer class.
_KERAS2_SLOTS = {
    "Adam": {"momentum": "m", "velocity": "v", "velocity_hat": "vhat"},
    "AdamW": {"momentum": "m", "velocity": "v", "velocity_hat": "vhat"},
    "Nadam": {"momentum": "m", "velocity": "v"},
    "Adamax": {"momentum": "m", "norm": "u"},
    "SGD": {"momentum": "m"},
}


def _slot_table(optimizer, var_list) -> list[tuple[object, object, str]]:
    """`(reference variable, slot variable, Keras 3 slot name)` for every slot."""
    prefixes = [(v.path.replace("/", "_") + "_", v) for v in var_list]
    out = []
    for slot in optimizer.variables:
        if slot is optimizer.iterations or slot is getattr(optimizer, "_learning_rate", None):
            continue
        matches = [(p, v) for p, v in prefixes if slot.name.startswith(p)]
        if matches:
            p, ref = max(matches, key=lambda m: len(m[0]))
            out.append((ref, slot, slot.name[len(p) :]))
    return out


def save_optimizer_weights(f, optimizer, var_list) -> None:
    """`optimizer_weights/` with tf_keras 2.21's names and order."""
    if not optimizer.built:
        optimizer.build(var_list)
    cls = type(optimizer).__name__
    rename = _KERAS2_SLOTS.get(cls, {})
    names = ["iteration:0"]
    values = [np.asarray(optimizer.iterations.value, dtype=np.int64)]
    table = _slot_table(optimizer, var_list)
    if cls == "SGD" and not table:  # tf_keras' SGD always has momentum slots
        table = [(v, None, "momentum") for v in var_list]
    for ref, slot, slot_name in table:
        names.append(f"{cls}/{rename.get(slot_name, slot_name)}/{ref.path}:0")
        values.append(np.zeros(ref.shape, ref.dtype) if slot is None else np.asarray(slot.value))
    group = f.create_group("optimizer_weights")
    legacy_h5_weights.write_names(group, "weight_names", names)
    for name, value in zip(names, values):
        group.create_dataset(name, data=value)


def load_optimizer_weights(group, optimizer, var_list) -> None:
    """Restores optimizer state from tf_keras or Keras 3 legacy names."""
    names = legacy_h5_weights.read_names(group, "weight_names") or []
    if not names:
        return
    missing = [n for n in names if n not in group]
    if missing:
        raise ValueError(f"optimizer_weights lists {missing[:3]} but has no such datasets")
    if not optimizer.built:
        check_total_allocation(
            f"The optimizer state in the file ({len(names)} variables)",
            [(group[n].shape, group[n].dtype) for n in names],
        )
        optimizer.build(var_list)
    if not names[0].endswith(":0"):  # Keras 3 legacy h5: same order as `optimizer.variables`
        own = optimizer.variables
        if len(own) != len(names):
            warnings.warn(
                f"Skipping variable loading for optimizer '{optimizer.name}': it has "
                f"{len(own)} variables, the file has {len(names)}.",
                stacklevel=3,
            )
            return
        pairs = list(zip(own, [group[n] for n in names]))
    else:
        cls = type(optimizer).__name__
        back = {v: k for k, v in _KERAS2_SLOTS.get(cls, {}).items()}
        slots = {
            (ref.path, slot_name): slot for ref, slot, slot_name in _slot_table(optimizer, var_list)
        }
        pairs, unused = [], []
        for name in names:
            parts = name[:-2].split("/")
            if parts == ["iteration"]:
                pairs.append((optimizer.iterations, group[name]))
                continue
            key = ("/".join(parts[2:]), back.get(parts[1], parts[1])) if len(parts) > 2 else None
            if key in slots:
                pairs.append((slots[key], group[name]))
            elif not (cls == "SGD" and parts[1] == "m" and not optimizer.momentum):
                unused.append(name)
        table = _slot_table(optimizer, var_list)
        if (
            unused
            and len(unused) == len(names) - 1 == len(table)
            and all(
                tuple(slot.shape) == tuple(group[n].shape) for (_, slot, _), n in zip(table, unused)
            )
        ):
            # Layer names changed (e.g. a re-created subclassed model): same order, same shapes.
            pairs += [(slot, group[n]) for (_, slot, _), n in zip(table, unused)]
            unused = []
        if unused:
            warnings.warn(
                f"Optimizer '{optimizer.name}' has no variables for {len(unused)} saved "
                f"optimizer weight(s) (e.g. {unused[0]}); they were not restored.",
                stacklevel=3,
            )
    for var, ds in pairs:
        if tuple(var.shape) != tuple(ds.shape):
            raise ValueError(
                f"Optimizer variable '{var.name}' has shape {tuple(var.shape)}, the file has "
                f"{tuple(ds.shape)}."
            )
    for var, ds in pairs:
        var.assign(np.asarray(ds[()], dtype=var.dtype))


def save_model_to_h5(f, model, include_optimizer=True) -> None:
    from minikeras.legacy.saving import hard_sigmoid
    from minikeras.saving.compile_config import training_config_of
    from minikeras.saving.json_format import model_config

    model = hard_sigmoid.for_flavour(model, 2)  # Keras 3's hard sigmoid has no Keras 2 name

    from minikeras import __version__
    from minikeras.saving.config_flavor import WRITER_KEY

    f.attrs["backend"] = "tensorflow"
    f.attrs["keras_version"] = KERAS2_VERSION
    f.attrs[WRITER_KEY] = __version__
    f.attrs["model_config"] = json.dumps(model_config(model, 2, h5=True))
    training = training_config_of(model)
    if training is not None:
        f.attrs["training_config"] = json.dumps(training)
    legacy_h5_weights.save_weights_to_hdf5_group(f.create_group("model_weights"), model)
    if include_optimizer and training is not None:
        save_optimizer_weights(f, model.optimizer, model.trainable_variables)


def _attr_text(f, key):
    value = f.attrs.get(key)
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def import_model_builders() -> None:
    """Imports what `load_model_from_h5` builds a model with (run while the file is checked)."""
    import minikeras.legacy.saving.loading  # noqa: F401 - imported for the module cache
    import minikeras.models.functional  # noqa: F401
    import minikeras.models.sequential  # noqa: F401


def load_model_from_h5(f, custom_objects=None, compile=True, legacy_backend=None):  # noqa: A002
    from minikeras.legacy.saving import loading, model_configs

    text = _attr_text(f, "model_config")
    if text is None:
        hint = (
            " It looks like a weights-only file: build the model and call "
            "`model.load_weights(path)`."
            if ("layer_names" in f.attrs or "layers" in f)
            else ""
        )
        raise ValueError(f"No model config found in the file (no `model_config` attribute).{hint}")
    try:
        config = model_configs.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the `model_config` attribute is not valid JSON ({exc})") from None
    if not isinstance(config, dict):
        raise ValueError(
            "the `model_config` attribute does not hold a model config (a JSON "
            f"object); found {type(config).__name__}"
        )
    if "model_weights" not in f:
        raise ValueError("missing the `model_weights` group")
    # What the file claims is checked before any weight exists; the model's weights are
    # then untouched zeros until the file's values land (no initializer runs).
    legacy_h5_weights.check_claimed_memory(f["model_weights"])
    with weights_from_file():
        model = loading.model_from_config(
            config,
            custom_objects,
            keras_version=_attr_text(f, "keras_version"),
            backend=_attr_text(f, "backend"),
        )
    check_total_allocation(
        f"The model's weights ({len(model.weights)} arrays)",
        [(w.shape, w.dtype) for w in model.weights],
    )
    legacy_h5_weights.load_weights_from_hdf5_group(
        f["model_weights"], model, legacy_backend=legacy_backend, root=f
    )
    training = _attr_text(f, "training_config")
    if compile and training is not None:
        try:
            training = json.loads(training)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the `training_config` attribute is not valid JSON ({exc})") from None
        if not _compile_or_warn(model, training, custom_objects):
            return model
        if "optimizer_weights" in f:
            load_optimizer_weights(
                f["optimizer_weights"], model.optimizer, model.trainable_variables
            )
    return model


def _compile_or_warn(model, training, custom_objects) -> bool:
    """Compiles from `training_config`; a loss or optimizer that no longer exists
    (Keras 2.0 names, custom functions) leaves the model uncompiled, with a warning."""
    from minikeras.saving.compile_config import compile_from_config

    if not _well_formed(training):
        compile_from_config(model, training, custom_objects)  # raises its clear error
    try:
        compile_from_config(model, training, custom_objects)
    except (ValueError, TypeError, KeyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        warnings.warn(
            f"The model was loaded but not compiled: its training_config cannot be restored "
            f"({first[:200]}). Call `model.compile(...)` before training.",
            UserWarning,
            stacklevel=4,
        )
        return False
    return True


def _well_formed(training) -> bool:
    """A training config whose parts have the shapes Keras writes (names may be unknown)."""
    if not isinstance(training, dict):
        return False
    opt = training.get("optimizer_config", training.get("optimizer"))
    if not (
        opt is None
        or isinstance(opt, str)
        or (isinstance(opt, dict) and isinstance(opt.get("class_name"), str))
    ):
        return False
    return all(
        isinstance(training.get(k), (type(None), str, list, dict))
        for k in ("loss", "metrics", "weighted_metrics")
    )
