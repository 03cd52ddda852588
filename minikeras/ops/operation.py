"""`Operation`: a named computation that records a graph node when called on KerasTensors.

As `keras.Operation`: calling an operation on concrete values runs `call()`; calling
it on symbolic `KerasTensor`s runs `symbolic_call()`, which infers the outputs with
`compute_output_spec()` and records a `Node` of the functional graph. `Layer` builds
on this class; the op nodes of `x * 2` on a KerasTensor (`ops.op_node.OpNode`) are
plain operations.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.backend.keras_tensor import KerasTensor, any_symbolic
from minikeras.ops.node import Node, flatten
from minikeras.utils.naming import to_snake_case, unique_name

# Concrete stand-ins of the inputs used to infer an operation's output shape.
MAX_INFERENCE_ELEMENTS = 2**26


def _jsonable(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False


def record_constructor_arguments(cls, args, kwargs) -> tuple[dict, list[str]]:
    """`({name: value}, [names left out])` of a constructor call, as Keras 3 records it:
    JSON-friendly values are kept, other arguments are named as left out."""
    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return {}, []
    recorded, skipped = {}, []
    params = inspect.signature(cls.__init__).parameters
    for i, (name, value) in enumerate(bound.arguments.items()):
        if i == 0:
            continue  # self
        if params[name].kind is inspect.Parameter.VAR_KEYWORD:
            items = value.items()
        elif params[name].kind is inspect.Parameter.VAR_POSITIONAL:
            skipped += [name] if value else []
            continue
        else:
            items = [(name, value)]
        for key, v in items:
            if _jsonable(v):
                recorded[key] = list(v) if isinstance(v, tuple) else v
            else:
                skipped.append(key)
    return recorded, skipped


def concrete_like(x, fill: int):
    """A concrete array standing in for each KerasTensor in `x` (None dims set to `fill`):
    ones, with the identity added to square float matrices so that the linear-algebra ops
    (inv, solve, cholesky, logdet) get an invertible, positive-definite stand-in."""
    if isinstance(x, KerasTensor):
        shape = tuple(fill if d is None else d for d in x.shape)
        stand_in = np.ones(shape, dtype=x.dtype or "float32")
        if len(shape) >= 2 and shape[-1] == shape[-2] and stand_in.dtype.kind == "f":
            stand_in += np.eye(shape[-1], dtype=stand_in.dtype)
        return stand_in
    if isinstance(x, (list, tuple)):
        return type(x)(concrete_like(e, fill) for e in x)
    if isinstance(x, dict):
        return {k: concrete_like(v, fill) for k, v in x.items()}
    return x


class Operation:
    """A computation with a name that can be a node of a functional graph.

    Subclasses implement `call()` and, where running `call()` on stand-in arrays cannot
    tell the output's shape and dtype, `compute_output_spec()`.

    Args:
        name: The operation's name; a unique snake_case name of the class if None.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("minikeras.") or "__init__" not in cls.__dict__:
            return
        init = cls.__dict__["__init__"]

        @functools.wraps(init)
        def recording_init(self, *args, **kw):
            # As Keras 3: a user class's constructor arguments are recorded (by its outermost
            # `__init__`), so one without `get_config` is saved and re-created with them.
            if "_auto_config" not in self.__dict__:
                object.__setattr__(
                    self, "_auto_config", record_constructor_arguments(type(self), args, kw)
                )
            init(self, *args, **kw)

        cls.__init__ = recording_init

    def __init__(self, name: str | None = None):
        if name is None:
            name = unique_name(to_snake_case(type(self).__name__))
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name!r} (of type {type(name)})"
            )
        self.name = name
        self._inbound_nodes: list[Node] = []

    def __call__(self, *args, **kwargs):
        if any_symbolic(args) or any_symbolic(kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def call(self, *args, **kwargs):
        """The computation on concrete values; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement `call()`.")

    def symbolic_call(self, inputs, *args, **kwargs):
        """Infers the outputs for symbolic `inputs` and records the call as a graph node."""
        outputs = self.compute_output_spec(inputs, *args, **kwargs)
        self._record_node(inputs, outputs, args, kwargs)
        return outputs

    def _record_node(self, inputs, outputs, call_args=(), call_kwargs=None) -> Node:
        """Appends the `Node` of a symbolic call and tags its output tensors with it."""
        node = Node(self, inputs, outputs, call_args, call_kwargs)
        self._inbound_nodes.append(node)
        node_index = len(self._inbound_nodes) - 1
        flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        for i, t in enumerate(flat):
            t._keras_history = (self, node_index, i)
            t.name = f"{self.name}/{i}" if len(flat) > 1 else self.name
        return node

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensor(s) describing the output, found by running `call()` on stand-ins.

        Unknown (`None`) dimensions are tried at two sizes; a dimension of the output
        that changes with them is reported as `None`.

        Raises:
            ValueError: if the stand-ins would hold more than `MAX_INFERENCE_ELEMENTS`.
        """
        sizes = [
            int(np.prod(t.shape, dtype=object))
            for t in flatten([list(args), dict(kwargs)])
            if isinstance(t, KerasTensor) and None not in t.shape
        ]
        if sum(sizes) > MAX_INFERENCE_ELEMENTS:
            raise ValueError(
                f"Operation '{self.name}' ({type(self).__name__}) gets inputs of {sum(sizes)} "
                f"elements; inferring its output shape allows at most {MAX_INFERENCE_ELEMENTS}."
            )
        outs = []
        with np.errstate(all="ignore"):
            for fill in (2, 3):
                outs.append(
                    self.call(*concrete_like(list(args), fill), **concrete_like(kwargs, fill))
                )

        def spec(a, b):
            if isinstance(a, (list, tuple)):
                return [spec(x, y) for x, y in zip(a, b)]
            va, vb = np.asarray(value_of(a)), np.asarray(value_of(b))
            shape = tuple(x if x == y else None for x, y in zip(va.shape, vb.shape))
            return KerasTensor(shape, dtype=va.dtype.name)

        return spec(outs[0], outs[1])

    @property
    def input(self):
        """The input tensor(s) of the first call on symbolic tensors."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no input to return.")
        return self._inbound_nodes[0].input_tensors

    @property
    def output(self):
        """The output tensor(s) of the first call on symbolic tensors."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return self._inbound_nodes[0].output_tensors

    def _inbound_connections(self) -> list[str]:
        """`['dense_a[0][0]', ...]` for the summary's Connected-to column."""
        out = []
        for node in self._inbound_nodes[:1]:
            for t in node.flat_inputs:
                op, ni, ti = t._keras_history
                out.append(f"{op.name}[{ni}][{ti}]")
        return out

    def get_config(self) -> dict:
        """The operation's constructor arguments as a JSON-friendly dict: its name, and
        for a user subclass without its own `get_config` the recorded JSON-friendly
        constructor arguments (as Keras 3)."""
        config = {"name": self.name}
        auto = self.__dict__.get("_auto_config")
        if auto is not None and type(self).get_config is Operation.get_config:
            config.update({k: v for k, v in auto[0].items() if k != "name"})
        return config

    @classmethod
    def from_config(cls, config: dict):
        """Creates the operation from `get_config()` output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
