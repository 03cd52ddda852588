"""`tf.dtypes`: TensorFlow's dtype objects (`tf.float32`, ...), `as_dtype`, `cast`."""

from minikeras.backend.tf_dtype import DType, as_dtype
from minikeras.tensorflow._convert import missing

float16 = half = as_dtype("float16")
float32 = as_dtype("float32")
float64 = double = as_dtype("float64")
int8 = as_dtype("int8")
int16 = as_dtype("int16")
int32 = as_dtype("int32")
int64 = as_dtype("int64")
uint8 = as_dtype("uint8")
uint16 = as_dtype("uint16")
uint32 = as_dtype("uint32")
uint64 = as_dtype("uint64")
bool = as_dtype("bool")  # noqa: A001 - TensorFlow's name
complex64 = as_dtype("complex64")
complex128 = as_dtype("complex128")
string = as_dtype("string")


def cast(x, dtype, name=None):
    """`tf.dtypes.cast` (the same as `tf.cast`)."""
    from minikeras.tensorflow.array_ops import cast as _cast

    return _cast(x, dtype)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    hint = (
        "bfloat16 and quantized dtypes are not supported. "
        if "float" in name or name.startswith("q")
        else ""
    )
    raise missing("tf.dtypes", name, hint)


__all__ = ["DType", "as_dtype", "cast"]
