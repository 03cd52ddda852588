"""`tf.strings`: the string functions text tutorials use, on NumPy string arrays."""

from __future__ import annotations

import re

import numpy as np

from minikeras.tensorflow._convert import missing, out, to_array


def _text(x) -> np.ndarray:
    a = to_array(x)
    if a.dtype.kind == "O":
        a = np.array(
            [v.decode() if isinstance(v, bytes) else str(v) for v in a.ravel()], dtype=str
        ).reshape(a.shape)
    if a.dtype.kind == "S":  # bytes, as text files are read
        a = np.char.decode(a, "utf-8")
    if a.dtype.kind != "U":
        raise TypeError(f"Expected a string tensor. Received dtype {a.dtype}.")
    return a


def lower(input, encoding="", name=None):  # noqa: A002 - TensorFlow's name
    """`tf.strings.lower`."""
    return out(np.char.lower(_text(input)))


def upper(input, encoding="", name=None):  # noqa: A002
    """`tf.strings.upper`."""
    return out(np.char.upper(_text(input)))


def strip(input, name=None):  # noqa: A002
    """`tf.strings.strip`: removes leading and trailing whitespace."""
    return out(np.char.strip(_text(input)))


def length(input, unit="BYTE", name=None):  # noqa: A002
    """`tf.strings.length` in bytes (or characters with `unit="UTF8_CHAR"`)."""
    a = _text(input)
    if unit == "BYTE":
        n = np.vectorize(lambda s: len(s.encode()), otypes=[np.int32])(a)
    else:
        n = np.char.str_len(a).astype(np.int32)
    return out(np.asarray(n, dtype=np.int32))


def _re2_to_python(pattern: str) -> str:
    return re.sub(r"\\p\{P\}", r"[!-/:-@\\[-`{-~]", pattern)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """`tf.strings.regex_replace` (RE2 syntax; `\\\\1` style groups in `rewrite`)."""
    rx = re.compile(_re2_to_python(str(_text(pattern))))
    rw = str(_text(rewrite))
    count = 0 if replace_global else 1
    fn = np.vectorize(lambda s: rx.sub(rw, s, count=count), otypes=[object])
    a = _text(input)
    res = fn(a) if a.size else a
    return out(np.asarray(res, dtype=str).reshape(a.shape))


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """`tf.strings.regex_full_match`."""
    rx = re.compile(_re2_to_python(str(_text(pattern))))
    return out(np.vectorize(lambda s: rx.fullmatch(s) is not None, otypes=[bool])(_text(input)))


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """`tf.strings.split` of a scalar (a 1-D tensor) or a 1-D tensor (a list of 1-D tensors).

    TensorFlow returns a RaggedTensor for 1-D input; here that is a Python list of
    tensors, one per string (ragged tensors are not provided).
    """
    a = _text(input)
    sep = None if sep is None else str(_text(sep))

    def one(s):
        parts = s.split(sep, maxsplit) if sep is not None else s.split(None, maxsplit)
        return np.array(parts, dtype=str) if parts else np.zeros((0,), dtype=str)

    if a.ndim == 0:
        return out(one(str(a)))
    return [out(one(s)) for s in a.ravel()]


def join(inputs, separator="", name=None):
    """`tf.strings.join`: element-wise concatenation of string tensors."""
    arrays = [_text(i) for i in inputs]
    res = arrays[0]
    for a in arrays[1:]:
        res = np.char.add(np.char.add(res, separator), a)
    return out(res)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """`tf.strings.reduce_join`: joins along `axis` (all strings when None)."""
    a = _text(inputs)
    if axis is None:
        return out(np.asarray(separator.join(a.ravel().tolist())))
    res = np.apply_along_axis(lambda r: separator.join(r.tolist()), axis, a.astype(object))
    res = np.asarray(res, dtype=str)
    return out(np.expand_dims(res, axis) if keepdims else res)


def as_string(input, precision=-1, name=None, **kwargs):  # noqa: A002
    """`tf.strings.as_string`: numbers formatted as strings."""
    a = to_array(input)
    if a.dtype.kind == "f":
        digits = 6 if precision < 0 else int(precision)
        fmt = "{:.%sf}".replace("%s", str(digits))
        return out(np.vectorize(fmt.format, otypes=[object])(a).astype(str))
    return out(a.astype(str))


def to_number(string_tensor, out_type="float32", name=None):
    """`tf.strings.to_number`."""
    from minikeras.tensorflow._convert import np_dtype

    a = _text(string_tensor)
    try:
        return out(a.astype(np.float64).astype(np_dtype(out_type)))
    except ValueError as exc:
        raise ValueError(f"StringToNumberOp could not correctly convert string: {exc}") from None


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002
    """`tf.strings.substr`."""
    a = _text(input)
    return out(
        np.vectorize(lambda s: s[int(pos) : int(pos) + int(len)], otypes=[object])(a).astype(str)
    )


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise missing("tf.strings", name)
