"""Fast paths of the convolution and pooling ops, against direct definitions.

* one-input-channel convolutions (taps-major im2col columns);
* max pooling with `strides == pool_size` (windows as array axes): odd sizes
  that "valid" padding crops, "same" padding, 1D/2D/3D, pools of 1 and 3, ties
  (Keras sends the gradient to the first maximal element in window order) and
  float64 finite-difference gradients.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.autodiff import GradientTape
from minikeras.backend.variable import Variable
from minikeras.testing.gradient_check import gradient_check
from tests.test_conv_ops import naive_conv, naive_pool

RNG = np.random.default_rng(11)

ONE_CHANNEL_CONV = [
    # (input shape, kernel shape, strides, padding, dilation)
    ((2, 9, 1), (3, 1, 4), (2,), "same", (1,)),
    ((2, 7, 6, 1), (3, 3, 1, 5), (1, 1), "valid", (1, 1)),
    ((2, 8, 7, 1), (3, 2, 1, 3), (2, 1), "same", (1, 2)),
    ((1, 4, 5, 3, 1), (2, 2, 2, 1, 2), (1, 2, 1), "same", (1, 1, 1)),
]


@pytest.mark.parametrize("xs,ks,strides,padding,dilation", ONE_CHANNEL_CONV)
def test_one_channel_conv_values_and_gradients(xs, ks, strides, padding, dilation):
    x, k = RNG.standard_normal(xs), RNG.standard_normal(ks)
    y = ops.conv(x, k, strides, padding, "channels_last", dilation)
    np.testing.assert_allclose(y, naive_conv(x, k, strides, padding, dilation), atol=1e-10)
    gradient_check(
        lambda a, b: ops.conv(a, b, strides, padding, None, dilation), [x, k], rtol=1e-5, atol=1e-7
    )


def test_one_channel_conv_float32_and_kernel_gradient_only():
    x = RNG.random((3, 6, 6, 1)).astype("float32")
    k = Variable(RNG.standard_normal((3, 3, 1, 4)), dtype="float32")
    with GradientTape() as tape:
        y = ops.sum(ops.conv(x, k))
    g = tape.gradient(y, k)
    assert g.dtype == np.float32
    # d sum(conv) / d k[i, j] = sum of the inputs that tap (i, j) reads.
    expected = np.stack([[x[:, i : i + 4, j : j + 4].sum() for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(g[..., 0, :], np.repeat(expected[..., None], 4, -1), rtol=1e-5)


TILED_POOLS = [
    # (input shape, pool, padding): strides == pool
    ((2, 7, 3), (2,), "valid"),
    ((2, 7, 3), (3,), "same"),
    ((2, 7, 5, 3), (2, 2), "valid"),  # odd sizes: the last row is cropped
    ((1, 5, 7, 2), (2, 3), "same"),
    ((2, 6, 6, 2), (3, 3), "valid"),
    ((1, 5, 6, 2), (1, 2), "valid"),
    ((1, 5, 4, 3, 2), (2, 2, 2), "valid"),
    ((1, 3, 5, 4, 1), (2, 2, 3), "same"),
]


@pytest.mark.parametrize("xs,pool,padding", TILED_POOLS)
def test_tiled_max_pool_values_and_gradients(xs, pool, padding):
    # Distinct values: no ties, so the finite differences are well defined.
    x = RNG.permutation(np.prod(xs)).reshape(xs) / 10.0 + RNG.uniform(0, 0.01, xs)
    y = ops.max_pool(x, pool, None, padding)
    np.testing.assert_allclose(y, naive_pool(x, pool, pool, padding, "max"), atol=1e-12)
    gradient_check(lambda a: ops.max_pool(a, pool, pool, padding), [x], rtol=1e-5, atol=1e-7)


def _first_max_gradient(x, pool, padding):
    """Gradient of sum(max_pool) by the definition: 1 at each window's first maximum."""
    n = x.ndim - 2
    if padding == "same":
        out = [-(-s // k) for s, k in zip(x.shape[1:-1], pool)]
        pads = [
            ((o * k - s) // 2, o * k - s - (o * k - s) // 2)
            for o, k, s in zip(out, pool, x.shape[1:-1])
        ]
        xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=-np.inf)
    else:
        out = [s // k for s, k in zip(x.shape[1:-1], pool)]
        pads = [(0, 0)] * n
        xp = x
    grad = np.zeros(xp.shape)
    for b, c in itertools.product(range(x.shape[0]), range(x.shape[-1])):
        for o in itertools.product(*[range(v) for v in out]):
            taps = [
                tuple(oi * k + ki for oi, k, ki in zip(o, pool, kidx)) for kidx in np.ndindex(*pool)
            ]
            vals = [xp[(b, *t, c)] for t in taps]
            grad[(b, *taps[int(np.argmax(vals))], c)] += 1  # argmax: the first maximum
    return grad[
        (slice(None), *(slice(a, s - e) for (a, e), s in zip(pads, xp.shape[1:-1])), slice(None))
    ]


@pytest.mark.parametrize("xs,pool,padding", TILED_POOLS)
def test_tiled_max_pool_ties_go_to_the_first_maximum(xs, pool, padding):
    # Few distinct values (as after a relu): most windows hold ties, in every pattern.
    x = RNG.integers(0, 3, xs).astype("float32")
    v = Variable(x, dtype="float32")
    with GradientTape() as tape:
        y = ops.sum(ops.max_pool(v, pool, None, padding))
    g = tape.gradient(y, v)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, _first_max_gradient(x, pool, padding))


def test_tiled_max_pool_tie_across_rows_and_columns():
    # Maxima at (0, 1) and (1, 0): row-major window order picks (0, 1), not (1, 0).
    x = np.array([[0.0, 2.0], [2.0, 1.0]]).reshape(1, 2, 2, 1)
    v = Variable(x, dtype="float64")
    with GradientTape() as tape:
        y = ops.sum(ops.max_pool(v, 2))
    np.testing.assert_array_equal(tape.gradient(y, v)[0, :, :, 0], [[0, 1], [0, 0]])


def test_tiled_max_pool_channels_first_and_integers():
    x = RNG.standard_normal((2, 3, 7, 6))
    y = ops.max_pool(x, 2, None, "valid", "channels_first")
    ref = naive_pool(x.transpose(0, 2, 3, 1), (2, 2), (2, 2), "valid", "max")
    np.testing.assert_allclose(y, ref.transpose(0, 3, 1, 2))
    gradient_check(
        lambda a: ops.max_pool(a, 2, None, "same", "channels_first"), [x], rtol=1e-5, atol=1e-7
    )
    xi = RNG.integers(-50, 50, (2, 5, 4, 3)).astype("int32")
    yi = ops.max_pool(xi, 2, None, "same")
    assert yi.dtype == np.int32
    np.testing.assert_array_equal(yi, naive_pool(xi.astype(float), (2, 2), (2, 2), "same", "max"))


BIAS_CASES = [
    # (input shape, kernel shape, strides, padding, dilation, data format)
    ((2, 6, 5, 1), (3, 3, 1, 4), 1, "valid", 1, "channels_last"),  # one channel
    ((2, 6, 5, 3), (3, 2, 3, 4), 2, "same", 1, "channels_last"),
    ((2, 9, 2), (3, 2, 3), 1, "valid", 2, "channels_last"),
    ((2, 4, 6, 5), (3, 3, 2, 4), 1, "same", 1, "channels_first"),  # groups=2
    ((1, 2, 4, 3, 3), (2, 2, 2, 2, 2), 1, "same", 1, "channels_first"),
]


@pytest.mark.parametrize("xs,ks,strides,padding,dilation,fmt", BIAS_CASES)
def test_conv_bias_is_conv_plus_bias_with_gradients(xs, ks, strides, padding, dilation, fmt):
    from minikeras.ops.conv import conv_bias

    x, k, b = RNG.standard_normal(xs), RNG.standard_normal(ks), RNG.standard_normal(ks[-1])
    y = conv_bias(x, k, b, strides, padding, fmt, dilation)
    ref = np.asarray(ops.conv(x, k, strides, padding, fmt, dilation))
    ref = ref + (b.reshape(-1, *[1] * (x.ndim - 2)) if fmt == "channels_first" else b)
    np.testing.assert_allclose(y, ref, atol=1e-12)
    gradient_check(
        lambda a, c, d: conv_bias(a, c, d, strides, padding, fmt, dilation),
        [x, k, b],
        rtol=1e-5,
        atol=1e-7,
    )


def test_conv_bias_gradient_of_the_bias_alone_and_shape_error():
    from minikeras.ops.conv import conv_bias

    x, k = RNG.standard_normal((2, 5, 5, 2)), RNG.standard_normal((3, 3, 2, 3))
    b = Variable(np.zeros(3), dtype="float64")
    with GradientTape() as tape:  # the kernel is a constant: only vjp_b runs
        y = ops.sum(ops.multiply(conv_bias(x, k, b), np.arange(3.0)))
    np.testing.assert_allclose(tape.gradient(y, b), 2 * 3 * 3 * np.arange(3.0))
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\)"):
        conv_bias(x, k, np.zeros(4))


@pytest.mark.parametrize("padding", ["causal", "same"])
def test_conv_layers_fold_the_bias_like_a_separate_add(padding):
    from minikeras import layers

    layer = layers.Conv1D(4, 3, padding=padding, dilation_rate=2, activation="relu")
    x = RNG.standard_normal((2, 9, 3)).astype("float32")
    y = layer(x)
    layer.bias.assign(RNG.standard_normal(4).astype("float32"))
    y = np.asarray(layer(x))
    xp = np.pad(x, [(0, 0), (4, 0), (0, 0)]) if padding == "causal" else x
    pre = (
        np.asarray(
            ops.conv(
                xp, layer.kernel.numpy(), 1, "valid" if padding == "causal" else "same", None, 2
            )
        )
        + layer.bias.numpy()
    )
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, np.maximum(pre, 0), rtol=1e-5, atol=1e-6)
