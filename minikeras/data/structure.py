"""Nested element structures of a `Dataset`: tuples, dicts and arrays at the leaves.

`tf.data` treats tuples (named tuples included) and dicts as structure and
everything else (lists included) as one tensor. These helpers walk such
structures and convert leaves to NumPy arrays with TensorFlow's dtype rules.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import Tensor
from minikeras.backend.eager_tensor import EagerTensor, as_eager


def is_nested(x) -> bool:
    return isinstance(x, (tuple, dict))


def flatten(x) -> list:
    """The leaves of `x` in order (dict values in insertion order)."""
    if _flat_tuple(x):
        return list(x)
    if isinstance(x, tuple):
        return [leaf for e in x for leaf in flatten(e)]
    if isinstance(x, dict):
        return [leaf for e in x.values() for leaf in flatten(e)]
    return [x]


def pack_like(structure, leaves: list):
    """Rebuilds `structure` with `leaves` (as `flatten` ordered them)."""
    it = iter(leaves)

    def build(s):
        if isinstance(s, tuple):
            items = [build(e) for e in s]
            return type(s)(*items) if hasattr(s, "_fields") else tuple(items)
        if isinstance(s, dict):
            return type(s)((k, build(v)) for k, v in s.items())
        return next(it)

    return build(structure)


def _flat_tuple(x) -> bool:
    return type(x) is tuple and not any(isinstance(e, (tuple, dict)) for e in x)


def map_structure(fn, *structures):
    """`fn` applied leaf-wise over structures of the same shape."""
    first = structures[0]
    if len(structures) == 1:  # the common cases, without building a flat list
        if not isinstance(first, (tuple, dict)):
            return fn(first)
        if _flat_tuple(first):
            return tuple([fn(e) for e in first])
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError(
            "The two structures don't have the same number of elements. Received: "
            f"{[len(f) for f in flats]} elements."
        )
    return pack_like(first, [fn(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a, b, what: str) -> None:
    """Raises a TypeError naming `what` when `a` and `b` nest differently."""

    def skeleton(s):
        if isinstance(s, tuple):
            return ("tuple", tuple(skeleton(e) for e in s))
        if isinstance(s, dict):
            return ("dict", tuple((k, skeleton(v)) for k, v in s.items()))
        return "leaf"

    if skeleton(a) != skeleton(b):
        raise TypeError(
            f"{what}: the datasets' elements have different structures. Received: "
            f"{_describe(a)} and {_describe(b)}."
        )


def _describe(s) -> str:
    if isinstance(s, tuple):
        return "(" + ", ".join(_describe(e) for e in s) + ")"
    if isinstance(s, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in s.items()) + "}"
    return "tensor"


def to_array(value, dtype=None) -> np.ndarray:
    """One leaf as an array, with `tf.constant`'s dtype rules.

    NumPy arrays keep their dtype; Python floats become float32 and Python ints
    int32 (int64 when they do not fit), as TensorFlow converts them; strings
    stay NumPy unicode arrays (shown as bytes by `as_numpy_iterator`).
    """
    if type(value) is EagerTensor or type(value) is Tensor:
        value = value.value
    elif hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()  # a Variable, a torch tensor
    if dtype is not None:
        return np.asarray(value, dtype=np.dtype(dtype))
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    arr = np.asarray(value)
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype.kind == "i" and arr.dtype.itemsize == 8:
        if arr.size == 0 or (arr.min() >= -(2**31) and arr.max() < 2**31):
            return arr.astype(np.int32)
    if arr.dtype.kind == "S":
        return arr.astype(str)
    if arr.dtype == object:
        raise ValueError(
            "Can't convert a ragged or mixed-type value to a tensor: every element of a "
            "list must have the same shape and type. Received: "
            f"{_short(value)}. Pad the sequences first (keras.utils.pad_sequences)."
        )
    return arr


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def to_structure(value, dtype_structure=None):
    """`value` (tuples/dicts of array-likes) with every leaf converted by `to_array`."""
    if dtype_structure is None:
        return map_structure(to_array, value)
    return map_structure(to_array, value, dtype_structure)


def to_numpy_output(value):
    """A leaf as `as_numpy_iterator` yields it: scalars as NumPy scalars, strings as bytes."""
    if value.dtype.kind == "U":
        encoded = np.char.encode(value, "utf-8")
        return encoded.item() if encoded.ndim == 0 else encoded.astype(object)
    if value.dtype.kind == "S":  # bytes sliced from a bytes array: np.bytes_ scalars
        return value.item() if value.ndim == 0 else value.astype(object)
    return value[()] if value.ndim == 0 else value


def to_tensors(element):
    """An element with its arrays wrapped as `EagerTensor`s (what iterating a dataset gives);
    datasets inside it (windows) are given as they are."""
    return map_structure(_as_tensor, element)


def _as_tensor(leaf):
    return leaf if hasattr(leaf, "_arrays") else as_eager(leaf)
