"""The string hashes TensorFlow's preprocessing uses, on NumPy `uint64` vectors.

* `fingerprint64`: FarmHash Fingerprint64 (farmhashna `Hash64`), what
  `tf.strings.to_hash_bucket_fast` and `tf.sparse.cross_hashed` use.
* `siphash`: SipHash-2-4 with a 128-bit key given as two 64-bit words, what
  `tf.strings.to_hash_bucket_strong` uses.
* `fingerprint_cat64`: TensorFlow's `FingerprintCat64` combiner.

Strings are grouped by byte length and each group is hashed as one vector
(every step of both algorithms is a fixed sequence of 64-bit operations for a
given length), so hashing many short strings costs a few NumPy calls per length.
"""

from __future__ import annotations

import numpy as np

_U = np.uint64
K0, K1, K2 = _U(0xC3A5C85C97CB3127), _U(0xB492B66FBE98F273), _U(0x9AE16A3B2F90404F)
_KMUL = _U(0xC6A4A7935BD1E995)


def _rot(v, s: int):
    """Right rotation of 64-bit words by `s` bits."""
    return (v >> _U(s)) | (v << _U(64 - s)) if s else v


def _shift_mix(v):
    return v ^ (v >> _U(47))


def _fetch64(buf: np.ndarray, i: int):
    return buf[:, i : i + 8].copy().view("<u8")[:, 0]


def _fetch32(buf: np.ndarray, i: int):
    return buf[:, i : i + 4].copy().view("<u4")[:, 0].astype(np.uint64)


def _hash_len16(u, v, mul):
    a = (u ^ v) * mul
    a ^= a >> _U(47)
    b = (v ^ a) * mul
    b ^= b >> _U(47)
    return b * mul


def _len0to16(buf, n):
    if n >= 8:
        mul = K2 + _U(n * 2)
        a = _fetch64(buf, 0) + K2
        b = _fetch64(buf, n - 8)
        c = _rot(b, 37) * mul + a
        d = (_rot(a, 25) + b) * mul
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = K2 + _U(n * 2)
        a = _fetch32(buf, 0)
        return _hash_len16(_U(n) + (a << _U(3)), _fetch32(buf, n - 4), mul)
    if n > 0:
        a, b, c = (buf[:, i].astype(np.uint64) for i in (0, n >> 1, n - 1))
        y = (a + (b << _U(8))) & _U(0xFFFFFFFF)
        z = (_U(n) + (c << _U(2))) & _U(0xFFFFFFFF)
        return _shift_mix(y * K2 ^ z * K0) * K2
    return np.full(buf.shape[0], K2, dtype=np.uint64)


def _len17to32(buf, n):
    mul = K2 + _U(n * 2)
    a = _fetch64(buf, 0) * K1
    b = _fetch64(buf, 8)
    c = _fetch64(buf, n - 8) * mul
    d = _fetch64(buf, n - 16) * K2
    return _hash_len16(_rot(a + b, 43) + _rot(c, 30) + d, a + _rot(b + K2, 18) + c, mul)


def _len33to64(buf, n):
    mul = K2 + _U(n * 2)
    a = _fetch64(buf, 0) * K2
    b = _fetch64(buf, 8)
    c = _fetch64(buf, n - 8) * mul
    d = _fetch64(buf, n - 16) * K2
    y = _rot(a + b, 43) + _rot(c, 30) + d
    z = _hash_len16(y, a + _rot(b + K2, 18) + c, mul)
    e = _fetch64(buf, 16) * mul
    f = _fetch64(buf, 24)
    g = (y + _fetch64(buf, n - 32)) * mul
    h = (z + _fetch64(buf, n - 24)) * mul
    return _hash_len16(_rot(e + f, 43) + _rot(g, 30) + h, e + _rot(f + a, 18) + g, mul)


