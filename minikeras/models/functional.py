"""`Functional`: a model defined by a graph of layer calls from `Input`s to outputs."""

from __future__ import annotations

from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.core.input_layer import InputLayer
from minikeras.layers.layer import Layer
from minikeras.models.model import Model
from minikeras.ops.node import flatten, pack_like


def _graph_nodes(inputs: list, outputs: list) -> list:
    """Nodes between `inputs` and `outputs`, in an order that respects dependencies.

    Nodes are sorted by depth (longest distance to an output, deepest first),
    ties broken by discovery order, as Keras orders `model.layers`.
    """
    order = []
    seen = set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parent_nodes:
            visit(parent)
        order.append(node)

    for t in outputs:
        layer, ni, _ = t._keras_history
        visit(layer._inbound_nodes[ni])
    depth = {id(n): 0 for n in order}
    for node in reversed(order):
        for parent in node.parent_nodes:
            depth[id(parent)] = max(depth[id(parent)], depth[id(node)] + 1)
    input_ids = [id(t) for t in inputs]
    for node in order:
        if isinstance(node.layer, InputLayer) and id(node.output_tensors) not in input_ids:
            raise ValueError(
                f"Graph disconnected: cannot obtain value for tensor {node.output_tensors} at "
                f"layer '{node.layer.name}'. The following previous layers were accessed "
                "without issue: " + str([n.layer.name for n in order if n is not node][:5])
            )
    index = {id(n): i for i, n in enumerate(order)}
    return sorted(order, key=lambda n: (-depth[id(n)], index[id(n)]))


def _substitute(x, values):
    """Replaces the KerasTensors inside a call argument by their computed values."""
    flat = flatten(x)
    if not any(isinstance(t, KerasTensor) for t in flat):
        return x
    return pack_like(x, [values[id(t)] if isinstance(t, KerasTensor) else t for t in flat])


class Functional(Model):
    """A model built from symbolic `Input`s and the tensors layers produced from them.

    Args:
        inputs: A KerasTensor, or a list/dict of them, made with `keras.Input`.
        outputs: A KerasTensor, or a list/dict of them.
        name: Model name.
    """

    _is_graph_network = True

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        flat_in = flatten(inputs)
        flat_out = flatten(outputs)
        if not flat_out:
            raise ValueError(
                f"`outputs` argument cannot be empty. Received: inputs={inputs}, outputs={outputs}"
            )
        for t in flat_in + flat_out:
            if not isinstance(t, KerasTensor):
                raise ValueError(
                    "All `inputs` and `outputs` of a functional model must be symbolic tensors "
                    f"made by `keras.Input` and layer calls. Received: {t!r}"
                )
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = flat_in
        self.outputs = flat_out
        self._nodes = _graph_nodes(flat_in, flat_out)
        operations = []
        for node in self._nodes:
            if node.layer not in operations:
                operations.append(node.layer)
        _check_unique_names(operations)
        # Inputs first, in the order the user gave them.
        input_layers = [t._keras_history[0] for t in flat_in]
        operations = input_layers + [op for op in operations if op not in input_layers]
        self._operations = operations
        # Sub-layers (weights, losses, `trainable`) are the operations that are layers; the
        # op nodes of `x * 2` on a KerasTensor are operations only, as in Keras 3.
        object.__setattr__(self, "_layers", [op for op in operations if isinstance(op, Layer)])
        self.built = True
        self._build_shapes = [t.shape for t in flat_in] if len(flat_in) > 1 else flat_in[0].shape
        self._input_shape_record = self._build_shapes
        self._output_shape_record = (
            [t.shape for t in flat_out] if len(flat_out) > 1 else flat_out[0].shape
        )

    @property
    def operations(self) -> list:
        """Every operation of the graph: layers and op nodes (`x * 2`), in graph order."""
        return list(self._operations)

    @property
    def input_names(self) -> list[str]:
        return [t._keras_history[0].name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        if isinstance(self._outputs_struct, dict):
            return sorted(self._outputs_struct)
        return [t._keras_history[0].name for t in self.outputs]

    def call(self, inputs, training=None, mask=None):
        return self._run_graph(inputs, training)

    def _run_graph(self, inputs, training):
        from minikeras.models.input_rank import adjust_input_rank

        flat = [
            adjust_input_rank(v, t.shape) for v, t in zip(self._flatten_inputs(inputs), self.inputs)
        ]
        values: dict[int, object] = {}
        masks: dict[int, object] = {}
        for t, v in zip(self.inputs, flat):
            values[id(t)] = v
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            args = pack_like(
                node.input_tensors,
                [
                    values[id(t)] if isinstance(t, KerasTensor) else t
                    for t in flatten(node.input_tensors)
                ],
            )
            kwargs = {k: _substitute(v, values) for k, v in node.call_kwargs.items()}
            call_args = [_substitute(a, values) for a in node.call_args]
            is_layer = isinstance(layer, Layer)
            if training is not None and is_layer and layer._call_has_training:
                kwargs["training"] = training  # the model's flag overrides recorded ones
            in_masks = [
                masks.get(id(t)) for t in flatten(node.input_tensors) if isinstance(t, KerasTensor)
            ]
            mask = None
            if any(m is not None for m in in_masks):
                mask = in_masks if isinstance(node.input_tensors, (list, tuple)) else in_masks[0]
                if is_layer and layer._call_has_mask:
                    kwargs.setdefault("mask", mask)
            out = layer(args, *call_args, **kwargs)
            out_flat = flatten(out)
            out_mask = layer.compute_mask(args, mask) if is_layer else None
            out_masks = (
                out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(out_flat)
            )
            for t, v, m in zip(node.flat_outputs, out_flat, out_masks):
                values[id(t)] = v
                if m is not None:
                    masks[id(t)] = m
        results = [values[id(t)] for t in self.outputs]
        self._output_masks = [masks.get(id(t)) for t in self.outputs]  # for the loss
        if isinstance(self._outputs_struct, (list, tuple)):
            return results
        if isinstance(self._outputs_struct, dict):
            return pack_like(self._outputs_struct, results)
        return results[0]

    def _flatten_inputs(self, inputs) -> list:
        if isinstance(inputs, dict):
            names = (
                sorted(self._inputs_struct)
                if isinstance(self._inputs_struct, dict)
                else self.input_names
            )
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {names}, but the dict it "
                    f"received lacks {missing}. Received keys: {sorted(map(str, inputs))}"
                )
            return [inputs[n] for n in names]
        flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s), but it received "
                f"{len(flat)} input tensors. Inputs received: "
                f"{[getattr(x, 'shape', x) for x in flat]}"
            )
        return list(flat)

    def compute_output_shape(self, input_shape):
        shapes = [t.shape for t in self.outputs]
        return shapes if isinstance(self._outputs_struct, (list, tuple)) else shapes[0]

    def get_config(self) -> dict:
        from minikeras.saving.functional_config import functional_get_config

        return functional_get_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)


def _check_unique_names(operations) -> None:
    """Keras's error for two layers of one name (their weights would share a path)."""
    seen = set()
    for op in operations:
        name = getattr(op, "name", None)
        if name in seen:
            raise ValueError(
                f'The name "{name}" is used 2 times in the model. All operation names should '
                "be unique."
            )
        seen.add(name)
