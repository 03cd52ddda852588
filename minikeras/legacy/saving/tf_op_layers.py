"""tf.keras `TFOpLambda` / `SlicingOpLambda` layers <-> Keras 3 op nodes.

tf.keras (2.4 - 2.21) records a TensorFlow function applied to a KerasTensor
(`x * 2`, `tf.reduce_sum(x, axis=-1)`, `x[:, 1:2]`) as a layer
`{"class_name": "TFOpLambda", "config": {"function": "math.multiply", ...}}`
whose inbound node is `[first_tensor, node, index, {other arguments by TF name}]`
(a constant first argument is `["_CONSTANT_VALUE", -1, value, {...}]`). Keras 3
records the same call as an op node (`{"module": "keras.src.ops.numpy",
"class_name": "Multiply"}`, inbound `{"args": [...], "kwargs": {}}`).
`to_keras3_entry` reads the former; `to_keras2_entry` writes it, or raises a
ValueError naming the op when TensorFlow has no function that matches it.
"""

from __future__ import annotations

_OP_CLASSES = ("TFOpLambda", "SlicingOpLambda")
_TENSOR = "__keras_tensor__"
_CONSTANT = "_CONSTANT_VALUE"
_BINARY = ("x", "y")
# TF function -> (keras op, TF names of the positional arguments, {TF keyword: keras keyword}).
_SPECS = {
    "__operators__.add": ("add", _BINARY, {}),
    "math.add": ("add", _BINARY, {}),
    "math.subtract": ("subtract", _BINARY, {}),
    "math.multiply": ("multiply", _BINARY, {}),
    "math.truediv": ("divide", _BINARY, {}),
    "math.divide": ("divide", _BINARY, {}),
    "math.pow": ("power", _BINARY, {}),
    "math.maximum": ("maximum", _BINARY, {}),
    "math.minimum": ("minimum", _BINARY, {}),
    "math.equal": ("equal", _BINARY, {}),
    "math.not_equal": ("not_equal", _BINARY, {}),
    "math.greater": ("greater", _BINARY, {}),
    "math.greater_equal": ("greater_equal", _BINARY, {}),
    "math.less": ("less", _BINARY, {}),
    "math.less_equal": ("less_equal", _BINARY, {}),
    "linalg.matmul": ("matmul", ("a", "b"), {}),
    "math.negative": ("negative", ("x",), {}),
    "math.exp": ("exp", ("x",), {}),
    "math.log": ("log", ("x",), {}),
    "math.sqrt": ("sqrt", ("x",), {}),
    "math.square": ("square", ("x",), {}),
    "math.abs": ("abs", ("x",), {}),
    "math.tanh": ("tanh", ("x",), {}),
    "math.sigmoid": ("sigmoid", ("x",), {}),
    "nn.relu": ("relu", ("features",), {}),
    "nn.softmax": ("softmax", ("logits",), {"axis": "axis"}),
    "math.reduce_sum": ("sum", ("input_tensor",), {"axis": "axis", "keepdims": "keepdims"}),
    "math.reduce_mean": ("mean", ("input_tensor",), {"axis": "axis", "keepdims": "keepdims"}),
    "math.reduce_max": ("max", ("input_tensor",), {"axis": "axis", "keepdims": "keepdims"}),
    "math.reduce_min": ("min", ("input_tensor",), {"axis": "axis", "keepdims": "keepdims"}),
    "math.reduce_prod": ("prod", ("input_tensor",), {"axis": "axis", "keepdims": "keepdims"}),
    "cast": ("cast", ("x",), {"dtype": "dtype"}),
    "reshape": ("reshape", ("tensor",), {"shape": "newshape"}),
    "compat.v1.transpose": ("transpose", ("a",), {"perm": "axes"}),
    "transpose": ("transpose", ("a",), {"perm": "axes"}),
    "expand_dims": ("expand_dims", ("input",), {"axis": "axis"}),
    "compat.v1.squeeze": ("squeeze", ("input",), {"axis": "axis"}),
    "squeeze": ("squeeze", ("input",), {"axis": "axis"}),
    "clip_by_value": ("clip", ("t",), {"clip_value_min": "x_min", "clip_value_max": "x_max"}),
    "concat": ("concatenate", ("values",), {"axis": "axis"}),
}
# Keyword arguments TF writes that change nothing when at these values.
_NEUTRAL = {
    "name": None,
    "conjugate": False,
    "transpose_a": False,
    "transpose_b": False,
    "adjoint_a": False,
    "adjoint_b": False,
}
# What minikeras writes for each keras op (the function tf.keras records for it).
_WRITE = {
    "add": "__operators__.add",
    "divide": "math.truediv",
    "true_divide": "math.truediv",
    "transpose": "compat.v1.transpose",
    "squeeze": "compat.v1.squeeze",
}
for _tf, (_op, _pos, _kw) in _SPECS.items():
    _WRITE.setdefault(_op, _tf)


def _tensor(ref) -> dict:
    return {
        "class_name": _TENSOR,
        "config": {"shape": None, "dtype": None, "keras_history": list(ref[:3])},
    }


def _is_ref(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) in (3, 4)
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and isinstance(value[2], int)
    )


def _value(value):
    """A TF keyword value with `[layer, node, index]` tensor references made Keras 3 tensors."""
    if _is_ref(value):
        return _tensor(value)
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _slice_key(spec):
    """tf.keras' `slice_spec` -> the Keras 3 encoding of a `getitem` key."""

    def one(s):
        if isinstance(s, dict) and s.get("class_name") == "__ellipsis__":
            return {"class_name": "__ellipsis__", "config": {}}
        if isinstance(s, dict):
            return {
                "class_name": "__slice__",
                "config": {k: s.get(k) for k in ("start", "stop", "step")},
            }
        return s

    if isinstance(spec, list):
        return [one(s) for s in spec]  # Keras 3 writes the index tuple as a list
    return one(spec)


