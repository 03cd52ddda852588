"""`tf.random_normal_initializer` and the other TensorFlow 2 initializers (`tf.*_initializer`).

Each is the Keras initializer of the same rule, called as `init(shape, dtype)`,
returning an eager tensor as TensorFlow's do.
"""

from __future__ import annotations

from minikeras import initializers
from minikeras.backend.eager_tensor import as_eager


def _eager(base):
    class Initializer(base):
        def __call__(self, shape, dtype=None, **kwargs):
            return as_eager(super().__call__(shape, dtype=dtype or "float32", **kwargs))

    Initializer.__name__ = Initializer.__qualname__ = base.__name__
    Initializer.__doc__ = f"`{base.__name__}` called as `init(shape, dtype)`; eager tensor out."
    return Initializer


random_normal_initializer = _eager(initializers.RandomNormal)
random_uniform_initializer = _eager(initializers.RandomUniform)
zeros_initializer = _eager(initializers.Zeros)
ones_initializer = _eager(initializers.Ones)
constant_initializer = _eager(initializers.Constant)
