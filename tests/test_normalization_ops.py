"""`ops.batch_normalization`, `ops.layer_normalization` and the fused normalize op:
values against the textbook formulas and float64 gradient checks."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import ops
from minikeras.ops.image import interpolation_matrix
from minikeras.ops.normalization import fused_normalize
from minikeras.testing.gradient_check import gradient_check

RNG = np.random.default_rng(5)


def test_batch_normalization_formula_and_gradients():
    x = RNG.standard_normal((4, 3, 2))
    mean, var = RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)
    beta, gamma = RNG.standard_normal(3), RNG.standard_normal(3)
    y = ops.batch_normalization(x, mean, var, axis=1, offset=beta, scale=gamma, epsilon=1e-3)
    b = (slice(None), None)
    expected = (x - mean[b]) / np.sqrt(var[b] + 1e-3) * gamma[b] + beta[b]
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    gradient_check(
        lambda a, m, v, o, s: ops.batch_normalization(a, m, v, 1, o, s), [x, mean, var, beta, gamma]
    )


@pytest.mark.parametrize("axis", [-1, [1, 2]])
def test_layer_normalization_formula_and_gradients(axis):
    x = RNG.standard_normal((3, 4, 5))
    axes = (2,) if axis == -1 else (1, 2)
    pshape = x.shape[2:] if axis == -1 else x.shape[1:]
    gamma, beta = RNG.standard_normal(pshape), RNG.standard_normal(pshape)
    y = ops.layer_normalization(x, gamma, beta, axis=axis, epsilon=1e-5)
    m, v = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
    np.testing.assert_allclose(y, (x - m) / np.sqrt(v + 1e-5) * gamma + beta, rtol=1e-10)
    gradient_check(lambda a, g, b: ops.layer_normalization(a, g, b, axis=axis), [x, gamma, beta])


def test_fused_normalize_statistics_and_gradients():
    x = RNG.standard_normal((6, 2, 3))
    y, mean, var = fused_normalize(x, (0, 2), epsilon=1e-3)
    np.testing.assert_allclose(mean.ravel(), x.mean((0, 2)))
    np.testing.assert_allclose(var.ravel(), x.var((0, 2)))
    np.testing.assert_allclose(y.mean((0, 2)), 0, atol=1e-12)
    gradient_check(lambda a: fused_normalize(a, (0, 2))[0], [x])
    gradient_check(lambda a, g: fused_normalize(a, (1,), g)[0], [x, RNG.standard_normal((1, 2, 3))])


def test_interpolation_matrices():
    # Half-pixel bilinear: out i reads (i + 0.5) * in / out - 0.5, clamped at the edges.
    np.testing.assert_allclose(
        interpolation_matrix(2, 4, "bilinear"), [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]]
    )
    np.testing.assert_array_equal(
        interpolation_matrix(4, 2, "nearest"), [[0, 1, 0, 0], [0, 0, 0, 1]]
    )
    np.testing.assert_allclose(interpolation_matrix(5, 3, "bilinear").sum(1), 1)
    with pytest.raises(ValueError, match="interpolation"):
        interpolation_matrix(2, 3, "bicubic")
    gradient_check(lambda a: ops.image.resize(a, (5, 3)), [RNG.standard_normal((1, 3, 4, 2))])
