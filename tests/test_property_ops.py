"""Hypothesis property tests: every op's VJP matches float64 finite differences.

Shapes are drawn at random, including size-1 axes (broadcasting) and zero-size axes.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minikeras import ops
from minikeras.testing.gradient_check import gradient_check

SETTINGS = settings(
    deadline=None,  # example count from the profile (tests/conftest.py)
    suppress_health_check=[HealthCheck.too_slow],
)

dims = st.integers(min_value=0, max_value=3)
nonzero_dims = st.integers(min_value=1, max_value=3)


@st.composite
def broadcast_pair(draw, allow_zero=True):
    """Two shapes that broadcast together (size-1 axes and different ranks)."""
    rank = draw(st.integers(min_value=0, max_value=3))
    base = [draw(dims if allow_zero else nonzero_dims) for _ in range(rank)]
    a = [d if draw(st.booleans()) else 1 for d in base]
    b = [d if draw(st.booleans()) else 1 for d in base]
    drop = draw(st.integers(min_value=0, max_value=rank))
    return tuple(a), tuple(b[drop:])


def _array(seed: int, shape, low=-2.0, high=2.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=shape)


BINARY = {
    "add": (ops.add, (-2, 2), (-2, 2)),
    "subtract": (ops.subtract, (-2, 2), (-2, 2)),
    "multiply": (ops.multiply, (-2, 2), (-2, 2)),
    "divide": (ops.divide, (-2, 2), (0.5, 2)),
    "maximum": (ops.maximum, (-2, 2), (-2, 2)),
    "minimum": (ops.minimum, (-2, 2), (-2, 2)),
    "power": (ops.power, (0.5, 2), (-1.5, 1.5)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(shapes=broadcast_pair(), seed=st.integers(0, 2**16))
def test_binary_op_gradient_with_broadcasting(name, shapes, seed):
    fn, dom_a, dom_b = BINARY[name]
    a = _array(seed, shapes[0], *dom_a)
    b = _array(seed + 1, shapes[1], *dom_b)
    if name in ("maximum", "minimum"):  # keep away from the kink at a == b
        b = np.where(np.abs(a - b) < 1e-3, b + 0.1, b) if a.shape == b.shape else b
    gradient_check(fn, [a, b], rtol=1e-5, atol=1e-7)


UNARY = {
    "negative": (ops.negative, (-2, 2)),
    "abs": (ops.abs, (0.1, 2)),
    "square": (ops.square, (-2, 2)),
    "sqrt": (ops.sqrt, (0.2, 3)),
    "exp": (ops.exp, (-2, 2)),
    "log": (ops.log, (0.2, 3)),
    "log1p": (ops.log1p, (-0.5, 2)),
    "expm1": (ops.expm1, (-2, 2)),
    "sin": (ops.sin, (-2, 2)),
    "cos": (ops.cos, (-2, 2)),
    "tanh": (ops.tanh, (-2, 2)),
    "reciprocal": (ops.reciprocal, (0.3, 2)),
    "sigmoid": (ops.sigmoid, (-4, 4)),
    "relu": (ops.relu, (0.05, 2)),
    "softplus": (ops.softplus, (-3, 3)),
    "softsign": (ops.softsign, (-3, 3)),
    "elu": (ops.elu, (0.05, 2)),
    "selu": (ops.selu, (-2, -0.05)),
    "silu": (ops.silu, (-3, 3)),
    "gelu": (ops.gelu, (-3, 3)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(shape=st.lists(dims, min_size=0, max_size=3).map(tuple), seed=st.integers(0, 2**16))
def test_unary_op_gradient(name, shape, seed):
    fn, (low, high) = UNARY[name]
    gradient_check(fn, [_array(seed, shape, low, high)], rtol=1e-5, atol=1e-7)


REDUCTIONS = {
    "sum": ops.sum,
    "mean": ops.mean,
    "var": ops.var,
    "std": ops.std,
    "max": ops.max,
    "min": ops.min,
    "prod": ops.prod,
    "logsumexp": ops.logsumexp,
}


@st.composite
def shape_and_axis(draw, allow_zero):
    shape = tuple(draw(st.lists(dims if allow_zero else nonzero_dims, min_size=1, max_size=3)))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return shape, axis


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@SETTINGS
@given(spec=shape_and_axis(allow_zero=False), keepdims=st.booleans(), seed=st.integers(0, 2**16))
def test_reduction_gradient(name, spec, keepdims, seed):
    shape, axis = spec
    x = _array(seed, shape, 0.5, 2.0)
    gradient_check(
        lambda t: REDUCTIONS[name](t, axis=axis, keepdims=keepdims), [x], rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod"])
@SETTINGS
@given(spec=shape_and_axis(allow_zero=True), seed=st.integers(0, 2**16))
def test_reduction_over_zero_size_axes_matches_numpy(name, spec, seed):
    """Zero-size axes give NumPy's result shape, or a ValueError where NumPy has no answer."""
    shape, axis = spec
    x = _array(seed, shape).astype("float32")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            expected = getattr(np, name)(x, axis=axis)
        except ValueError:
            expected = None
        if expected is None:
            with pytest.raises(ValueError):
                REDUCTIONS[name](x, axis=axis)
            return
        got = np.asarray(ops.convert_to_numpy(REDUCTIONS[name](x, axis=axis)))
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@SETTINGS
@given(
    b=st.integers(0, 3),
    n=nonzero_dims,
    k=nonzero_dims,
    m=nonzero_dims,
    batched=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_matmul_gradient(b, n, k, m, batched, seed):
    lead = (b,) if batched else ()
    a = _array(seed, lead + (n, k))
    c = _array(seed + 1, (k, m))
    gradient_check(ops.matmul, [a, c], rtol=1e-5, atol=1e-7)


@SETTINGS
@given(
    shape=st.lists(nonzero_dims, min_size=2, max_size=3).map(tuple),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_shape_ops_gradient(shape, seed, data):
    x = _array(seed, shape)
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    axis = data.draw(st.integers(0, len(shape) - 1))
    gradient_check(lambda t: ops.transpose(t, perm), [x])
    gradient_check(lambda t: ops.reshape(t, (-1,)), [x])
    gradient_check(lambda t: ops.expand_dims(t, axis), [x])
    gradient_check(lambda t: ops.concatenate([t, t * 2.0], axis=axis), [x])
    gradient_check(lambda t: ops.stack([t, t], axis=axis), [x])
    gradient_check(lambda t: ops.flip(t, axis=axis), [x])
    gradient_check(lambda t: ops.tile(t, [2] * len(shape)), [x])
    gradient_check(lambda t: ops.repeat(t, 2, axis=axis), [x])


@SETTINGS
@given(
    shape=st.lists(nonzero_dims, min_size=1, max_size=3).map(tuple),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_getitem_gradient_accumulates_repeated_indices(shape, seed, data):
    x = _array(seed, shape)
    idx = data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=5))
    gradient_check(lambda t: ops.take(t, np.array(idx), axis=0), [x])
    gradient_check(lambda t: t[np.array(idx)], [x])
    gradient_check(lambda t: t[::-1], [x])


@SETTINGS
@given(
    batch=nonzero_dims,
    classes=st.integers(2, 5),
    from_logits=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_fused_crossentropy_gradients(batch, classes, from_logits, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(batch, classes))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    pred = logits if from_logits else probs
    labels = rng.integers(0, classes, size=batch)
    onehot = np.eye(classes)[labels]
    gradient_check(
        lambda p: ops.categorical_crossentropy(onehot, p, from_logits=from_logits),
        [pred],
        rtol=1e-4,
        atol=1e-7,
    )
    gradient_check(
        lambda p: ops.sparse_categorical_crossentropy(labels, p, from_logits=from_logits),
        [pred],
        rtol=1e-4,
        atol=1e-7,
    )
    bin_pred = logits if from_logits else 1 / (1 + np.exp(-logits))
    targets = rng.integers(0, 2, size=(batch, classes)).astype(float)
    gradient_check(
        lambda p: ops.binary_crossentropy(targets, p, from_logits=from_logits),
        [bin_pred],
        rtol=1e-4,
        atol=1e-7,
    )
