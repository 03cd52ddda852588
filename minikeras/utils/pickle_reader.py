"""Reads the pickle streams inside Keras dataset files without executing any code.

`imdb.npz`/`reuters.npz` hold ragged sequences as NumPy object arrays, which
NumPy stores as pickles; the CIFAR batches are pickled dicts of arrays. This
module interprets those pickle opcodes itself (with `pickletools`, a parser)
and understands only plain containers, numbers, strings, bytes and NumPy
arrays/dtypes/scalars. Any other global is refused, so loading a file can
never run code from it.
"""

from __future__ import annotations

import io
import pickletools
import zipfile

import numpy as np

_NUMPY_MODULES = ("numpy.core.multiarray", "numpy._core.multiarray")


class UnsafePickleError(ValueError):
    """The stream references something other than containers and NumPy arrays."""


class _ArrayStub:
    """An ndarray under construction (`_reconstruct` then `BUILD`)."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = None


class _DtypeStub:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _global(module, name):
    if module in _NUMPY_MODULES and name in ("_reconstruct", "scalar"):
        return name
    if module in ("numpy.core.numeric", "numpy._core.numeric") and name == "_frombuffer":
        return "_frombuffer"
    if module == "numpy" and name in ("ndarray", "dtype"):
        return name
    if module == "_codecs" and name == "encode":
        return "encode"
    raise UnsafePickleError(
        f"Refusing to load `{module}.{name}` from a pickle: only plain data and NumPy arrays "
        "are read, so that loading a file never runs code from it."
    )


def _reduce(func, args):
    if func == "_reconstruct":
        return _ArrayStub()
    if func == "dtype":
        return _DtypeStub(np.dtype(args[0]))
    if func == "scalar":
        dtype = _value(args[0])
        return np.frombuffer(args[1], dtype=dtype)[0] if len(args) > 1 else dtype.type()
    if func == "_frombuffer":  # protocol 5: (buffer, dtype, shape, order)
        buf, dtype, shape, order = args
        return np.frombuffer(buf, dtype=dtype).reshape(shape, order=order).copy()
    if func == "encode":
        return args[0].encode(args[1] if len(args) > 1 else "utf8")
    raise UnsafePickleError(f"Refusing to call {func!r} while unpickling.")


def _build(obj, state):
    if isinstance(obj, _DtypeStub):
        endian = state[1] if isinstance(state, tuple) and len(state) > 1 else "|"
        if endian in ("<", ">"):
            obj.value = obj.value.newbyteorder(endian)
        return
    if not isinstance(obj, _ArrayStub):
        raise UnsafePickleError(f"Refusing to set the state of a {type(obj).__name__}.")
    _, shape, dtype, fortran, raw = state
    dtype = _value(dtype)
    order = "F" if fortran else "C"
    if dtype.hasobject:
        flat = np.empty(len(raw), dtype=object)
        for i, item in enumerate(raw):
            flat[i] = _resolve(item)
        obj.value = flat.reshape(shape, order=order)
    else:
        if isinstance(raw, str):
            raw = raw.encode("latin1")
        obj.value = np.frombuffer(raw, dtype=dtype).reshape(shape, order=order).copy()


def _value(obj):
    return obj.value if isinstance(obj, (_ArrayStub, _DtypeStub)) else obj


def _resolve(obj):
    if isinstance(obj, (_ArrayStub, _DtypeStub)):
        return obj.value
    if isinstance(obj, list):
        return [_resolve(o) for o in obj]
    if isinstance(obj, tuple):
        return tuple(_resolve(o) for o in obj)
    if isinstance(obj, dict):
        return {_resolve(k): _resolve(v) for k, v in obj.items()}
    return obj


_PUSH_ARG = {
    "BININT",
    "BININT1",
    "BININT2",
    "LONG1",
    "LONG4",
    "INT",
    "LONG",
    "BINFLOAT",
    "FLOAT",
    "SHORT_BINUNICODE",
    "BINUNICODE",
    "BINUNICODE8",
    "UNICODE",
    "SHORT_BINBYTES",
    "BINBYTES",
    "BINBYTES8",
    "BINSTRING",
    "SHORT_BINSTRING",
    "STRING",
    "BYTEARRAY8",
}


def loads(data: bytes, encoding: str = "bytes"):
    """Decodes a pickle holding plain data and NumPy arrays.

    Args:
        data: The pickle bytes.
        encoding: How Python 2 `str` objects are decoded: `"bytes"` keeps bytes
            (as Keras does for CIFAR), anything else is a text codec.

    Raises:
        UnsafePickleError: for any global other than NumPy's array machinery.
    """
    stack: list = []
    marks: list = []
    memo: dict = {}
    for op, arg, _ in pickletools.genops(data):
        name = op.name
        if name in ("PROTO", "FRAME", "READONLY_BUFFER"):
            continue
        if name in _PUSH_ARG:
            if name in ("BINSTRING", "SHORT_BINSTRING", "STRING"):
                raw = arg.encode("latin1") if isinstance(arg, str) else arg
                arg = raw if encoding == "bytes" else raw.decode(encoding)
            stack.append(arg)
        elif name == "NONE":
            stack.append(None)
        elif name in ("NEWTRUE", "NEWFALSE"):
            stack.append(name == "NEWTRUE")
        elif name == "EMPTY_LIST":
            stack.append([])
        elif name == "EMPTY_DICT":
            stack.append({})
        elif name == "EMPTY_TUPLE":
            stack.append(())
        elif name == "MARK":
            marks.append(len(stack))
        elif name in ("TUPLE", "LIST", "APPENDS", "SETITEMS", "DICT"):
            at = marks.pop()
            items = stack[at:]
            del stack[at:]
            if name == "TUPLE":
                stack.append(tuple(items))
            elif name == "LIST":
                stack.append(list(items))
            elif name == "DICT":
                stack.append(dict(zip(items[::2], items[1::2])))
            elif name == "APPENDS":
                stack[-1].extend(items)
            else:
                for k, v in zip(items[::2], items[1::2]):
                    stack[-1][k] = v
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name == "APPEND":
            v = stack.pop()
            stack[-1].append(v)
        elif name == "SETITEM":
            v = stack.pop()
            k = stack.pop()
            stack[-1][k] = v
        elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name in ("BINGET", "LONG_BINGET", "GET"):
            stack.append(memo[arg])
        elif name == "GLOBAL":
            module, _, attr = arg.partition(" ")
            stack.append(_global(module, attr))
        elif name == "STACK_GLOBAL":
            attr = stack.pop()
            module = stack.pop()
            stack.append(_global(module, attr))
        elif name == "REDUCE":
            args = stack.pop()
            func = stack.pop()
            stack.append(_reduce(func, tuple(_value(a) for a in args)))
        elif name == "BUILD":
            state = stack.pop()
            _build(stack[-1], state)
        elif name == "STOP":
            return _resolve(stack.pop())
        else:
            raise UnsafePickleError(f"Unsupported pickle opcode {name} in a data file.")
    raise UnsafePickleError("Truncated pickle stream (no STOP opcode).")


def load_npz(path) -> dict:
    """All arrays of an `.npz` file, object arrays included, without running code."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            key = member[:-4] if member.endswith(".npy") else member
            with archive.open(member) as f:
                fp = io.BytesIO(f.read())
            version = np.lib.format.read_magic(fp)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
            if dtype.hasobject:
                arr = loads(fp.read(), encoding="latin1")
                if not isinstance(arr, np.ndarray):
                    raise UnsafePickleError(f"{path}:{member} does not hold an array.")
            else:
                fp.seek(0)
                arr = np.lib.format.read_array(fp, allow_pickle=False)
            out[key] = arr
    return out
