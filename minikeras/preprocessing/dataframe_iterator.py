"""Keras 2's `DataFrameIterator` (`ImageDataGenerator.flow_from_dataframe`).

Takes a pandas DataFrame (pandas is optional: anything whose columns index as
`frame[column]` into sequences works, e.g. a dict of lists).
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from minikeras.preprocessing.image_iterators import BatchFromFilesMixin, Iterator


def _column(frame, name) -> list:
    column = frame[name]
    return column.tolist() if hasattr(column, "tolist") else list(column)


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Batches of augmented images listed in a dataframe's `x_col`, labelled by `y_col`."""

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse", None}

    def __init__(
        self,
        dataframe,
        directory=None,
        image_data_generator=None,
        x_col="filename",
        y_col="class",
        weight_col=None,
        target_size=(256, 256),
        color_mode="rgb",
        classes=None,
        class_mode="categorical",
        batch_size=32,
        shuffle=True,
        seed=None,
        data_format="channels_last",
        save_to_dir=None,
        save_prefix="",
        save_format="png",
        subset=None,
        interpolation="nearest",
        keep_aspect_ratio=False,
        dtype="float32",
        validate_filenames=True,
    ):
        self.set_processing_attrs(
            image_data_generator,
            target_size,
            color_mode,
            data_format,
            save_to_dir,
            save_prefix,
            save_format,
            subset,
            interpolation,
            keep_aspect_ratio,
        )
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype
        if class_mode not in self.allowed_class_modes:
            raise ValueError(
                f"Invalid class_mode: {class_mode}; expected one of: {self.allowed_class_modes}"
            )
        names = _column(dataframe, x_col)
        if not all(isinstance(n, str) for n in names):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        rows = list(range(len(names)))
        with_classes = class_mode not in ("input", "multi_output", "raw", None)
        if class_mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(
                f'If class_mode="{class_mode}", y_col must be a list. Received '
                f"{type(y_col).__name__}."
            )
        targets = None
        if class_mode == "multi_output":
            targets = [_column(dataframe, c) for c in y_col]
        elif class_mode is not None and class_mode != "input":
            targets = _column(dataframe, y_col)
        weights = _column(dataframe, weight_col) if weight_col else None
        if validate_filenames:
            valid = [
                i
                for i in rows
                if os.path.isfile(os.path.join(self.directory, names[i]))
                and names[i].lower().endswith(self.white_list_formats)
            ]
            if len(valid) < len(rows):
                warnings.warn(
                    f"Found {len(rows) - len(valid)} invalid image filename(s) in x_col="
                    f'"{x_col}". These filename(s) will be ignored.',
                    stacklevel=2,
                )
            rows = valid
        if with_classes:
            rows, classes = self._filter_classes(rows, targets, classes, y_col)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            n = len(rows)
            rows = rows[int(self.split[0] * n) : int(self.split[1] * n)]
        if with_classes:
            self.classes = [self._encode(targets[i]) for i in rows]
        self.filenames = [names[i] for i in rows]
        self._sample_weight = None if weights is None else np.asarray([weights[i] for i in rows])
        if class_mode == "multi_output":
            self._targets = [np.asarray([t[i] for i in rows]) for t in targets]
        elif class_mode == "raw":
            self._targets = np.asarray([targets[i] for i in rows])
        self.samples = len(self.filenames)
        what = "validated" if validate_filenames else "non-validated"
        tail = "" if not with_classes else f" belonging to {len(self.class_indices)} classes"
        print(f"Found {self.samples} {what} image filenames{tail}.")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _encode(self, label):
        if isinstance(label, (list, tuple)):
            return [self.class_indices[lbl] for lbl in label]
        return self.class_indices[label]

    def _filter_classes(self, rows, targets, classes, y_col):
        def kept(label, allowed):
            if isinstance(label, (list, tuple)):
                return [c for c in label if c in allowed] or None
            if isinstance(label, str):
                return label if label in allowed else None
            raise TypeError(
                f"Expect string, list or tuple but found {type(label)} in {y_col} column "
            )

        if classes:
            classes = list(dict.fromkeys(classes))
            allowed = set(classes)
            out = []
            for i in rows:
                label = kept(targets[i], allowed)
                if label is not None:
                    targets[i] = label
                    out.append(i)
            return out, classes
        found = set()
        for i in rows:
            label = targets[i]
            found.update(label if isinstance(label, (list, tuple)) else [label])
        if self.class_mode == "binary" and len(found) != 2:
            raise ValueError(
                f'If class_mode="binary" there must be 2 classes. Found {len(found)} classes.'
            )
        return rows, sorted(found)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        if self.class_mode in {"multi_output", "raw"}:
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        return self._sample_weight
