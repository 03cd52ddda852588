"""The Keras 2 `keras.backend` functions (`from keras import backend as K`).

Every maths function composes `minikeras.ops`, so custom losses and metrics
written with `K.*` are differentiable and train. minikeras runs eagerly, so
graph-only functions (`placeholder`, `gradients`) raise with the eager way to
do the same thing.
"""

from __future__ import annotations

import contextlib

import numpy as np

from minikeras import ops
from minikeras.backend import config
from minikeras.backend.autodiff import Tensor, value_of
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.backend.variable import Variable

# ----------------------------------------------------------------------------- variables


def variable(value, dtype=None, name=None, constraint=None):
    """A `Variable` holding `value` (`floatx` unless `dtype` is given)."""
    v = Variable(np.asarray(value_of(value)), dtype=dtype or config.floatx(), name=name)
    v.constraint = constraint
    return v


def constant(value, dtype=None, shape=None, name=None):
    """A constant array (`floatx` unless `dtype` is given), broadcast to `shape` if given."""
    arr = np.asarray(value_of(value), dtype=dtype or config.floatx())
    return np.broadcast_to(arr, shape).copy() if shape is not None else arr


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False):
    """Not available: minikeras runs eagerly and has no graph placeholders."""
    raise NotImplementedError(
        "`K.placeholder()` creates a TensorFlow graph placeholder, and minikeras runs eagerly: "
        f"there are no placeholders (received shape={shape}). Use `keras.Input(shape=...)` for a "
        "symbolic model input, or pass NumPy arrays directly to the function."
    )


def gradients(loss, variables):
    """Not available: symbolic gradients need a graph; use a `GradientTape`."""
    raise NotImplementedError(
        "`K.gradients(loss, variables)` differentiates a TensorFlow graph, and minikeras runs "
        "eagerly. Compute the loss inside `with keras.backend.GradientTape() as tape:` and call "
        "`tape.gradient(loss, variables)` instead."
    )


def eval(x):  # noqa: A001 - Keras name
    """The NumPy value of a variable, tensor or array."""
    return np.array(value_of(x))


def get_value(x):
    """The NumPy value of a variable (or of an optimizer hyper-parameter like `lr`)."""
    return np.array(value_of(x))


def batch_get_value(tensors):
    """NumPy values of a list of variables."""
    return [get_value(t) for t in tensors]


def set_value(x, value) -> None:
    """Sets a variable's value in place (also `model.optimizer.lr`).

    Raises:
        TypeError: for something that holds no settable value.
    """
    if isinstance(x, Variable):
        x.assign(np.asarray(value_of(value), dtype=x.dtype))
    elif isinstance(x, np.ndarray) and x.flags.writeable:
        np.copyto(x, np.asarray(value_of(value)), casting="unsafe")
    else:
        raise TypeError(
            f"`K.set_value` needs a variable. Received: {type(x).__name__}. To change a "
            "learning rate, use `K.set_value(model.optimizer.learning_rate, value)` or assign "
            "`model.optimizer.learning_rate = value`."
        )


def batch_set_value(tuples) -> None:
    """`set_value` for each `(variable, value)` pair."""
    for x, value in tuples:
        set_value(x, value)


def count_params(x) -> int:
    """Number of scalars in `x`."""
    return int(np.prod(int_shape(x)))


# ----------------------------------------------------------------------------- shapes and types


def int_shape(x) -> tuple:
    """Shape of `x` as a tuple of ints (`None` for unknown dimensions)."""
    if isinstance(x, KerasTensor):
        return tuple(x.shape)
    return tuple(int(n) for n in np.shape(value_of(x)))


def shape(x):
    """The shape of `x` as an int array (Keras 2 returned a shape tensor)."""
    if isinstance(x, KerasTensor):
        return x.shape
    return np.asarray(np.shape(value_of(x)), dtype="int32")


def ndim(x) -> int:
    """Number of axes of `x`."""
    return len(x.shape) if isinstance(x, KerasTensor) else int(np.ndim(value_of(x)))


def dtype(x) -> str:
    """Dtype of `x` as a string."""
    if isinstance(x, KerasTensor):
        return x.dtype
    return np.asarray(value_of(x)).dtype.name


def is_keras_tensor(x) -> bool:
    """Whether `x` is a symbolic tensor made by `Input` or a layer call."""
    return isinstance(x, KerasTensor)


def image_dim_ordering() -> str:
    """Keras 1 spelling: `"tf"` for channels_last, `"th"` for channels_first."""
    return "tf" if config.image_data_format() == "channels_last" else "th"


