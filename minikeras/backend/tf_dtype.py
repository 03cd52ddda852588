"""`DType`: TensorFlow's dtype objects (`tf.float32`, ...) over NumPy dtypes."""

from __future__ import annotations

import numpy as np


class DType:
    """A dtype as TensorFlow names it; equal to the matching NumPy dtype and to its name.

    NumPy accepts it anywhere a dtype is expected (`np.zeros(2, tf.float32)`).

    Args:
        name: TensorFlow's name (`"float32"`, `"string"`, `"bool"`, ...).
    """

    __slots__ = ("name", "dtype")

    def __init__(self, name: str):
        self.name = name
        self.dtype = np.dtype(object if name == "string" else name)

    @property
    def as_numpy_dtype(self):
        return np.bytes_ if self.name == "string" else self.dtype.type

    @property
    def is_floating(self) -> bool:
        return self.dtype.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self.dtype.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self.dtype.kind == "u"

    @property
    def is_bool(self) -> bool:
        return self.dtype.kind == "b"

    @property
    def is_complex(self) -> bool:
        return self.dtype.kind == "c"

    @property
    def is_numeric(self) -> bool:
        return self.dtype.kind in "iufc"

    @property
    def size(self) -> int:
        return self.dtype.itemsize

    @property
    def min(self):
        return np.finfo(self.dtype).min if self.is_floating else np.iinfo(self.dtype).min

    @property
    def max(self):
        return np.finfo(self.dtype).max if self.is_floating else np.iinfo(self.dtype).max

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def real_dtype(self) -> DType:
        if self.name == "complex64":
            return as_dtype("float32")
        return as_dtype("float64") if self.name == "complex128" else self

    def __getattr__(self, name):  # NumPy's dtype attributes: kind, itemsize, type, ...
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(object.__getattribute__(self, "dtype"), name)

    def __eq__(self, other) -> bool:
        try:
            return self.name == as_dtype(other).name
        except (TypeError, ValueError):
            return False

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return (as_dtype, (self.name,))


_BY_NAME: dict[str, DType] = {}
# `tf.dtypes.DType` enum values (types.proto), e.g. `tf.zeros(2, 1)` is float32.
_ENUMS = {
    1: "float32",
    2: "float64",
    3: "int32",
    4: "uint8",
    5: "int16",
    6: "int8",
    7: "string",
    8: "complex64",
    9: "int64",
    10: "bool",
    17: "uint16",
    18: "complex128",
    19: "float16",
    22: "uint32",
    23: "uint64",
}


def as_dtype(value) -> DType:
    """The `DType` for a name, a NumPy dtype or type, a Python type or a DType.

    Raises:
        TypeError: for something that is not a dtype.
    """
    if isinstance(value, DType):
        return value
    if type(value) is int and value in _ENUMS:  # TensorFlow's DataType enum numbers
        value = _ENUMS[value]
    if value in (str, bytes, np.str_, np.bytes_) or value == "string":
        name = "string"
    else:
        try:
            dt = np.dtype(value)
        except TypeError:
            raise TypeError(
                f"Cannot convert the argument `type_value`: {value!r} to a TensorFlow DType."
            ) from None
        name = "string" if dt.kind in "USO" else dt.name
    found = _BY_NAME.get(name)
    if found is None:
        found = _BY_NAME[name] = DType(name)
    return found


def dtype_name(value) -> str:
    """TensorFlow's name for a dtype-like value (`"float32"`, `"string"`, ...)."""
    return as_dtype(value).name
