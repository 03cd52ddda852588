"""`Merge`: the base of the element-wise merging layers (Add, Multiply, ...)."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.layers.layer import Layer


def _broadcast_dim(a, b, shapes):
    """Keras' rule: unknown wins, then 1 broadcasts, otherwise sizes must agree."""
    if a is None or b is None:
        return None
    if a == 1:
        return b
    if b == 1 or a == b:
        return a
    raise ValueError(
        f"Inputs have incompatible shapes. Received shapes {[tuple(s) for s in shapes]}"
    )


def check_batch_sizes(shapes) -> None:
    """Raises Keras's error when the known batch sizes of `shapes` differ (NumPy would
    broadcast a batch of 1 against the others)."""
    if len({s[0] for s in shapes if len(s) and s[0] is not None}) > 1:
        raise ValueError(
            "Cannot merge tensors with different batch sizes. Received tensors with shapes "
            f"{[tuple(s) for s in shapes]}"
        )


class Merge(Layer):
    """Base class for layers that merge a list of same-shaped tensors element-wise.

    Subclasses implement `_merge_function(inputs)` with `ops`.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_list(self, input_shape):
        if (
            not isinstance(input_shape, (list, tuple))
            or not input_shape
            or not isinstance(input_shape[0], (list, tuple))
        ):
            raise ValueError(
                f"A merge layer ({type(self).__name__}) should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )

    def build(self, input_shape):
        self._check_list(input_shape)
        if len(input_shape) < 1:
            raise ValueError(
                "A merge layer should be called on a list of at least 1 input. "
                f"Got {len(input_shape)} inputs. Full input_shape received: {input_shape}"
            )
        self.compute_output_shape(input_shape)
        self.built = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A merge layer ({type(self).__name__}) should be called on a list of inputs. "
                f"Received: inputs={inputs!r:.100} (not a list of tensors)"
            )
        shapes = [ops.shape(x) for x in inputs]
        check_batch_sizes(shapes)
        ranks = [len(s) for s in shapes]
        top = max(ranks)
        inputs = list(inputs)
        for i, r in enumerate(ranks):
            for _ in range(top - r):  # Keras expands lower-rank inputs after the batch axis
                inputs[i] = ops.expand_dims(inputs[i], axis=1)
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        shapes = [tuple(s) for s in input_shape]
        check_batch_sizes(shapes)
        top = max(len(s) for s in shapes)
        padded = [(s[0], *([1] * (top - len(s))), *s[1:]) if len(s) < top else s for s in shapes]
        out = list(padded[0][1:])
        for s in padded[1:]:
            out = [_broadcast_dim(a, b, shapes) for a, b in zip(out, s[1:])]
        batch = [s[0] for s in shapes if s[0] is not None]
        return (batch[0] if batch else None, *out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask}")
        if not isinstance(inputs, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError(
                "The lists `inputs` and `mask` should have the same length. "
                f"Received: inputs={len(inputs) if isinstance(inputs, list) else inputs}, "
                f"mask={len(mask)}"
            )
        masks = [np.asarray(ops.convert_to_numpy(m), dtype=bool) for m in mask if m is not None]
        if not masks:
            return None
        out = masks[0]
        for m in masks[1:]:
            out = np.logical_and(out, m)
        return out
