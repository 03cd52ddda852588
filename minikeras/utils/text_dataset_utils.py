"""`text_dataset_from_directory`: a lazily read `Dataset` of texts from class folders.

Mirrors `keras/src/utils/text_dataset_utils.py`: `.txt` files in Keras's order, labels
from the folder names, the same split; each file is read when its batch is reached.
"""

from __future__ import annotations

import numpy as np

from minikeras.utils import dataset_utils


def _read_text(path, max_length):
    with open(path, "rb") as f:
        data = f.read()
    if max_length is not None:
        data = data[:max_length]
    return np.bytes_(data)


def paths_and_labels_to_dataset(
    file_paths,
    labels,
    label_mode,
    num_classes,
    max_length,
    shuffle=False,
    shuffle_buffer_size=None,
    seed=None,
):
    """An unbatched `Dataset` of file contents (bytes) and labels."""
    from minikeras.data import Dataset

    paths = np.asarray(file_paths, dtype=str)
    if label_mode:
        targets = dataset_utils.labels_to_array(labels, label_mode, num_classes)
        ds = Dataset.from_tensor_slices((paths, targets))
    else:
        ds = Dataset.from_tensor_slices(paths)
    if shuffle:
        ds = ds.shuffle(buffer_size=shuffle_buffer_size or 1024, seed=seed)
    if label_mode:
        return ds.map(lambda path, y: (_read_text(str(path), max_length), y))
    return ds.map(lambda path: _read_text(str(path), max_length))


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
):
    """Generates a `Dataset` of texts from a directory of class folders of `.txt` files.

    `keras.utils.text_dataset_from_directory(directory, labels="inferred", label_mode="int",
    class_names=None, batch_size=32, max_length=None, shuffle=True, seed=None,
    validation_split=None, subset=None, follow_links=False, verbose=True)`

    Args:
        directory: Folder with one sub-folder of `.txt` files per class.
        labels: `"inferred"`, `None` or a list/tuple of integer labels (sorted file order).
        label_mode: `"int"`, `"categorical"`, `"binary"` or `None`.
        class_names: With `labels="inferred"`, the class folders to use, in order.
        batch_size: Batch size, or `None` for single texts.
        max_length: Keep at most this many bytes of each text.
        shuffle: Shuffle the files (and, per pass, a buffer of 8 batches).
        seed: Seed for shuffling (required with `validation_split` and `shuffle`).
        validation_split: Fraction of the files kept for validation.
        subset: `"training"`, `"validation"` or `"both"`.
        follow_links: Whether to visit folders behind symbolic links.
        verbose: Print what was found.

    Returns:
        A `minikeras.data.Dataset` of `(texts, labels)` batches (texts as bytes) with a
        `class_names` attribute; a pair of them for `subset="both"`.
    """
    dataset_utils.check_label_arguments(
        labels, label_mode, class_names, "text files", "text samples"
    )
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = dataset_utils.index_directory(
        directory,
        labels,
        formats=(".txt",),
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
    shuffle_buffer_size = batch_size * 8 if batch_size is not None else 1024
    subsets = ["training", "validation"] if subset == "both" else [subset]
    datasets = []
    for part in subsets:
        paths, part_labels = dataset_utils.get_training_or_validation_split(
            file_paths, labels, validation_split, part
        )
        if not paths:
            what = f"{part} text files" if subset == "both" else "text files"
            raise ValueError(f"No {what} found in directory {directory}. Allowed format: .txt")
        ds = paths_and_labels_to_dataset(
            paths,
            part_labels,
            label_mode,
            len(class_names) if class_names else 0,
            max_length,
            shuffle=shuffle and not (subset == "both" and part == "validation"),
            shuffle_buffer_size=shuffle_buffer_size,
            seed=seed,
        )
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds.class_names = class_names
        datasets.append(ds)
    return datasets if subset == "both" else datasets[0]
