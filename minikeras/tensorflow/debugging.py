"""`tf.debugging`: assertions that raise `InvalidArgumentError` (a ValueError) when they fail."""

from __future__ import annotations

import numpy as np

from minikeras.tensorflow._convert import missing, val
from minikeras.tensorflow.errors import InvalidArgumentError


def _fail(message, default):
    raise InvalidArgumentError(None, None, f"{message or ''}\n{default}".strip())


def _compare(x, y, check, what, message, summarize=None):
    a, b = val(x), val(y)
    try:
        ok = np.all(check(a, b))
    except ValueError:
        _fail(message, f"Shapes {a.shape} and {b.shape} are incompatible")
    if not ok:
        _fail(message, f"Condition x {what} y did not hold.\nx = {a}\ny = {b}")


def assert_equal(x, y, message=None, summarize=None, name=None):
    """`tf.debugging.assert_equal`: element-wise `x == y`."""
    _compare(x, y, np.equal, "==", message)


def assert_none_equal(x, y, message=None, summarize=None, name=None):
    _compare(x, y, np.not_equal, "!=", message)


def assert_less(x, y, message=None, summarize=None, name=None):
    _compare(x, y, np.less, "<", message)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    _compare(x, y, np.less_equal, "<=", message)


def assert_greater(x, y, message=None, summarize=None, name=None):
    _compare(x, y, np.greater, ">", message)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    _compare(x, y, np.greater_equal, ">=", message)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """`tf.debugging.assert_near`: `|x - y| <= atol + rtol * |y|` (float32 tolerances by default)."""
    a, b = val(x), val(y)
    eps = np.finfo(a.dtype).eps if a.dtype.kind == "f" else 1e-7
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    if not np.all(np.abs(a - b) <= atol + rtol * np.abs(b)):
        _fail(
            message,
            f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}\nx = {a}\ny = {b}",
        )


def _sign_check(check, what):
    def fn(x, message=None, summarize=None, name=None):
        a = val(x)
        if not np.all(check(a)):
            _fail(message, f"Condition x {what} did not hold element-wise: x = {a}")

    return fn


assert_positive = _sign_check(lambda a: a > 0, "> 0")
assert_negative = _sign_check(lambda a: a < 0, "< 0")
assert_non_negative = _sign_check(lambda a: a >= 0, ">= 0")
assert_non_positive = _sign_check(lambda a: a <= 0, "<= 0")


def assert_rank(x, rank, message=None, name=None):
    """`tf.debugging.assert_rank`."""
    if np.ndim(val(x)) != int(val(rank)):
        raise ValueError(
            f"{message or ''} Tensor must have rank {int(val(rank))}. Received "
            f"rank {np.ndim(val(x))}, shape {np.shape(val(x))}".strip()
        )


def assert_rank_at_least(x, rank, message=None, name=None):
    if np.ndim(val(x)) < int(val(rank)):
        raise ValueError(
            f"{message or ''} Tensor must have rank at least {int(val(rank))}. "
            f"Received rank {np.ndim(val(x))}".strip()
        )


def assert_type(tensor, tf_type, message=None, name=None):
    """`tf.debugging.assert_type`."""
    from minikeras.backend.tf_dtype import as_dtype

    got = as_dtype(val(tensor).dtype)
    if got != as_dtype(tf_type):
        raise TypeError(
            f"{message or ''} tensor must be of type {as_dtype(tf_type)!r}; got {got!r}".strip()
        )


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """`tf.debugging.assert_shapes`: symbolic dimension names must agree across tensors."""
    sizes: dict = {}
    for tensor, spec in shapes:
        shape = np.shape(val(tensor))
        spec = list(spec)
        if len(spec) != len(shape):
            raise ValueError(
                f"{message or ''} Specified by tensor with shape {shape}: rank "
                f"should be {len(spec)}".strip()
            )
        for dim, want in zip(shape, spec):
            if isinstance(want, str):
                if sizes.setdefault(want, dim) != dim:
                    raise ValueError(
                        f"{message or ''} Dimension {want!r} is {sizes[want]} "
                        f"in one tensor and {dim} in another".strip()
                    )
            elif want is not None and int(want) != dim:
                raise ValueError(
                    f"{message or ''} Expected dimension {want}, got {dim} in shape {shape}".strip()
                )


def assert_all_finite(t, message, name=None):
    """`tf.debugging.assert_all_finite`."""
    a = val(t)
    if not np.all(np.isfinite(a)):
        _fail(message, "Tensor had NaN or Inf values")
    return t


check_numerics = assert_all_finite


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TensorFlow's name
    """`tf.debugging.Assert`: raises when `condition` is False."""
    if not bool(np.all(val(condition))):
        _fail("assertion failed:", " ".join(str(val(d)) for d in data))


def is_numeric_tensor(tensor) -> bool:
    return val(tensor).dtype.kind in "iufc"


def set_log_device_placement(enabled):
    """Accepted; everything runs on the CPU."""


def enable_check_numerics(*args, **kwargs):
    """Accepted; use `keras.callbacks.TerminateOnNaN` to stop on NaN losses."""


def disable_check_numerics():
    """Accepted."""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise missing("tf.debugging", name)