def _weak32(buf, i, a, b):
    w, x, y, z = (_fetch64(buf, i + k) for k in (0, 8, 16, 24))
    a = a + w
    b = _rot(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rot(a, 44)
    return a + z, b + c


def _len_over64(buf, n):
    count = buf.shape[0]
    seed = _U(81)
    x = np.full(count, seed, np.uint64)
    y = np.full(count, seed * K1 + _U(113), np.uint64)
    z = _shift_mix(y * K2 + _U(113)) * K2
    v0 = v1 = w0 = w1 = np.zeros(count, np.uint64)
    x = x * K2 + _fetch64(buf, 0)
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    s = 0
    while True:
        x = _rot(x + y + v0 + _fetch64(buf, s + 8), 37) * K1
        y = _rot(y + v1 + _fetch64(buf, s + 48), 42) * K1
        x = x ^ w1
        y = y + v0 + _fetch64(buf, s + 40)
        z = _rot(z + w0, 33) * K1
        v0, v1 = _weak32(buf, s, v1 * K1, x + w0)
        w0, w1 = _weak32(buf, s + 32, z + w1, y + _fetch64(buf, s + 16))
        z, x = x, z
        s += 64
        if s == end:
            break
    mul = K1 + ((z & _U(0xFF)) << _U(1))
    s = last64
    w0 = w0 + _U((n - 1) & 63)
    v0 = v0 + w0
    w0 = w0 + v0
    x = _rot(x + y + v0 + _fetch64(buf, s + 8), 37) * mul
    y = _rot(y + v1 + _fetch64(buf, s + 48), 42) * mul
    x = x ^ (w1 * _U(9))
    y = y + v0 * _U(9) + _fetch64(buf, s + 40)
    z = _rot(z + w0, 33) * mul
    v0, v1 = _weak32(buf, s, v1 * mul, x + w0)
    w0, w1 = _weak32(buf, s + 32, z + w1, y + _fetch64(buf, s + 16))
    z, x = x, z
    return _hash_len16(
        _hash_len16(v0, w0, mul) + _shift_mix(y) * K0 + z, _hash_len16(v1, w1, mul) + x, mul
    )


def _fingerprint_group(buf: np.ndarray, n: int) -> np.ndarray:
    if n <= 16:
        return _len0to16(buf, n)
    if n <= 32:
        return _len17to32(buf, n)
    if n <= 64:
        return _len33to64(buf, n)
    return _len_over64(buf, n)


def _sipround(v0, v1, v2, v3):
    v0 = v0 + v1
    v1 = (v1 << _U(13)) | (v1 >> _U(51))
    v1 ^= v0
    v0 = (v0 << _U(32)) | (v0 >> _U(32))
    v2 = v2 + v3
    v3 = (v3 << _U(16)) | (v3 >> _U(48))
    v3 ^= v2
    v0 = v0 + v3
    v3 = (v3 << _U(21)) | (v3 >> _U(43))
    v3 ^= v0
    v2 = v2 + v1
    v1 = (v1 << _U(17)) | (v1 >> _U(47))
    v1 ^= v2
    v2 = (v2 << _U(32)) | (v2 >> _U(32))
    return v0, v1, v2, v3


def _siphash_group(buf: np.ndarray, n: int, key) -> np.ndarray:
    count = buf.shape[0]
    k0, k1 = _U(key[0]), _U(key[1])
    v0 = np.full(count, k0 ^ _U(0x736F6D6570736575), np.uint64)
    v1 = np.full(count, k1 ^ _U(0x646F72616E646F6D), np.uint64)
    v2 = np.full(count, k0 ^ _U(0x6C7967656E657261), np.uint64)
    v3 = np.full(count, k1 ^ _U(0x7465646279746573), np.uint64)
    full = n - n % 8
    for i in range(0, full, 8):
        m = _fetch64(buf, i)
        v3 ^= m
        for _ in range(2):
            v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
        v0 ^= m
    tail = np.zeros((count, 8), np.uint8)
    tail[:, : n - full] = buf[:, full:n]
    tail[:, 7] = n & 0xFF
    b = tail.view("<u8")[:, 0]
    v3 ^= b
    for _ in range(2):
        v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    v0 ^= b
    v2 ^= _U(0xFF)
    for _ in range(4):
        v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def _by_length(strings, group_fn) -> np.ndarray:
    data = [s.encode("utf-8") if isinstance(s, str) else bytes(s) for s in strings]
    out = np.empty(len(data), dtype=np.uint64)
    lengths = np.fromiter((len(d) for d in data), dtype=np.int64, count=len(data))
    with np.errstate(over="ignore"):
        for n in np.unique(lengths):
            idx = np.flatnonzero(lengths == n)
            n = int(n)
            joined = b"".join(data[i] for i in idx)
            buf = (
                np.frombuffer(joined, dtype=np.uint8).reshape(len(idx), n)
                if n
                else np.zeros((len(idx), 0), np.uint8)
            )
            out[idx] = group_fn(buf, n)
    return out


def fingerprint64(strings) -> np.ndarray:
    """FarmHash Fingerprint64 of each string (str as UTF-8, or bytes), as `uint64`."""
    return _by_length(strings, _fingerprint_group)


def siphash(strings, key) -> np.ndarray:
    """SipHash-2-4 of each string with the 128-bit `key = (k0, k1)`, as `uint64`."""
    key = tuple(int(k) % 2**64 for k in key)
    return _by_length(strings, lambda buf, n: _siphash_group(buf, n, key))


def fingerprint_cat64(fp1, fp2) -> np.ndarray:
    """TensorFlow's `FingerprintCat64(fp1, fp2)`, element-wise on `uint64` arrays."""
    fp1, fp2 = np.asarray(fp1, np.uint64), np.asarray(fp2, np.uint64)
    with np.errstate(over="ignore"):
        result = fp1 ^ _KMUL
        result ^= _shift_mix(fp2 * _KMUL) * _KMUL
        result *= _KMUL
        result = _shift_mix(result) * _KMUL
        return _shift_mix(result)
