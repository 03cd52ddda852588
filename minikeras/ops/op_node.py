"""Ops applied to symbolic tensors: each call becomes an `OpNode` of the graph.

`x = Input((3,)); y = x * 2 + 1; Model(x, y)` works because `KerasTensor`
arithmetic (and any `keras.ops` function called on a KerasTensor) goes through
`symbolic_op`, which wraps the op in an `Operation` and calls it symbolically,
as Keras 3 records its `Operation`s in the functional graph. The node's class
name is the op's Keras 3 class name (`Multiply`, `Sum`, `GetItem`, ...) so
`summary()` reads like Keras.

Saving/loading (Keras 3 format): an op node serializes as
`{"module": "keras.src.ops.numpy", "class_name": "NotEqual", "config": {"name": ...,
**static_kwargs}}` (see `serialize_keras_object`); its inbound node is
`{"args": node.input_tensors["args"], "kwargs": node.input_tensors["kwargs"]}`.
A loader rebuilds it with `op_node_from_config(class_name, config)` and calls
`node.call_op(*args, **kwargs)`. Keras 3 records an `Embedding(mask_zero=True)`
mask this way (a `NotEqual(tokens, 0)` node passed to later layers as `mask=`).
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.keras_tensor import KerasTensor, any_symbolic
from minikeras.ops.node import flatten, pack_like
from minikeras.ops.operation import MAX_INFERENCE_ELEMENTS, Operation
from minikeras.ops.symbolic import NOT_DISPATCHED
from minikeras.utils.naming import unique_name

# KerasTensor dunder methods pass these names for reflected operators.
_REFLECTED = {
    "radd": "add",
    "rsubtract": "subtract",
    "rmultiply": "multiply",
    "rdivide": "divide",
    "rmatmul": "matmul",
    "rpower": "power",
}
# Keras 3 op class names that are not the plain CamelCase of the function name.
_CLASS_NAMES = {"getitem": "GetItem", "logsumexp": "Logsumexp", "true_divide": "TrueDivide"}
_OP_CLASSES: dict[str, type] = {}


def op_class_name(op_name: str) -> str:
    """Keras 3 class name of the op `op_name` (`"expand_dims"` → `"ExpandDims"`)."""
    return _CLASS_NAMES.get(op_name) or "".join(p.capitalize() for p in op_name.split("_"))


def op_name_from_class(class_name: str) -> str:
    """Inverse of `op_class_name` (`"ExpandDims"` → `"expand_dims"`)."""
    for name, cls_name in _CLASS_NAMES.items():
        if cls_name == class_name:
            return name
    from minikeras.utils.naming import to_snake_case

    return to_snake_case(class_name)


# Public ops that never become graph nodes (they take Python functions or answer from
# the static shape), so no saved graph names them.
_NOT_NODES = NOT_DISPATCHED | {"shape", "ndim", "dtype", "size"}
# Constant arguments of a saved op node describe shapes, axes and counts, not data: an
# integer (or a list of integers, multiplied) above this is refused before the op runs.
MAX_STATIC_ELEMENTS = 2**24


def public_op_names() -> frozenset:
    """Names a config may give for an op node: the public `keras.ops` functions."""
    from minikeras import ops

    return frozenset(
        name
        for name in ops.__all__
        if name.isidentifier()
        and not name.startswith("_")
        and name not in _NOT_NODES
        and callable(getattr(ops, name))
        and not isinstance(getattr(ops, name), type)
        and getattr(getattr(ops, name), "__module__", "").startswith("minikeras.ops")
    )


def _resolve(fn):
    """Returns `(op_name, callable)` for an op given by name or as a function."""
    from minikeras import ops

    if callable(fn):
        return getattr(fn, "__name__", "lambda"), fn
    if not isinstance(fn, str) or fn not in public_op_names():
        raise ValueError(
            f"Unknown op {str(fn)[:80]!r}: expected a function or the name of a "
            "public `keras.ops` function (such as 'add', 'mean', 'not_equal')."
        )
    return fn, getattr(ops, fn)


def check_static_arguments(op_name: str, *values) -> None:
    """Raises ValueError if a constant argument of the op node asks for a huge array.

    Integers count as sizes, and lists/tuples of integers as shapes (their product).
    """

    def size_of(v):
        if isinstance(v, bool):
            return 0
        if isinstance(v, int):
            return abs(v)
        if isinstance(v, float) and not np.isfinite(v):
            return 0
        if (
            isinstance(v, (list, tuple))
            and v
            and all(isinstance(e, int) and not isinstance(e, bool) for e in v)
        ):
            return int(np.prod([abs(e) for e in v], dtype=object))
        return 0

    def visit(v):
        if isinstance(v, KerasTensor):
            return
        n = size_of(v)
        if n > MAX_STATIC_ELEMENTS:
            raise ValueError(
                f"Op node '{op_name}' has a constant argument asking for {n} elements "
                f"({str(v)[:80]}); a saved graph's op arguments may ask for at most "
                f"{MAX_STATIC_ELEMENTS}."
            )
        if isinstance(v, (list, tuple)):
            for e in v:
                visit(e)
        elif isinstance(v, dict):
            for e in v.values():
                visit(e)

    for value in values:
        visit(value)


def _op_node_class(op_name: str) -> type:
    cls_name = op_class_name(op_name)
    cls = _OP_CLASSES.get(cls_name)
    if cls is None:
        cls = type(
            cls_name,
            (OpNode,),
            {"__doc__": f"The `ops.{op_name}` op as a graph node.", "__module__": __name__},
        )
        _OP_CLASSES[cls_name] = cls
    return cls


class OpNode(Operation):
    """A weightless operation applying one op to its (possibly several) tensor arguments.

    Like Keras 3 operations, op nodes are listed in `model.operations` and the
    summary, but not in `model.layers`.

    Args:
        op: The op function, or the name of a `keras.ops` function.
        op_kwargs: Static keyword arguments of the op (JSON-friendly values).
        name: Node name (default: the op name, made unique).
    """

    def __init__(self, op=None, op_kwargs=None, name=None):
        op_name, fn = _resolve(op if op is not None else _op_name_of_class(type(self)))
        super().__init__(name=name or unique_name(op_name))
        self.op_name = op_name
        self.fn = fn
        self.op_kwargs = dict(op_kwargs or {})

    @property
    def _keras_module(self) -> str:
        """Module Keras 3 records for this op's class (`keras.src.ops.numpy`, ...)."""
        module = getattr(self.fn, "__module__", "") or ""
        if module.startswith("minikeras.ops."):
            return "keras.src.ops." + module.rsplit(".", 1)[-1]
        return module or "keras.src.ops.numpy"

    def call_op(self, *args, **kwargs):
        """Calls the op on Keras-style arguments (`args` may hold KerasTensors and constants),
        as a Keras 3 file's `inbound_nodes` entry `{"args": [...], "kwargs": {...}}` gives.

        Raises:
            ValueError: if no argument is a tensor (Keras records only ops applied to
                tensors) or a constant argument asks for a huge array.
        """
        check_static_arguments(self.op_name, args, kwargs, self.op_kwargs)
        if not any(
            isinstance(a, (KerasTensor, np.ndarray)) or hasattr(a, "_keras_history")
            for a in flatten([list(args), dict(kwargs)])
        ):
            raise ValueError(
                f"Op node '{self.name}' ({self.op_name}) takes no tensor input; a functional "
                "graph records only ops applied to tensors."
            )
        return self({"args": list(args), "kwargs": dict(kwargs)})

    def call(self, inputs):
        """Applies the op to `inputs`, the node's `{"args": [...], "kwargs": {...}}`."""
        args, kwargs = inputs["args"], inputs["kwargs"]
        return self.fn(*args, **{**self.op_kwargs, **kwargs})

    def get_config(self) -> dict:
        return {"name": self.name, **self.op_kwargs}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        name = config.pop("name", None)
        config.pop("trainable", None)
        op = config.pop("op", None) or _op_name_of_class(cls)
        if op != "cast":  # Keras 3's Cast op keeps its target in `dtype`
            config.pop("dtype", None)
        return cls(op=op, op_kwargs=config, name=name)


