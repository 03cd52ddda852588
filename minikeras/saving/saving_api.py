"""Entry points: `save_weights`, `load_weights`, `save_model`, `load_model` (by file type).

Saving picks the format from the file name; loading detects it from the file's
bytes (ZIP or HDF5, then the layout inside), never from the name. Every write
goes to a temporary file in the target directory and is renamed over the target
only once complete, so a failure leaves any previous file intact. Loading never
executes code from the file (no pickle, no marshal, no Lambda bytecode).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from minikeras.models.model import Model


def h5py_module():
    """h5py, imported on first use so `import minikeras` stays light."""
    import h5py

    return h5py


_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGIC = b"PK"


def atomic_write(filepath, write_fn) -> None:
    """Calls `write_fn(tmp_path)` then renames onto `filepath`; the old file survives errors."""
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".minikeras-", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        write_fn(tmp)
        os.chmod(tmp, _file_mode(filepath))
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _file_mode(filepath: str) -> int:
    """The mode a plain `open(filepath, "w")` would give: the old file's, or 0o666 & ~umask."""
    try:
        return os.stat(filepath).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _check_overwrite(filepath, overwrite) -> None:
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")


def _weights_format(filepath: str, save_format) -> str:
    name = filepath.lower()
    if save_format in ("h5", "hdf5"):
        return "keras2"
    if name.endswith(".weights.h5"):
        return "keras3"
    if name.endswith((".h5", ".hdf5")):
        return "keras2"
    if name.endswith(".npz"):
        return "npz"
    raise ValueError(
        "The filename must end in `.weights.h5` (Keras 3 layout), `.h5`/`.hdf5` (Keras 2 "
        f"layout) or `.npz` (NumPy archive). Received: filepath={filepath}"
    )


def save_weights(model, filepath, overwrite=True, save_format=None, **kwargs) -> None:
    """Saves weights; the format follows the file name.

    `*.weights.h5` → Keras 3 layout (with optimizer state once compiled, as Keras 3
    writes it); other `.h5`/`.hdf5` → Keras 2 layout; `.npz` → NumPy archive.
    """
    from minikeras.saving import keras3_weights, legacy_h5_weights, npz_weights

    filepath = os.fspath(filepath)
    fmt = _weights_format(filepath, save_format)
    _check_overwrite(filepath, overwrite)
    if not model.built:
        raise ValueError(
            "Unable to save weights: the model has not been built yet. Call the model on data "
            "or `model.build(input_shape)` first."
        )

    def write(tmp):
        if fmt == "npz":
            npz_weights.save_npz(tmp, model)
            return
        with h5py_module().File(tmp, "w") as f:
            if fmt == "keras3":
                keras3_weights.save_weights_to_h5(f, model)
            else:
                legacy_h5_weights.save_weights_to_hdf5_group(f, model)

    atomic_write(filepath, write)


def _sniff(filepath) -> str:
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such file or directory: '{filepath}'")
    if os.path.isdir(filepath):
        raise ValueError(
            f"'{filepath}' is a directory (a TensorFlow SavedModel?). minikeras reads `.keras`, "
            "`.h5`/`.hdf5`, `.weights.h5` and `.npz` files."
        )
    with open(filepath, "rb") as fh:
        head = fh.read(8)
    if head == _HDF5_MAGIC:
        return "hdf5"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    return "unknown"


def _is_npz(filepath) -> bool:
    """A zip of `.npy` members only (NumPy archive) rather than a `.keras` archive."""
    import zipfile

    try:
        with zipfile.ZipFile(filepath) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return bool(names) and all(n.endswith(".npy") for n in names)


def open_h5(filepath, prepare=None):
    """Opens an HDF5 file for reading with a one-line error for bad files.

    `prepare()`, when given, runs while the checker process walks the file.

    Returns a `CheckedGroup` (links and datasets are checked as the loader opens them),
    or, for a small file the checker process read whole, its `SnapshotGroup`.
    """
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such file: '{filepath}'")
    from minikeras.saving.h5_preflight import open_checked

    return open_checked(
        lambda: h5py_module().File(filepath, "r"),
        f"'{filepath}'",
        lambda exc: OSError(f"'{filepath}' is not a readable HDF5 file ({exc})."),
        source=filepath,
        request=("path", os.path.abspath(filepath)),
        prepare=prepare,
    )


def _fail(filepath, what, exc) -> ValueError:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ValueError(f"Could not load {what} from '{filepath}': {msg}")


def _read_errors() -> tuple[type[BaseException], ...]:
    """What a malformed file can raise while it is read (each becomes `_fail`'s one line)."""
    import zipfile

    return (
        ValueError,
        KeyError,
        OSError,
        RuntimeError,
        TypeError,
        IndexError,
        AttributeError,
        EOFError,
        MemoryError,
        ArithmeticError,
        zipfile.BadZipFile,
    )


