"""`tf.custom_gradient`: a function whose gradient the user writes."""

from __future__ import annotations

import functools

import numpy as np

from minikeras.backend.autodiff import Tensor, cached_backward, unwrap, value_of
from minikeras.backend.eager_tensor import EagerTensor, as_eager
from minikeras.backend.variable import Variable


def _is_tensor(x) -> bool:
    return isinstance(x, (Tensor, EagerTensor, Variable, np.ndarray))


def custom_gradient(f=None):
    """Decorator `tf.custom_gradient`: `f(*x)` returns `(y, grad_fn)`; `grad_fn(dy)` the gradients.

    `f` runs on the input values (nothing inside it is recorded); on a tape the
    result is one recorded node whose gradient for each tensor input is what
    `grad_fn(upstream)` returns (one value, or one per input). `f` must return
    one tensor, and gradients for variables that `f` reads without taking them
    as inputs (`grad_fn(dy, variables=...)`) are not supported.

    Example:
        >>> @tf.custom_gradient
        ... def clip_gradients(y):
        ...     return y, lambda dy: tf.clip_by_norm(dy, 0.5)
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        nodes = [unwrap(a)[1] if _is_tensor(a) else None for a in args]
        values = [as_eager(np.asarray(value_of(a))) if _is_tensor(a) else a for a in args]
        result, grad_fn = f(*values, **kwargs)
        if isinstance(result, (list, tuple, dict)):
            raise NotImplementedError(
                "`tf.custom_gradient` under minikeras supports a function with one output "
                f"tensor. Received: {type(result).__name__} output."
            )
        out = np.asarray(value_of(result))
        parents = [(i, n) for i, n in enumerate(nodes) if n is not None]
        if not parents:
            return as_eager(out)

        def all_grads(g):
            grads = grad_fn(as_eager(np.asarray(g)))
            grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]
            if len(grads) != len(args):
                raise ValueError(
                    f"The gradient function of `{f.__name__}` returned {len(grads)} "
                    f"gradient(s) for {len(args)} input(s): return one per input."
                )
            return [None if gi is None else np.asarray(value_of(gi)) for gi in grads]

        grads_of = cached_backward(all_grads)
        vjps = tuple((lambda g, i=i: grads_of(g)[i]) for i, _ in parents)
        return Tensor(out, tuple(n for _, n in parents), vjps)

    return wrapped
