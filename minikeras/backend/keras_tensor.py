"""`KerasTensor`: a symbolic placeholder (shape + dtype) used to build functional models."""

from __future__ import annotations


class KerasTensor:
    """A symbolic tensor: known shape (with `None` for unknown dims) and dtype.

    Produced by `keras.Input` and by calling layers on other KerasTensors. It
    remembers which layer call produced it in `_keras_history`
    (`(layer, node_index, tensor_index)`).
    """

    # NumPy arrays defer to our reflected operators (`array * x` → `x.__rmul__`).
    __array_ufunc__ = None

    def __init__(self, shape, dtype="float32", name=None, keras_history=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name
        self._keras_history = keras_history

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self):
        raise TypeError("A symbolic KerasTensor has no len(); use `.shape[0]`.")

    def __iter__(self):
        raise TypeError(
            "A symbolic KerasTensor cannot be iterated over. You are probably using a "
            "symbolic tensor in Python control flow; wrap the computation in a Layer."
        )

    def _op(self, name, *args):
        from minikeras.ops.op_node import symbolic_op

        return symbolic_op(name, self, *args)

    def __add__(self, o):
        return self._op("add", o)

    def __radd__(self, o):
        return self._op("radd", o)

    def __sub__(self, o):
        return self._op("subtract", o)

    def __rsub__(self, o):
        return self._op("rsubtract", o)

    def __mul__(self, o):
        return self._op("multiply", o)

    def __rmul__(self, o):
        return self._op("rmultiply", o)

    def __truediv__(self, o):
        return self._op("divide", o)

    def __rtruediv__(self, o):
        return self._op("rdivide", o)

    def __matmul__(self, o):
        return self._op("matmul", o)

    def __neg__(self):
        return self._op("negative")

    def __pow__(self, o):
        return self._op("power", o)

    def __getitem__(self, idx):
        return self._op("getitem", idx)

    def __rmatmul__(self, o):
        return self._op("rmatmul", o)

    def __rpow__(self, o):
        return self._op("rpower", o)

    def __abs__(self):
        return self._op("abs")

    def __pos__(self):
        return self

    def __lt__(self, o):
        return self._op("less", o)

    def __le__(self, o):
        return self._op("less_equal", o)

    def __gt__(self, o):
        return self._op("greater", o)

    def __ge__(self, o):
        return self._op("greater_equal", o)


def any_symbolic(x) -> bool:
    """True if `x` (or any element of a list/tuple/dict `x`) is a KerasTensor."""
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(any_symbolic(e) for e in x)
    if isinstance(x, dict):
        return any(any_symbolic(e) for e in x.values())
    return False


class SymbolicInput(TypeError):
    """Raised when an op meets a KerasTensor; `keras.ops` then records a graph node instead."""
