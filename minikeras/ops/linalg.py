"""`keras.ops.linalg`: norms, inverses, solves and determinants with gradients.

Matrix ops act on the last two axes and broadcast over leading (batch) axes.
Decompositions without a gradient rule here (`qr`, `svd`, `eigh`) refuse tape
inputs with a clear error instead of silently dropping the gradient.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend.autodiff import Tensor, record, unbroadcast, unwrap, value_of
from minikeras.ops import numpy as _np_ops


def _t(a):
    return np.swapaxes(a, -1, -2)


def _square_check(a, name):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"`{name}` expects square matrices in the last two axes. Received: shape={a.shape}"
        )


def inv(x):
    """Inverse of square matrices. Gradient: `-A^-T g A^-T`."""
    xv, xn = unwrap(x)
    xv = np.asarray(xv)
    _square_check(xv, "inv")
    out = np.linalg.inv(xv)
    if xn is None:
        return out
    return Tensor(out, (xn,), (lambda g: -_t(out) @ g @ _t(out),))


def solve(a, b):
    """Solves `a @ x = b` for `x` (`b` a vector or a matrix of right-hand sides)."""
    av, an = unwrap(a)
    bv, bn = unwrap(b)
    av, bv = np.asarray(av), np.asarray(bv)
    _square_check(av, "solve")
    vec = bv.ndim == av.ndim - 1
    bm = bv[..., None] if vec else bv
    xm = np.linalg.solve(av, bm)
    out = xm[..., 0] if vec else xm
    if an is None and bn is None:
        return out

    def gb_of(g):
        gm = g[..., None] if vec else g
        return np.linalg.solve(_t(av), gm)

    def vjp_a(g):
        return unbroadcast(-gb_of(g) @ _t(xm), av.shape)

    def vjp_b(g):
        gb = gb_of(g)
        return unbroadcast(gb[..., 0] if vec else gb, bv.shape)

    return record(out, (an, vjp_a), (bn, vjp_b))


def solve_triangular(a, b, lower=False):
    """Solves `a @ x = b` where `a` is triangular (the other triangle is ignored)."""
    from minikeras.ops.numpy_extra import tril, triu

    return solve(tril(a) if lower else triu(a), b)


def det(x):
    """Determinant of square matrices. Gradient: `g * det(A) * A^-T`."""
    xv, xn = unwrap(x)
    xv = np.asarray(xv)
    _square_check(xv, "det")
    out = np.linalg.det(xv).astype(xv.dtype)
    if xn is None:
        return out
    return Tensor(
        out, (xn,), (lambda g: (np.asarray(g) * out)[..., None, None] * _t(np.linalg.inv(xv)),)
    )


def _logdet(x):
    xv, xn = unwrap(x)
    xv = np.asarray(xv)
    _square_check(xv, "logdet")
    sign, ld = np.linalg.slogdet(xv)
    if np.any(sign <= 0):
        raise ValueError("`logdet` needs matrices with a positive determinant.")
    out = ld.astype(xv.dtype)
    if xn is None:
        return out
    return Tensor(out, (xn,), (lambda g: np.asarray(g)[..., None, None] * _t(np.linalg.inv(xv)),))


def cholesky(x, upper=False):
    """Cholesky factor `L` (lower) of symmetric positive-definite matrices.

    Only the lower triangle of `x` is read; the gradient returned is the
    symmetric one (as for a symmetric input).
    """
    xv, xn = unwrap(x)
    xv = np.asarray(xv)
    _square_check(xv, "cholesky")
    try:
        low = np.linalg.cholesky(xv)
    except np.linalg.LinAlgError as exc:
        raise ValueError("`cholesky` needs symmetric positive-definite matrices.") from exc
    out = _t(low) if upper else low
    if xn is None:
        return out
    n = xv.shape[-1]

    def vjp(g):
        gl = _t(g) if upper else g
        phi = np.tril(_t(low) @ gl)
        phi[..., np.arange(n), np.arange(n)] *= 0.5
        linv = np.linalg.inv(low)
        s = _t(linv) @ phi @ linv
        return 0.5 * (s + _t(s))

    return Tensor(out, (xn,), (vjp,))


def _no_tape(x, name):
    xv, xn = unwrap(x)
    if xn is not None:
        raise NotImplementedError(
            f"`ops.{name}` has no gradient in minikeras. Wrap its input in "
            "`ops.stop_gradient(...)` if you do not need one."
        )
    return np.asarray(xv)


def qr(x, mode="reduced"):
    """QR decomposition `(q, r)` (no gradient)."""
    return np.linalg.qr(_no_tape(x, "qr"), mode=mode)


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition (no gradient)."""
    return np.linalg.svd(_no_tape(x, "svd"), full_matrices=full_matrices, compute_uv=compute_uv)


