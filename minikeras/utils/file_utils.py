"""`get_file`: files in the Keras cache (`$KERAS_HOME` or `~/.keras`), downloaded if absent."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile


def keras_home() -> str:
    """The Keras cache root: `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` if not writable)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _hash(path, algorithm) -> str:
    h = hashlib.sha256() if algorithm in ("sha256", "auto") else hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download(origin, fpath) -> None:
    from minikeras.utils.progbar import Progbar

    bar = [None]

    def hook(count, block_size, total):
        if total <= 0:
            return
        if bar[0] is None:
            bar[0] = Progbar(total, unit_name="B")
        bar[0].update(min(count * block_size, total))

    tmp = fpath + ".part"
    try:
        urllib.request.urlretrieve(origin, tmp, hook)
        os.replace(tmp, fpath)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise OSError(
            f"Could not download {os.path.basename(fpath)} from {origin} ({exc}). If this "
            f"machine is offline, download the file elsewhere and place it at: {fpath}"
        ) from exc


def _extract(fpath, dest) -> None:
    if tarfile.is_tarfile(fpath):
        with tarfile.open(fpath) as archive:
            archive.extractall(dest, filter="data")
    elif zipfile.is_zipfile(fpath):
        with zipfile.ZipFile(fpath) as archive:
            archive.extractall(dest)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Returns the path of `fname` in the Keras cache, downloading it from `origin` if absent.

    Args:
        fname: File name in the cache (defaults to the last part of `origin`).
        origin: URL to download from when the file is not cached.
        untar: Legacy; same as `extract=True` for a tar archive.
        md5_hash, file_hash: Optional expected hash; a mismatch raises.
        cache_subdir: Sub-folder of the cache (`"datasets"`).
        hash_algorithm: `"md5"`, `"sha256"` or `"auto"`.
        extract: Extract a tar/zip archive next to it (returns the extracted folder).
        archive_format: Accepted for Keras compatibility.
        cache_dir: Cache root (default `$KERAS_HOME` or `~/.keras`).
        force_download: Download even if cached.

    Raises:
        OSError: when the file is absent and cannot be downloaded, naming the
            path where to put it by hand.
        ValueError: when a given hash does not match.
    """
    if origin is None and fname is None:
        raise ValueError("Please specify the `origin` argument (URL of the file to download).")
    fname = fname or os.path.basename(origin.rstrip("/"))
    datadir = os.path.join(cache_dir or keras_home(), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    fpath = os.path.join(datadir, fname)
    untar_dir = fpath[: -len(".tar.gz")] if untar and fname.endswith(".tar.gz") else None
    if untar_dir and os.path.exists(untar_dir) and not force_download:
        return untar_dir
    if force_download or not os.path.exists(fpath):
        if origin is None:
            raise OSError(f"File {fpath} is not in the cache and no `origin` URL was given.")
        _download(origin, fpath)
    expected = file_hash or md5_hash
    if expected is not None:
        algo = "md5" if md5_hash and not file_hash else hash_algorithm
        if algo == "auto":
            algo = "sha256" if len(expected) == 64 else "md5"
        got = _hash(fpath, algo)
        if got != expected:
            raise ValueError(
                f"Incomplete or corrupted file: {fpath} has {algo} hash {got}, expected "
                f"{expected}. Delete it and try again.")
    if untar_dir:
        _extract(fpath, datadir)
        return untar_dir
    if extract:
        dest = fpath + "_extracted"
        if not os.path.exists(dest):
            tmp = dest + ".part"
            shutil.rmtree(tmp, ignore_errors=True)
            _extract(fpath, tmp)
            os.replace(tmp, dest)
        return dest
    return fpath