def load_weights(
    model, filepath, by_name=False, skip_mismatch=False, legacy_backend=None, **kwargs
) -> None:
    """Loads weights, detecting the layout from the file's contents.

    Args:
        model: The model to fill.
        filepath: A Keras 3 `.weights.h5`, a Keras 2 weights or full-model `.h5`,
            a `.keras` archive or an `.npz` archive.
        by_name: Keras 2 layout only: match layers by name instead of order.
        skip_mismatch: Skip layers whose weight count or shapes do not match.
        legacy_backend: For Keras 1/2 files that do not say which backend wrote
            them: `"theano"` flips convolution kernels as Theano stored them,
            `"tensorflow"` keeps them. None reads the file's attributes.

    Raises:
        ValueError: for an unreadable/corrupt file or weights that do not fit,
            naming the file and the layer.
    """
    from minikeras.saving import keras3_weights, keras_archive, legacy_h5_weights, npz_weights

    filepath = os.fspath(filepath)
    kind = _sniff(filepath)
    try:
        if kind == "zip":
            if _is_npz(filepath):
                return npz_weights.load_npz(filepath, model)
            _, weights = keras_archive.read_archive(filepath)
            with keras_archive.open_weights(weights, model) as f:
                return keras_archive.load_weights_repaired(f, model, skip_mismatch)
        if kind != "hdf5":
            raise ValueError("the file is neither HDF5 nor a ZIP archive (.keras/.npz)")
        with open_h5(filepath) as f:
            if "layer_names" in f.attrs or "layer_names0" in f.attrs or "model_weights" in f:
                group = f["model_weights"] if "model_weights" in f else f
                legacy_h5_weights.load_weights_from_hdf5_group(
                    group,
                    model,
                    by_name=by_name,
                    skip_mismatch=skip_mismatch,
                    legacy_backend=legacy_backend,
                    root=f,
                )
            elif "layers" in f or "vars" in f:
                if by_name:
                    raise ValueError(
                        "`by_name=True` is only supported for Keras 2 (`.h5`) weight files; "
                        "this is a Keras 3 `.weights.h5` file"
                    )
                keras3_weights.load_weights_from_h5(f, model, skip_mismatch)
            else:
                raise ValueError(
                    "HDF5 file without Keras weights: expected a `layer_names` attribute "
                    "(Keras 2) or a `layers` group (Keras 3)"
                )
    except _read_errors() as exc:
        raise _fail(filepath, "weights", exc) from None


def save_model(
    model, filepath, overwrite=True, save_format=None, include_optimizer=True, **kwargs
) -> None:
    """Saves the whole model: `.keras` (Keras 3 zip) or `.h5`/`.hdf5` (Keras 2 HDF5)."""
    from minikeras.saving import keras_archive, legacy_h5_model

    filepath = os.fspath(filepath)
    name = filepath.lower()
    if save_format in ("h5", "hdf5") or name.endswith((".h5", ".hdf5")):
        fmt = "h5"
    elif save_format == "keras" or name.endswith(".keras"):
        fmt = "keras"
    else:
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension "
            "for the native Keras format (recommended) or a `.h5` extension. Received: "
            f"filepath={filepath}"
        )
    _check_overwrite(filepath, overwrite)
    if not model.built:
        raise ValueError(
            "Unable to save the model: it has not been built yet. Call the model on data or "
            "`model.build(input_shape)` first."
        )

    def write(tmp):
        if fmt == "keras":
            keras_archive.write_archive(tmp, model)
            return
        with h5py_module().File(tmp, "w") as f:
            legacy_h5_model.save_model_to_h5(f, model, include_optimizer=include_optimizer)

    atomic_write(filepath, write)


def load_model(
    filepath: str | os.PathLike,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,  # noqa: A002
    legacy_backend: str | None = None,
) -> Model:
    """Loads a model saved by Keras 3 (`.keras`, legacy `.h5`), tf_keras (`.h5`) or minikeras.

    Args:
        filepath: Path of the file.
        custom_objects: `{name: class_or_function}` for user classes in the file.
        compile: Whether to re-compile the model and restore the optimizer state.
        safe_mode: Accepted for Keras compatibility; loading is always safe
            (no code in the file is ever run, whatever its value).
        legacy_backend: For Keras 1/2 files that do not say which backend wrote
            them: `"theano"` or `"tensorflow"` (see `load_weights`).

    Raises:
        ValueError: for unreadable, corrupt or unsafe files, naming the file.
    """
    filepath = os.fspath(filepath)
    kind = _sniff(filepath)
    try:
        if kind == "zip":
            from minikeras.saving import keras_archive

            return keras_archive.load_archive(
                filepath, custom_objects=custom_objects, compile=compile
            )
        if kind == "hdf5":
            from minikeras.saving import legacy_h5_model

            with open_h5(filepath, prepare=legacy_h5_model.import_model_builders) as f:
                return legacy_h5_model.load_model_from_h5(
                    f, custom_objects=custom_objects, compile=compile, legacy_backend=legacy_backend
                )
    except _read_errors() as exc:
        raise _fail(filepath, "the model", exc) from None
    raise ValueError(
        f"File format not supported: filepath={filepath}. minikeras reads Keras 3 `.keras` "
        "archives and Keras 2/3 legacy `.h5` files."
    )
