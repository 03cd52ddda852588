"""A small reverse-mode autodiff over NumPy.

Ops return plain `np.ndarray`s when no input needs a gradient, so inference
pays nothing for autodiff. When an input is a `Tensor` (or a trainable
`Variable` read inside a `GradientTape`), the op returns a `Tensor` that
remembers its parents and one vector-Jacobian product (VJP) per parent.
`GradientTape.gradient` walks those links backwards in topological order.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np

from minikeras.backend.eager_tensor import EagerTensor, tensor_repr, tensor_str
from minikeras.backend.keras_tensor import SymbolicInput, any_symbolic
from minikeras.backend.operators import ArrayOperatorsMixin, _ops
from minikeras.backend.variable import Variable

_tape_stack: list = []  # the active GradientTapes, innermost last
_next_seq = itertools.count().__next__
# id(array) -> leaf Tensor for NumPy arrays passed to `tape.watch` on an active tape.
_watched_arrays: dict[int, Tensor] = {}
# The recorded backward pass for gradients taken inside a tape; `minikeras.ops`
# installs it (`ops/second_order.py`), since it differentiates with ops.
_recorded_backward: list = []


class Tensor(ArrayOperatorsMixin):
    """An array recorded on the tape: its value, its parents and their VJPs."""

    __array_priority__ = 100
    # `op` (set only by ops that have a second-order rule, see `ops/second_order.py`).
    __slots__ = ("value", "parents", "vjps", "seq", "op", "_keras_mask", "__weakref__")

    def __init__(self, value: np.ndarray, parents: tuple = (), vjps: tuple = ()):
        self.value = value
        self.parents = parents
        self.vjps = vjps
        # Creation order is a topological order (parents exist before children).
        self.seq = _next_seq()

    shape = property(lambda self: self.value.shape)
    dtype = property(lambda self: self.value.dtype)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)

    def numpy(self) -> np.ndarray:
        return self.value

    def __array__(self, dtype=None, copy=None):
        v = np.asarray(self.value)  # reductions may leave a NumPy scalar in `value`
        return v if dtype is None else v.astype(dtype)

    def __len__(self) -> int:
        return len(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __repr__(self) -> str:
        return tensor_repr(np.asarray(self.value))

    def __str__(self) -> str:
        return tensor_str(np.asarray(self.value))

    def reshape(self, *shape):
        return _ops().reshape(self, shape[0] if len(shape) == 1 else shape)

    def astype(self, dtype):
        return _ops().cast(self, dtype)


def unwrap(x):
    """Returns `(value, tensor_or_None)` for an op input.

    Python scalars are passed through untouched so that NumPy keeps the array
    operand's dtype (float32 stays float32).
    """
    if type(x) is Tensor:
        return x.value, x
    if type(x) is np.ndarray:
        if _watched_arrays:
            return x, _watched_arrays.get(id(x))
        return x, None
    if type(x) is EagerTensor:
        return x.value, (_watched_arrays.get(id(x)) if _watched_arrays else None)
    if isinstance(x, Variable):
        if _tape_stack:
            return x.value, _variable_node(x)
        return x.value, None
    if isinstance(x, Tensor):
        return x.value, x
    if isinstance(x, (int, float, bool, np.generic)):
        return x, None
    if isinstance(x, (list, tuple)) and any(
        isinstance(e, (Tensor, Variable, EagerTensor)) for e in x
    ):
        stacked = _ops().stack(x)
        return (stacked.value, stacked) if type(stacked) is Tensor else (stacked, None)
    if any_symbolic(x):
        raise SymbolicInput(x)  # `keras.ops` turns this into a functional-graph node
    return np.asarray(x), None


def _variable_node(var: Variable):
    """The leaf Tensor of `var` shared by every active tape that records it, or None.

    A trainable variable is recorded by each active tape that watches accessed
    variables; any variable (trainable or not) is recorded once `tape.watch`ed.
    Nested tapes share one leaf, so an outer tape sees reads made inside an
    inner one.
    """
    key = id(var)
    node = None
    for tape in _tape_stack:
        entry = tape._leaves.get(key)
        if entry is not None:
            node = entry[1]
            break
    recorded = node is not None
    if var.trainable:
        for tape in _tape_stack:
            if tape._watch_accessed and key not in tape._leaves:
                if node is None:
                    node = Tensor(var.value)
                tape._leaves[key] = (var, node)
                recorded = True
    return node if recorded else None


def recorded_or_value(x: EagerTensor):
    """The tape's leaf for an `EagerTensor` watched on an active tape, else its array."""
    node = _watched_arrays.get(id(x)) if _watched_arrays else None
    return x.value if node is None else node


