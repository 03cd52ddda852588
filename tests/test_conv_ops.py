"""Convolution and pooling ops: values against direct loop definitions, and
float64 finite-difference gradient checks of the fused VJPs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from minikeras import ops
from minikeras.testing.gradient_check import gradient_check

RNG = np.random.default_rng(7)


def _same_pads(n, k, s, d):
    keff = (k - 1) * d + 1
    out = -(-n // s)
    total = max((out - 1) * s + keff - n, 0)
    return total // 2, total - total // 2


def naive_conv(x, kernel, strides, padding, dilation):
    """Direct definition: out[b, o.., f] = sum x[b, o*s + k*d, c] * w[k.., c, f] per group."""
    n = x.ndim - 2
    ks = kernel.shape[:n]
    cg, filters = kernel.shape[-2:]
    groups = x.shape[-1] // cg
    fg = filters // groups
    if padding == "same":
        pads = [_same_pads(x.shape[1 + i], ks[i], strides[i], dilation[i]) for i in range(n)]
        x = np.pad(x, [(0, 0), *pads, (0, 0)])
    out_sp = [(x.shape[1 + i] - (ks[i] - 1) * dilation[i] - 1) // strides[i] + 1 for i in range(n)]
    out = np.zeros((x.shape[0], *out_sp, filters))
    for o in itertools.product(*[range(v) for v in out_sp]):
        for k in itertools.product(*[range(v) for v in ks]):
            pos = tuple(o[i] * strides[i] + k[i] * dilation[i] for i in range(n))
            patch = x[(slice(None), *pos)]  # (B, C)
            for g in range(groups):
                out[(slice(None), *o, slice(g * fg, (g + 1) * fg))] += (
                    patch[:, g * cg : (g + 1) * cg] @ kernel[k][:, g * fg : (g + 1) * fg]
                )
    return out


def naive_pool(x, pool, strides, padding, mode):
    n = x.ndim - 2
    if padding == "same":
        pads = [_same_pads(x.shape[1 + i], pool[i], strides[i], 1) for i in range(n)]
        x = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=np.nan)
    out_sp = [(x.shape[1 + i] - pool[i]) // strides[i] + 1 for i in range(n)]
    out = np.zeros((x.shape[0], *out_sp, x.shape[-1]))
    for o in itertools.product(*[range(v) for v in out_sp]):
        idx = tuple(slice(o[i] * strides[i], o[i] * strides[i] + pool[i]) for i in range(n))
        win = x[(slice(None), *idx)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *o)] = np.nanmax(win, 1) if mode == "max" else np.nanmean(win, 1)
    return out


CONV_CASES = [
    # (input shape, kernel shape, strides, padding, dilation)
    ((2, 9, 3), (3, 3, 4), (2,), "same", (1,)),
    ((2, 10, 2), (2, 2, 3), (1,), "valid", (3,)),
    ((2, 7, 6, 3), (3, 2, 3, 5), (2, 1), "same", (1, 1)),
    ((2, 8, 7, 2), (3, 3, 2, 3), (1, 1), "valid", (2, 2)),
    ((1, 6, 6, 2), (2, 2, 2, 3), (3, 2), "same", (1, 2)),
    ((2, 5, 5, 4), (3, 3, 2, 4), (1, 1), "same", (1, 1)),  # groups=2
    ((2, 5, 6, 6), (3, 3, 2, 9), (2, 2), "valid", (1, 1)),  # groups=3
    ((1, 4, 5, 3, 2), (2, 2, 2, 2, 3), (1, 2, 1), "same", (1, 1, 1)),
    ((1, 5, 4, 4, 1), (2, 3, 2, 1, 2), (2, 1, 2), "valid", (1, 1, 1)),
]


@pytest.mark.parametrize("xs,ks,strides,padding,dilation", CONV_CASES)
def test_conv_matches_direct_definition(xs, ks, strides, padding, dilation):
    x, k = RNG.standard_normal(xs), RNG.standard_normal(ks)
    y = ops.conv(x, k, strides, padding, "channels_last", dilation)
    np.testing.assert_allclose(y, naive_conv(x, k, strides, padding, dilation), atol=1e-10)


@pytest.mark.parametrize("xs,ks,strides,padding,dilation", CONV_CASES)
def test_conv_gradients(xs, ks, strides, padding, dilation):
    x, k = RNG.standard_normal(xs), RNG.standard_normal(ks)
    gradient_check(
        lambda a, b: ops.conv(a, b, strides, padding, "channels_last", dilation),
        [x, k],
        rtol=1e-5,
        atol=1e-7,
    )


def test_conv_channels_first_equals_transposed_channels_last():
    x, k = RNG.standard_normal((2, 7, 6, 3)), RNG.standard_normal((3, 3, 3, 4))
    y_last = ops.conv(x, k, 2, "same", "channels_last")
    y_first = ops.conv(x.transpose(0, 3, 1, 2), k, 2, "same", "channels_first")
    np.testing.assert_allclose(y_first, y_last.transpose(0, 3, 1, 2), atol=1e-12)
    gradient_check(
        lambda a, b: ops.conv(a, b, 2, "same", "channels_first"),
        [x.transpose(0, 3, 1, 2), k],
        rtol=1e-5,
        atol=1e-7,
    )


def test_conv_float32_stays_float32():
    x = RNG.standard_normal((2, 5, 5, 3)).astype("float32")
    k = RNG.standard_normal((3, 3, 3, 2)).astype("float32")
    assert ops.conv(x, k).dtype == np.float32


@pytest.mark.parametrize(
    "strides,padding,dilation", [(1, "valid", 1), (2, "same", 1), (1, "same", 2)]
)
def test_depthwise_conv_is_per_channel_conv(strides, padding, dilation):
    x, k = RNG.standard_normal((2, 7, 6, 3)), RNG.standard_normal((3, 3, 3, 2))
    y = ops.depthwise_conv(x, k, strides, padding, "channels_last", dilation)
    for c in range(3):
        ref = naive_conv(
            x[..., c : c + 1], k[:, :, c : c + 1, :], (strides,) * 2, padding, (dilation,) * 2
        )
        np.testing.assert_allclose(y[..., c * 2 : (c + 1) * 2], ref, atol=1e-10)
    gradient_check(
        lambda a, b: ops.depthwise_conv(a, b, strides, padding, None, dilation),
        [x, k],
        rtol=1e-5,
        atol=1e-7,
    )


def test_separable_conv_is_depthwise_then_pointwise():
    x = RNG.standard_normal((2, 6, 5, 2))
    dk, pk = RNG.standard_normal((3, 3, 2, 2)), RNG.standard_normal((1, 1, 4, 3))
    y = ops.separable_conv(x, dk, pk, 2, "same")
    ref = np.einsum("bhwc,cf->bhwf", ops.depthwise_conv(x, dk, 2, "same"), pk[0, 0])
    np.testing.assert_allclose(y, ref, atol=1e-10)
    gradient_check(
        lambda a, b, c: ops.separable_conv(a, b, c, 2, "same"), [x, dk, pk], rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(
    "ins,outs,ks,strides,padding",
    [
        ((1, 3, 3, 2), (1, 6, 6, 3), 3, (2, 2), "same"),
        ((1, 3, 4, 2), (1, 7, 9, 3), 3, (2, 2), "valid"),
        ((1, 4, 3, 2), (1, 8, 6, 3), 4, (2, 2), "same"),
    ],
)
def test_conv_transpose_is_adjoint_of_conv(ins, outs, ks, strides, padding):
    """<conv_transpose(x, w), y> == <x, conv(y, w')> for the matching conv."""
    x = RNG.standard_normal(ins)
    w = RNG.standard_normal((ks, ks, outs[-1], ins[-1]))  # (k, k, filters, in)
    y = ops.conv_transpose(x, w, strides, padding)
    assert y.shape == outs
    probe = RNG.standard_normal(outs)
    # conv of the output-shaped probe with the same kernel maps back to x's shape
    back = ops.conv(probe, w, strides, padding)
    assert back.shape == ins
    np.testing.assert_allclose(np.sum(y * probe), np.sum(x * back), rtol=1e-10)


@pytest.mark.parametrize(
    "strides,padding,output_padding,dilation",
    [
        (2, "same", None, 1),
        (2, "valid", None, 1),
        ((2, 3), "valid", (1, 2), 1),
        (2, "same", 1, 1),
        (3, "same", None, 1),
        (1, "same", None, 2),
        (1, "valid", None, 2),
    ],
)
def test_conv_transpose_gradients(strides, padding, output_padding, dilation):
    x, w = RNG.standard_normal((2, 3, 4, 2)), RNG.standard_normal((3, 4, 3, 2))
    gradient_check(
        lambda a, b: ops.conv_transpose(a, b, strides, padding, output_padding, None, dilation),
        [x, w],
        rtol=1e-5,
        atol=1e-7,
    )


def test_conv_transpose_1d_3d_gradients():
    gradient_check(
        lambda a, b: ops.conv_transpose(a, b, 2, "valid"),
        [RNG.standard_normal((2, 4, 2)), RNG.standard_normal((3, 3, 2))],
    )
    gradient_check(
        lambda a, b: ops.conv_transpose(a, b, 2, "same"),
        [RNG.standard_normal((1, 2, 3, 2, 2)), RNG.standard_normal((2, 2, 2, 2, 2))],
    )


POOL_CASES = [
    ((2, 8, 3), (3,), (2,), "same"),
    ((2, 7, 6, 3), (2, 2), (2, 2), "valid"),
    ((1, 5, 4, 2), (3, 3), (1, 1), "same"),
    ((1, 6, 7, 2), (3, 2), (2, 3), "same"),
    ((1, 3, 5, 4, 2), (2, 2, 2), (2, 2, 2), "same"),
    ((1, 4, 4, 3, 1), (2, 3, 1), (1, 1, 1), "valid"),
    ((1, 7, 8, 2), (2, 2), (3, 3), "same"),  # gaps between windows
    ((2, 9, 2), (2,), (4,), "valid"),
]


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("xs,pool,strides,padding", POOL_CASES)
def test_pool_matches_direct_definition_and_gradients(mode, xs, pool, strides, padding):
    # Distinct values, so that max pooling has no ties and is differentiable.
    x = RNG.permutation(np.prod(xs)).reshape(xs) / 10.0 + RNG.uniform(0, 0.01, xs)
    fn = ops.max_pool if mode == "max" else ops.average_pool
    y = fn(x, pool, strides, padding)
    np.testing.assert_allclose(y, naive_pool(x, pool, strides, padding, mode), atol=1e-12)
    gradient_check(lambda a: fn(a, pool, strides, padding), [x], rtol=1e-5, atol=1e-7)


def test_max_pool_gradient_goes_to_the_maximum_only():
    x = np.array([[[1.0], [5.0], [2.0], [3.0]]])  # (1, 4, 1)
    from minikeras.backend.autodiff import GradientTape
    from minikeras.backend.variable import Variable

    v = Variable(x, dtype="float64")
    with GradientTape() as tape:
        y = ops.sum(ops.max_pool(v, 2))
    np.testing.assert_array_equal(tape.gradient(y, v).ravel(), [0, 1, 0, 1])


def test_pool_channels_first():
    x = RNG.standard_normal((2, 3, 6, 5))
    y = ops.max_pool(x, 2, 2, "same", "channels_first")
    ref = ops.max_pool(x.transpose(0, 2, 3, 1), 2, 2, "same").transpose(0, 3, 1, 2)
    np.testing.assert_allclose(y, ref)
    gradient_check(lambda a: ops.average_pool(a, 3, 2, "same", "channels_first"), [x])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ops.conv(np.zeros((2, 5, 5)), np.zeros((3, 3, 3, 2))), "same rank"),
        (lambda: ops.conv(np.zeros((2, 5, 5, 3)), np.zeros((3, 3, 2, 2))), "multiple"),
        (lambda: ops.conv(np.zeros((2, 2, 2, 1)), np.zeros((3, 3, 1, 1))), "larger than"),
        (
            lambda: ops.conv(np.zeros((2, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="full"),
            "padding",
        ),
        (lambda: ops.max_pool(np.zeros((2, 5)), 2), "rank 3, 4 or 5"),
        (lambda: ops.conv_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 4, 5))), "last dim"),
        (lambda: ops.depthwise_conv(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 4, 1))), "channel"),
    ],
)
def test_op_argument_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_max_pool_ties_send_gradient_to_first_tap_only():
    from minikeras.backend.autodiff import GradientTape
    from minikeras.backend.variable import Variable

    x = np.zeros((1, 4, 4, 1))  # every window is a 4-way tie
    x[0, 3, 3, 0] = 1.0
    v = Variable(x, dtype="float64")
    with GradientTape() as tape:
        y = ops.sum(ops.max_pool(v, 2))
    g = tape.gradient(y, v)[0, :, :, 0]
    expected = np.zeros((4, 4))
    expected[0, 0] = expected[0, 2] = expected[2, 0] = expected[3, 3] = 1
    np.testing.assert_array_equal(g, expected)
    with GradientTape() as tape:  # overlapping windows accumulate
        y = ops.sum(ops.max_pool(v, 2, strides=1))
    g = tape.gradient(y, v)[0, :, :, 0]
    expected = np.array([[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 0, 0], [0, 0, 0, 1]])
    np.testing.assert_array_equal(g, expected)
