"""`Node`: one call of a layer on symbolic tensors, an edge of the functional graph."""

from __future__ import annotations


def flatten(x) -> list:
    """Flattens nested lists/tuples/dicts into a list of leaves (dicts by sorted key)."""
    if isinstance(x, (list, tuple)):
        out = []
        for e in x:
            out.extend(flatten(e))
        return out
    if isinstance(x, dict):
        out = []
        for k in sorted(x):
            out.extend(flatten(x[k]))
        return out
    return [x]


def pack_like(structure, flat: list):
    """Rebuilds `structure` with the leaves taken in order from `flat`."""
    it = iter(flat)

    def rebuild(s):
        if isinstance(s, (list, tuple)):
            return (
                type(s)(rebuild(e) for e in s)
                if isinstance(s, list)
                else tuple(rebuild(e) for e in s)
            )
        if isinstance(s, dict):
            return {k: rebuild(s[k]) for k in sorted(s)}
        return next(it)

    return rebuild(structure)


class Node:
    """Records `layer(input_tensors, *args, **kwargs) -> output_tensors` symbolically."""

    def __init__(self, layer, input_tensors, output_tensors, call_args=(), call_kwargs=None):
        self.layer = layer
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        from minikeras.backend.keras_tensor import KerasTensor

        self.flat_inputs = [t for t in flatten(input_tensors) if isinstance(t, KerasTensor)]
        # KerasTensors passed as call arguments (e.g. Keras 3's explicit `mask=`) are graph
        # dependencies too.
        self.flat_inputs += [
            t
            for t in flatten([list(self.call_args), self.call_kwargs])
            if isinstance(t, KerasTensor)
        ]
        self.flat_outputs = flatten(output_tensors)

    @property
    def parent_nodes(self) -> list:
        out = []
        for t in self.flat_inputs:
            layer, ni, _ = t._keras_history
            out.append(layer._inbound_nodes[ni])
        return out
