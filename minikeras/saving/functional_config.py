"""`Functional.get_config()` / `from_config()`: the layer graph as JSON-friendly data.

`get_config` writes the Keras 3 graph encoding: each layer entry carries
`name` and `inbound_nodes`, a list of `{"args": [...], "kwargs": {...}}` where
tensors are `{"class_name": "__keras_tensor__", "config": {"shape", "dtype",
"keras_history": [layer_name, node_index, tensor_index]}}`.

`from_config` reads that and the Keras 2 encoding, where a node is a list of
`[layer_name, node_index, tensor_index, kwargs]` entries. Node indices count only
the calls that belong to the model being serialized; a nested functional model
starts at 1 because Keras gives every functional model a built-in first node.
"""

from __future__ import annotations

from minikeras.backend.keras_tensor import KerasTensor
from minikeras.ops.node import flatten
from minikeras.ops.op_node import OpNode

_TENSOR = "__keras_tensor__"


def _node_offset(layer, keras2: bool) -> int:
    """File node index minus ours: tf_keras counts a nested model's own construction node
    (index 0); Keras 3 (3.15) numbers a nested Functional or Sequential's calls from 0."""
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    return 1 if keras2 and isinstance(layer, (Functional, Sequential)) else 0


def _operations(model) -> list:
    """Layers and op nodes (`ops.not_equal` on a KerasTensor, ...) in graph order."""
    return list(getattr(model, "operations", None) or model.layers)


def _reindex_map(model) -> dict:
    """`id(node) -> index among the layer's nodes that belong to `model``."""
    own = {id(n) for n in model._nodes}
    mapping = {}
    for layer in _operations(model):
        kept = _node_offset(layer, keras2=False)
        for node in layer._inbound_nodes:
            if id(node) in own:
                mapping[id(node)] = kept
                kept += 1
    return mapping


def _history(tensor, reindex) -> list:
    layer, node_index, tensor_index = tensor._keras_history
    node = layer._inbound_nodes[node_index]
    return [layer.name, reindex.get(id(node), node_index), tensor_index]


def _dtype_name(dtype) -> str:
    import numpy as np

    return dtype if isinstance(dtype, str) else np.dtype(dtype).name


def _serialize_arg(x, reindex):
    if isinstance(x, KerasTensor):
        return {
            "class_name": _TENSOR,
            "config": {
                "shape": list(x.shape),
                "dtype": _dtype_name(x.dtype),
                "keras_history": _history(x, reindex),
            },
        }
    if isinstance(x, slice):  # getitem keys, encoded as Keras 3 encodes them
        return {
            "class_name": "__slice__",
            "config": {"start": x.start, "stop": x.stop, "step": x.step},
        }
    if x is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(x, (list, tuple)):
        return [_serialize_arg(e, reindex) for e in x]
    if isinstance(x, dict):
        return {k: _serialize_arg(v, reindex) for k, v in x.items()}
    if hasattr(x, "tolist"):
        return x.tolist()
    return x


def _map_struct(struct, fn):
    if isinstance(struct, KerasTensor):
        return fn(struct)
    if isinstance(struct, dict):
        return {k: _map_struct(v, fn) for k, v in struct.items()}
    return [_map_struct(v, fn) for v in struct]


def functional_get_config(model) -> dict:
    """The Keras 3 config of a functional model (`name`, `trainable`, `layers`, ...)."""
    from minikeras.saving.serialization import serialize_keras_object

    reindex = _reindex_map(model)
    own = {id(n) for n in model._nodes}
    layer_configs = []
    for layer in _operations(model):
        nodes = []
        for node in layer._inbound_nodes:
            if id(node) not in own or not node.flat_inputs:
                continue
            if isinstance(layer, OpNode):  # op node: inputs = {"args", "kwargs"}
                nodes.append(_serialize_arg(node.input_tensors, reindex))
                continue
            args = [_serialize_arg(node.input_tensors, reindex)]
            args += [_serialize_arg(a, reindex) for a in node.call_args]
            nodes.append({"args": args, "kwargs": _serialize_arg(node.call_kwargs, reindex)})
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = nodes
        layer_configs.append(entry)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": _map_struct(model._inputs_struct, lambda t: _history(t, reindex)),
        "output_layers": _map_struct(model._outputs_struct, lambda t: _history(t, reindex)),
    }


class _NotReady(Exception):
    """A node's inputs do not exist yet (processed on a later pass)."""


def _is_triple(x) -> bool:
    return (
        isinstance(x, list)
        and len(x) in (3, 4)
        and isinstance(x[0], str)
        and all(isinstance(i, int) for i in x[1:3])
    )


