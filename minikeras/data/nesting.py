"""Datasets made of datasets (`window`, `flat_map`, `interleave`, `group_by_window`) and
the stateful passes `scan` and `unique`, with `tf.data`'s orders and cardinalities."""

from __future__ import annotations

import math
import os

import numpy as np

from minikeras.data import structure
from minikeras.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from minikeras.data.transforms import _as_element, _call

_END = object()


def _check_callable(fn, what: str) -> None:
    if not callable(fn):
        raise TypeError(f"`{what}` must be callable. Received: {type(fn).__name__}")


def _dataset_of(fn, *args) -> Dataset:
    """`fn(*args)`, which must be a Dataset (what `flat_map` and its kin expect)."""
    out = fn(*args)
    if not isinstance(out, Dataset):
        raise TypeError(
            f"The function must return a `tf.data.Dataset`. Received: {type(out).__name__}"
        )
    return out


def _positive(value, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value}")
    return int(value)


def _inner_spec(ds: Dataset, make_inner):
    """The element spec of the dataset `make_inner` builds from `ds`'s first element: what
    TensorFlow gives as the spec of `flat_map`-like results (not the first output's)."""

    def spec():
        first = next(iter(ds._arrays()), _END)
        if first is _END:
            raise ValueError("Can't read the element spec of an empty dataset.")
        return make_inner(first).element_spec

    return spec


def flat_map(ds: Dataset, map_func) -> Dataset:
    _check_callable(map_func, "map_func")

    def inner(element) -> Dataset:
        return _dataset_of(_call, map_func, element)

    def source():
        for element in ds._arrays():
            yield from inner(element)._arrays()

    return Dataset(source, UNKNOWN, _inner_spec(ds, inner), "FlatMap")


def interleave(ds: Dataset, map_func, cycle_length=None, block_length=1) -> Dataset:
    """`tf.data`'s order: `cycle_length` open datasets visited in turn, `block_length`
    elements from each; an exhausted one ends its turn, and its slot takes the next input
    element when the cycle comes back to it."""
    _check_callable(map_func, "map_func")
    if cycle_length is None or cycle_length == AUTOTUNE:
        cycle_length = os.cpu_count() or 1  # TensorFlow's default: the schedulable cores
    cycle, block = _positive(cycle_length, "cycle_length"), _positive(block_length, "block_length")

    def inner(element) -> Dataset:
        return _dataset_of(_call, map_func, element)

    def source():
        inputs = iter(ds._arrays())
        slots: list = [None] * cycle
        ended, n_open, i, taken = False, 0, 0, 0
        while not ended or n_open:
            if slots[i] is not None:
                element = next(slots[i], _END)
                if element is not _END:
                    taken += 1
                    if taken == block:
                        i, taken = (i + 1) % cycle, 0
                    yield element
                    continue
                slots[i], n_open = None, n_open - 1
                i, taken = (i + 1) % cycle, 0
            elif not ended:
                element = next(inputs, _END)
                if element is _END:
                    ended = True
                else:
                    slots[i] = iter(inner(element)._arrays())
                    n_open += 1
            else:
                i, taken = (i + 1) % cycle, 0

    return Dataset(source, UNKNOWN, _inner_spec(ds, inner), "Interleave")


def _leaves_dataset(leaves: list) -> Dataset:
    return Dataset(lambda: iter(leaves), len(leaves), None, "Variant")


def _window_element(items: list):
    """A window's element: the elements' structure with each component a Dataset."""
    columns = zip(*[structure.flatten(item) for item in items])
    return structure.pack_like(items[0], [_leaves_dataset(list(c)) for c in columns])


def window(ds: Dataset, size, shift=None, stride=1, drop_remainder=False) -> Dataset:
    size = _positive(size, "size")
    shift = size if shift is None else _positive(shift, "shift")
    stride = _positive(stride, "stride")
    span = (size - 1) * stride + 1

    def source():
        inputs = iter(ds._arrays())
        buffer: list = []
        base = start = 0  # indices of buffer[0] and of the window's first element
        exhausted = False
        while True:
            while not exhausted and base + len(buffer) < start + span:
                element = next(inputs, _END)
                if element is _END:
                    exhausted = True
                else:
                    buffer.append(element)
            available = base + len(buffer)
            if start >= available:
                return
            items = [buffer[j - base] for j in range(start, min(start + span, available), stride)]
            if len(items) < size and drop_remainder:
                return
            yield _window_element(items)
            start += shift
            dropped = min(start - base, len(buffer))
            del buffer[:dropped]
            base += dropped

    n = ds._cardinality
    if n < 0:
        card = n
    elif drop_remainder:
        card = 0 if n < span else (n - span) // shift + 1
    else:
        card = math.ceil(n / shift)
    return Dataset(source, card, None, "Window")


def group_by_window(ds: Dataset, key_func, reduce_func, window_size=None, window_size_func=None):
    """Groups elements by `key_func` into windows; a full window (and, at the end, every
    partial one, in key order) goes through `reduce_func(key, window_dataset)`."""
    _check_callable(key_func, "key_func")
    _check_callable(reduce_func, "reduce_func")
    if (window_size is None) == (window_size_func is None):
        raise ValueError(
            "Either the `window_size` argument or the `window_size_func` argument must be "
            "specified."
        )

    def size_of(key) -> int:
        if window_size is not None:
            return _positive(window_size, "window_size")
        size = np.asarray(structure.to_array(window_size_func(key)))
        return _positive(int(size), "window_size")

    def key_of(element) -> int:
        key = np.asarray(structure.to_array(_call(key_func, element)))
        if key.shape != () or key.dtype.kind not in "iu":
            raise ValueError(f"`key_func` must return a scalar int64. Received: {key!r}")
        return int(key)

    def reduced(key, items):  # the window is one dataset of whole elements
        return _dataset_of(reduce_func, np.asarray(key, np.int64), _leaves_dataset(items))

    def source():
        groups: dict = {}
        for element in ds._arrays():
            key = key_of(element)
            groups.setdefault(key, []).append(element)
            if len(groups[key]) == size_of(key):
                yield from reduced(key, groups.pop(key))._arrays()
        for key in sorted(groups):
            yield from reduced(key, groups[key])._arrays()

    def first_window(element) -> Dataset:
        return reduced(key_of(element), [element])

    return Dataset(source, UNKNOWN, _inner_spec(ds, first_window), "GroupByWindow")


def scan(ds: Dataset, initial_state, scan_func) -> Dataset:
    """`state, out = scan_func(state, element)` per element; yields `out`."""
    _check_callable(scan_func, "scan_func")

    def source():
        state = structure.to_structure(initial_state)
        for element in ds._arrays():
            result = scan_func(state, element)
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise ValueError(
                    "`scan_func` must return a pair (new_state, output_element). Received: "
                    f"{type(result).__name__}"
                )
            state = _as_element(result[0])
            yield _as_element(result[1])

    return Dataset(source, ds._cardinality, None, "Scan")


def unique(ds: Dataset) -> Dataset:
    """The first occurrence of each element (scalar integers or strings)."""

    def source():
        seen = set()
        for element in ds._arrays():
            value = np.asarray(element)
            if isinstance(element, (tuple, dict)) or value.ndim or value.dtype.kind not in "iuUS":
                raise TypeError(
                    "`unique` works on datasets of scalar integers or strings. Received an "
                    f"element of dtype {value.dtype} and shape {value.shape}."
                )
            if value.item() not in seen:
                seen.add(value.item())
                yield element

    card = INFINITE if ds._cardinality == INFINITE else UNKNOWN
    return Dataset(source, card, lambda: ds.element_spec, "Unique")
