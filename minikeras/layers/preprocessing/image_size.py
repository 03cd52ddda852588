"""`Resizing` and `CenterCrop`: image size preprocessing layers."""

from __future__ import annotations

from minikeras import ops
from minikeras.layers import spatial_args as sa
from minikeras.layers.layer import Layer
from minikeras.ops.image import resize


def _hw_axes(data_format: str, ndim: int) -> tuple[int, int]:
    if ndim not in (3, 4):
        raise ValueError(
            "Expected an image batch of rank 4 (or one image of rank 3). "
            f"Received inputs of rank {ndim}."
        )
    return (ndim - 2, ndim - 1) if data_format == "channels_first" else (ndim - 3, ndim - 2)


class _FixedImageSize(Layer):
    """Shared parts of the layers whose output images are `(height, width)`."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)
        self.data_format = sa.standardize_data_format(data_format)
        self.built = True

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = _hw_axes(self.data_format, len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"data_format": self.data_format, "height": self.height, "width": self.width})
        return cfg


class Resizing(_FixedImageSize):
    """Resizes images to `(height, width)` (nearest or bilinear, half-pixel centres).

    Args:
        height, width: Target size.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        crop_to_aspect_ratio, pad_to_aspect_ratio: Only False is supported.
        fill_mode, fill_value: Accepted for config compatibility.
        antialias: Only False is supported.
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

    def __init__(
        self,
        height,
        width,
        interpolation="bilinear",
        crop_to_aspect_ratio=False,
        pad_to_aspect_ratio=False,
        fill_mode="constant",
        fill_value=0.0,
        antialias=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(height, width, data_format, **kwargs)
        if crop_to_aspect_ratio or pad_to_aspect_ratio or antialias:
            raise NotImplementedError(
                "Resizing supports crop_to_aspect_ratio=False, pad_to_aspect_ratio=False and "
                "antialias=False only."
            )
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(
                "Resizing: `interpolation` must be 'bilinear' or 'nearest'. Received: "
                f"interpolation={interpolation}"
            )
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = False
        self.pad_to_aspect_ratio = False
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = False

    def call(self, inputs):
        x = ops.cast(inputs, self.dtype)
        return resize(
            x, (self.height, self.width), self.interpolation, data_format=self.data_format
        )

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "antialias": self.antialias,
            }
        )
        return cfg


class CenterCrop(_FixedImageSize):
    """Crops the central `(height, width)` region of images.

    Args:
        height, width: Target size (must not exceed the input size).
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

    def call(self, inputs):
        shape = ops.shape(inputs)
        h, w = _hw_axes(self.data_format, len(shape))
        if shape[h] < self.height or shape[w] < self.width:
            raise ValueError(
                f"CenterCrop '{self.name}': the target size ({self.height}, {self.width}) is "
                f"larger than the input image size ({shape[h]}, {shape[w]}) of inputs with "
                f"shape {tuple(shape)}. Use `Resizing` to enlarge images."
            )
        index = [slice(None)] * len(shape)
        top = (shape[h] - self.height) // 2
        left = (shape[w] - self.width) // 2
        index[h] = slice(top, top + self.height)
        index[w] = slice(left, left + self.width)
        return ops.cast(ops.getitem(inputs, tuple(index)), self.dtype)