class _GraphBuilder:
    """Re-creates layers and replays their calls from config `layers` entries."""

    def __init__(self, layer_entries, custom_objects):
        self.entries = layer_entries
        self.custom_objects = custom_objects
        self.layers: dict = {}
        self.keras2 = False

    def get_tensor(self, name, node_index, tensor_index):
        layer = self.layers.get(name)
        if layer is None:
            raise ValueError(
                f"Invalid functional model config: a node refers to layer '{name}', which is "
                f"not in the model's layer list {list(self.layers)}."
            )
        node_index -= _node_offset(layer, self.keras2)
        if node_index < 0 or node_index >= len(layer._inbound_nodes):
            raise _NotReady(name)
        outputs = flatten(layer._inbound_nodes[node_index].output_tensors)
        if tensor_index >= len(outputs):
            raise ValueError(
                f"Invalid functional model config: layer '{name}' has {len(outputs)} "
                f"output(s), the config asks for output {tensor_index}."
            )
        return outputs[tensor_index]

    def _deserialize_arg(self, x):
        if isinstance(x, dict):
            kind = x.get("class_name")
            if kind == _TENSOR:
                return self.get_tensor(*x["config"]["keras_history"][:3])
            if kind == "__slice__":
                c = x.get("config") or {}
                return slice(c.get("start"), c.get("stop"), c.get("step"))
            if kind == "__ellipsis__":
                return Ellipsis
            return {k: self._deserialize_arg(v) for k, v in x.items()}
        if isinstance(x, list):
            out = [self._deserialize_arg(e) for e in x]
            # A getitem key: Keras 3 writes the index tuple as a list
            return tuple(out) if any(isinstance(e, slice) or e is Ellipsis for e in out) else out
        return x

    def call_args(self, node):
        """`(args, kwargs)` of one node, Keras 3 dict or Keras 2 list encoding."""
        if isinstance(node, dict):
            args = self._deserialize_arg(node.get("args", []))
            kwargs = self._deserialize_arg(node.get("kwargs", {}))
            return args, kwargs
        if not isinstance(node, list):
            raise ValueError(f"Invalid functional model config: cannot read node {node!r}.")
        self.keras2 = True
        entries = [node] if _is_triple(node) else node
        tensors, kwargs = [], {}
        for entry in entries:
            if not _is_triple(entry):
                raise ValueError(
                    f"Invalid functional model config: expected [layer_name, node_index, "
                    f"tensor_index, kwargs] entries, received {entry!r}."
                )
            tensors.append(self.get_tensor(*entry[:3]))
            if len(entry) > 3 and entry[3]:
                kwargs.update(self._deserialize_arg(entry[3]))
        return [tensors[0] if len(tensors) == 1 else tensors], kwargs

    def build(self):
        from minikeras.saving.serialization import deserialize_keras_object

        pending = {}
        for entry in self.entries:
            if not isinstance(entry, dict) or "class_name" not in entry:
                raise ValueError(
                    f"Invalid functional model config: each layer entry must be a dict with "
                    f"'class_name', 'config', 'name' and 'inbound_nodes'. Received: "
                    f"{str(entry)[:200]}"
                )
            layer = deserialize_keras_object(entry, custom_objects=self.custom_objects)
            name = entry.get("name") or layer.name
            self.layers[name] = layer
            nodes = entry.get("inbound_nodes") or []
            if any(isinstance(n, list) for n in nodes):
                self.keras2 = True
            pending[name] = list(nodes)
        while any(pending.values()):
            progressed = False
            for name, nodes in pending.items():
                while nodes:
                    try:
                        args, kwargs = self.call_args(nodes[0])
                    except _NotReady:
                        break
                    layer = self.layers[name]
                    if isinstance(layer, OpNode):
                        layer.call_op(*args, **kwargs)
                    else:
                        layer(*args, **kwargs)
                    nodes.pop(0)
                    progressed = True
            if not progressed:
                stuck = [n for n, v in pending.items() if v]
                raise ValueError(
                    "Invalid functional model config: the graph has loops or disconnected "
                    f"nodes; these layers' calls could not be resolved: {stuck}"
                )

    def map_tensors(self, spec):
        if _is_triple(spec):
            return self.get_tensor(*spec[:3])
        if isinstance(spec, dict):
            return {k: self.map_tensors(v) for k, v in spec.items()}
        if isinstance(spec, list):
            return [self.map_tensors(v) for v in spec]
        raise ValueError(f"Invalid functional model config: cannot read tensor spec {spec!r}.")


def functional_from_config(cls, config: dict, custom_objects=None):
    """Re-creates a functional model of class `cls` from its Keras 2 or Keras 3 config.

    Raises:
        ValueError: if the config is malformed or names an unknown layer class.
    """
    missing = [k for k in ("layers", "input_layers", "output_layers") if k not in config]
    if missing:
        raise ValueError(
            f"Invalid functional model config: missing key(s) {missing}. Expected 'name', "
            "'layers', 'input_layers' and 'output_layers'."
        )
    builder = _GraphBuilder(config["layers"], custom_objects)
    builder.build()
    try:
        inputs = builder.map_tensors(config["input_layers"])
        outputs = builder.map_tensors(config["output_layers"])
    except _NotReady as exc:
        raise ValueError(
            f"Invalid functional model config: input/output layer '{exc}' has no such node."
        ) from None
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    kwargs = {"name": config.get("name")}
    if "trainable" in config:
        kwargs["trainable"] = config["trainable"]
    from minikeras.models.functional import Functional

    target = cls if cls is not None and issubclass(cls, Functional) else Functional
    return target(inputs, outputs, **kwargs)
