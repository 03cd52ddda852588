"""`tf.Variable`: a mutable tensor whose arithmetic returns `EagerTensor`s."""

from __future__ import annotations

from minikeras.backend.eager_tensor import (
    TENSOR_OPERATORS,
    _numpy_value,
    _value_text,
    as_eager,
    tensor_operator,
)
from minikeras.backend.tensor_shape import TensorShape
from minikeras.backend.tf_dtype import as_dtype
from minikeras.backend.variable import Variable as _BackendVariable
from minikeras.tensorflow._convert import to_array


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, _BackendVariable)  # Keras layer weights count too


class Variable(_BackendVariable, metaclass=_VariableMeta):
    """`tf.Variable(initial_value, trainable=True, name=None, dtype=None, shape=None)`.

    Python floats give float32 and ints int32, as in TensorFlow. Inside a
    `GradientTape`, a trainable variable is watched automatically.

    Example:
        >>> v = Variable(3.0)
        >>> v.assign_add(1.0).numpy()
        np.float32(4.0)
    """

    __slots__ = ()

    def __init__(
        self,
        initial_value=None,
        trainable=None,
        validate_shape=True,
        caching_device=None,
        name=None,
        variable_def=None,
        dtype=None,
        import_scope=None,
        constraint=None,
        synchronization=None,
        aggregation=None,
        shape=None,
        **kwargs,
    ):
        if initial_value is None:
            raise ValueError("The `initial_value` argument of `tf.Variable` must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        value = to_array(initial_value, dtype)
        super().__init__(
            value,
            dtype=value.dtype.name,
            trainable=True if trainable is None else bool(trainable),
            name=name or "Variable",
        )
        self.constraint = constraint

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self.value.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def dtype(self):
        """A `tf.DType` (it equals the NumPy dtype and its name, as Keras's string does)."""
        return as_dtype(self.value.dtype)

    def numpy(self):
        """A copy of the value (a NumPy scalar for a 0-d variable)."""
        return _numpy_value(self.value.copy())

    def read_value(self):
        """The current value as a tensor (a snapshot)."""
        return as_eager(self.value.copy())

    def value_tensor(self):
        return self.read_value()

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Sets the value (same shape); returns the variable."""
        super().assign(to_array(value))
        return self

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        super().assign_add(to_array(delta))
        return self

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        super().assign_sub(to_array(delta))
        return self

    @property
    def device(self) -> str:
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def __repr__(self) -> str:
        text = _value_text(self.value, True)
        sep = "\n" if "\n" in text else ""
        return (
            f"<tf.Variable '{self.name}:0' shape={self.shape} "
            f"dtype={as_dtype(self.value.dtype).name}, numpy={sep}{text}>"
        )

    def __str__(self) -> str:
        return repr(self)


for _name in TENSOR_OPERATORS:
    setattr(Variable, _name, tensor_operator(_name))