def set_image_dim_ordering(dim_ordering: str) -> None:
    """Keras 1 spelling of `set_image_data_format` (`"tf"` or `"th"`)."""
    if dim_ordering not in ("tf", "th"):
        raise ValueError(f"Unknown dim_ordering: {dim_ordering}. Expected 'tf' or 'th'.")
    config.set_image_data_format("channels_last" if dim_ordering == "tf" else "channels_first")


# ----------------------------------------------------------------------------- session state

_learning_phase = [0]
_uids: dict[str, int] = {}


class _LearningPhase(int):
    """The value `K.learning_phase()` returns: an int (0 test, 1 train) usable as an input."""


def learning_phase():
    """The learning phase: 0 (test) or 1 (train); usable as a `K.function` input."""
    return _LearningPhase(_learning_phase[0])


def set_learning_phase(value) -> None:
    """Sets the learning phase used by `K.function` (0 = test, 1 = train)."""
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1. Received: {value}")
    _learning_phase[0] = int(value)


def clear_session() -> None:
    """Resets layer names (`dense`, `dense_1`, ...) and backend uids, as Keras does."""
    from minikeras.utils.naming import reset_names

    reset_names()
    _uids.clear()
    _learning_phase[0] = 0


def get_uid(prefix="") -> int:
    """1, 2, 3, ... for each call with the same `prefix`."""
    _uids[prefix] = _uids.get(prefix, 0) + 1
    return _uids[prefix]


def reset_uids() -> None:
    """Forgets the counters `get_uid` uses."""
    _uids.clear()


@contextlib.contextmanager
def name_scope(name):
    """Accepted for compatibility; names are not scoped in minikeras."""
    yield name


def manual_variable_initialization(value) -> None:
    """Accepted for compatibility: minikeras variables are always initialised eagerly."""


# ----------------------------------------------------------------------------- K.function


