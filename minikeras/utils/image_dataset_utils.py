"""`image_dataset_from_directory`: a lazily decoded `Dataset` of images from class folders.

Mirrors `keras/src/utils/image_dataset_utils.py`: the same file order, labels, split
and pixel values as Keras 3 (TensorFlow decoding, then `tf.image.resize` without
antialiasing). Images are decoded when their batch is reached, so a folder of 100k
images is never loaded at once. Pillow decodes the files (`pip install "minikeras[image]"`).
"""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.ops.image import interpolation_matrix
from minikeras.utils import dataset_utils
from minikeras.utils.image_utils import crop_box, pil_image

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = ("bilinear", "nearest")
_KERAS_ONLY = ("bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def decode_image(path, num_channels: int) -> np.ndarray:
    """Decodes a file to a `(height, width, num_channels)` uint8 array.

    Like `tf.image.decode_image(..., channels=num_channels, expand_animations=False)`:
    alpha is dropped (not composited) for RGB, the first frame of a GIF is used.
    """
    image = pil_image()
    with image.open(path) as img:
        img.seek(0)
        if num_channels == 1:
            if img.format == "JPEG":  # libjpeg outputs its luma channel, as TensorFlow does
                img.draft("L", img.size)
            return np.asarray(_to_gray(img))[..., None]
        return np.asarray(img.convert("RGBA" if num_channels == 4 else "RGB"))


def _to_gray(img):
    if img.mode == "L":
        return img
    if img.mode in ("LA", "1", "I", "I;16"):
        return img.convert("L")
    rgb = np.asarray(img.convert("RGB"), dtype=np.int64)
    # libpng's rgb_to_gray with TensorFlow's weights (0.299, 0.587): 15-bit fixed-point
    # coefficients, truncated.
    gray = (9797 * rgb[..., 0] + 19234 * rgb[..., 1] + 3737 * rgb[..., 2]) >> 15
    return gray.astype(np.uint8)


def resize_image(x: np.ndarray, size, interpolation: str) -> np.ndarray:
    """`tf.image.resize` of one `(h, w, c)` image: half-pixel centres, float32."""
    h, w = x.shape[:2]
    out = x.astype("float32")
    if (h, w) == tuple(size):
        return out
    rows = interpolation_matrix(h, size[0], interpolation)
    cols = interpolation_matrix(w, size[1], interpolation)
    return np.einsum("ih,hwc,jw->ijc", rows, out, cols, optimize=True).astype("float32")


def resize_with_pad(x: np.ndarray, size, interpolation: str) -> np.ndarray:
    """`tf.image.resize_with_pad`: fit inside `size` keeping the ratio, centre, zero-pad."""
    f32 = np.float32  # TensorFlow does this arithmetic in float32
    h, w = f32(x.shape[0]), f32(x.shape[1])
    ratio = max(w / f32(size[1]), h / f32(size[0]))
    new_h, new_w = int(np.floor(h / ratio)), int(np.floor(w / ratio))
    top = max(0, int(np.floor((f32(size[0]) - h / ratio) / f32(2))))
    left = max(0, int(np.floor((f32(size[1]) - w / ratio) / f32(2))))
    out = np.zeros((size[0], size[1], x.shape[2]), "float32")
    out[top : top + new_h, left : left + new_w] = resize_image(x, (new_h, new_w), interpolation)
    return out


def load_image(
    path,
    image_size,
    num_channels,
    interpolation,
    data_format,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
) -> np.ndarray:
    """One image file as Keras's dataset yields it: float32, resized to `image_size`."""
    x = decode_image(path, num_channels)
    if crop_to_aspect_ratio:
        top, left, ch, cw = crop_box(x.shape[0], x.shape[1], image_size)
        x = resize_image(x[top : top + ch, left : left + cw], image_size, interpolation)
    elif pad_to_aspect_ratio:
        x = resize_with_pad(x, image_size, interpolation)
    else:
        x = resize_image(x, image_size, interpolation)
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def paths_and_labels_to_dataset(
    image_paths,
    image_size,
    num_channels,
    labels,
    label_mode,
    num_classes,
    interpolation,
    data_format,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    shuffle=False,
    shuffle_buffer_size=None,
    seed=None,
):
    """An unbatched `Dataset` of decoded images (and labels) from a list of paths."""
    from minikeras.data import Dataset

    args = (
        image_size,
        num_channels,
        interpolation,
        data_format,
        crop_to_aspect_ratio,
        pad_to_aspect_ratio,
    )
    paths = np.asarray(image_paths, dtype=str)
    if label_mode:
        targets = dataset_utils.labels_to_array(labels, label_mode, num_classes)
        ds = Dataset.from_tensor_slices((paths, targets))
    else:
        ds = Dataset.from_tensor_slices(paths)
    if shuffle:
        ds = ds.shuffle(buffer_size=shuffle_buffer_size or 1024, seed=seed)
    if label_mode:
        return ds.map(lambda path, y: (load_image(str(path), *args), y))
    return ds.map(lambda path: load_image(str(path), *args))


def _check_arguments(
    labels,
    label_mode,
    class_names,
    color_mode,
    image_size,
    interpolation,
    crop_to_aspect_ratio,
    pad_to_aspect_ratio,
):
    dataset_utils.check_label_arguments(labels, label_mode, class_names, "image files", "images")
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError(
            '`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
            f"Received: color_mode={color_mode}"
        )
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(
            "Invalid `image_size` value. Expected a tuple of 2 integers. "
            f"Received: image_size={image_size}"
        )
    interpolation = interpolation.lower()
    if interpolation in _KERAS_ONLY:
        raise NotImplementedError(
            f"interpolation={interpolation!r} is not implemented in minikeras; use one of "
            f"{_INTERPOLATIONS}."
        )
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"Argument `interpolation` should be one of {_INTERPOLATIONS + _KERAS_ONLY}. "
            f"Received: interpolation={interpolation}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`."
        )
    return channels, tuple(image_size), interpolation


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    verbose=True,
):
    """Generates a `Dataset` of images from a directory of class folders.

    `keras.utils.image_dataset_from_directory(directory, labels="inferred",
    label_mode="int", class_names=None, color_mode="rgb", batch_size=32,
    image_size=(256, 256), shuffle=True, seed=None, validation_split=None, subset=None,
    interpolation="bilinear", follow_links=False, crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False, data_format=None, verbose=True)`

    Args:
        directory: Folder with one sub-folder per class (`labels="inferred"`), or any
            folder of images (`labels=None` or a list of labels).
        labels: `"inferred"`, `None`, or a list/tuple of integer labels in the sorted
            order of the files.
        label_mode: `"int"`, `"categorical"` (one-hot), `"binary"` (float, shape
            `(batch, 1)`) or `None` (images only).
        class_names: With `labels="inferred"`, the class folders to use, in order.
        color_mode: `"rgb"`, `"rgba"` or `"grayscale"`.
        batch_size: Batch size, or `None` for single images.
        image_size: `(height, width)` every image is resized to.
        shuffle: Shuffle the files (and, per pass, a buffer of 8 batches).
        seed: Seed for shuffling (required with `validation_split` and `shuffle`).
        validation_split: Fraction of the files kept for validation.
        subset: `"training"`, `"validation"` or `"both"` (returns two datasets).
        interpolation: `"bilinear"` or `"nearest"`.
        follow_links: Whether to visit folders behind symbolic links.
        crop_to_aspect_ratio: Resize a centred crop of the target aspect ratio.
        pad_to_aspect_ratio: Resize to fit, then zero-pad to the target aspect ratio.
        data_format: `"channels_last"` or `"channels_first"`.
        verbose: Print what was found.

    Returns:
        A `minikeras.data.Dataset` of `(images, labels)` batches (or images only) with
        `class_names` and `file_paths` attributes; a pair of them for `subset="both"`.

    Example:
        >>> train = image_dataset_from_directory("flowers", image_size=(96, 96),
        ...                                      validation_split=0.2, subset="training",
        ...                                      seed=1)
        >>> model.fit(train, epochs=3)
    """
    num_channels, image_size, interpolation = _check_arguments(
        labels,
        label_mode,
        class_names,
        color_mode,
        image_size,
        interpolation,
        crop_to_aspect_ratio,
        pad_to_aspect_ratio,
    )
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    image_paths, labels, class_names = dataset_utils.index_directory(
        directory,
        labels,
        formats=ALLOWLIST_FORMATS,
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
        verbose=verbose,
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={class_names}"
        )
    data_format = config.standardize_data_format(data_format)
    shuffle_buffer_size = batch_size * 8 if batch_size is not None else 1024
    subsets = ["training", "validation"] if subset == "both" else [subset]
    datasets = []
    for part in subsets:
        paths, part_labels = dataset_utils.get_training_or_validation_split(
            image_paths, labels, validation_split, part
        )
        if not paths:
            what = f"{part} images" if subset == "both" else "images"
            raise ValueError(
                f"No {what} found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}"
            )
        ds = paths_and_labels_to_dataset(
            paths,
            image_size,
            num_channels,
            part_labels,
            label_mode,
            len(class_names) if class_names else 0,
            interpolation,
            data_format,
            crop_to_aspect_ratio,
            pad_to_aspect_ratio,
            shuffle=shuffle and not (subset == "both" and part == "validation"),
            shuffle_buffer_size=shuffle_buffer_size,
            seed=seed,
        )
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds.class_names = class_names
        ds.file_paths = list(paths)
        datasets.append(ds)
    return datasets if subset == "both" else datasets[0]
