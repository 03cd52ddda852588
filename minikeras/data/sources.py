"""The sources of a `Dataset`: `from_tensor_slices`, `from_generator`, `range`, `zip`, ..."""

from __future__ import annotations

import glob

import numpy as np

from minikeras.data import structure
from minikeras.data.dataset import INFINITE, UNKNOWN, Dataset
from minikeras.data.spec import TensorSpec, spec_of


def from_tensor_slices(tensors, name=None) -> Dataset:
    """A dataset whose elements are slices of `tensors` along their first axis.

    Args:
        tensors: An array-like, or a tuple/dict of them sharing the first dimension.
            A Python list is one tensor (as in TensorFlow), not a structure.

    Raises:
        ValueError: for scalars or components with different first dimensions.
    """
    data = structure.to_structure(tensors)
    leaves = structure.flatten(data)
    if any(leaf.ndim == 0 for leaf in leaves):
        raise ValueError("Unbatching a tensor is only supported for rank >= 1")
    sizes = {leaf.shape[0] for leaf in leaves}
    if len(sizes) > 1:
        raise ValueError(
            "Dimensions of the components don't match: every component of "
            f"`from_tensor_slices` needs the same first dimension. Received: "
            f"{[leaf.shape[0] for leaf in leaves]}"
        )
    n = sizes.pop()
    spec = structure.map_structure(lambda a: TensorSpec(a.shape[1:], a.dtype), data)

    def source():
        if len(leaves) == 1 and not structure.is_nested(data):
            yield from (leaves[0][i] for i in range(n))
            return
        if structure._flat_tuple(data):
            for i in range(n):
                yield tuple([leaf[i] for leaf in leaves])
            return
        for i in range(n):
            yield structure.pack_like(data, [leaf[i] for leaf in leaves])

    ds = Dataset(source, n, spec, "TensorSlice")
    ds._slices = (data, leaves, n)  # lets `batch` slice whole batches at once
    return ds


def from_tensors(tensors, name=None) -> Dataset:
    """A dataset with a single element, `tensors`."""
    data = structure.to_structure(tensors)
    return Dataset(lambda: iter((data,)), 1, structure.map_structure(spec_of, data), "Tensor")


def range_dataset(*args, dtype="int64", name=None) -> Dataset:
    """`range(stop)`, `range(start, stop[, step])` as a dataset of scalars (int64)."""
    if not args or len(args) > 3:
        raise ValueError(
            f"Invalid arguments to Dataset.range: expected 1 to 3 integers. Received: {args}"
        )
    span = range(*(int(a) for a in args))
    dtype = np.dtype(dtype)
    return Dataset(
        lambda: (np.asarray(i, dtype) for i in span), len(span), TensorSpec((), dtype), "Range"
    )


def from_generator(
    generator,
    output_types=None,
    output_shapes=None,
    args=None,
    output_signature=None,
    name=None,
) -> Dataset:
    """A dataset whose elements `generator()` yields (called anew for each pass).

    Args:
        generator: A callable returning an iterator (not an iterator itself).
        output_signature: A structure of `TensorSpec`s for each element.
        output_types, output_shapes: The older way to give the same.
        args: Arguments passed to `generator` on each pass.
    """
    if not callable(generator):
        raise TypeError(
            "`generator` must be a Python callable that returns an iterator (pass the "
            f"function, not its result). Received: {type(generator).__name__}"
        )
    if output_signature is None:
        if output_types is None:
            raise TypeError(
                "`Dataset.from_generator` needs `output_signature` (e.g. "
                "`tf.TensorSpec(shape=(None,), dtype=tf.float32)`), or `output_types`."
            )
        shapes = output_shapes
        if shapes is None:
            shapes = structure.map_structure(lambda _: None, output_types)
        output_signature = structure.map_structure(
            lambda t, s: TensorSpec(s, t), output_types, shapes
        )
    signature = output_signature
    call_args = tuple(args or ())

    def convert(element):
        if isinstance(element, list) and isinstance(signature, tuple):
            element = tuple(element)
        element = structure.to_structure(
            element, structure.map_structure(lambda s: s.dtype, signature)
        )

        def check(arr, spec):
            if not spec.shape.is_compatible_with(arr.shape):
                raise ValueError(
                    f"`generator` yielded an element of shape {arr.shape} where an "
                    f"element of shape {spec.shape} was expected."
                )
            return arr

        return structure.map_structure(check, element, signature)

    def source():
        for element in generator(*call_args):
            yield convert(element)

    return Dataset(source, UNKNOWN, signature, "FlatMap")


def zip_datasets(*datasets, name=None) -> Dataset:
    """Elements taken together from several datasets, until the shortest ends.

    Args:
        *datasets: Datasets, or one tuple/dict of datasets.
    """
    nest = (
        datasets[0] if len(datasets) == 1 and structure.is_nested(datasets[0]) else tuple(datasets)
    )
    members = structure.flatten(nest)
    for d in members:
        if not isinstance(d, Dataset):
            raise TypeError(
                "`Dataset.zip` expects datasets (or a tuple/dict of datasets). Received: "
                f"{type(d).__name__}"
            )
    cards = [d._cardinality for d in members]
    if UNKNOWN in cards:
        card = UNKNOWN
    else:
        finite = [c for c in cards if c != INFINITE]
        card = min(finite) if finite else INFINITE

    def source():
        for parts in zip(*(d._arrays() for d in members)):
            yield structure.pack_like(nest, list(parts))

    return Dataset(
        source,
        card,
        lambda: structure.pack_like(nest, [d.element_spec for d in members]),
        "Zip",
    )


def list_files(file_pattern, shuffle=None, seed=None, name=None) -> Dataset:
    """File names matching a glob pattern (or list of patterns), as a string dataset."""
    patterns = [file_pattern] if isinstance(file_pattern, str) else list(file_pattern)
    names = sorted({f for p in patterns for f in glob.glob(str(p))})
    if not names:
        raise ValueError(f"No files matched pattern: {', '.join(map(str, patterns))}")
    ds = from_tensor_slices(np.array(names))
    if shuffle is None or shuffle:
        ds = ds.shuffle(len(names), seed=seed)
    return ds
