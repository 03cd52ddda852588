"""Whole model configs written by Keras 1 and 2, in today's terms.

Handles the top-level shapes Keras 1 wrote: a Sequential config that is a bare
list, `Model` graphs whose merges are `Merge` layers, and Sequential models
whose first layer is a `Merge` of Sequential branches (rewritten as a
functional model with one input per branch and the branches' layers inlined,
in the order Keras 1 saved their weights). JSON that was encoded twice
(`json.dump(model.to_json())`) is decoded twice.
"""

from __future__ import annotations

import json

from minikeras.legacy.saving import layer_configs, tf_op_layers
from minikeras.legacy.saving.origin import FileOrigin

_MODEL_CLASSES = ("Sequential", "Model", "Functional")
# Extra top-level JSON field (Keras ignores it): `hard_sigmoid` in this file is Keras 3's.
HARD_SIGMOID_KEY = "minikeras_hard_sigmoid"
# Argument names only Keras 1 wrote: any of them marks a config as Keras 1.
_KERAS1_KEYS = frozenset(
    (
        "output_dim",
        "W_regularizer",
        "W_constraint",
        "nb_filter",
        "border_mode",
        "dim_ordering",
        "inner_activation",
        "input_dtype",
        "consume_less",
        "subsample_length",
        "pool_length",
    )
)
_KERAS1_CLASSES = frozenset(
    (
        "Merge",
        "Convolution1D",
        "Convolution2D",
        "Convolution3D",
        "AtrousConvolution2D",
        "Deconvolution2D",
        *layer_configs.KERAS1_ONLY,
    )
)


def loads(text: str):
    """`json.loads`, decoding again while the result is a JSON string (double encoding).

    Raises:
        json.JSONDecodeError: if the text is not JSON.
    """
    value = json.loads(text)
    for _ in range(2):
        if not isinstance(value, str):
            break
        value = json.loads(value)
    return value


def _layer_entries(config) -> list:
    inner = config.get("config") if isinstance(config, dict) else None
    if isinstance(inner, list):
        return inner
    if isinstance(inner, dict):
        return inner.get("layers") or []
    return []


def is_keras1(config) -> bool:
    """Whether a serialized model uses Keras 1 class or argument names anywhere."""
    for entry in _layer_entries(config):
        if not isinstance(entry, dict):
            continue
        cls, cfg = entry.get("class_name"), entry.get("config")
        if cls in _KERAS1_CLASSES or (
            isinstance(cfg, dict)
            and (
                (cls == "Dropout" and "p" in cfg) or (cls == "BatchNormalization" and "mode" in cfg)
            )
        ):
            return True
        if cls in _MODEL_CLASSES and is_keras1(entry):
            return True
        if isinstance(cfg, dict) and (
            _KERAS1_KEYS & cfg.keys()
            or is_keras1({"config": [cfg["layer"]]} if isinstance(cfg.get("layer"), dict) else {})
        ):
            return True
    return False


def origin_of(config, keras_version=None, backend=None) -> FileOrigin:
    """The FileOrigin of a serialized model (file attributes given beside it win).

    A config with Keras 3's `module` keys and no version is taken as Keras 3's.
    """
    if isinstance(config, dict):
        keras_version = keras_version or config.get("keras_version")
        backend = backend or config.get("backend")
        if keras_version is None and "module" in config:
            keras_version = "3"
    return FileOrigin(
        keras_version=keras_version,
        backend=backend,
        keras1=is_keras1(config),
        keras3_hard_sigmoid=isinstance(config, dict) and config.get(HARD_SIGMOID_KEY) == "keras3",
    )


def uses_th_ordering(config) -> bool:
    """Whether any layer has Keras 1 `dim_ordering='th'`."""
    for entry in _layer_entries(config):
        cfg = entry.get("config") if isinstance(entry, dict) else None
        if isinstance(cfg, dict) and (
            cfg.get("dim_ordering") == "th"
            or (entry.get("class_name") in _MODEL_CLASSES and uses_th_ordering(entry))
        ):
            return True
    return False


