"""Rewrite model configs into the exact Keras 2 (tf_keras 2.21) or Keras 3.15 flavour.

minikeras' own `get_config()` output is "neutral": dtype strings, InputLayer
`batch_shape`, Keras 3 functional nodes. These functions turn a serialized
model (`{"class_name", "config", ...}`) into what each Keras writes (see
FORMATS.md sections 2, 4 and 7); reading accepts every flavour directly.
"""

from __future__ import annotations

import copy

_MODEL_CLASSES = ("Sequential", "Functional", "Model")
_TENSOR = "__keras_tensor__"
_QUANTIZABLE = ("Dense", "EinsumDense", "Embedding")
_AXES_INITS = (
    "GlorotUniform",
    "GlorotNormal",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "VarianceScaling",
)
# Keras 3 layers that set `built = True` in __init__ and so write no `build_config`
# (also every pooling layer).
_BUILT_IN_INIT = (
    "Activation",
    "Dropout",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
)

KERAS2_VERSION = "2.21.0"
# Extra field in every file minikeras writes (metadata.json, HDF5 root attributes, JSON
# top level): both Kerases ignore keys they do not know.
WRITER_KEY = "minikeras_version"
KERAS3_VERSION = "3.15.1"


def _policy(name) -> dict:
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": name},
        "registered_name": None,
    }


def _dtype_name(dtype):
    if isinstance(dtype, dict):
        return dtype.get("config", {}).get("name", "float32")
    return dtype


def _k3_tensors(x) -> list:
    """The Keras 3 tensor dicts inside a node argument, in order."""
    if isinstance(x, dict):
        if x.get("class_name") == _TENSOR:
            return [x]
        out = []
        for v in x.values():
            out.extend(_k3_tensors(v))
        return out
    if isinstance(x, list):
        out = []
        for v in x:
            out.extend(_k3_tensors(v))
        return out
    return []


def _node_to_keras2(node):
    if not isinstance(node, dict):
        return node
    args = node.get("args") or []
    first = args[0] if args else []
    kwargs = {k: v for k, v in (node.get("kwargs") or {}).items() if not _k3_tensors(v)}
    return [[*t["config"]["keras_history"][:3], kwargs] for t in _k3_tensors(first)]


def _is_triple(x) -> bool:
    return isinstance(x, list) and len(x) == 3 and isinstance(x[0], str)


