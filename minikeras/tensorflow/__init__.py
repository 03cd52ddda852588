"""`tensorflow` as `python -m minikeras` provides it: TensorFlow 2's eager API on NumPy.

`import tensorflow as tf` in a script run with `python -m minikeras` gives this
package: `tf.keras` is minikeras, `tf.data` its NumPy `Dataset`, and the
tensor functions (`tf.constant`, `tf.reduce_mean`, `tf.nn.softmax`, ...) work
eagerly on `EagerTensor`s, recorded by `tf.GradientTape`. There is no graph
mode, SavedModel, distribution or TensorFlow 1 API: those names raise an
AttributeError that says what to use instead. Names TensorFlow has but the
stand-in lacks raise an AttributeError naming them.
"""

import minikeras as keras
from minikeras.backend.tensor_shape import TensorShape
from minikeras.backend.tf_dtype import DType, as_dtype
from minikeras.data.spec import TensorSpec
from minikeras.tensorflow import (
    config,
    data,
    debugging,
    dtypes,
    errors,
    image,
    linalg,
    math,
    nest,
    nn,
    random,
    strings,
    version,
)
from minikeras.tensorflow._convert import missing
from minikeras.tensorflow.array_ops import (
    argsort,
    boolean_mask,
    broadcast_to,
    cast,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    concat,
    constant,
    convert_to_tensor,
    einsum,
    expand_dims,
    eye,
    fill,
    gather,
    gather_nd,
    identity,
    linspace,
    meshgrid,
    newaxis,
    norm,
    numpy_function,
    one_hot,
    ones,
    ones_like,
    pad,
    py_function,
    range,
    rank,
    repeat,
    reshape,
    reverse,
    roll,
    searchsorted,
    sequence_mask,
    shape,
    shape_n,
    size,
    sort,
    split,
    squeeze,
    stack,
    stop_gradient,
    tensordot,
    tile,
    transpose,
    unique,
    unstack,
    where,
    zeros,
    zeros_like,
)
from minikeras.tensorflow.dtypes import (
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from minikeras.tensorflow.functions import (
    Function,
    autograph,
    device,
    executing_eagerly,
    function,
    get_logger,
    init_scope,
    is_tensor,
    name_scope,
    print,
)
from minikeras.tensorflow.functions import (
    Tensor_ as Tensor,
)
from minikeras.tensorflow.linalg import matmul
from minikeras.tensorflow.math import (
    abs,
    add,
    add_n,
    argmax,
    argmin,
    cos,
    cumsum,
    divide,
    equal,
    exp,
    floor,
    floordiv,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_std,
    reduce_sum,
    reduce_variance,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    subtract,
    tan,
    tanh,
    truediv,
)
from minikeras.tensorflow.tape import GradientTape, UnconnectedGradients
from minikeras.tensorflow.unsupported import REASONS, Unsupported
from minikeras.tensorflow.variables import Variable

__version__ = version.VERSION
AUTOTUNE = data.AUTOTUNE

_UNSUPPORTED = {name: Unsupported(f"tf.{name}", reason) for name, reason in REASONS.items()}


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    found = _UNSUPPORTED.get(name)
    if found is not None:
        return found
    raise missing("tf", name)


def __dir__():
    return sorted(set(globals()) | set(_UNSUPPORTED))


__all__ = [
    "DType", "Function", "GradientTape", "Tensor", "TensorShape", "TensorSpec",
    "UnconnectedGradients", "Variable", "as_dtype", "autograph", "config", "data",
    "debugging", "device", "dtypes", "errors", "executing_eagerly", "function", "get_logger",
    "image", "init_scope", "is_tensor", "keras", "linalg", "math", "name_scope", "nest", "nn",
    "print", "random", "strings", "version",
    # creation and shapes
    "argsort", "boolean_mask", "broadcast_to", "cast", "clip_by_global_norm", "clip_by_norm",
    "clip_by_value", "concat", "constant", "convert_to_tensor", "einsum", "expand_dims", "eye",
    "fill", "gather", "gather_nd", "identity", "linspace", "meshgrid", "newaxis", "norm",
    "numpy_function", "one_hot", "ones", "ones_like", "pad", "py_function", "range", "rank",
    "repeat", "reshape", "reverse", "roll", "searchsorted", "sequence_mask", "shape",
    "shape_n", "size", "sort", "split", "squeeze", "stack", "stop_gradient", "tensordot",
    "tile", "transpose", "unique", "unstack", "where", "zeros", "zeros_like", "matmul",
    # dtypes
    "bool", "complex64", "complex128", "double", "float16", "float32", "float64", "half",
    "int8", "int16", "int32", "int64", "string", "uint8", "uint16", "uint32", "uint64",
    # maths
    "abs", "add", "add_n", "argmax", "argmin", "cos", "cumsum", "divide", "equal", "exp",
    "floor", "floordiv", "greater", "greater_equal", "less", "less_equal", "log",
    "logical_and", "logical_not", "logical_or", "maximum", "minimum", "multiply", "negative",
    "not_equal", "pow", "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max",
    "reduce_mean", "reduce_min", "reduce_prod", "reduce_std", "reduce_variance", "reduce_sum",
    "round", "rsqrt", "sigmoid", "sign", "sin", "sqrt", "square", "squared_difference",
    "subtract", "tan", "tanh", "truediv",
]
