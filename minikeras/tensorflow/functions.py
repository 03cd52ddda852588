"""`tf.function`, `tf.print`, `tf.get_logger` and other eager-only helpers."""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
import types

import numpy as np

from minikeras.backend.autodiff import Tensor
from minikeras.backend.eager_tensor import EagerTensor
from minikeras.backend.variable import Variable


class Function:
    """What `tf.function` returns: the Python function, called eagerly.

    Graph tracing does not exist here, so the function runs as plain Python on
    every call (`print` runs every time, not only while tracing).
    """

    def __init__(self, python_function, input_signature=None):
        self.python_function = python_function
        self.input_signature = input_signature
        functools.update_wrapper(self, python_function)

    def __call__(self, *args, **kwargs):
        return self.python_function(*args, **kwargs)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return types.MethodType(self.python_function, instance)

    def get_concrete_function(self, *args, **kwargs):
        raise NotImplementedError(
            "`get_concrete_function` needs TensorFlow's graph mode, which minikeras does not "
            "have: its functions always run eagerly. Run the script with real TensorFlow to "
            "trace graphs."
        )

    def experimental_get_tracing_count(self) -> int:
        return 0


def function(
    func=None,
    input_signature=None,
    autograph=True,
    jit_compile=None,
    reduce_retracing=False,
    experimental_implements=None,
    experimental_autograph_options=None,
    experimental_attributes=None,
    experimental_relax_shapes=None,
    experimental_compile=None,
    experimental_follow_type_hints=None,
):
    """`tf.function`, as a decorator with or without arguments: the function runs eagerly."""
    if func is None:
        return lambda f: Function(f, input_signature)
    return Function(func, input_signature)


def executing_eagerly() -> bool:
    """Always True: minikeras runs eagerly."""
    return True


def get_logger() -> logging.Logger:
    """`tf.get_logger`: the `"tensorflow"` logger of the `logging` module."""
    return logging.getLogger("tensorflow")


def _print_text(x, summarize: int) -> str:
    """A value as `tf.print` shows it: floats with up to 9 significant digits, no `array(`."""
    if isinstance(x, (EagerTensor, Tensor, Variable)):
        a = np.asarray(x.value)
        if a.dtype.kind == "U":
            return f'"{a}"' if a.ndim == 0 else str(a)
        edge = summarize if summarize and summarize > 0 else None
        options = {"threshold": 2 * edge, "edgeitems": edge} if edge else {"threshold": sys.maxsize}
        with np.printoptions(**options, formatter={"float_kind": lambda v: f"{v:.9g}"}):
            return str(a)
    if isinstance(x, (list, tuple)):
        inner = ", ".join(_print_text(e, summarize) for e in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner})"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_print_text(v, summarize)}" for k, v in x.items()) + "}"
    return str(x)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """`tf.print`: tensors printed as their values, to standard error by default."""
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str):
        stream = sys.stdout if "stdout" in stream else sys.stderr
    elif stream is logging.info or not hasattr(stream, "write"):
        stream = sys.stderr
    stream.write(sep.join(_print_text(x, summarize) for x in inputs) + end)


def is_tensor(x) -> bool:
    """`tf.is_tensor`: True for tensors and variables, False for NumPy arrays."""
    return isinstance(x, (EagerTensor, Tensor, Variable))


class _TensorMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, (EagerTensor, Tensor))


class Tensor_(metaclass=_TensorMeta):  # noqa: N801 - exported as `tf.Tensor`
    """`tf.Tensor`, for `isinstance` checks and type hints (eager and recorded tensors)."""


@contextlib.contextmanager
def _null_scope(*args, **kwargs):
    yield


device = name_scope = init_scope = _null_scope


def _do_not_convert(func=None):
    return func if func is not None else (lambda f: f)


autograph = types.SimpleNamespace(
    experimental=types.SimpleNamespace(do_not_convert=_do_not_convert),
    set_verbosity=lambda level, alsologtostdout=False: None,
    to_code=lambda *a, **k: "",
)
