"""`batch`, `padded_batch` and `unbatch` for `Dataset`."""

from __future__ import annotations

import itertools

import numpy as np

from minikeras.data import structure
from minikeras.data.dataset import INFINITE, UNKNOWN, Dataset
from minikeras.data.spec import TensorSpec


def _check_batch_size(batch_size) -> int:
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size <= 0:
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    return int(batch_size)


def _batched_cardinality(c: int, batch_size: int, drop_remainder: bool) -> int:
    if c in (INFINITE, UNKNOWN):
        return c
    return c // batch_size if drop_remainder else -(-c // batch_size)


def _batched_spec(spec, batch_size, drop_remainder, cardinality):
    known = drop_remainder or cardinality == INFINITE
    lead = batch_size if known else None
    return structure.map_structure(lambda s: TensorSpec([lead, *s.shape], s.dtype), spec)


def _groups(ds: Dataset, batch_size: int, drop_remainder: bool):
    it = ds._arrays()
    while True:
        group = list(itertools.islice(it, batch_size))
        if not group or (drop_remainder and len(group) < batch_size):
            return
        yield group


def _stack(parts: list, index: int) -> np.ndarray:
    try:
        return np.stack(parts)
    except ValueError:
        shapes = sorted({np.shape(p) for p in parts})
        raise ValueError(
            f"Cannot batch tensors with different shapes in component {index}: received "
            f"shapes {shapes} in one batch. Use `padded_batch` (or pad the elements in "
            "`map`) to give them a common shape."
        ) from None


def batch(ds: Dataset, batch_size, drop_remainder=False) -> Dataset:
    batch_size = _check_batch_size(batch_size)
    drop_remainder = bool(drop_remainder)
    card = _batched_cardinality(ds._cardinality, batch_size, drop_remainder)
    slices = getattr(ds, "_slices", None)
    if slices is not None:
        data, leaves, n = slices

        def source():  # whole batches sliced out of the arrays at once
            stop = n - n % batch_size if drop_remainder else n
            for lo in range(0, stop, batch_size):
                yield structure.pack_like(data, [leaf[lo : lo + batch_size] for leaf in leaves])

    else:

        def source():
            for group in _groups(ds, batch_size, drop_remainder):
                first = group[0]
                flats = [structure.flatten(e) for e in group]
                stacked = [_stack([f[i] for f in flats], i) for i in range(len(flats[0]))]
                yield structure.pack_like(first, stacked)

    return Dataset(
        source,
        card,
        lambda: _batched_spec(ds.element_spec, batch_size, drop_remainder, ds._cardinality),
        "Batch",
    )


def unbatch(ds: Dataset) -> Dataset:
    def source():
        for element in ds._arrays():
            leaves = [np.asarray(leaf) for leaf in structure.flatten(element)]
            if any(leaf.ndim == 0 for leaf in leaves):
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            sizes = {leaf.shape[0] for leaf in leaves}
            if len(sizes) > 1:
                raise ValueError(
                    "Cannot unbatch an element whose components have different first "
                    f"dimensions: {sorted(sizes)}"
                )
            for i in range(sizes.pop()):
                yield structure.pack_like(element, [leaf[i] for leaf in leaves])

    return Dataset(
        source,
        UNKNOWN,
        lambda: structure.map_structure(
            lambda s: TensorSpec(s.shape[1:], s.dtype), ds.element_spec
        ),
        "Unbatch",
    )


def _default_padding(dtype):
    return "" if np.dtype(dtype).kind in "US" else 0


def padded_batch(
    ds: Dataset, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False
) -> Dataset:
    batch_size = _check_batch_size(batch_size)
    drop_remainder = bool(drop_remainder)
    card = _batched_cardinality(ds._cardinality, batch_size, drop_remainder)

    def pad_group(parts: list, target, value, index: int) -> np.ndarray:
        arrays = [np.asarray(p) for p in parts]
        ranks = {a.ndim for a in arrays}
        if len(ranks) > 1:
            raise ValueError(
                f"Cannot pad component {index}: its elements have different ranks {sorted(ranks)}."
            )
        longest = [max(a.shape[d] for a in arrays) for d in range(ranks.pop())]
        if target is not None:
            target = list(target) if not np.isscalar(target) else [target]
            if len(target) != len(longest):
                raise ValueError(
                    f"`padded_shapes` for component {index} has rank {len(target)}, but the "
                    f"elements have rank {len(longest)}."
                )
            for d, (t, m) in enumerate(zip(target, longest)):
                if t is not None and t >= 0:
                    if m > t:
                        raise ValueError(
                            f"Attempted to pad to a smaller size than the input element: "
                            f"component {index}, dimension {d} has size {m} but "
                            f"`padded_shapes` asks for {t}."
                        )
                    longest[d] = int(t)
        fill = (
            _default_padding(arrays[0].dtype)
            if value is None
            else np.asarray(structure.to_array(value)).item()
        )
        out = np.full([len(arrays), *longest], fill, dtype=arrays[0].dtype)
        for i, a in enumerate(arrays):
            out[(i, *(slice(0, s) for s in a.shape))] = a
        return out

    def source():
        for group in _groups(ds, batch_size, drop_remainder):
            first = group[0]
            flats = [structure.flatten(e) for e in group]
            n = len(flats[0])
            targets = _per_component(padded_shapes, first, n, shape=True)
            values = _per_component(padding_values, first, n, shape=False)
            padded = [pad_group([f[i] for f in flats], targets[i], values[i], i) for i in range(n)]
            yield structure.pack_like(first, padded)

    def spec():
        lead = batch_size if drop_remainder else None
        inner = ds.element_spec
        leaves = structure.flatten(inner)
        targets = _per_component(padded_shapes, inner, len(leaves), shape=True)
        out = []
        for s, t in zip(leaves, targets):
            dims = (
                [None] * len(s.shape)
                if t is None
                else [
                    None if d is None or d < 0 else int(d)
                    for d in (list(t) if not np.isscalar(t) else [t])
                ]
            )
            out.append(TensorSpec([lead, *dims], s.dtype))
        return structure.pack_like(inner, out)

    return Dataset(source, card, spec, "PaddedBatch")


def _per_component(value, element, n: int, shape: bool) -> list:
    """`padded_shapes` / `padding_values` as one entry per flattened component.

    A shape is itself a list or tuple, so shapes are matched to the element's
    structure level by level; a single padding value applies to every component.
    """
    if value is None:
        return [None] * n
    if shape:
        return _shape_leaves(value, element)
    if structure.is_nested(value):
        return structure.flatten(value)
    return [value] * n


def _shape_leaves(shapes, element) -> list:
    if isinstance(element, tuple):
        return [s for sub, e in zip(shapes, element) for s in _shape_leaves(sub, e)]
    if isinstance(element, dict):
        return [s for k, e in element.items() for s in _shape_leaves(shapes[k], e)]
    return [shapes]
