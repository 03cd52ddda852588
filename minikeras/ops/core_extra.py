"""More `keras.ops.core`: slicing, scatter, control flow and mapping.

Control flow runs eagerly in Python (there is no graph to trace), so
`cond`, `while_loop`, `fori_loop`, `map` and `scan` are differentiable
whenever their bodies are composed from `ops`.
"""

from __future__ import annotations

import builtins

import numpy as np

from minikeras.backend.autodiff import Tensor, record, unwrap, value_of
from minikeras.ops import numpy as _np_ops


def _slices(start_indices, shape):
    starts = [int(s) for s in np.asarray(value_of(start_indices)).reshape(-1)]
    return starts, tuple(int(n) for n in shape)


def slice(inputs, start_indices, shape):  # noqa: A001 - Keras name
    """`inputs[start:start + shape]` on every axis."""
    starts, sizes = _slices(start_indices, shape)
    key = tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))
    return _np_ops.getitem(inputs, key)


def slice_update(inputs, start_indices, updates):
    """A copy of `inputs` with the block starting at `start_indices` replaced by `updates`."""
    starts, sizes = _slices(start_indices, np.shape(value_of(updates)))
    return _replace_at(
        inputs, tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes)), updates
    )


def _replace_at(inputs, key, updates):
    """A copy of `inputs` with `inputs[key] = updates`; gradients flow to both (not to the
    replaced entries of `inputs`)."""
    iv, inode = unwrap(inputs)
    uv, unode = unwrap(updates)
    out = np.array(iv, copy=True)
    out[key] = uv
    if inode is None and unode is None:
        return out

    def vjp_in(g):
        g = np.array(g, copy=True)
        g[key] = 0
        return g

    return record(out, (inode, vjp_in), (unode, lambda g: g[key]))


def scatter(indices, values, shape):
    """Zeros of `shape` with `values` added at `indices` (duplicates accumulate)."""
    idx = np.asarray(value_of(indices)).astype(np.intp)
    vv, vn = unwrap(values)
    vv = np.asarray(vv)
    key = tuple(np.moveaxis(idx, -1, 0))
    out = np.zeros(tuple(shape), dtype=vv.dtype)
    np.add.at(out, key, vv)
    if vn is None:
        return out
    return Tensor(out, (vn,), (lambda g: g[key],))


def scatter_update(inputs, indices, updates):
    """A copy of `inputs` with the entries at `indices` set to `updates`."""
    idx = np.asarray(value_of(indices)).astype(np.intp)
    return _replace_at(inputs, tuple(np.moveaxis(idx, -1, 0)), updates)


def cond(pred, true_fn, false_fn):
    """Calls `true_fn()` if `pred` holds, else `false_fn()`."""
    return true_fn() if bool(np.asarray(value_of(pred))) else false_fn()


def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, element-wise (`np.select`)."""
    out = default
    for c, v in reversed(list(zip(condlist, choicelist))):
        out = _np_ops.where(c, v, out)
    return out


def switch(index, branches, *operands):
    """Calls `branches[index](*operands)` (index clamped to the valid range)."""
    i = int(np.clip(int(np.asarray(value_of(index))), 0, len(branches) - 1))
    return branches[i](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds."""
    single = not isinstance(loop_vars, (list, tuple))
    state = (loop_vars,) if single else tuple(loop_vars)
    n = 0
    while bool(np.asarray(value_of(cond(*state)))):
        if maximum_iterations is not None and n >= maximum_iterations:
            break
        out = body(*state)
        state = (out,) if single else tuple(out)
        n += 1
    return state[0] if single else (list(state) if isinstance(loop_vars, list) else state)


def fori_loop(lower, upper, body_fun, init_val):
    """`val = body_fun(i, val)` for `i` in `range(lower, upper)`."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def map(f, xs):  # noqa: A001 - Keras name
    """Applies `f` to each slice of `xs` along axis 0 and stacks the results."""
    n = np.shape(value_of(xs))[0]
    outs = [f(_np_ops.getitem(xs, i)) for i in range(n)]
    return _np_ops.stack(outs, axis=0)


def vectorized_map(function, elements):
    """Same result as `map`: `function` over the slices of `elements` along axis 0."""
    return map(function, elements)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops `carry, y = f(carry, x)` over `xs`; returns `(carry, stacked ys)`."""
    n = length if xs is None else np.shape(value_of(xs))[0]
    order = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, []
    for i in order:
        carry, y = f(carry, None if xs is None else _np_ops.getitem(xs, i))
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, (_np_ops.stack(ys, axis=0) if ys and ys[0] is not None else None)


__all__ = [
    "cond",
    "fori_loop",
    "map",
    "scan",
    "scatter",
    "scatter_update",
    "select",
    "slice",
    "slice_update",
    "switch",
    "vectorized_map",
    "while_loop",
]
