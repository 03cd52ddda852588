"""`EagerTensor`: what eager calls hand back to user code, as TensorFlow's eager tensors.

It wraps a NumPy array and adds TensorFlow's surface: `.numpy()`, `.shape` as a
`TensorShape`, `.dtype` as a `DType`, TensorFlow-style printing, operators that
go through `minikeras.ops` (so arithmetic on a watched tensor is recorded on an
active `GradientTape`), and a `_keras_mask` slot. NumPy functions take it via
`__array__` and return NumPy values, as they do with TensorFlow tensors.

Inside minikeras the plain arrays flow; only the values returned to the user
are wrapped (`as_eager`), so the training and inference paths pay nothing.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.operators import ArrayOperatorsMixin, _ops
from minikeras.backend.tensor_shape import TensorShape
from minikeras.backend.tf_dtype import as_dtype

_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


def _numpy_value(value):
    """`.numpy()` as TensorFlow gives it: scalars as NumPy scalars, strings as bytes."""
    if value.dtype.kind == "U":
        encoded = np.char.encode(value, "utf-8")
        return encoded.item() if encoded.ndim == 0 else encoded.astype(object)
    return value[()] if value.ndim == 0 else value


def _value_text(value, is_repr: bool) -> str:
    shown = _numpy_value(value)
    if value.ndim == 0:
        return repr(shown) if isinstance(shown, bytes) else str(shown)
    return repr(shown) if is_repr else str(shown)


def tensor_repr(value, kind: str = "tf.Tensor") -> str:
    """`<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>`."""
    text = _value_text(value, True)
    sep = "\n" if "\n" in text else ""
    return (
        f"<{kind}: shape={TensorShape(value.shape)}, dtype={as_dtype(value.dtype).name}, "
        f"numpy={sep}{text}>"
    )


def tensor_str(value) -> str:
    """`tf.Tensor([1. 2.], shape=(2,), dtype=float32)`."""
    text = _value_text(value, False)
    sep = "\n" if "\n" in text else ""
    return (
        f"tf.Tensor({sep}{text}, shape={TensorShape(value.shape)}, "
        f"dtype={as_dtype(value.dtype).name})"
    )


class EagerTensor(ArrayOperatorsMixin):
    """An immutable array as TensorFlow's eager tensor presents it.

    Example:
        >>> t = as_eager(np.array([1.0, 2.0], dtype="float32"))
        >>> t.shape.as_list(), t.dtype.name, (t * 2).numpy()
        ([2], 'float32', array([2., 4.], dtype=float32))
    """

    __array_priority__ = 100
    __slots__ = ("value", "_keras_mask", "__weakref__")

    def __init__(self, value):
        self.value = value

    # ------------------------------------------------------------------ TensorFlow's surface

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self.value.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape) -> None:
        if not TensorShape(shape).is_compatible_with(self.value.shape):
            raise ValueError(
                f"Tensor's shape {self.shape} is not compatible with supplied shape "
                f"{TensorShape(shape)}."
            )

    @property
    def dtype(self):
        return as_dtype(self.value.dtype)

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def device(self) -> str:
        return _DEVICE

    def numpy(self):
        """The value as NumPy: an array, or a NumPy scalar for a 0-d tensor."""
        return _numpy_value(self.value)

    def cpu(self) -> EagerTensor:
        return self

    # NumPy-style conveniences that Keras 3 code written for the JAX or NumPy backends uses.
    def astype(self, dtype) -> EagerTensor:
        return EagerTensor(self.value.astype(getattr(dtype, "dtype", dtype)))

    def reshape(self, *shape) -> EagerTensor:
        return as_eager(_ops().reshape(self, shape[0] if len(shape) == 1 else shape))

    def tolist(self):
        return self.value.tolist()

    def ref(self):
        return _Ref(self)

    experimental_ref = ref

    # ------------------------------------------------------------------ Python protocols

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __len__(self) -> int:
        if self.value.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return len(self.value)

    def __iter__(self):
        if self.value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (as_eager(row) for row in self.value)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __index__(self) -> int:
        return self.value.__index__()

    def __complex__(self) -> complex:
        return complex(self.value)

    def __format__(self, spec: str) -> str:
        if self.value.ndim == 0:
            return format(self.value[()], spec)
        return format(str(self), spec)

    __hash__ = None

    def __repr__(self) -> str:
        return tensor_repr(self.value)

    def __str__(self) -> str:
        return tensor_str(self.value)

    def __reduce__(self):
        return (EagerTensor, (self.value,))

    def __copy__(self) -> EagerTensor:
        return self

    def __deepcopy__(self, memo) -> EagerTensor:
        return EagerTensor(self.value.copy())

    def __eq__(self, other):
        return as_eager(_ops().equal(self, other))

    def __ne__(self, other):
        return as_eager(_ops().not_equal(self, other))


class _Ref:
    """A hashable reference to a tensor (`tensor.ref()`)."""

    __slots__ = ("_tensor",)

    def __init__(self, tensor):
        self._tensor = tensor

    def deref(self):
        return self._tensor

    def __hash__(self):
        return id(self._tensor)

    def __eq__(self, other):
        return isinstance(other, _Ref) and other._tensor is self._tensor


def _wrapping(op_name: str, reflected: bool = False):
    def method(self, other):
        ops = _ops()
        other = coerce_scalar(other, self.value.dtype)
        a, b = (other, self) if reflected else (self, other)
        return as_eager(getattr(ops, op_name)(a, b))

    return method


def coerce_scalar(other, dtype):
    """A Python number taking a tensor's dtype, as TensorFlow converts operands.

    `int32_tensor // 3` stays int32 and `float32_tensor ** 2` float32; a float
    meeting an integer tensor keeps NumPy's promotion.
    """
    t = type(other)
    if t is int or t is bool:
        if dtype.kind in "iuf":
            return np.asarray(other, dtype=dtype)
    elif t is float and dtype.kind == "f":
        return np.asarray(other, dtype=dtype)
    return other


def tensor_operator(name: str):
    """`ArrayOperatorsMixin`'s operator `name`, returning an `EagerTensor`; a Python scalar
    operand takes the tensor's dtype, as in TensorFlow."""
    base = getattr(ArrayOperatorsMixin, name)

    if name == "__getitem__":

        def method(self, *args):
            return as_eager(base(self, *args))
    else:

        def method(self, *args):
            if args:
                args = (coerce_scalar(args[0], self.value.dtype),)
            return as_eager(base(self, *args))

    method.__name__ = name
    return method


