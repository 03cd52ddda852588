"""`get_file`: files in the Keras cache (`$KERAS_HOME` or `~/.keras`), downloaded if absent."""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.parse


def keras_home() -> str:
    """The Keras cache root: `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` if not writable)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _hash(path, algorithm) -> str:
    h = hashlib.sha256() if algorithm == "sha256" else hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download(origin, fpath) -> None:
    import urllib.error
    import urllib.request

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
        reason = getattr(exc, "reason", None) or exc
        error = OSError(
            f"Could not download {os.path.basename(fpath)} from {origin} ({reason}). If this "
            f"machine is offline, download the file elsewhere and place it at: {fpath}"
        )
        error.reason = str(reason)  # for callers that write their own one-line message
        raise error from None


def _extract(fpath, dest) -> bool:
    import tarfile
    import zipfile

    if tarfile.is_tarfile(fpath):
        with tarfile.open(fpath) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(dest, filter="data")
            else:  # Python without extraction filters: refuse unsafe members ourselves
                for member in archive.getmembers():
                    name = member.name
                    if (
                        name.startswith("/")
                        or ".." in name.split("/")
                        or member.issym()
                        or member.islnk()
                    ):
                        raise ValueError(f"Unsafe path {name!r} in archive {fpath}.")
                archive.extractall(dest)
        return True
    if zipfile.is_zipfile(fpath):
        with zipfile.ZipFile(fpath) as archive:
            for member in archive.namelist():
                if member.startswith("/") or ".." in member.split("/"):
                    raise ValueError(f"Unsafe path {member!r} in archive {fpath}.")
            archive.extractall(dest)
        return True
    return False


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Returns the path of `fname` in the Keras cache, downloading it from `origin` if absent.

    Paths follow Keras 3: `<cache_dir>/<cache_subdir>/<fname>`; with `extract=True`
    the archive is unpacked to `<fname>` (names without a dot, the archive being
    `<fname>_archive`) or `<stem>_extracted` (names with a dot).

    Args:
        fname: File name in the cache (defaults to the last part of `origin`).
        origin: URL to download from when the file is not cached.
        untar: Legacy; same as `extract=True`.
        md5_hash, file_hash: Optional expected hash, checked after a download and
            on a cached file (a mismatch on a cached file triggers a new download).
        cache_subdir: Sub-folder of the cache (`"datasets"`).
        hash_algorithm: `"md5"`, `"sha256"` or `"auto"`.
        extract: Extract a tar/zip archive and return the extracted folder.
        archive_format: Accepted for Keras compatibility (tar and zip are detected).
        cache_dir: Cache root (default `$KERAS_HOME` or `~/.keras`).
        force_download: Download even if cached.

    Raises:
        OSError: when the file is absent and cannot be downloaded, naming the
            path where to put it by hand.
        ValueError: for a missing `origin`/`fname` or a hash mismatch after download.
    """
    if origin is None and not fname:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    provided = bool(fname)
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(
            f"Can't parse the file name from the origin provided: '{origin}'. "
            "Please specify the `fname` argument."
        )
    if os.sep in fname:
        raise ValueError(
            "Paths are not accepted as the `fname` argument; use `cache_dir` for "
            f"the parent directory. Received: fname={fname}"
        )
    datadir = os.path.join(os.path.expanduser(cache_dir or keras_home()), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    if extract or untar:
        if provided and "." in fname:
            target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, fname[: fname.find(".")] + "_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            target = os.path.join(datadir, fname + "_archive")
        if os.path.isdir(extraction_dir) and not force_download:
            return extraction_dir
    else:
        target = os.path.join(datadir, fname)
    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not _matches(target, file_hash, hash_algorithm):
        print(
            f"A local file was found, but it seems to be incomplete or outdated because the "
            f"{hash_algorithm} file hash does not match the original value of {file_hash} so "
            "we will re-download the data."
        )
        download = True
    if download:
        if origin is None:
            raise OSError(f"File {target} is not in the cache and no `origin` URL was given.")
        print(f"Downloading data from {origin}")
        _download(origin, target)
        if file_hash is not None and not _matches(target, file_hash, hash_algorithm):
            raise ValueError(
                f"Incomplete or corrupted file detected. The {hash_algorithm} file hash does "
                f"not match the provided value of {file_hash}."
            )
    if extract or untar:
        tmp = extraction_dir + ".part"
        shutil.rmtree(tmp, ignore_errors=True)
        if not _extract(target, tmp):
            raise ValueError(f"Could not extract {target}: it is not a tar or zip archive.")
        os.replace(tmp, extraction_dir)
        return extraction_dir
    return target


def _matches(path, expected, algorithm) -> bool:
    if algorithm == "auto":
        algorithm = "sha256" if len(expected) == 64 else "md5"
    return _hash(path, algorithm) == str(expected)