class _Function:
    """What `K.function` returns: call it with a list of input arrays."""

    def __init__(self, inputs, outputs, name=None):
        from minikeras.models.functional import Functional

        self._single_in = not isinstance(inputs, (list, tuple))
        self._single_out = not isinstance(outputs, (list, tuple))
        ins = [inputs] if self._single_in else list(inputs)
        self._phase_slot = [i for i, t in enumerate(ins) if isinstance(t, _LearningPhase)]
        symbolic = [t for t in ins if not isinstance(t, _LearningPhase)]
        outs = [outputs] if self._single_out else list(outputs)
        for t in symbolic + outs:
            if not isinstance(t, KerasTensor):
                raise TypeError(
                    "`K.function` inputs and outputs must be symbolic tensors of a model "
                    f"(e.g. `model.input`, `model.layers[1].output`). Received: {t!r}"
                )
        self._model = Functional(symbolic, outs, name=name or "k_function")

    def __call__(self, inputs):
        values = [inputs] if self._single_in else list(inputs)
        phase = _learning_phase[0]
        for i in self._phase_slot:
            phase = int(values[i])
        arrays = [np.asarray(v) for i, v in enumerate(values) if i not in self._phase_slot]
        out = self._model(arrays, training=bool(phase))
        outs = [np.asarray(value_of(o)) for o in (out if isinstance(out, list) else [out])]
        return outs[0] if self._single_out else outs


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A callable computing `outputs` from values for `inputs` (symbolic model tensors).

    Example:
        >>> get_hidden = K.function([model.input], [model.layers[0].output])
        >>> hidden = get_hidden([x])[0]

    `K.learning_phase()` may be one of the inputs; its value (0 or 1) then
    selects inference or training behaviour (dropout).
    """
    if updates:
        raise NotImplementedError(
            "`K.function(..., updates=...)` runs graph update ops; minikeras runs eagerly. "
            "Update variables directly with `variable.assign(...)`."
        )
    return _Function(inputs, outputs, name=name)


# ----------------------------------------------------------------------------- maths


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Sum over `axis`."""
    return ops.sum(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over `axis`."""
    return ops.mean(_float(x), axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Maximum over `axis`."""
    return ops.max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Minimum over `axis`."""
    return ops.min(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over `axis`."""
    return ops.prod(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis`."""
    return ops.std(_float(x), axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Variance over `axis`."""
    return ops.var(_float(x), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Logical OR over `axis`."""
    return ops.any(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Logical AND over `axis`."""
    return ops.all(x, axis=axis, keepdims=keepdims)


def cumsum(x, axis=0):
    """Cumulative sum along `axis`."""
    return ops.cumsum(x, axis=axis)


def _alias(name):
    """A K function that forwards to `ops.<name>` (looked up at call time)."""

    def fn(*args, **kwargs):
        return getattr(ops, name)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"Same as `keras.ops.{name}`."
    return fn


def _shape(x) -> tuple:
    """Static shape (None for unknown dims) of an array, tensor or KerasTensor."""
    return tuple(x.shape) if isinstance(x, KerasTensor) else np.shape(value_of(x))


def _float(x):
    if isinstance(x, KerasTensor):
        return x
    v = value_of(x)
    if np.asarray(v).dtype.kind in "iub":
        return np.asarray(v, dtype=config.floatx())
    return x


square = _alias("square")
exp = _alias("exp")
log = _alias("log")
abs = _alias("abs")  # noqa: A001 - Keras name
sign = _alias("sign")
round = _alias("round")  # noqa: A001 - Keras name
sin = _alias("sin")
cos = _alias("cos")
tanh = _alias("tanh")
sigmoid = _alias("sigmoid")
softplus = _alias("softplus")
softsign = _alias("softsign")
hard_sigmoid = _alias("hard_sigmoid")
maximum = _alias("maximum")
minimum = _alias("minimum")
equal = _alias("equal")
not_equal = _alias("not_equal")
greater = _alias("greater")
greater_equal = _alias("greater_equal")
less = _alias("less")
less_equal = _alias("less_equal")
stop_gradient = _alias("stop_gradient")
zeros_like = _alias("zeros_like")
ones_like = _alias("ones_like")


def argmax(x, axis=-1):
    """Keras 2's `K.argmax`: along the last axis by default (Keras 3's `ops.argmax`
    flattens)."""
    return ops.argmax(x, axis=axis)


def argmin(x, axis=-1):
    """Keras 2's `K.argmin`: along the last axis by default."""
    return ops.argmin(x, axis=axis)


stack = _alias("stack")
tile = _alias("tile")
flatten = _alias("ravel")


def sqrt(x):
    """Square root, with negative inputs clipped to 0 first (Keras 2 semantics)."""
    return ops.sqrt(ops.maximum(x, 0.0))


def pow(x, a):  # noqa: A001 - Keras name
    """Element-wise `x ** a`."""
    return ops.power(x, a)


def clip(x, min_value, max_value):
    """Clips to `[min_value, max_value]` (`None` means unbounded)."""
    lo = -np.inf if min_value is None else min_value
    hi = np.inf if max_value is None else max_value
    if hi < lo:
        hi = lo
    return ops.clip(x, lo, hi)


def dot(x, y):
    """Keras 2 `dot`: matrix product; for N-D inputs, contracts x's last axis with y's second-to-last."""
    nx, ny = len(_shape(x)), len(_shape(y))
    if nx > 2 or ny > 2:
        if ny == 1:
            return ops.tensordot(x, y, axes=([nx - 1], [0]))
        return ops.tensordot(x, y, axes=([nx - 1], [ny - 2]))
    return ops.matmul(x, y)


def batch_dot(x, y, axes=None):
    """Batch-wise dot product (Keras 2 semantics).

    Contracts `x`'s axis `axes[0]` with `y`'s axis `axes[1]` for each sample;
    the result has x's remaining axes followed by y's. A result with only the
    batch axis gets a trailing axis of size 1.
    """
    xs, ys = _shape(x), _shape(y)
    nx, ny = len(xs), len(ys)
    if nx < 2 or ny < 2:
        raise ValueError(f"`batch_dot` needs inputs of rank >= 2. Received shapes {xs} and {ys}")
    if axes is None:
        axes = (nx - 1, ny - 2) if ny > 2 else (nx - 1, ny - 1)
    if isinstance(axes, int):
        axes = (axes, axes)
    a0, a1 = axes[0] % nx, axes[1] % ny
    if a0 == 0 or a1 == 0:
        raise ValueError(f"Cannot contract the batch axis. Received: axes={axes}")
    if xs[a0] != ys[a1]:
        raise ValueError(
            f"Cannot do batch_dot on inputs with shapes {xs} and {ys} with axes={axes}: "
            f"x.shape[{a0}] != y.shape[{a1}] ({xs[a0]} != {ys[a1]})."
        )
    b, k = (-1 if xs[0] is None else xs[0]), xs[a0]
    x_rest = [n for i, n in enumerate(xs) if i not in (0, a0)]
    y_rest = [n for i, n in enumerate(ys) if i not in (0, a1)]
    m, n = int(np.prod(x_rest)), int(np.prod(y_rest))
    xm = ops.reshape(ops.moveaxis(x, a0, -1), (b, m, k))
    ym = ops.reshape(ops.moveaxis(y, a1, 1), (b, k, n))
    out = ops.reshape(ops.matmul(xm, ym), (b, *x_rest, *y_rest))
    return ops.expand_dims(out, -1) if not x_rest and not y_rest else out


def concatenate(tensors, axis=-1):
    """Joins tensors along `axis`."""
    return ops.concatenate(list(tensors), axis=axis)


def reshape(x, shape):
    """Reshapes `x`."""
    return ops.reshape(x, tuple(shape))


def expand_dims(x, axis=-1):
    """Adds a size-1 axis at `axis`."""
    return ops.expand_dims(x, axis)


def squeeze(x, axis):
    """Removes the size-1 axis `axis`."""
    return ops.squeeze(x, axis)


def transpose(x):
    """Reverses the axes of `x`."""
    return ops.transpose(x)


def permute_dimensions(x, pattern):
    """Permutes axes into `pattern`."""
    return ops.transpose(x, tuple(pattern))


def batch_flatten(x):
    """Flattens every sample: `(batch, ...)` → `(batch, prod(...))`."""
    shape = _shape(x)
    if shape[0] is None:
        return ops.reshape(x, (-1, int(np.prod(shape[1:]))))
    return ops.reshape(x, (shape[0], -1))


def repeat_elements(x, rep, axis):
    """Repeats each element `rep` times along `axis`."""
    return ops.repeat(x, rep, axis=axis)


def gather(reference, indices):
    """Rows of `reference` at `indices`."""
    return ops.take(reference, indices, axis=0)


def l2_normalize(x, axis=None):
    """Divides by the L2 norm along `axis` (all axes when None)."""
    return ops.divide(
        x, ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-12))
    )


def switch(condition, then_expression, else_expression):
    """Element-wise choice (or a Python choice for a scalar condition)."""
    then_v = then_expression() if callable(then_expression) else then_expression
    else_v = else_expression() if callable(else_expression) else else_expression
    return ops.where(condition, then_v, else_v)


def softmax(x, axis=-1):
    """Softmax along `axis`."""
    return ops.softmax(x, axis=axis)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2 `relu`: `x` above `threshold`, `alpha * (x - threshold)` below, capped at `max_value`."""
    if alpha == 0 and max_value is None and threshold == 0:
        return ops.relu(x)
    above = ops.where(ops.greater(x, threshold), x, 0.0)
    if max_value is not None:
        above = ops.minimum(above, max_value)
    if alpha == 0:
        return above
    below = ops.multiply(ops.minimum(ops.subtract(x, threshold), 0.0), alpha)
    return ops.add(above, below)


def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return ops.elu(x, alpha=alpha)


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy (no reduction)."""
    return ops.binary_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy over `axis` (no batch reduction)."""
    return ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy with integer labels (no batch reduction)."""
    return ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def one_hot(indices, num_classes):
    """One-hot encoding with a new last axis of size `num_classes`."""
    return ops.one_hot(indices, num_classes)


def cast(x, dtype):
    """Casts `x` to `dtype`."""
    return ops.cast(x, dtype)


def cast_to_floatx(x):
    """Keras 2's `K.cast_to_floatx`: `x` as a NumPy array of `floatx()`."""
    from minikeras.backend import config

    return np.asarray(ops.convert_to_numpy(x), dtype=config.floatx())


def zeros(shape, dtype=None, name=None):
    """A variable of zeros (Keras 2 returned a variable)."""
    return variable(np.zeros(shape), dtype=dtype, name=name)


def ones(shape, dtype=None, name=None):
    """A variable of ones."""
    return variable(np.ones(shape), dtype=dtype, name=name)


def eye(size, dtype=None, name=None):
    """An identity-matrix variable."""
    return variable(np.eye(size), dtype=dtype, name=name)


def _rng(seed):
    return config.rng() if seed is None else np.random.default_rng(int(seed))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from `U[minval, maxval)`."""
    return _rng(seed).uniform(minval, maxval, size=tuple(shape)).astype(dtype or config.floatx())


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from `N(mean, stddev^2)`."""
    return _rng(seed).normal(mean, stddev, size=tuple(shape)).astype(dtype or config.floatx())


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """Samples 1 with probability `p`, else 0."""
    return (_rng(seed).random(tuple(shape)) < p).astype(dtype or config.floatx())


def print_tensor(x, message="", summarize=3):
    """Prints `message` and the value of `x`; returns `x`."""
    print(message, np.asarray(value_of(x)))
    return x


def is_tensor(x) -> bool:
    """Whether `x` is an array-like minikeras works with."""
    return isinstance(x, (np.ndarray, Tensor, Variable, KerasTensor))
