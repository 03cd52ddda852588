"""`Dot`: batched dot product between the samples of two tensors."""

from __future__ import annotations

import math

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


def batch_dot(x, y, axes):
    """Per-sample contraction of `x` and `y` over `axes = (ax, ay)` (Keras `batch_dot`).

    Both inputs keep their batch axis 0; the result has shape
    `x.shape[1:] without ax` + `y.shape[1:] without ay`, expanded to `(batch, 1)`
    when both inputs are 2-D.
    """
    sx, sy = ops.shape(x), ops.shape(y)
    ax, ay = axes
    if sx[ax] != sy[ay]:
        raise ValueError(
            "Cannot do batch_dot on inputs with shapes "
            f"{sx} and {sy} with axes={axes}. x.shape[{ax}] != y.shape[{ay}] "
            f"({sx[ax]} != {sy[ay]})."
        )
    px = [i for i in range(len(sx)) if i != ax] + [ax]
    py = [0, ay] + [i for i in range(1, len(sy)) if i != ay]
    x = ops.transpose(x, px) if px != list(range(len(sx))) else x
    y = ops.transpose(y, py) if py != list(range(len(sy))) else y
    free_x = ops.shape(x)[1:-1]
    free_y = ops.shape(y)[2:]
    b, k = sx[0], sx[ax]
    x3 = ops.reshape(x, (b, math.prod(free_x), k))
    y3 = ops.reshape(y, (b, k, math.prod(free_y)))
    out = ops.matmul(x3, y3)
    shape = (b, *free_x, *free_y)
    return ops.reshape(out, shape if len(shape) > 1 else (b, 1))


class Dot(Merge):
    """Computes the dot product between samples of two tensors.

    Args:
        axes: Integer or pair of integers, the axis (of each input) to contract.
        normalize: Whether to L2-normalize along the dot axes first, so the
            output is the cosine proximity.
        **kwargs: Standard layer keyword arguments.

    Example:
        >>> Dot(axes=1)([np.ones((4, 3)), np.ones((4, 3))]).shape
        (4, 1)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if (
                not isinstance(axes, (list, tuple))
                or len(axes) != 2
                or not all(isinstance(a, int) for a in axes)
            ):
                raise ValueError(
                    "Invalid format for argument `axes`: expected an integer or a list/tuple "
                    f"of two integers. Received: axes={axes}"
                )
            axes = list(axes)
        self.axes = axes
        self.normalize = bool(normalize)
        self.supports_masking = True

    def _axes_for(self, shapes):
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        return [a % len(s) for a, s in zip(axes, shapes)]

    def build(self, input_shape):
        self._check_list(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. "
                f"Received: input_shape={input_shape}"
            )
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs!r:.100}"
            )
        x, y = inputs
        ax, ay = self._axes_for([ops.shape(x), ops.shape(y)])
        if self.normalize:
            x = ops.normalize(x, axis=ax)
            y = ops.normalize(y, axis=ay)
        return batch_dot(x, y, (ax, ay))

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        sx, sy = (tuple(s) for s in input_shape)
        ax, ay = self._axes_for([sx, sy])
        if sx[ax] is not None and sy[ay] is not None and sx[ax] != sy[ay]:
            raise ValueError(
                "Incompatible input shapes for a `Dot` layer: axis values "
                f"{sx[ax]} (axis {ax}) != {sy[ay]} (axis {ay}). Full input shapes: {sx}, {sy}"
            )
        rest = [d for i, d in enumerate(sx) if i != ax][1:] + [
            d for i, d in enumerate(sy) if i != ay
        ][1:]
        return (sx[0], *rest) if rest else (sx[0], 1)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"axes": self.axes, "normalize": self.normalize})
        return cfg


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional interface to the `Dot` layer.

    Args:
        inputs: A list of two input tensors.
        axes: Integer or pair of integers, the axes to contract.
        normalize: Whether to L2-normalize first.
        **kwargs: Standard layer keyword arguments.
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
