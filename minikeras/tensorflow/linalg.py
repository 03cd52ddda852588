"""`tf.linalg`: matrix products, inverses, decompositions and friends."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.tensorflow import errors
from minikeras.tensorflow import math as tf_math
from minikeras.tensorflow._convert import axis_arg, inp, missing, out, val
from minikeras.tensorflow.array_ops import einsum, norm, tensordot
from minikeras.tensorflow.creation import eye

l2_normalize = tf_math.l2_normalize


def _t(x):
    nd = val(x).ndim
    return ops.swapaxes(x, nd - 1, nd - 2) if nd >= 2 else x


def matmul(
    a,
    b,
    transpose_a=False,
    transpose_b=False,
    adjoint_a=False,
    adjoint_b=False,
    a_is_sparse=False,
    b_is_sparse=False,
    output_type=None,
    name=None,
):
    """`tf.linalg.matmul` / `tf.matmul` (batched over leading axes)."""
    x, y = inp(a), inp(b)
    if transpose_a or adjoint_a:
        x = _t(x)
    if transpose_b or adjoint_b:
        y = _t(y)
    try:
        return out(ops.matmul(x, y))
    except ValueError:
        shapes = [list(np.shape(val(t))) for t in (x, y)]
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Matrix size-incompatible: In[0]: {shapes[0]}, In[1]: {shapes[1]} (the last "
            "dimension of the first must equal the second-to-last of the second).",
        ) from None


def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    """`tf.linalg.matvec`: matrix times vector."""
    x = _t(inp(a)) if (transpose_a or adjoint_a) else inp(a)
    return out(ops.squeeze(ops.matmul(x, ops.expand_dims(inp(b), -1)), -1))


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """`tf.linalg.matrix_transpose`: swaps the last two axes."""
    return out(_t(inp(a)))


adjoint = matrix_transpose


def inv(input, adjoint=False, name=None):  # noqa: A002
    """`tf.linalg.inv`."""
    res = ops.linalg.inv(inp(input))
    return out(_t(res) if adjoint else res)


def det(input, name=None):  # noqa: A002
    """`tf.linalg.det`."""
    return out(ops.linalg.det(inp(input)))


def slogdet(input, name=None):  # noqa: A002
    """`tf.linalg.slogdet`: `(sign, log|det|)`."""
    sign, logdet = np.linalg.slogdet(val(input))
    return out(sign), out(logdet)


def logdet(matrix, name=None):
    """`tf.linalg.logdet` of a positive-definite matrix."""
    return out(ops.logdet(inp(matrix)))


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """`tf.linalg.diag`: batched diagonal matrices from the last axis."""
    d = val(diagonal)
    n = d.shape[-1] + abs(int(k))
    res = np.full((*d.shape[:-1], n, n), padding_value, dtype=d.dtype)
    idx = np.arange(d.shape[-1])
    rows, cols = (idx, idx + k) if k >= 0 else (idx - k, idx)
    res[..., rows, cols] = d
    return out(res)


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """`tf.linalg.diag_part`: the main (or `k`-th) diagonal of the last two axes."""
    return out(np.diagonal(val(input), offset=int(k), axis1=-2, axis2=-1).copy())


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`tf.linalg.set_diag`."""
    res = val(input).copy()
    n = min(res.shape[-2:])
    res[..., np.arange(n), np.arange(n)] = val(diagonal)
    return out(res)


def trace(x, name=None):
    """`tf.linalg.trace`: the sum of the diagonal of the last two axes."""
    return out(ops.trace(inp(x), axis1=-2, axis2=-1))


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """`tf.linalg.band_part`: keeps `num_lower` sub- and `num_upper` super-diagonals (-1: all)."""
    a = val(input)
    m, n = a.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((num_lower < 0) | (i - j <= num_lower)) & ((num_upper < 0) | (j - i <= num_upper))
    return out(ops.multiply(inp(input), keep.astype(a.dtype)))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """`tf.linalg.svd`: `(s, u, v)` with `a = u @ diag(s) @ v^T` (TensorFlow's order)."""
    a = val(tensor)
    if not compute_uv:
        return out(np.linalg.svd(a, compute_uv=False))
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return out(s), out(u), out(np.swapaxes(vh, -1, -2))


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """`tf.linalg.qr`: `(q, r)`."""
    q, r = np.linalg.qr(val(input), mode="complete" if full_matrices else "reduced")
    return out(q), out(r)


def cholesky(input, name=None):  # noqa: A002
    """`tf.linalg.cholesky`: lower-triangular factor."""
    return out(ops.linalg.cholesky(inp(input)))


def eigh(tensor, name=None):
    """`tf.linalg.eigh`: `(eigenvalues, eigenvectors)` of a symmetric matrix."""
    w, v = np.linalg.eigh(val(tensor))
    return out(w), out(v)


def eigvalsh(tensor, name=None):
    """`tf.linalg.eigvalsh`."""
    return out(np.linalg.eigvalsh(val(tensor)))


def solve(matrix, rhs, adjoint=False, name=None):
    """`tf.linalg.solve`: `x` with `matrix @ x = rhs`."""
    m = inp(matrix)
    return out(ops.linalg.solve(_t(m) if adjoint else m, inp(rhs)))


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """`tf.linalg.triangular_solve`."""
    m = inp(matrix)
    return out(
        ops.linalg.solve_triangular(_t(m) if adjoint else m, inp(rhs), lower=lower != adjoint)
    )


def cross(a, b, name=None):
    """`tf.linalg.cross` of 3-vectors."""
    return out(ops.cross(inp(a), inp(b)))


def global_norm(t_list, name=None):
    """`tf.linalg.global_norm`: the L2 norm of all tensors together."""
    return out(
        np.float32(np.sqrt(sum(float(np.sum(np.square(val(t)))) for t in t_list if t is not None)))
    )


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """`tf.linalg.normalize`: `(tensor / norm, norm)`."""
    n = norm(tensor, ord=ord, axis=axis_arg(axis), keepdims=True)
    return out(ops.divide(inp(tensor), n)), n


__all__ = ["einsum", "eye", "norm", "tensordot"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise missing("tf.linalg", name)