def _translate_entry(entry: dict, origin: FileOrigin, guesses: list) -> dict:
    cls = entry.get("class_name")
    if tf_op_layers.is_tf_op_entry(entry):
        return tf_op_layers.to_keras3_entry(entry)
    if cls in _MODEL_CLASSES:
        out = translate_model(entry, origin, guesses)
        return {**entry, **out}
    new_cls, cfg = layer_configs.translate_layer(
        cls,
        entry.get("config") or {},
        origin.keras1,
        origin.pre_keras3,
        guesses,
        not origin.keras3_hard_sigmoid,
    )
    return {**entry, "class_name": new_cls, "config": cfg}


def _merge_sequential(merge: dict, rest: list, name, origin: FileOrigin, guesses: list) -> dict:
    """A Keras 1 Sequential starting with `Merge([branch, ...])`, as a functional config."""
    layers, outputs, inputs = [], [], []
    for b, branch in enumerate(merge["config"].get("layers") or []):
        entries = _layer_entries(branch) if branch.get("class_name") in _MODEL_CLASSES else [branch]
        if not entries:
            raise ValueError(f"Merge branch {b} of Sequential '{name}' has no layers.")
        first = dict(entries[0].get("config") or {})
        shape = first.get("batch_input_shape")
        if shape is None:
            translated = layer_configs.translate_layer(entries[0]["class_name"], first, True, True)[
                1
            ]
            shape = translated.get("batch_input_shape")
        if shape is None:
            raise ValueError(
                f"Merge branch {b} of Sequential '{name}' does not record its input shape."
            )
        input_name = f"{first.get('name', f'branch_{b}')}_input"
        layers.append(
            {
                "class_name": "InputLayer",
                "name": input_name,
                "inbound_nodes": [],
                "config": {
                    "batch_input_shape": shape,
                    "name": input_name,
                    "dtype": first.get("input_dtype", "float32"),
                },
            }
        )
        inputs.append([input_name, 0, 0])
        previous = input_name
        for entry in entries:
            lay = _translate_entry(entry, origin, guesses)
            lay_name = lay["config"].get("name")
            lay["config"].pop("batch_input_shape", None)
            layers.append({**lay, "name": lay_name, "inbound_nodes": [[[previous, 0, 0, {}]]]})
            previous = lay_name
        outputs.append([previous, 0, 0, {}])
    merge_cfg = {k: v for k, v in merge["config"].items() if k != "layers"}
    merged = _translate_entry({"class_name": "Merge", "config": merge_cfg}, origin, guesses)
    previous = merged["config"]["name"]
    layers.append({**merged, "name": previous, "inbound_nodes": [outputs]})
    for entry in rest:
        lay = _translate_entry(entry, origin, guesses)
        lay_name = lay["config"].get("name")
        layers.append({**lay, "name": lay_name, "inbound_nodes": [[[previous, 0, 0, {}]]]})
        previous = lay_name
    return {
        "class_name": "Functional",
        "config": {
            "name": name,
            "layers": layers,
            "input_layers": inputs,
            "output_layers": [[previous, 0, 0]],
        },
    }


def translate_model(config: dict, origin: FileOrigin, guesses: list | None = None) -> dict:
    """A serialized model (`{"class_name", "config", ...}`) in today's terms.

    `guesses` receives a note for each value that had to be replaced by a default.

    Raises:
        ValueError: for a construct with no current equivalent (e.g. a `Merge`
            with a Python function as its mode), naming the layer.
    """
    guesses = [] if guesses is None else guesses
    cls = config.get("class_name")
    inner = config.get("config")
    if cls == "Sequential":
        if isinstance(inner, list):
            entries, name = inner, config.get("name")
        else:
            entries, name = (inner or {}).get("layers") or [], (inner or {}).get("name")
        if (
            entries
            and entries[0].get("class_name") == "Merge"
            and "layers" in (entries[0].get("config") or {})
        ):
            return {**config, **_merge_sequential(entries[0], entries[1:], name, origin, guesses)}
        layers = [_translate_entry(e, origin, guesses) for e in entries]
        new_inner = (
            {"name": name, "layers": layers}
            if isinstance(inner, list)
            else {**inner, "layers": layers}
        )
        return {**config, "config": new_inner}
    if cls in ("Model", "Functional") and isinstance(inner, dict):
        layers = [_translate_entry(e, origin, guesses) for e in inner.get("layers") or []]
        return {**config, "class_name": "Functional", "config": {**inner, "layers": layers}}
    return config