# The operators a tensor (and a `tf.Variable`) answers with a tensor of TF's dtype.
TENSOR_OPERATORS = (
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__matmul__",
    "__rmatmul__",
    "__neg__",
    "__abs__",
    "__pow__",
    "__rpow__",
    "__getitem__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
)
for _name in TENSOR_OPERATORS:
    setattr(EagerTensor, _name, tensor_operator(_name))
for _name, _op in (
    ("floordiv", "floor_divide"),
    ("mod", "mod"),
    ("and", "logical_and"),
    ("or", "logical_or"),
    ("xor", "logical_xor"),
):
    setattr(EagerTensor, f"__{_name}__", _wrapping(_op))
    setattr(EagerTensor, f"__r{_name}__", _wrapping(_op, reflected=True))
EagerTensor.__invert__ = lambda self: as_eager(_ops().logical_not(self))


def as_eager(x):
    """`x` with every plain NumPy array (or NumPy scalar) in it wrapped as an `EagerTensor`.

    Recorded tensors (on a tape), symbolic tensors and other objects pass unchanged.
    """
    t = type(x)
    if t is np.ndarray:
        return EagerTensor(x)
    if t is EagerTensor:
        return x
    if isinstance(x, np.generic):
        return EagerTensor(np.asarray(x))
    if t is list or t is tuple:
        return t(as_eager(e) for e in x)
    if t is dict:
        return {k: as_eager(v) for k, v in x.items()}
    return x