def eigh(x):
    """Eigenvalues and eigenvectors of symmetric matrices (no gradient)."""
    return np.linalg.eigh(_no_tape(x, "eigh"))


def eig(x):
    """Eigenvalues and eigenvectors of square matrices (no gradient)."""
    return np.linalg.eig(_no_tape(x, "eig"))


def _spectral(x, which):
    """2-norm (`which=0`), smallest singular value (`-1`) or nuclear norm (`None`)."""
    xv, xn = unwrap(x)
    u, s, vh = np.linalg.svd(np.asarray(xv), full_matrices=False)
    out = s.sum(axis=-1) if which is None else s[..., which]
    if xn is None:
        return out

    def vjp(g):
        g = np.asarray(g)[..., None, None]
        if which is None:
            return g * (u @ vh)
        return g * (u[..., :, which, None] * vh[..., None, which, :])

    return Tensor(out, (xn,), (vjp,))


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """Vector or matrix norm, as `numpy.linalg.norm`.

    Vector norms (1-D input or an int `axis`): `ord` in `None`/2, 1, `inf`,
    `-inf`, 0 and any other real p. Matrix norms (2-D input or a 2-tuple
    `axis`): `"fro"`, `"nuc"`, 1, -1, 2, -2, `inf`, `-inf`.
    """
    xv = np.asarray(value_of(x))
    nd = xv.ndim
    if axis is None:
        axis = tuple(range(nd)) if nd <= 2 else None
        if axis is None or (len(axis) == 2 and ord is None):
            out = _np_ops.sqrt(_np_ops.sum(_np_ops.square(x)))
            return _np_ops.reshape(out, (1,) * nd) if keepdims else out
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % nd for a in axes)
    if len(axes) == 1:
        out = _vector_norm(x, ord, axes[0])
    elif len(axes) == 2:
        out = _matrix_norm(x, ord, axes)
    else:
        raise ValueError(f"Improper number of dimensions to norm. Received: axis={axis}")
    if keepdims:
        for a in sorted(axes):
            out = _np_ops.expand_dims(out, a)
    return out


def _vector_norm(x, ord, ax):  # noqa: A002
    a = _np_ops.abs(x)
    if ord is None or ord == 2:
        return _np_ops.sqrt(_np_ops.sum(_np_ops.square(x), axis=ax))
    if ord == np.inf:
        return _np_ops.max(a, axis=ax)
    if ord == -np.inf:
        return _np_ops.min(a, axis=ax)
    if ord == 0:
        return np.sum(value_of(x) != 0, axis=ax).astype(np.asarray(value_of(x)).dtype)
    if ord == 1:
        return _np_ops.sum(a, axis=ax)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors.")
    return _np_ops.power(_np_ops.sum(_np_ops.power(a, ord), axis=ax), 1.0 / ord)


def _matrix_norm(x, ord, axes):  # noqa: A002
    r, c = axes
    if ord is None or ord == "fro":
        return _np_ops.sqrt(_np_ops.sum(_np_ops.square(x), axis=axes))
    if ord in (1, -1, np.inf, -np.inf):
        sum_ax, red_ax = (r, c) if ord in (1, -1) else (c, r)
        s = _np_ops.sum(_np_ops.abs(x), axis=sum_ax)
        red = red_ax if red_ax < sum_ax else red_ax - 1
        return _np_ops.max(s, axis=red) if ord in (1, np.inf) else _np_ops.min(s, axis=red)
    if ord in (2, -2, "nuc"):
        moved = _np_ops.moveaxis(x, (r, c), (-2, -1))
        return _spectral(moved, None if ord == "nuc" else (0 if ord == 2 else -1))
    raise ValueError(f"Invalid norm order for matrices. Received: ord={ord}")


__all__ = [
    "cholesky",
    "det",
    "eig",
    "eigh",
    "inv",
    "norm",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]
