"""Pre-cast 0-d constants (`ops.nn.typed_scalar`) give exactly what Python scalars give.

The hot paths (sigmoid, probability clipping, the Dense-stack step, binary accuracy) pass
cached 0-d arrays to ufuncs instead of Python scalars, which NumPy would cast to the
array's dtype on every call. These tests pin that nothing changes bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from minikeras.metrics.accuracy_metrics import _binary_accuracy_count
from minikeras.ops.kernels import clip_probs as _clip_probs
from minikeras.ops.kernels import sigmoid_value as _sigmoid
from minikeras.ops.kernels import typed_scalar

FLOATS = [np.float16, np.float32, np.float64]


def _edges(dtype, eps=1e-7):
    """Values at and one ulp either side of the thresholds used with these constants."""
    out = []
    for c in (0.0, 0.5, eps, 1 - eps, 1.0):
        c = np.asarray(c, dtype)
        out += [np.nextafter(c, dtype(-2)), c, np.nextafter(c, dtype(2))]
    return np.array(out, dtype)


def _reference_sigmoid(v):
    """The stable two-branch sigmoid written with Python scalars, as it was before."""
    e = np.exp(-np.abs(v))
    d = 1 + e
    out = np.divide(1, d, out=np.empty_like(v))
    np.copyto(out, e / d, where=v < 0)
    return out


@pytest.mark.parametrize("dtype", FLOATS)
def test_sigmoid_is_bitwise_the_two_branch_formula(dtype):
    rng = np.random.default_rng(1)
    v = np.concatenate([rng.normal(scale=s, size=300) for s in (1, 30, 3e3)]).astype(dtype)
    v = np.concatenate([v, _edges(dtype), np.array([-0.0, np.nan, np.inf, -np.inf], dtype)])
    got, want = _sigmoid(v), _reference_sigmoid(v)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, want)
    assert got[-1] == 0 and got[-2] == 1 and np.isnan(got[-3])
    # and it is the sigmoid: float64 reference within float rounding
    ref = 1 / (1 + np.exp(-v.astype(np.float64)[:300]))
    np.testing.assert_allclose(
        got[:300].astype(np.float64), ref, rtol=4 * np.finfo(dtype).eps, atol=1e-300
    )


@pytest.mark.parametrize("dtype", FLOATS)
def test_typed_scalars_compare_and_clip_like_python_scalars(dtype):
    x = _edges(dtype)
    for c in (0.0, 0.5, 1e-7, 1 - 1e-7, 1.0):
        np.testing.assert_array_equal(x < typed_scalar(c, x.dtype), x < c)
        np.testing.assert_array_equal(x > typed_scalar(c, x.dtype), x > c)
        np.testing.assert_array_equal(np.subtract(typed_scalar(c, x.dtype), x), c - x)
    np.testing.assert_array_equal(_clip_probs(x, 1e-7), np.clip(x, 1e-7, 1 - 1e-7))


def test_typed_scalar_is_cached_read_only_and_of_its_dtype():
    a = typed_scalar(0.5, np.dtype("float32"))
    assert a is typed_scalar(0.5, np.dtype("float32"))
    assert a.dtype == np.float32 and a.shape == ()
    with pytest.raises(ValueError):
        a[()] = 2.0
    assert typed_scalar(0.5, np.dtype("float64")).dtype == np.float64


def test_clipping_integer_probabilities_still_gives_floats():
    np.testing.assert_array_equal(
        _clip_probs(np.array([0, 1, 2]), 1e-7), np.clip(np.array([0, 1, 2]), 1e-7, 1 - 1e-7)
    )


@pytest.mark.parametrize("threshold", [0.5, 0.3, 1e-7])
def test_binary_accuracy_count_with_a_typed_threshold(threshold):
    pred = _edges(np.float32)[:, None]
    for labels in (np.ones_like(pred), np.zeros_like(pred)):
        want = int(np.sum(labels == (pred > threshold)))
        assert _binary_accuracy_count(labels, pred, threshold) == want
        assert _binary_accuracy_count(labels.astype(np.int64), pred, threshold) == want