def _op_name_of_class(cls) -> str:
    if cls is OpNode:
        raise ValueError("OpNode needs an `op`: a function or a `keras.ops` function name.")
    return op_name_from_class(cls.__name__)


def is_op_module(module) -> bool:
    """True for the `module` of a Keras 3 functional-graph op node (`keras.src.ops.*`)."""
    return isinstance(module, str) and module.startswith("keras.src.ops")


def op_node_from_config(class_name: str, config: dict) -> OpNode:
    """Re-creates the op node saved by Keras 3 as `{"module": "keras.src.ops...",
    "class_name": class_name, "config": config}` (e.g. `"Sum"`, `{"axis": -1}`)."""
    op_name = op_name_from_class(class_name)
    return _op_node_class(op_name).from_config({**config, "op": op_name})


def _is_static(v) -> bool:
    """True for values that can live in a config (no tensors, no arrays)."""
    if isinstance(v, (list, tuple)):
        return all(_is_static(e) for e in v)
    return v is None or isinstance(v, (bool, int, float, str, slice, type(Ellipsis)))


def symbolic_op(fn, *args, **kwargs):
    """Applies `fn` to arguments that include KerasTensors, adding a node to the graph.

    Args:
        fn: A `keras.ops` function or its name (`"add"`, also the reflected
            `"radd"`, `"rsubtract"`, ... used by KerasTensor operators), or any
            function of tensors.
        *args: Positional arguments; KerasTensors anywhere in them (also in
            lists) become the node's inputs, other values are kept as they are.
        **kwargs: Keyword arguments; static ones are stored in the node's config.

    Returns:
        The KerasTensor(s) of the result.
    """
    if isinstance(fn, str) and fn in _REFLECTED:
        fn, args = _REFLECTED[fn], (args[1], args[0], *args[2:])
    op_name, func = _resolve(fn)
    static = {k: v for k, v in kwargs.items() if not any_symbolic(v) and _is_static(v)}
    dynamic = {k: v for k, v in kwargs.items() if k not in static}
    node = _op_node_class(op_name)(op=func, op_kwargs=static)
    node.op_name = op_name
    return node({"args": list(args), "kwargs": dynamic})


__all__ = [
    "MAX_INFERENCE_ELEMENTS",
    "OpNode",
    "is_op_module",
    "op_class_name",
    "op_node_from_config",
    "op_name_from_class",
    "symbolic_op",
    "flatten",
    "pack_like",
]