def to_keras3_entry(entry: dict) -> dict:
    """A `TFOpLambda`/`SlicingOpLambda` layer entry as a Keras 3 op-node entry.

    Raises:
        ValueError: for a TensorFlow function minikeras has no op for.
    """
    from minikeras.ops.op_node import op_class_name

    cfg = entry.get("config") or {}
    function = cfg.get("function")
    name = cfg.get("name") or entry.get("name")
    nodes = []
    for node in entry.get("inbound_nodes") or []:
        refs = node if node and isinstance(node[0], list) else [node]
        kwargs = dict(refs[0][3]) if len(refs[0]) > 3 and refs[0][3] else {}
        first = refs[0][2] if refs[0][0] == _CONSTANT else _tensor(refs[0])
        if function == "__operators__.getitem":
            op, args, static = "getitem", [first, _slice_key(kwargs.pop("slice_spec", None))], {}
        elif function in _SPECS:
            op, positional, keywords = _SPECS[function]
            if function == "concat":
                first = [_tensor(r) for r in refs]
            for key, neutral in _NEUTRAL.items():
                if kwargs.get(key, neutral) != neutral:
                    raise ValueError(
                        f"Layer '{name}' calls tf.{function} with {key}="
                        f"{kwargs[key]!r}, which minikeras cannot reproduce."
                    )
                kwargs.pop(key, None)
            args = [first] + [_value(kwargs.pop(p)) for p in positional[1:] if p in kwargs]
            static = {keywords[k]: kwargs.pop(k) for k in list(kwargs) if k in keywords}
        else:
            raise ValueError(
                f"Layer '{name}' is a tf.keras TFOpLambda calling tf.{function}, which "
                "minikeras has no op for. Supported: "
                f"{', '.join('tf.' + f for f in sorted(_SPECS))}, tf.__operators__.getitem."
            )
        if kwargs:
            raise ValueError(
                f"Layer '{name}' calls tf.{function} with arguments "
                f"{sorted(kwargs)} that minikeras cannot reproduce."
            )
        nodes.append({"args": args, "kwargs": {}})
        node_static = static
    return {
        "module": "keras.src.ops.numpy",
        "class_name": op_class_name(op),
        "config": {"name": name, **(node_static if nodes else {})},
        "name": name,
        "registered_name": None,
        "inbound_nodes": nodes,
    }


def is_tf_op_entry(entry) -> bool:
    return isinstance(entry, dict) and entry.get("class_name") in _OP_CLASSES


def _ref(value, what: str) -> list:
    if isinstance(value, dict) and value.get("class_name") == _TENSOR:
        return list(value["config"]["keras_history"][:3])
    raise ValueError(what)


def _tf_value(value):
    if isinstance(value, dict) and value.get("class_name") == _TENSOR:
        return list(value["config"]["keras_history"][:3])
    if isinstance(value, dict) and value.get("class_name") == "__slice__":
        return dict(value["config"])
    if isinstance(value, dict) and value.get("class_name") == "__ellipsis__":
        return {"class_name": "__ellipsis__"}
    if isinstance(value, list):
        return [_tf_value(v) for v in value]
    return value


def to_keras2_entry(entry: dict) -> dict:
    """A Keras 3 op-node entry (minikeras' own config) as tf.keras writes the same call.

    Raises:
        ValueError: naming the op when tf.keras has no layer for it (the model can
            still be saved as `.keras`, which Keras 3 reads).
    """
    from minikeras.ops.op_node import op_name_from_class

    op = op_name_from_class(entry.get("class_name", ""))
    cfg = dict(entry.get("config") or {})
    name = cfg.pop("name", None) or entry.get("name")
    refuse = (
        f"The op node '{name}' (keras.ops.{op}) has no tf.keras equivalent this "
        "writer knows; save the model as `.keras` (Keras 3 format), which holds it."
    )
    if op not in _WRITE and op != "getitem":
        raise ValueError(refuse)
    function = "__operators__.getitem" if op == "getitem" else _WRITE[op]
    import inspect

    from minikeras import ops

    params = list(inspect.signature(getattr(ops, op)).parameters)
    nodes = []
    for node in entry.get("inbound_nodes") or []:
        args = list(node.get("args") or [])
        if node.get("kwargs") or len(args) > len(params) or set(cfg) - set(params):
            raise ValueError(refuse)
        call = {**dict(zip(params, args)), **cfg}  # keras parameter -> value
        if op == "getitem":
            nodes.append([*_ref(call["x"], refuse), {"slice_spec": _tf_value(call["key"])}])
            continue
        _, positional, keywords = _SPECS[function]
        back = {v: k for k, v in keywords.items()}
        first = call.pop(params[0])
        kwargs = {}
        for param, value in call.items():
            if len(positional) > 1 and param == params[1]:
                kwargs[positional[1]] = _tf_value(value)
            elif param in back:
                kwargs[back[param]] = _tf_value(value)
            else:
                raise ValueError(refuse)
        if op == "concatenate":
            nodes.append([[*_ref(t, refuse), kwargs] for t in first])
        elif isinstance(first, dict) and first.get("class_name") == _TENSOR:
            nodes.append([*_ref(first, refuse), kwargs])
        else:
            nodes.append([_CONSTANT, -1, first, kwargs])
    return {
        "class_name": "SlicingOpLambda" if op == "getitem" else "TFOpLambda",
        "config": {"name": name, "trainable": True, "dtype": "float32", "function": function},
        "name": name,
        "inbound_nodes": nodes,
    }