def _policies_to_names(value):
    """Nested layer configs (wrappers' `layer`) get dtype strings too."""
    if isinstance(value, list):
        return [_policies_to_names(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class_name") == "DTypePolicy":
        return _dtype_name(value)
    return {k: _policies_to_names(v) for k, v in value.items()}


def _keeps_keras3_nodes(entry: dict) -> bool:
    """Op nodes and calls with tensors in kwargs have no Keras 2 list encoding."""
    if str(entry.get("module") or "").startswith("keras.src.ops"):
        return True
    return any(
        isinstance(n, dict) and (_k3_tensors(n.get("kwargs") or {}) or len(n.get("args") or []) > 1)
        for n in entry.get("inbound_nodes") or []
    )


def _batchnorm_to_keras2(cfg: dict, build_config) -> dict:
    """tf_keras writes `axis` as a list of non-negative axes and omits unused renorm keys."""
    cfg = dict(cfg)
    shape = (build_config or {}).get("input_shape")
    axis = cfg.get("axis")
    if (
        isinstance(axis, int)
        and isinstance(shape, list)
        and shape
        and not isinstance(shape[0], list)
    ):
        cfg["axis"] = [axis % len(shape)]
    if not cfg.get("renorm"):
        for key in ("renorm", "renorm_clipping", "renorm_momentum"):
            cfg.pop(key, None)
    if not cfg.get("synchronized"):
        cfg.pop("synchronized", None)
    return cfg


def _layer_to_keras2(entry: dict, h5: bool) -> dict:
    if str(entry.get("module") or "").startswith("keras.src.ops"):
        from minikeras.legacy.saving import tf_op_layers

        return tf_op_layers.to_keras2_entry(entry)  # tf.keras' TFOpLambda, or a refusal
    entry = dict(entry)
    cls = entry.get("class_name")
    cfg = dict(entry.get("config") or {})
    if cls in _MODEL_CLASSES:
        cfg = _model_config_to_keras2(cls, cfg, h5)
    else:
        cfg = _policies_to_names(cfg)
        if cls == "InputLayer" and "batch_shape" in cfg:
            cfg = {("batch_input_shape" if k == "batch_shape" else k): v for k, v in cfg.items()}
    if cls == "BatchNormalization":
        cfg = _batchnorm_to_keras2(cfg, entry.get("build_config"))
    entry["config"] = cfg
    if "inbound_nodes" in entry and not _keeps_keras3_nodes(entry):
        entry["inbound_nodes"] = [_node_to_keras2(n) for n in entry["inbound_nodes"]]
    if h5:
        # Op nodes keep `module` (`keras.src.ops.numpy`): without it `Multiply` would read as
        # the merge layer, and Keras 3 could not find `NotEqual` at all.
        is_op = str(entry.get("module") or "").startswith("keras.src.ops")
        for key in (
            ("registered_name", "build_config")
            if is_op
            else ("module", "registered_name", "build_config")
        ):
            entry.pop(key, None)
    return entry


def _model_config_to_keras2(cls: str, cfg: dict, h5: bool) -> dict:
    layers = [_layer_to_keras2(e, h5) for e in cfg.get("layers", [])]
    if cls == "Sequential":
        if layers and layers[0].get("class_name") == "InputLayer" and len(layers) > 1:
            shape = layers[0]["config"].get("batch_input_shape")
            first = dict(layers[1]["config"])
            if shape is not None and "batch_input_shape" not in first:
                items = list(first.items())
                items.insert(3, ("batch_input_shape", shape))
                layers[1] = {**layers[1], "config": dict(items)}
    for entry in layers:  # tf_keras' Embedding still records `input_length`
        cfg_e = entry.get("config")
        if entry.get("class_name") == "Embedding" and "input_length" not in cfg_e:
            shape = cfg_e.get("batch_input_shape") or [None, None]
            cfg_e["input_length"] = shape[1] if len(shape) == 2 else None
    if cls == "Sequential":
        return {"name": cfg.get("name"), "layers": layers}
    # tf_keras' nested models (Sequential included) have a built-in node 0 that Keras 3's
    # lack.
    nested_seq = {e.get("name") for e in layers if e.get("class_name") in _MODEL_CLASSES}
    if nested_seq:
        for entry in layers:
            for node in entry.get("inbound_nodes") or []:
                for ref in node:
                    if isinstance(ref, list) and ref and ref[0] in nested_seq:
                        ref[1] += 1
    out = {"name": cfg.get("name"), "trainable": cfg.get("trainable", True), "layers": layers}
    for key in ("input_layers", "output_layers"):
        spec = cfg.get(key)
        spec = [spec] if _is_triple(spec) else spec
        out[key] = (
            [[r[0], r[1] + (r[0] in nested_seq), *r[2:]] if _is_triple(r) else r for r in spec]
            if isinstance(spec, list)
            else spec
        )
    return out


def _add_build_configs(layers: list, model, skip=()) -> None:
    """tf_keras writes `build_config` for every called layer, also weightless ones;
    Keras 3 for every layer except those built in their constructor (`skip`)."""
    by_name = {lay.name: lay for lay in getattr(model, "layers", [])}
    for entry in layers:
        layer = by_name.get(entry.get("config", {}).get("name"))
        cls = entry.get("class_name") or ""
        if (
            cls in ("InputLayer", *skip)
            or (skip and "Pooling" in cls)
            or "build_config" in entry
            or layer is None
        ):
            continue
        shape = getattr(layer, "_input_shape_record", None)
        if shape is not None:
            if isinstance(shape, list) or (shape and isinstance(shape[0], (list, tuple))):
                shape = [list(s) for s in shape]
            entry["build_config"] = {"input_shape": list(shape)}


def to_keras2(serialized: dict, h5: bool = False, model=None) -> dict:
    """Keras 2 flavour of a serialized model: `{"class_name", "config"}`.

    With `h5=True` the layer entries lose `module`/`registered_name`/`build_config`,
    as in the `model_config` attribute of a tf_keras `.h5` file. Keras 2's hard
    sigmoid (`hard_sigmoid_keras2` in minikeras) is named `hard_sigmoid`, as Keras 2 did.
    """
    from minikeras.legacy.saving import hard_sigmoid

    serialized = hard_sigmoid._renamed(
        copy.deepcopy(serialized), hard_sigmoid.KERAS2_NAME, hard_sigmoid.KERAS3_NAME
    )
    cls = serialized["class_name"]
    if "layers" not in serialized.get("config", {}):  # subclassed model: keep its build shape
        out = {"class_name": cls, "config": serialized.get("config", {})}
        if serialized.get("build_config"):
            out["build_config"] = serialized["build_config"]
        return out
    if cls not in ("Sequential", "Functional"):
        cls = "Functional"
    if model is not None and not h5:
        _add_build_configs(serialized["config"]["layers"], model)
    return {"class_name": cls, "config": _model_config_to_keras2(cls, serialized["config"], h5)}


def _initializers_to_keras3(value):
    """Keras 3.15's variance-scaling initializers also write `input_axes`/`output_axes`."""
    if isinstance(value, list):
        return [_initializers_to_keras3(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _initializers_to_keras3(v) for k, v in value.items()}
    if out.get("module") == "keras.initializers" and out.get("class_name") in _AXES_INITS:
        cfg = dict(out.get("config") or {})
        cfg.setdefault("input_axes", None)
        cfg.setdefault("output_axes", None)
        out["config"] = cfg
    return out


def _is_layer_entry(value) -> bool:
    return (
        isinstance(value, dict)
        and "class_name" in value
        and "config" in value
        and value.get("module", "keras.layers") == "keras.layers"
        and isinstance(value["config"], dict)
        and "name" in value["config"]
    )


# Keras 3 op classes that take these arguments in their constructor (so in `config`),
# while minikeras records a positional call such as `ops.cast(x, "float32")` in `args`.
_OP_INIT_ARGS = {
    "Cast": ("dtype",),
    "Reshape": ("newshape",),
    "ExpandDims": ("axis",),
    "Transpose": ("axes",),
    "Squeeze": ("axis",),
    "Clip": ("x_min", "x_max"),
    "Softmax": ("axis",),
    "Sum": ("axis", "keepdims"),
    "Mean": ("axis", "keepdims"),
    "Max": ("axis", "keepdims"),
    "Min": ("axis", "keepdims"),
    "Prod": ("axis", "keepdims"),
}


def _op_node_to_keras3(entry: dict) -> dict:
    names = _OP_INIT_ARGS.get(entry.get("class_name"))
    nodes = entry.get("inbound_nodes") or []
    if not names or len(nodes) != 1 or not isinstance(nodes[0], dict):
        return entry
    args = list(nodes[0].get("args") or [])
    extra = args[1:]
    if not extra or len(extra) > len(names) or _k3_tensors(extra):
        return entry
    config = {**entry.get("config", {}), **dict(zip(names, extra))}
    return {**entry, "config": config, "inbound_nodes": [{**nodes[0], "args": args[:1]}]}


def _layer_to_keras3(entry: dict) -> dict:
    if str(entry.get("module") or "").startswith("keras.src.ops"):
        return _op_node_to_keras3(entry)  # op node: as Keras 3 writes it
    entry = dict(entry)
    cls = entry.get("class_name")
    cfg = dict(entry.get("config") or {})
    if cls in _MODEL_CLASSES:
        nested = to_keras3(entry)
        nested.pop("compile_config", None)
        for key in ("name", "inbound_nodes"):
            if key in entry:
                nested[key] = entry[key]
        return nested
    if cls == "InputLayer":
        cfg = {("batch_shape" if k == "batch_input_shape" else k): v for k, v in cfg.items()}
        cfg["dtype"] = _dtype_name(cfg.get("dtype", "float32"))
    else:
        cfg = {k: (_layer_to_keras3(v) if _is_layer_entry(v) else v) for k, v in cfg.items()}
        cfg.pop("batch_input_shape", None)
        if "dtype" in cfg and not isinstance(cfg["dtype"], dict):
            cfg["dtype"] = _policy(cfg["dtype"] or "float32")
        if cls == "Dense" and cfg.get("activity_regularizer", 0) is None:
            del cfg["activity_regularizer"]  # Keras 3's Dense does not write it
        if cls in _QUANTIZABLE:
            cfg.setdefault("quantization_config", None)
        cfg = _initializers_to_keras3(cfg)
    entry["config"] = cfg
    entry.setdefault("module", "keras.layers")
    entry.setdefault("registered_name", None)
    return entry


def to_keras3(serialized: dict, compile_config: dict | None = None, model=None) -> dict:
    """Keras 3 flavour: `{"module", "class_name", "config", "registered_name", "build_config"}`."""
    serialized = copy.deepcopy(serialized)
    if model is not None and "layers" in serialized.get("config", {}):
        _add_build_configs(serialized["config"]["layers"], model, _BUILT_IN_INIT)
    cls = serialized["class_name"]
    cfg = serialized["config"]
    if "layers" not in cfg:  # subclassed model
        if compile_config is not None:
            serialized["compile_config"] = compile_config
        return serialized
    layers = [_layer_to_keras3(e) for e in cfg.get("layers", [])]
    if cls == "Sequential":
        shape = None
        if layers and layers[0].get("class_name") == "InputLayer":
            shape = layers[0]["config"].get("batch_shape")
        config = {
            "name": cfg.get("name"),
            "trainable": cfg.get("trainable", True),
            "dtype": _policy("float32"),
            "layers": layers,
        }
        if shape is not None:
            config["build_input_shape"] = shape
        out = {
            "module": "keras",
            "class_name": "Sequential",
            "config": config,
            "registered_name": None,
            "build_config": {"input_shape": shape},
        }
    else:
        config = {
            "name": cfg.get("name"),
            "trainable": cfg.get("trainable", True),
            "layers": layers,
            "input_layers": cfg.get("input_layers"),
            "output_layers": cfg.get("output_layers"),
        }
        out = {
            "module": "keras.src.models.functional",
            "class_name": "Functional",
            "config": config,
            "registered_name": "Functional",
            "build_config": {"input_shape": None},
        }
    if compile_config is not None:
        out["compile_config"] = compile_config
    return out
