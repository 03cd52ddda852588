"""The wider `keras.ops` surface: float64 gradient checks and forward values.

Forward expectations marked "Keras 3.15.1" were printed by real Keras (jax
backend) on the same inputs; the others are hand-computed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.autodiff import GradientTape
from minikeras.backend.variable import Variable
from minikeras.testing.gradient_check import gradient_check

R = np.random.default_rng(7)


def _u(*shape, lo=-2.0, hi=2.0):
    return R.uniform(lo, hi, size=shape)


def _spd(n):
    a = R.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


_MAT = R.standard_normal((3, 3)) + 3 * np.eye(3)

# (name, function of float64 inputs, inputs). Every entry is differentiable at its inputs.
GRAD_CASES = [
    ("tan", ops.tan, [_u(3, 2, lo=-1, hi=1)]),
    ("arcsin", ops.arcsin, [_u(4, lo=-0.8, hi=0.8)]),
    ("arccos", ops.arccos, [_u(4, lo=-0.8, hi=0.8)]),
    ("arctan", ops.arctan, [_u(4)]),
    ("sinh", ops.sinh, [_u(4)]),
    ("cosh", ops.cosh, [_u(4)]),
    ("arcsinh", ops.arcsinh, [_u(4)]),
    ("arccosh", ops.arccosh, [_u(4, lo=1.5, hi=3)]),
    ("arctanh", ops.arctanh, [_u(4, lo=-0.8, hi=0.8)]),
    ("arctan2", ops.arctan2, [_u(3, 2, lo=0.5, hi=2), _u(2, lo=0.5, hi=2)]),
    ("log2", ops.log2, [_u(4, lo=0.5, hi=3)]),
    ("log10", ops.log10, [_u(4, lo=0.5, hi=3)]),
    ("exp2", ops.exp2, [_u(4)]),
    ("logaddexp", ops.logaddexp, [_u(3, 2), _u(3, 1)]),
    ("hypot", ops.hypot, [_u(3, lo=0.5, hi=2), _u(3, lo=0.5, hi=2)]),
    ("mod", ops.mod, [np.array([2.3, 5.6, 7.1]), np.array([1.1, 2.0, 3.3])]),
    (
        "divide_no_nan",
        lambda a, b: ops.divide_no_nan(a, b * np.array([1.0, 0.0, 1.0])),
        [_u(3), _u(3, lo=0.5, hi=2)],
    ),
    ("copy", ops.copy, [_u(2, 2)]),
    ("nan_to_num", ops.nan_to_num, [_u(4)]),
    ("diagonal", lambda x: ops.diagonal(x, offset=1, axis1=1, axis2=2), [_u(2, 3, 4)]),
    ("trace", ops.trace, [_u(3, 3)]),
    ("diag_1d", lambda x: ops.diag(x, k=-1), [_u(3)]),
    ("diag_2d", ops.diag, [_u(3, 3)]),
    ("tril", lambda x: ops.tril(x, k=-1), [_u(3, 4)]),
    ("triu", ops.triu, [_u(2, 3, 3)]),
    ("outer", ops.outer, [_u(3), _u(2)]),
    ("inner", ops.inner, [_u(2, 3), _u(4, 3)]),
    ("vdot", ops.vdot, [_u(2, 3), _u(2, 3)]),
    ("cross", ops.cross, [_u(2, 3), _u(2, 3)]),
    ("hstack", lambda a, b: ops.hstack([a, b]), [_u(2, 2), _u(2, 3)]),
    ("vstack", lambda a, b: ops.vstack([a, b]), [_u(3), _u(2, 3)]),
    ("append", ops.append, [_u(2, 2), _u(3)]),
    ("roll", lambda x: ops.roll(x, 2, axis=1), [_u(2, 5)]),
    ("diff", lambda x: ops.diff(x, n=2, axis=0), [_u(5, 2)]),
    ("cumprod", lambda x: ops.cumprod(x, axis=1), [_u(2, 4, lo=0.5, hi=2)]),
    ("cumprod_flat", ops.cumprod, [_u(2, 3, lo=0.5, hi=2)]),
    ("sort", lambda x: ops.sort(x, axis=0), [_u(4, 3)]),
    ("average", lambda x, w: ops.average(x, axis=1, weights=w), [_u(2, 3), _u(3, lo=0.5, hi=1)]),
    ("quantile", lambda x: ops.quantile(x, np.array([0.3, 0.8]), axis=1), [_u(2, 5)]),
    ("median", ops.median, [_u(7)]),
    ("erf", ops.erf, [_u(5)]),
    ("erfinv", ops.erfinv, [_u(5, lo=-0.9, hi=0.9)]),
    ("rsqrt", ops.rsqrt, [_u(4, lo=0.5, hi=3)]),
    (
        "segment_sum",
        lambda d: ops.segment_sum(d, np.array([0, 2, 0, 1]), num_segments=4),
        [_u(4, 2)],
    ),
    (
        "segment_max",
        lambda d: ops.segment_max(d, np.array([0, 2, 0, 2]), num_segments=3),
        [_u(4, 2)],
    ),
    ("top_k", lambda x: ops.top_k(x, 2)[0], [_u(3, 5)]),
    ("logsumexp", lambda x: ops.logsumexp(x, axis=0), [_u(3, 2)]),
    ("inv", ops.inv, [_MAT]),
    ("solve_vec", ops.solve, [_MAT, _u(3)]),
    ("solve_mat", ops.solve, [_MAT, _u(3, 2)]),
    ("solve_triangular", lambda a, b: ops.solve_triangular(a, b, lower=True), [_MAT, _u(3, 2)]),
    ("det", ops.det, [_u(2, 3, 3)]),
    ("logdet", ops.logdet, [_spd(3)]),
    (
        "cholesky",
        lambda a: ops.cholesky(ops.matmul(a, ops.transpose(a)) + 3 * np.eye(3)),
        [_u(3, 3)],
    ),
    ("norm_vec", lambda x: ops.norm(x, axis=-1), [_u(2, 3)]),
    ("norm_l1", lambda x: ops.norm(x, ord=1, axis=0), [_u(3, 2)]),
    ("norm_p3", lambda x: ops.norm(x, ord=3, axis=1, keepdims=True), [_u(2, 3)]),
    ("norm_inf", lambda x: ops.norm(x, ord=np.inf), [np.array([1.0, -3.0, 2.0])]),
    ("norm_fro", ops.norm, [_u(3, 3)]),
    ("norm_mat1", lambda x: ops.norm(x, ord=1), [np.array([[1.0, -2.0], [3.5, 0.5]])]),
    ("norm_spectral", lambda x: ops.norm(x, ord=2), [_u(3, 2)]),
    ("norm_nuc", lambda x: ops.norm(x, ord="nuc", axis=(1, 2)), [_u(2, 3, 3)]),
    ("slice", lambda x: ops.slice(x, [1, 0], (2, 2)), [_u(3, 3)]),
    ("slice_update", lambda x, u: ops.slice_update(x, (0, 1), u), [_u(3, 3), _u(2, 2)]),
    ("scatter", lambda v: ops.scatter(np.array([[0, 1], [2, 2], [0, 1]]), v, (3, 3)), [_u(3)]),
    (
        "scatter_update",
        lambda x, u: ops.scatter_update(x, np.array([[0], [2]]), u),
        [_u(3, 2), _u(2, 2)],
    ),
    ("fori_loop", lambda x: ops.fori_loop(0, 3, lambda i, v: v * x + i, x), [_u(3)]),
    ("map", lambda x: ops.map(lambda r: ops.sum(r * r), x), [_u(3, 2)]),
    ("vectorized_map", lambda x: ops.vectorized_map(lambda r: r * ops.sum(r), x), [_u(3, 2)]),
    ("switch", lambda x: ops.switch(1, [ops.sin, ops.tanh], x), [_u(3)]),
    ("select", lambda x, y: ops.select([x > 0.3, x < -0.3], [x * y, y], x), [_u(4), _u(4)]),
    (
        "while_loop",
        lambda x: ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), (0, x))[1],
        [_u(3)],
    ),
    ("cond", lambda x: ops.cond(True, lambda: ops.exp(x), lambda: x), [_u(3)]),
    ("scan", lambda x: ops.scan(lambda c, r: (c + r, c * r), np.zeros(2), x)[1], [_u(3, 2)]),
]


# Activation ops also written on the core branch (ops/nn_activations.py): checked when present.
_POINTS = np.array([-1.5, -0.3, 0.7, 1.2])
ACTIVATION_CASES = [
    ("log_sigmoid", {}, _u(5, lo=-5, hi=5)),
    ("celu", {"alpha": 0.7}, np.array([-1.3, -0.2, 0.4, 2.0])),
    ("glu", {}, _u(2, 4)),
    ("hard_tanh", {}, _POINTS),
    ("squareplus", {}, _u(4)),
    ("sparse_plus", {}, _POINTS),
    ("soft_shrink", {}, _POINTS),
    ("hard_shrink", {}, _POINTS),
    ("tanh_shrink", {}, _u(4)),
    ("threshold", {"threshold": 0.1, "default_value": -2.0}, _POINTS),
]


def _activation(name):
    return getattr(ops, name)


@pytest.mark.parametrize("name,kwargs,x", ACTIVATION_CASES, ids=[c[0] for c in ACTIVATION_CASES])
def test_activation_gradient_matches_finite_differences(name, kwargs, x):
    op = _activation(name)
    gradient_check(lambda v: op(v, **kwargs), [x], rtol=1e-5, atol=1e-7)


# Values printed by Keras 3.15.1 (jax backend) on these inputs.
def test_activation_values_match_keras():
    for name in ("log_sigmoid", "celu", "glu", "sparse_plus", "squareplus"):
        _activation(name)
    np.testing.assert_allclose(
        ops.log_sigmoid(np.array([-1.0, 2])), [-1.3132617, -0.126928], rtol=1e-6
    )
    np.testing.assert_allclose(ops.celu(np.array([-1.0, 2])), [-0.63212055, 2.0], rtol=1e-6)
    np.testing.assert_allclose(
        ops.glu(np.array([[1.0, 2, 3, 4]])), [[0.95257413, 1.9640275]], rtol=1e-6
    )
    np.testing.assert_allclose(ops.sparse_plus(np.array([-2.0, 0.5, 2])), [0, 0.5625, 2])
    np.testing.assert_allclose(ops.squareplus(np.array([1.0])), [1.618034], rtol=1e-6)


@pytest.mark.parametrize("name,fn,inputs", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradient_matches_finite_differences(name, fn, inputs):
    gradient_check(fn, inputs, rtol=1e-5, atol=1e-7)


def test_every_gradient_case_is_recorded_on_the_tape():
    # A checker fed a constant output would pass trivially; make sure each op records.
    for name, fn, inputs in GRAD_CASES:
        vs = [Variable(np.array(a), dtype="float64") for a in inputs]
        with GradientTape():
            out = fn(*vs)
        assert hasattr(out, "parents"), name


# Forward values printed by Keras 3.15.1 (jax backend) on these inputs.
def test_forward_values_match_keras():
    np.testing.assert_allclose(
        ops.segment_max(np.array([1.0, 2, 3]), np.array([0, 0, 2]), num_segments=3),
        [2.0, -np.inf, 3.0],
    )
    np.testing.assert_array_equal(
        ops.in_top_k(np.array([1, 0]), np.array([[0.5, 0.5, 0.1], [0.2, 0.2, 0.2]]), 1),
        [True, True],
    )
    vals, idx = ops.top_k(np.array([1.0, 3, 3, 2]), 2)
    np.testing.assert_array_equal(vals, [3.0, 3.0])
    np.testing.assert_array_equal(idx, [1, 2])
    np.testing.assert_allclose(ops.norm(np.array([[1.0, 2], [3, 4]])), 5.477226, rtol=1e-6)
    np.testing.assert_allclose(ops.quantile(np.array([1.0, 2, 3, 4]), 0.3), 1.9)
    np.testing.assert_allclose(ops.erf(np.array([0.5])), [0.5204999], rtol=1e-6)
    np.testing.assert_allclose(ops.erfinv(np.array([0.5])), [0.47693628], rtol=1e-6)
    np.testing.assert_allclose(ops.median(np.array([[1.0, 5, 3], [2, 2, 9]]), axis=1), [3, 2])
    np.testing.assert_array_equal(
        ops.multi_hot(np.array([[0, 2], [1, 1]]), 4), [[1, 0, 1, 0], [0, 1, 0, 0]]
    )
    np.testing.assert_allclose(ops.divide_no_nan(np.array([1.0, 2]), np.array([0.0, 4])), [0, 0.5])
    np.testing.assert_array_equal(ops.digitize(np.array([0.5, 1.5, 2.5]), [1.0, 2.0]), [0, 1, 2])
    np.testing.assert_allclose(ops.diff(np.array([1.0, 4, 9, 16]), n=2), [2, 2])


def test_hand_computed_values():
    a = np.array([[4.0, 1.0], [2.0, 3.0]])
    assert ops.det(a) == pytest.approx(10.0)
    np.testing.assert_allclose(ops.inv(a) @ a, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(ops.solve(a, np.array([6.0, 8.0])), [1.0, 2.0])
    low = ops.cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))
    np.testing.assert_allclose(low, [[2.0, 0.0], [1.0, 2.0]])
    assert ops.norm(np.array([3.0, -4.0]), ord=np.inf) == 4.0
    assert ops.norm(np.array([[1.0, -2.0], [3.0, 4.0]]), ord=1) == 6.0
    assert ops.norm(np.array([[1.0, -2.0], [3.0, 4.0]]), ord=np.inf) == 7.0
    np.testing.assert_allclose(
        ops.segment_sum(np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 3])), [3.0, 3.0, 0.0, 4.0]
    )
    np.testing.assert_allclose(ops.logaddexp(0.0, 0.0), math.log(2.0))
    assert ops.trace(np.arange(9.0).reshape(3, 3)) == 12.0
    assert ops.while_loop(lambda i: i < 5, lambda i: i + 2, 0) == 6
    assert ops.cond(True, lambda: "a", lambda: "b") == "a"
    np.testing.assert_allclose(
        ops.select(
            [np.array([True, False, False]), np.array([False, True, False])], [1.0, 2.0], 9.0
        ),
        [1.0, 2.0, 9.0],
    )


def test_decompositions_refuse_tape_inputs():
    v = Variable(np.eye(2))
    with GradientTape(), pytest.raises(NotImplementedError, match="stop_gradient"):
        ops.svd(v)
    q, r = ops.qr(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(q @ r, [[1.0, 2.0], [3.0, 4.0]], atol=1e-12)


def test_bad_input_errors_name_the_problem():
    with pytest.raises(ValueError, match="square"):
        ops.inv(np.ones((2, 3)))
    with pytest.raises(ValueError, match="k"):
        ops.top_k(np.ones(3), 4)
    with pytest.raises(ValueError, match="segment_ids"):
        ops.segment_sum(np.ones((3, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="num_classes"):
        ops.multi_hot(np.array([[0, 1]]))


@pytest.mark.parametrize("src,dst", [(1, -1), ((0, 1), (-2, -1)), (3, 0), ((2, 0), (0, 3))])
def test_moveaxis_matches_numpy(src, dst):
    x = np.arange(120.0).reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(ops.moveaxis(x, src, dst), np.moveaxis(x, src, dst))


def test_argmax_flattens_by_default_as_in_keras_3_and_k_argmax_keeps_the_last_axis():
    from minikeras import backend as K

    x = np.array([[1, 5], [7, 0]])
    assert int(ops.argmax(x)) == 2 and int(ops.argmin(x)) == 3  # flat indices
    np.testing.assert_array_equal(ops.argmax(x, axis=-1), [1, 0])
    np.testing.assert_array_equal(K.argmax(x), [1, 0])  # Keras 2: axis=-1
    np.testing.assert_array_equal(K.argmin(x), [0, 1])


@pytest.mark.parametrize(
    "a, b",
    [
        ((3,), (3,)),
        ((2, 3), (3, 4)),
        ((2, 3, 4), (4,)),
        ((2, 3, 4), (5, 4, 6)),
        ((), (3,)),
        ((3, 4), ()),
    ],
)
def test_dot_and_inner_follow_numpy(a, b):
    """Keras 3's `ops.dot` is `np.dot` (a scalar multiplies; N-D x M-D contracts the last
    axis with the second-to-last), `ops.inner` is `np.inner`."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=a), rng.normal(size=b)
    np.testing.assert_allclose(ops.dot(x, y), np.dot(x, y), rtol=1e-12)
    if not a or not b or a[-1] == b[-1]:
        np.testing.assert_allclose(ops.inner(x, y), np.inner(x, y), rtol=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "sqrt",
        "exp",
        "log",
        "log1p",
        "expm1",
        "sin",
        "cos",
        "tan",
        "tanh",
        "sinh",
        "cosh",
        "arctan",
        "arcsinh",
        "log2",
        "log10",
        "exp2",
        "mean",
        "var",
        "std",
        "logsumexp",
        "median",
        "average",
        "softmax",
        "log_softmax",
        "erf",
        "rsqrt",
    ],
)
def test_fractional_results_of_integer_inputs_are_floatx(name):
    """Keras promotes integer inputs of these ops to `floatx()`; NumPy would give float64
    (which then spreads through a model)."""
    fn = getattr(ops, name)
    ints = np.array([[1, 2, 3], [4, 5, 6]], "int32")
    got = np.asarray(fn(ints))
    expected = np.asarray(fn(ints.astype("float32")))
    assert got.dtype == np.float32, got.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_embedding_reads_boolean_ids_as_zero_and_one():
    from minikeras import layers

    table = np.arange(6, dtype="float32").reshape(3, 2)
    emb = layers.Embedding(3, 2, embeddings_initializer=lambda shape, dtype=None: table)
    np.testing.assert_array_equal(emb(np.array([[True, False]])), [[[2, 3], [0, 1]]])


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "maximum", "minimum"])
def test_integer_and_float_arrays_compute_in_the_float_dtype(name):
    """Keras promotes int32 with float32 to float32; NumPy gives float64."""
    floats = np.array([1.5, -2.0, 3.0], "float32")
    ints = np.array([2, 3, 4], "int32")
    fn = getattr(ops, name)
    for a, b in ((floats, ints), (ints, floats)):
        got = np.asarray(fn(a, b))
        assert got.dtype == np.float32
        expected = getattr(np, {"divide": "true_divide"}.get(name, name))(
            a.astype("float64"), b.astype("float64")
        )
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert np.asarray(ops.add(ints, ints)).dtype == np.int32