def value_of(x):
    """Returns the plain NumPy value of a Tensor, Variable, array or scalar."""
    if type(x) is np.ndarray:
        return x
    if isinstance(x, (Tensor, Variable, EagerTensor)):
        return x.value
    if any_symbolic(x):
        raise SymbolicInput(x)  # `keras.ops` turns this into a functional-graph node
    return np.asarray(x)


def record(value, *links):
    """Wraps an op's output in a Tensor if any `(parent, vjp)` link has a parent.

    Args:
        value: The op's NumPy result.
        *links: Pairs `(parent_tensor_or_None, vjp)`; `vjp(g)` maps the output
            gradient to that parent's gradient.
    """
    parents = []
    vjps = []
    for parent, vjp in links:
        if parent is not None:
            parents.append(parent)
            vjps.append(vjp)
    if not parents:
        return value
    return Tensor(value, tuple(parents), tuple(vjps))


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sums `grad` over the axes that broadcasting added or stretched, to `shape`."""
    if grad.shape == shape:
        return grad
    ndim_extra = grad.ndim - len(shape)
    if ndim_extra:
        grad = grad.sum(axis=tuple(range(ndim_extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def backward(root: Tensor, seed: np.ndarray | None, keep: set) -> dict:
    """Propagates gradients from `root` to every tensor whose id is in `keep`.

    Nodes are visited in reverse creation order (a max-heap on `Tensor.seq`),
    which is a reverse topological order: a node's gradient is complete before
    its VJPs run. Only nodes that receive a gradient are ever touched.

    Returns:
        A dict `id(tensor) -> gradient` for the kept tensors reached.
    """
    grads = {id(root): np.ones_like(root.value) if seed is None else seed}
    heap = [(-root.seq, root)]
    kept = {}
    leaves = []  # leaf tensors (no parents) reached: they only collect, never go on the heap
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        node = pop(heap)[1]
        nid = id(node)
        g = grads.pop(nid)
        if nid in keep:
            kept[nid] = g
        for parent, vjp in zip(node.parents, node.vjps):
            gp = vjp(g)
            if gp is None:
                continue
            pid = id(parent)
            prev = grads.get(pid)
            if prev is None:
                grads[pid] = gp
                if parent.parents:
                    push(heap, (-parent.seq, parent))
                else:
                    leaves.append(pid)
            else:
                grads[pid] = prev + gp
    for pid in leaves:
        if pid in keep:
            kept[pid] = grads[pid]
    return kept


def cached_backward(compute):
    """`compute(g)` run once per upstream gradient `g`, shared by several parents' VJPs.

    For ops whose VJPs come out of one computation (a whole-sequence BPTT, a
    product that yields two gradients): each VJP calls the returned function with
    the same `g` and takes its part.
    """
    cache = {}

    def get(g):
        if cache.get("g") is not g:
            cache["grads"] = compute(g)
            cache["g"] = g
        return cache["grads"]

    return get


def stop_gradient(x):
    """Returns the value of `x` with no gradient flowing back through it."""
    return value_of(x)


def is_tensor(x) -> bool:
    return isinstance(x, (Tensor, np.ndarray, Variable, EagerTensor))


def __getattr__(name: str):
    # `GradientTape` lives in its own module, which imports this one; it is also found here.
    if name == "GradientTape":
        from minikeras.backend.gradient_tape import GradientTape

        return GradientTape
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
