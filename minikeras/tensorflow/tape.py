"""`tf.GradientTape`: minikeras' tape, with nested sources and tensor results."""

from __future__ import annotations

import enum

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.backend.eager_tensor import as_eager
from minikeras.backend.gradient_tape import GradientTape as _BackendTape
from minikeras.backend.variable import Variable
from minikeras.tensorflow import nest


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _mode(value) -> str:
    return value.value if isinstance(value, UnconnectedGradients) else str(value).lower()


class GradientTape(_BackendTape):
    """Records operations so that gradients can be taken, as `tf.GradientTape`.

    Trainable variables read inside the block are watched automatically;
    `watch()` adds tensors (e.g. a `tf.constant`). Arithmetic on watched
    tensors and variables, `tf.*` functions, layers and models are recorded.
    A gradient taken inside another tape is recorded by it, so nested tapes
    give second (and higher) derivatives for the ops that have a second-order
    rule (`minikeras/ops/second_order.py`); another op raises a clear error
    when differentiated twice, never a wrong value.

    Args:
        persistent: Allow several `gradient()` calls.
        watch_accessed_variables: Watch trainable variables automatically.

    Example:
        >>> x = tf.constant(3.0)
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.gradient(y, x).numpy()
        np.float32(6.0)
    """

    def watch(self, tensor) -> None:
        """Tracks `tensor` (or every tensor of a nested list/tuple/dict).

        As in TensorFlow, integer and other non-floating tensors are not
        differentiable: watching them records nothing (their gradient is None).
        """
        for leaf in nest.flatten(tensor):
            if np.asarray(value_of(leaf)).dtype.kind not in "fc":
                continue
            super().watch(leaf)

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """Gradients of `target` for each source, in the nested structure of `sources`."""
        flat = nest.flatten(sources)
        # A variable as the target (`result = v0`) is its own recorded read.
        targets = [self._read(t) for t in nest.flatten(target)]
        grads = super().gradient(
            targets if len(targets) > 1 else targets[0],
            list(flat),
            output_gradients,
            _mode(unconnected_gradients),
        )
        return nest.pack_sequence_as(sources, [as_eager(g) for g in grads])

    def _read(self, target):
        if isinstance(target, Variable) and (target.trainable or id(target) in self._leaves):
            if self._watch_accessed or id(target) in self._leaves:
                return self.leaf(target)
        return target

    def jacobian(
        self,
        target,
        sources,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """Full Jacobians `target.shape + source.shape`, in the structure of `sources`."""
        flat = nest.flatten(sources)
        jacs = super().jacobian(target, list(flat), _mode(unconnected_gradients))
        return nest.pack_sequence_as(sources, [as_eager(j) for j in jacs])

    def batch_jacobian(
        self,
        target,
        source,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """Per-example Jacobians: `[batch, *target.shape[1:], *source.shape[1:]]`."""
        full = super().jacobian(target, [source], _mode(unconnected_gradients))[0]
        if full is None:
            return None
        t_rank = np.ndim(np.asarray(target))
        batch = full.shape[0]
        picked = np.stack([full[(i, *([slice(None)] * (t_rank - 1)), i)] for i in range(batch)])
        return as_eager(picked)
