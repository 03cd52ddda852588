"""Indexing a folder of class sub-folders, and the training/validation split.

Mirrors `keras/src/utils/dataset_utils.py` (`index_directory`,
`get_training_or_validation_split`, `check_validation_split_arg`), so the file order,
labels and split are Keras's for the same folder and seed.
"""

from __future__ import annotations

import os

import numpy as np


def check_validation_split_arg(validation_split, subset, shuffle, seed) -> None:
    """Raises a Keras-style error on an inconsistent `validation_split`/`subset`."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(
            f"`validation_split` must be between 0 and 1, received: {validation_split}"
        )
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            f'`subset` must be either "training", "validation" or "both", received: {subset}'
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` "
            "argument, to make sure that there is no overlap between the training and "
            "validation subset."
        )


def _valid_files(directory, follow_links, formats):
    """`(root, name)` of the files under `directory` with an allowed extension, sorted."""
    walk = os.walk(directory, followlinks=follow_links)
    for root, _, files in sorted(walk, key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield root, name


def _index_subdirectory(directory, label, follow_links, formats):
    dirname = os.path.basename(directory)
    names = [
        os.path.join(dirname, os.path.relpath(os.path.join(root, name), directory))
        for root, name in _valid_files(directory, follow_links, formats)
    ]
    return names, [label] * len(names)


def index_directory(
    directory,
    labels,
    formats,
    class_names=None,
    shuffle=True,
    seed=None,
    follow_links=False,
    verbose=True,
):
    """Lists the files of `directory` and their labels, in Keras's order.

    Args:
        directory: The folder. With `labels="inferred"` each sub-folder is a class
            (nested folders inside a class folder belong to it).
        labels: `"inferred"`, `None` or a list of labels (one per file, sorted order).
        formats: Allowed lower-case extensions, e.g. `(".png", ".jpg")`.
        class_names: Optional subset/order of the class folders.
        shuffle: Shuffle paths and labels with `np.random.RandomState(seed)`.
        seed: The shuffle seed.
        follow_links: Whether to visit folders behind symbolic links.
        verbose: Print how many files and classes were found.

    Returns:
        `(file_paths, labels, class_names)`.
    """
    if not os.path.isdir(directory):
        raise ValueError(f"Could not find directory {directory}")
    if labels == "inferred":
        subdirs = [
            d.rstrip("/")
            for d in sorted(os.listdir(directory))
            if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")
        ]
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories "
                    f"of the target directory. Expected: {subdirs} (or a subset of it), but "
                    f"received: class_names={class_names}"
                )
            subdirs = list(class_names)
    else:
        if class_names is not None:
            if labels is None:
                raise ValueError(
                    "When `labels=None` (no labels), argument `class_names` cannot be specified."
                )
            raise ValueError(
                "When argument `labels` is specified, argument `class_names` cannot be "
                "specified (the `class_names` will be the sorted list of labels)."
            )
        subdirs = [""]
    filenames, found_labels = [], []
    for index, subdir in enumerate(subdirs):
        names, part = _index_subdirectory(
            os.path.join(directory, subdir), index, follow_links, formats
        )
        filenames += names
        found_labels += part
    if labels == "inferred":
        class_names = subdirs
        labels = np.asarray(found_labels, dtype="int32")
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(labels)} while we found {len(filenames)} files "
                f"in directory {directory}."
            )
        class_names = [str(label) for label in sorted(set(labels))]
    if verbose:
        if labels is None:
            print(f"Found {len(filenames)} files.")
        else:
            print(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def get_training_or_validation_split(samples, labels, validation_split, subset):
    """The last `int(validation_split * n)` samples are the validation subset."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - num_val} files for training.")
        samples = samples[:-num_val]
        labels = None if labels is None else labels[:-num_val]
    elif subset == "validation":
        print(f"Using {num_val} files for validation.")
        samples = samples[-num_val:]
        labels = None if labels is None else labels[-num_val:]
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: {subset}')
    return samples, labels


def labels_to_array(labels, label_mode, num_classes) -> np.ndarray:
    """Integer labels as Keras's dataset presents them for `label_mode`."""
    labels = np.asarray(labels)
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels.astype("int64")]
    return labels.astype("int32") if labels.dtype.kind in "iu" else labels


def check_label_arguments(labels, label_mode, class_names, files: str, samples: str) -> None:
    """The `labels` / `label_mode` / `class_names` checks of the `*_dataset_from_directory`
    functions, in Keras's words; `files` and `samples` name what the folder holds
    (`"image files"`, `"images"`)."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size "
                f"as the number of {files} in the target directory. If you wish to infer "
                "the labels from the subdirectory names in the target directory, pass "
                '`labels="inferred"`. If you wish to get a dataset that only contains '
                f"{samples} (no labels), pass `labels=None`. Received: labels={labels}"
            )
        if class_names:
            raise ValueError(
                'You can only pass `class_names` if `labels="inferred"`. '
                f"Received: labels={labels}, and class_names={class_names}"
            )
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )
