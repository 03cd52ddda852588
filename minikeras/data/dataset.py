"""`Dataset`: the `tf.data.Dataset` API, lazily, on NumPy arrays.

A dataset is a recipe: a function that starts a fresh pass over its elements,
its cardinality and (when known without running it) its element spec. Nothing
is read or computed until the dataset is iterated, so a dataset of file names
mapped through a loader loads each file only when its element is reached.
Elements are nested tuples/dicts of NumPy arrays.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.eager_tensor import EagerTensor
from minikeras.data import structure
from minikeras.data.spec import spec_of

INFINITE = -1
UNKNOWN = -2
AUTOTUNE = -1


class Dataset:
    """A lazy sequence of elements, as `tf.data.Dataset`.

    Build one with `from_tensor_slices`, `from_tensors`, `from_generator`,
    `range` or `zip`, then chain transformations (`map`, `shuffle`, `batch`,
    ...). Iterating it yields the elements; `fit`, `evaluate` and `predict`
    accept it directly.

    Example:
        >>> ds = Dataset.from_tensor_slices((x, y)).shuffle(100).batch(32)
        >>> model.fit(ds, epochs=2)
    """

    def __init__(self, source, cardinality: int, element_spec=None, kind="Dataset"):
        self._source = source
        self._cardinality = int(cardinality)
        self._spec = element_spec
        self._kind = kind

    # ------------------------------------------------------------------ iteration

    def _arrays(self):
        """A fresh pass over the elements as NumPy structures (what `fit` reads)."""
        return self._source()

    def __iter__(self):
        """Iterates the elements as tensors (`EagerTensor`s with `.numpy()`), as TensorFlow."""
        for element in self._arrays():
            yield structure.to_tensors(element)

    def as_numpy_iterator(self):
        """Iterates the elements as NumPy values (scalars as NumPy scalars, strings as bytes).

        Example:
            >>> list(Dataset.range(3).as_numpy_iterator())
            [np.int64(0), np.int64(1), np.int64(2)]
        """
        for element in self._arrays():
            if any(isinstance(leaf, Dataset) for leaf in structure.flatten(element)):
                raise TypeError(
                    "`as_numpy_iterator()` is not supported for datasets whose elements are "
                    "datasets (from `window`): iterate the windows, or `flat_map` them."
                )
            yield structure.map_structure(structure.to_numpy_output, element)

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        if self._cardinality == INFINITE:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def cardinality(self):
        """The number of elements: an int64 scalar tensor, -1 if infinite, -2 if unknown."""
        return EagerTensor(np.asarray(self._cardinality, dtype=np.int64))

    @property
    def element_spec(self):
        """The structure of `TensorSpec`s one element has.

        Sources know it; after `map`/`filter`-style steps it is read from the first
        element (the dataset is run for one element).
        """
        if callable(self._spec):  # derived from the input's spec when first asked
            self._spec = self._spec()
        if self._spec is None:
            first = next(iter(self._arrays()), None)
            if first is None:
                raise ValueError("Can't read the element spec of an empty dataset.")
            self._spec = structure.map_structure(spec_of, first)
        return self._spec

    def __repr__(self) -> str:
        return f"<_{self._kind}Dataset element_spec={self.element_spec}>"

    # ------------------------------------------------------------------ sources

    @staticmethod
    def from_tensor_slices(tensors, name=None) -> Dataset:
        """A dataset whose elements are slices of `tensors` along their first axis.

        Args:
            tensors: An array-like, or a tuple/dict of them sharing the first dimension.
                A Python list is one tensor (as in TensorFlow), not a structure.

        Raises:
            ValueError: for scalars or components with different first dimensions.
        """
        from minikeras.data import sources

        return sources.from_tensor_slices(tensors)

    @staticmethod
    def from_tensors(tensors, name=None) -> Dataset:
        """A dataset with a single element, `tensors`."""
        from minikeras.data import sources

        return sources.from_tensors(tensors)

    @staticmethod
    def range(*args, dtype="int64", name=None) -> Dataset:
        """`range(stop)`, `range(start, stop[, step])` as a dataset of scalars (int64)."""
        from minikeras.data import sources

        return sources.range_dataset(*args, dtype=dtype)

    @staticmethod
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
        from minikeras.data import sources

        return sources.from_generator(
            generator,
            output_types=output_types,
            output_shapes=output_shapes,
            args=args,
            output_signature=output_signature,
        )

    @staticmethod
    def zip(*datasets, name=None) -> Dataset:
        """Elements taken together from several datasets, until the shortest ends.

        Args:
            *datasets: Datasets, or one tuple/dict of datasets.
        """
        from minikeras.data import sources

        return sources.zip_datasets(*datasets)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None) -> Dataset:
        """File names matching a glob pattern (or list of patterns), as a string dataset."""
        from minikeras.data import sources

        return sources.list_files(file_pattern, shuffle=shuffle, seed=seed)

    # ------------------------------------------------------------------ transformations

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Applies `map_func` to each element (a tuple element is passed as arguments).

        Runs in the calling thread; `num_parallel_calls` and `deterministic` are accepted
        for compatibility. A list returned by `map_func` becomes a tuple, as in TensorFlow.
        """
        from minikeras.data import transforms

        return transforms.map_dataset(self, map_func)

    def filter(self, predicate, name=None):
        """Keeps the elements for which `predicate` returns True."""
        from minikeras.data import transforms

        return transforms.filter_dataset(self, predicate)

    def batch(
        self,
        batch_size,
        drop_remainder=False,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ):
        """Stacks consecutive elements into batches of `batch_size`.

        Args:
            batch_size: Elements per batch.
            drop_remainder: Drop a last, smaller batch.
        """
        from minikeras.data import batching

        return batching.batch(self, batch_size, drop_remainder)

    def padded_batch(
        self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None
    ):
        """Batches elements of different shapes, padding each component to a common shape.

        Args:
            batch_size: Elements per batch.
            padded_shapes: Target shape per component; None/-1 dimensions pad to the
                longest in the batch (the default for every dimension).
            padding_values: Padding value per component (default 0, or "" for strings).
            drop_remainder: Drop a last, smaller batch.
        """
        from minikeras.data import batching

        return batching.padded_batch(
            self, batch_size, padded_shapes, padding_values, drop_remainder
        )

    def unbatch(self, name=None):
        """Splits each element along its first axis into separate elements."""
        from minikeras.data import batching

        return batching.unbatch(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """`unbatch()` then `batch(batch_size, drop_remainder)`."""
        return self.unbatch().batch(batch_size, drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffles elements through a buffer of `buffer_size` elements.

        Args:
            buffer_size: Elements held and drawn from at random (>= the dataset size for
                a uniform shuffle).
            seed: Optional seed; otherwise one is drawn from the global generator
                (`keras.utils.set_random_seed` / `tf.random.set_seed`) when the
                dataset is built.
            reshuffle_each_iteration: A new order on each pass (each epoch).
        """
        from minikeras.data import transforms

        return transforms.shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        """Repeats the dataset `count` times (forever when None or -1)."""
        from minikeras.data import transforms

        return transforms.repeat(self, count)

    def take(self, count, name=None):
        """The first `count` elements (all of them when -1)."""
        from minikeras.data import transforms

        return transforms.take(self, count)

    def skip(self, count, name=None):
        """All but the first `count` elements (none when -1)."""
        from minikeras.data import transforms

        return transforms.skip(self, count)

    def cache(self, filename="", name=None):
        """Keeps the elements of the first complete pass in memory; later passes replay them.

        A `filename` is accepted but the cache is always held in memory.
        """
        from minikeras.data import transforms

        return transforms.cache(self)

    def prefetch(self, buffer_size, name=None):
        """Returns the dataset unchanged: elements are produced on demand in this thread."""
        return Dataset(self._arrays, self._cardinality, lambda: self.element_spec, "Prefetch")

    def concatenate(self, dataset, name=None):
        """This dataset's elements followed by `dataset`'s (same structure and dtypes)."""
        from minikeras.data import transforms

        return transforms.concatenate(self, dataset)

    def enumerate(self, start=0, name=None):
        """Pairs `(index, element)` with an int64 index starting at `start`."""
        return Dataset.zip((Dataset.range(start, np.iinfo(np.int64).max), self))

    def shard(self, num_shards, index, name=None):
        """Every `num_shards`-th element, starting at `index`."""
        from minikeras.data import transforms

        return transforms.shard(self, num_shards, index)

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset (`map_func` returns one) and chains their elements."""
        from minikeras.data import nesting

        return nesting.flat_map(self, map_func)

    def interleave(
        self,
        map_func,
        cycle_length=None,
        block_length=None,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ):
        """Maps elements to datasets and takes `block_length` elements from each of
        `cycle_length` of them in turn (in this thread, in TensorFlow's order)."""
        from minikeras.data import nesting

        return nesting.interleave(self, map_func, cycle_length, block_length or 1)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of `size` elements (every `stride`-th), one starting every `shift`
        elements; each window is the element structure with datasets for components.

        Example:
            >>> ds = Dataset.range(7).window(3, shift=2, drop_remainder=True)
            >>> [list(w.as_numpy_iterator()) for w in ds]  # [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
        """
        from minikeras.data import nesting

        return nesting.window(self, size, shift, stride, drop_remainder)

    def group_by_window(
        self, key_func, reduce_func, window_size=None, window_size_func=None, name=None
    ):
        """Groups elements by `key_func` into windows reduced by `reduce_func(key, window)`."""
        from minikeras.data import nesting

        return nesting.group_by_window(self, key_func, reduce_func, window_size, window_size_func)

    def scan(self, initial_state, scan_func, name=None):
        """A running state: `state, output = scan_func(state, element)` for each element."""
        from minikeras.data import nesting

        return nesting.scan(self, initial_state, scan_func)

    def unique(self, name=None):
        """Each scalar integer or string element once, at its first occurrence."""
        from minikeras.data import nesting

        return nesting.unique(self)

    def apply(self, transformation_func):
        """`transformation_func(self)`, which must return a Dataset."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(
                f"`transformation_func` must return a Dataset. Received: {type(out).__name__}"
            )
        return out

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements into one value: `state = reduce_func(state, element)`."""
        from minikeras.data import transforms

        return transforms.reduce(self, initial_state, reduce_func)

    def get_single_element(self, name=None):
        """The one element of a dataset that has exactly one."""
        it = iter(self)
        first = next(it, _END)
        if first is _END or next(it, _END) is not _END:
            raise ValueError("`get_single_element` needs a dataset with exactly one element.")
        return first

    def with_options(self, options, name=None):
        """Returns the dataset unchanged (no runtime options apply to NumPy datasets)."""
        return self

    def options(self):
        return Options()


class Options:
    """`tf.data.Options`: accepted and ignored (no threading or sharding runtime here)."""

    def __init__(self):
        self.experimental_deterministic = True
        self.deterministic = True

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = Options.__new__(Options)
        object.__setattr__(self, name, value)
        return value


_END = object()
