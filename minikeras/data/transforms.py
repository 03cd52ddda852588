"""Element-wise and ordering transformations of a `Dataset` (map, filter, shuffle, ...)."""

from __future__ import annotations

import itertools

import numpy as np

from minikeras.backend import config
from minikeras.data import structure
from minikeras.data.dataset import INFINITE, UNKNOWN, Dataset


def _call(func, element):
    """`func` applied to an element: a plain tuple is spread into arguments.

    The function receives NumPy arrays. In TensorFlow, `map` traces its function with
    symbolic tensors; the `tf.*` functions and operators it may use take arrays here, and
    plain Python code (a file loader, say) gets values it can use directly.
    """
    if type(element) is tuple:
        return func(*element)
    return func(element)


def _as_element(value):
    """A function's result as an element: lists become tuples, leaves become arrays."""
    if isinstance(value, list):
        value = tuple(value)
    return structure.to_structure(value)


def map_dataset(ds: Dataset, map_func) -> Dataset:
    if not callable(map_func):
        raise TypeError(f"`map_func` must be callable. Received: {type(map_func).__name__}")

    def source():
        for element in ds._arrays():
            yield _as_element(_call(map_func, element))

    return Dataset(source, ds._cardinality, None, "Map")


def filter_dataset(ds: Dataset, predicate) -> Dataset:
    if not callable(predicate):
        raise TypeError(f"`predicate` must be callable. Received: {type(predicate).__name__}")

    def keep(element) -> bool:
        result = np.asarray(structure.to_array(_call(predicate, element)))
        if result.shape != () or result.dtype != np.bool_:
            raise ValueError(
                "`predicate` must return a scalar boolean tensor. Received: "
                f"shape={result.shape}, dtype={result.dtype}"
            )
        return bool(result)

    return Dataset(
        lambda: (e for e in ds._arrays() if keep(e)), UNKNOWN, lambda: ds.element_spec, "Filter"
    )


def shuffle(ds: Dataset, buffer_size, seed, reshuffle_each_iteration) -> Dataset:
    buffer_size = int(buffer_size)
    if buffer_size <= 0 and buffer_size != -1:
        raise ValueError(
            f"`buffer_size` must be greater than zero. Received: buffer_size={buffer_size}"
        )
    base = int(seed) if seed is not None else int(config.rng().integers(2**31))
    passes = itertools.count()

    def source():
        k = next(passes) if reshuffle_each_iteration else 0
        rng = np.random.default_rng([base, k])
        it = ds._arrays()
        size = buffer_size if buffer_size > 0 else max(ds._cardinality, 1)
        buf = list(itertools.islice(it, size))
        draws = iter(())
        for element in it:
            i = next(draws, None)
            if i is None:
                draws = iter(rng.integers(0, len(buf), size=1024).tolist())
                i = next(draws)
            yield buf[i]
            buf[i] = element
        for i in rng.permutation(len(buf)).tolist():
            yield buf[i]

    return Dataset(source, ds._cardinality, lambda: ds.element_spec, "Shuffle")


def repeat(ds: Dataset, count) -> Dataset:
    count = -1 if count is None else int(count)
    c = ds._cardinality
    if count < 0:
        card = 0 if c == 0 else INFINITE
    elif c in (INFINITE, UNKNOWN):
        card = c
    else:
        card = c * count

    def source():
        passes = itertools.count() if count < 0 else range(count)
        for _ in passes:
            produced = False
            for element in ds._arrays():
                produced = True
                yield element
            if not produced:
                return

    return Dataset(source, card, lambda: ds.element_spec, "Repeat")


def cache(ds: Dataset) -> Dataset:
    state = {"items": None}

    def source():
        if state["items"] is not None:
            yield from state["items"]
            return
        items = []
        for element in ds._arrays():
            items.append(element)
            yield element
        state["items"] = items  # only a complete pass is kept

    return Dataset(source, ds._cardinality, lambda: ds.element_spec, "Cache")


def concatenate(ds: Dataset, other: Dataset) -> Dataset:
    if not isinstance(other, Dataset):
        raise TypeError(f"`concatenate` expects a Dataset. Received: {type(other).__name__}")
    a, b = ds.element_spec, other.element_spec
    structure.assert_same_structure(a, b, "Incompatible dataset elements")
    for sa, sb in zip(structure.flatten(a), structure.flatten(b)):
        if sa.dtype != sb.dtype and not (sa.dtype.kind in "US" and sb.dtype.kind in "US"):
            raise TypeError(f"Incompatible dataset elements:\n  {sa} vs.   {sb}")
    spec = structure.map_structure(lambda x, y: x.most_specific_common_supertype([y]), a, b)
    ca, cb = ds._cardinality, other._cardinality
    if INFINITE in (ca, cb):
        card = INFINITE
    elif UNKNOWN in (ca, cb):
        card = UNKNOWN
    else:
        card = ca + cb
    return Dataset(
        lambda: itertools.chain(ds._arrays(), other._arrays()), card, spec, "Concatenate"
    )


def reduce(ds: Dataset, initial_state, reduce_func):
    state = structure.to_structure(initial_state)
    for element in ds._arrays():
        state = _as_element(reduce_func(state, element))
    return state


def take(ds: Dataset, count) -> Dataset:
    count = int(count)
    c = ds._cardinality
    if c == UNKNOWN:
        card = UNKNOWN
    elif count < 0:
        card = c
    elif c == INFINITE:
        card = count
    else:
        card = min(c, count)
    stop = None if count < 0 else count
    return Dataset(
        lambda: itertools.islice(ds._arrays(), stop), card, lambda: ds.element_spec, "Take"
    )


def skip(ds: Dataset, count) -> Dataset:
    count = int(count)
    c = ds._cardinality
    if c in (INFINITE, UNKNOWN):
        card = c
    elif count < 0:
        card = 0
    else:
        card = max(0, c - count)

    def source():
        if count < 0:
            for _ in ds._arrays():
                pass
            return iter(())
        return itertools.islice(ds._arrays(), count, None)

    return Dataset(source, card, lambda: ds.element_spec, "Skip")


def shard(ds: Dataset, num_shards, index) -> Dataset:
    num_shards, index = int(num_shards), int(index)
    if not 0 <= index < num_shards:
        raise ValueError(
            f"`index` must be in [0, num_shards). Received: index={index}, num_shards={num_shards}"
        )
    c = ds._cardinality
    card = c if c < 0 else c // num_shards + (1 if index < c % num_shards else 0)
    return Dataset(
        lambda: itertools.islice(ds._arrays(), index, None, num_shards),
        card,
        lambda: ds.element_spec,
        "Shard",
    )
