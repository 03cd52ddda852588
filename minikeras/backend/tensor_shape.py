"""`TensorShape`: a shape tuple with TensorFlow's accessors (`as_list`, `rank`, ...)."""

from __future__ import annotations


class TensorShape(tuple):
    """A shape whose dimensions are ints or None (unknown), as `tf.TensorShape`.

    It is a tuple, so it compares equal to the plain shape tuple and NumPy
    accepts it anywhere a shape is expected.

    Args:
        dims: An iterable of ints / None, or None for an unknown rank.

    Example:
        >>> TensorShape([2, None]).as_list()
        [2, None]
    """

    def __new__(cls, dims=()):
        if dims is None:
            shape = super().__new__(cls, ())
            shape._unknown_rank = True
            return shape
        if isinstance(dims, int):
            dims = (dims,)
        out = []
        for d in dims:
            d = getattr(d, "value", d)  # tf.compat.v1.Dimension
            out.append(None if d is None or (isinstance(d, int) and d < 0) else int(d))
        shape = super().__new__(cls, out)
        shape._unknown_rank = False
        return shape

    @property
    def rank(self) -> int | None:
        """The number of dimensions, or None when the rank is unknown."""
        return None if self._unknown_rank else len(self)

    ndims = rank

    @property
    def dims(self) -> list | None:
        return None if self._unknown_rank else list(self)

    def as_list(self) -> list:
        """The dimensions as a list (None for an unknown one).

        Raises:
            ValueError: when the rank itself is unknown.
        """
        if self._unknown_rank:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self)

    def num_elements(self) -> int | None:
        """The product of the dimensions, or None if any is unknown."""
        if self._unknown_rank or any(d is None for d in self):
            return None
        n = 1
        for d in self:
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return not self._unknown_rank and all(d is not None for d in self)

    def is_compatible_with(self, other) -> bool:
        """True when every known dimension agrees (None matches anything)."""
        other = other if isinstance(other, TensorShape) else TensorShape(other)
        if self._unknown_rank or other._unknown_rank:
            return True
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other)
        )

    def merge_with(self, other) -> TensorShape:
        other = other if isinstance(other, TensorShape) else TensorShape(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        if self._unknown_rank:
            return other
        if other._unknown_rank:
            return self
        return TensorShape([a if a is not None else b for a, b in zip(self, other)])

    def concatenate(self, other) -> TensorShape:
        other = other if isinstance(other, TensorShape) else TensorShape(other)
        if self._unknown_rank or other._unknown_rank:
            return TensorShape(None)
        return TensorShape(list(self) + list(other))

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return TensorShape(item) if isinstance(key, slice) else item

    def __eq__(self, other):
        if isinstance(other, TensorShape) and (self._unknown_rank or other._unknown_rank):
            return self._unknown_rank and other._unknown_rank
        if isinstance(other, list):
            other = tuple(other)
        return tuple.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        if self._unknown_rank:
            return "TensorShape(None)"
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        if self._unknown_rank:
            return "<unknown>"
        inner = ", ".join("None" if d is None else str(d) for d in self)
        return f"({inner},)" if len(self) == 1 else f"({inner})"

    def __reduce__(self):
        return (TensorShape, (None if self._unknown_rank else list(self),))
