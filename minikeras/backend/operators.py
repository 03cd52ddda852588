"""Python operator overloads shared by `Tensor` and `Variable`.

Every operator is routed through `minikeras.ops`, so arithmetic written with
`+`, `*`, `@`, indexing, ... on a `Tensor` or a `Variable` is differentiable on
a `GradientTape` exactly like the corresponding op call.
"""

from __future__ import annotations


def _ops():
    from minikeras import ops

    return ops


class ArrayOperatorsMixin:
    """Arithmetic, comparison and indexing operators that call `minikeras.ops`."""

    __slots__ = ()

    def __add__(self, o):
        return _ops().add(self, o)

    def __radd__(self, o):
        return _ops().add(o, self)

    def __sub__(self, o):
        return _ops().subtract(self, o)

    def __rsub__(self, o):
        return _ops().subtract(o, self)

    def __mul__(self, o):
        return _ops().multiply(self, o)

    def __rmul__(self, o):
        return _ops().multiply(o, self)

    def __truediv__(self, o):
        return _ops().divide(self, o)

    def __rtruediv__(self, o):
        return _ops().divide(o, self)

    def __matmul__(self, o):
        return _ops().matmul(self, o)

    def __rmatmul__(self, o):
        return _ops().matmul(o, self)

    def __neg__(self):
        return _ops().negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops().abs(self)

    def __pow__(self, o):
        return _ops().power(self, o)

    def __rpow__(self, o):
        return _ops().power(o, self)

    def __getitem__(self, idx):
        return _ops().getitem(self, idx)

    def __lt__(self, o):
        return _ops().less(self, o)

    def __le__(self, o):
        return _ops().less_equal(self, o)

    def __gt__(self, o):
        return _ops().greater(self, o)

    def __ge__(self, o):
        return _ops().greater_equal(self, o)

    @property
    def T(self):  # noqa: N802 - NumPy/Keras name
        return _ops().transpose(self)
