"""`keras.ops` on symbolic tensors: an op given a `KerasTensor` becomes a graph node.

In Keras 3, `y = keras.ops.mean(x, axis=1)` with `x = keras.Input(...)` adds an
operation to the functional graph. Here every public op is wrapped once: the
op runs as usual, and only when its inputs turn out to be symbolic (the tape's
`unwrap`/`value_of` raise `SymbolicInput`) is the call re-issued as an
`OpNode` through `symbolic_op`. Concrete calls pay one `try` block.
"""

from __future__ import annotations

import functools

from minikeras.backend.keras_tensor import KerasTensor, SymbolicInput

# Ops that take functions or answer from the static shape instead of making a node.
NOT_DISPATCHED = frozenset(
    {
        "custom_gradient",
        "cond",
        "while_loop",
        "fori_loop",
        "map",
        "scan",
        "switch",
        "vectorized_map",
        "is_tensor",
        "convert_to_numpy",
    }
)
_STATIC = {
    "shape": lambda x: tuple(x.shape),
    "ndim": lambda x: len(x.shape),
    "dtype": lambda x: x.dtype,
}
# Keras 3 module of ops defined in minikeras' extra modules (for saved op nodes).
_KERAS_MODULE = {
    "minikeras.ops.numpy_extra": "minikeras.ops.numpy",
    "minikeras.ops.core_extra": "minikeras.ops.core",
    "minikeras.ops.nn_extra": "minikeras.ops.nn",
}


def dispatching(name: str, fn):
    """`fn` that records a functional-graph node when called on KerasTensors."""
    static = _STATIC.get(name)

    if static is None:

        @functools.wraps(fn)
        def op(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except SymbolicInput:
                from minikeras.ops.op_node import symbolic_op

                return symbolic_op(name, *args, **kwargs)
    else:

        @functools.wraps(fn)
        def op(*args, **kwargs):
            if args and isinstance(args[0], KerasTensor):
                return static(args[0])
            try:
                return fn(*args, **kwargs)
            except SymbolicInput:
                from minikeras.ops.op_node import symbolic_op

                return symbolic_op(name, *args, **kwargs)

    op.__module__ = _KERAS_MODULE.get(fn.__module__, fn.__module__)
    op.__wrapped_op__ = fn
    return op


def public_op(name: str, obj):
    """What the `minikeras.ops` namespace holds under `name` for `obj`: an op function
    wrapped by `dispatching`, anything else (modules, classes, the ops that take
    functions) as it is."""
    if (
        name.startswith("_")
        or name in NOT_DISPATCHED
        or not callable(obj)
        or isinstance(obj, type)
        or not getattr(obj, "__module__", "").startswith("minikeras.ops")
        or hasattr(obj, "__wrapped_op__")
    ):
        return obj
    return dispatching(name, obj)
