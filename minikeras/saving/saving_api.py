"""Entry points: `save_weights`, `load_weights`, `save_model`, `load_model` (by file type)."""

from __future__ import annotations

import os
import tempfile

import h5py


def atomic_write(filepath, write_fn) -> None:
    """Calls `write_fn(tmp_path)` then renames onto `filepath`; the old file survives errors."""
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".minikeras-", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        write_fn(tmp)
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _check_overwrite(filepath, overwrite) -> None:
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")


def save_weights(model, filepath, overwrite=True, save_format=None, **kwargs) -> None:
    """Saves weights; the format follows the file name (Keras 2 HDF5 for `.h5`)."""
    from minikeras.saving import legacy_h5_weights

    filepath = os.fspath(filepath)
    _check_overwrite(filepath, overwrite)
    if not model.built:
        raise ValueError(
            "Unable to save weights: the model has not been built yet. Call the model on data "
            "or `model.build(input_shape)` first.")

    def write(tmp):
        with h5py.File(tmp, "w") as f:
            legacy_h5_weights.save_weights_to_hdf5_group(f, model)

    atomic_write(filepath, write)


def open_h5(filepath):
    """Opens an HDF5 file for reading with a one-line error for bad files."""
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such file: '{filepath}'")
    try:
        return h5py.File(filepath, "r")
    except OSError as exc:
        raise OSError(f"'{filepath}' is not a readable HDF5 file ({exc}).") from None


def load_weights(model, filepath, by_name=False, skip_mismatch=False, **kwargs) -> None:
    """Loads weights, detecting the layout from the file's contents."""
    from minikeras.saving import legacy_h5_weights

    with open_h5(filepath) as f:
        group = f["model_weights"] if "model_weights" in f else f
        legacy_h5_weights.load_weights_from_hdf5_group(group, model, by_name=by_name,
                                                       skip_mismatch=skip_mismatch)


def save_model(model, filepath, overwrite=True, save_format=None, **kwargs) -> None:
    raise NotImplementedError("save_model: implemented by the file-format work")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002
    raise NotImplementedError("load_model: implemented by the file-format work")
