"""`Concatenate`: joins a list of tensors along one axis."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates a list of inputs along `axis`; other dimensions must match.

    Args:
        axis: Concatenation axis (default -1).
        **kwargs: Standard layer keyword arguments.

    Example:
        >>> Concatenate(axis=1)([np.ones((2, 2, 5)), np.ones((2, 1, 5))]).shape
        (2, 3, 5)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def build(self, input_shape):
        self._check_list(input_shape)
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of inputs. "
                f"Received: inputs={inputs!r:.100}"
            )
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        shapes = [tuple(s) for s in input_shape]
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(
                "A `Concatenate` layer requires inputs with matching shapes except for the "
                f"concatenation axis. Received: input_shape={shapes}"
            )
        rank = ranks.pop()
        axis = self.axis % rank
        out = list(shapes[0])
        for s in shapes[1:]:
            for i, (a, b) in enumerate(zip(out, s)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is None:
                    out[i] = b
                elif b is not None and a != b:
                    raise ValueError(
                        "A `Concatenate` layer requires inputs with matching shapes except "
                        f"for the concatenation axis. Received: input_shape={shapes}"
                    )
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError(
                f"`mask` should be a list of the same length as `inputs`. Received: mask={mask}"
            )
        if all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            shape = ops.shape(x)
            if m is None:
                m = np.ones(shape[:-1] if len(shape) > 1 else shape, dtype=bool)
            m = np.asarray(ops.convert_to_numpy(m), dtype=bool)
            while m.ndim < len(shape):
                m = m[..., None]
            full.append(np.broadcast_to(m, shape))
        cat = np.concatenate(full, axis=self.axis)
        return np.all(cat, axis=-1)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to the `Concatenate` layer.

    Args:
        inputs: A list of input tensors.
        axis: Concatenation axis.
        **kwargs: Standard layer keyword arguments.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
