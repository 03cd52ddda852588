"""Float64 finite-difference checks of every differentiable op's gradient rule.

Each row of the table is `(id, fn, input shapes)`: `fn` is called with float64
inputs drawn from a fixed seed; `minikeras.testing.gradient_check` compares the
tape's VJP (seeded with a random cotangent) with central differences.
Inputs are kept away from kinks (|x| > 0.05 after `_away_from`) and from the
domain edges of log/sqrt/reciprocal so that finite differences are valid.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from minikeras import ops
from minikeras.testing.gradient_check import gradient_check

R = np.random.default_rng(7)


def _labels(shape, n):
    """Fixed integer labels (not differentiated) of `shape` in [0, n)."""
    return np.random.default_rng(1).integers(0, n, size=shape)


def _onehot(shape):
    return np.eye(shape[-1])[_labels(shape[:-1], shape[-1])]


def _soft_targets(shape):
    t = np.random.default_rng(2).uniform(0.1, 1.0, size=shape)
    return t / t.sum(axis=-1, keepdims=True)


_BIN = np.random.default_rng(3).integers(0, 2, size=(4, 3)).astype(np.float64)
_SOFT_BIN = np.random.default_rng(4).uniform(0, 1, size=(4, 3))

# (id, fn, shapes, positive) -- `positive` draws inputs in [0.5, 2] for log-like domains.
CASES = [
    # ---------------------------------------------------------------- arithmetic + broadcast
    ("add", ops.add, [(3, 4), (3, 4)], False),
    ("add_broadcast_row", ops.add, [(3, 4), (4,)], False),
    ("add_broadcast_col", ops.add, [(3, 1), (1, 4)], False),
    ("add_broadcast_rank3", ops.add, [(2, 3, 4), (3, 1)], False),
    ("add_scalar_python", lambda x: ops.add(x, 2.5), [(3,)], False),
    ("subtract_broadcast", ops.subtract, [(2, 3), (2, 1)], False),
    ("rsubtract_python", lambda x: ops.subtract(1.0, x), [(3,)], False),
    ("multiply_broadcast", ops.multiply, [(2, 3, 4), (4,)], False),
    ("multiply_0d", ops.multiply, [(3, 2), ()], False),
    ("divide", ops.divide, [(3, 4), (3, 4)], True),
    ("divide_broadcast", ops.divide, [(3, 4), (1, 4)], True),
    ("rdivide_python", lambda x: ops.divide(2.0, x), [(5,)], True),
    ("power_python_exp", lambda x: ops.power(x, 3), [(2, 3)], False),
    ("power_both", ops.power, [(2, 3), (2, 3)], True),
    ("power_broadcast_exp", ops.power, [(2, 3), (3,)], True),
    ("negative", ops.negative, [(3, 2)], False),
    ("maximum", ops.maximum, [(4, 3), (4, 3)], False),
    ("maximum_broadcast", ops.maximum, [(4, 3), (3,)], False),
    ("minimum", ops.minimum, [(4, 3), (1, 3)], False),
    ("maximum_python", lambda x: ops.maximum(x, 0.1), [(6,)], False),
    ("abs", ops.abs, [(3, 4)], False),
    ("square", ops.square, [(3, 4)], False),
    ("sqrt", ops.sqrt, [(3, 4)], True),
    ("exp", ops.exp, [(3, 4)], False),
    ("log", ops.log, [(3, 4)], True),
    ("log1p", ops.log1p, [(3, 4)], True),
    ("expm1", ops.expm1, [(3, 4)], False),
    ("sin", ops.sin, [(3, 4)], False),
    ("cos", ops.cos, [(3, 4)], False),
    ("tanh", ops.tanh, [(3, 4)], False),
    ("reciprocal", ops.reciprocal, [(3, 4)], True),
    ("clip", lambda x: ops.clip(x, -0.5, 0.5), [(4, 5)], False),
    ("where_arrays", lambda a, b: ops.where(a > 0, a, b), [(3, 4), (3, 4)], False),
    (
        "where_broadcast",
        lambda a, b: ops.where(np.array([True, False, True]), a, b),
        [(2, 3), (3,)],
        False,
    ),
    ("where_scalar_branch", lambda a: ops.where(ops.greater(a, 0), a, 0.0), [(3, 4)], False),
    # ---------------------------------------------------------------- matmul family
    ("matmul_2d", ops.matmul, [(3, 4), (4, 5)], False),
    ("matmul_batch", ops.matmul, [(2, 3, 4), (2, 4, 5)], False),
    ("matmul_batch_broadcast", ops.matmul, [(2, 3, 4), (4, 5)], False),
    ("matmul_batch_broadcast_left", ops.matmul, [(3, 4), (2, 4, 5)], False),
    ("matmul_batch_dims_1", ops.matmul, [(2, 1, 3, 4), (3, 4, 2)], False),
    ("matmul_vec_mat", ops.matmul, [(4,), (4, 3)], False),
    ("matmul_mat_vec", ops.matmul, [(3, 4), (4,)], False),
    ("matmul_vec_vec", ops.matmul, [(4,), (4,)], False),
    ("matmul_batch_vec", ops.matmul, [(2, 3, 4), (4,)], False),
    ("dot", ops.dot, [(3, 4), (4, 2)], False),
    ("dot_nd", ops.dot, [(2, 3, 4), (5, 4, 2)], False),
    ("dot_scalar", ops.dot, [(3, 4), ()], False),
    ("inner_scalar", ops.inner, [(), (3, 4)], False),
    ("tensordot_int", lambda a, b: ops.tensordot(a, b, axes=1), [(2, 3), (3, 4)], False),
    (
        "tensordot_axes",
        lambda a, b: ops.tensordot(a, b, axes=([0, 2], [1, 0])),
        [(2, 3, 4), (4, 2, 5)],
        False,
    ),
    ("einsum_matmul", lambda a, b: ops.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)], False),
    ("einsum_batch", lambda a, b: ops.einsum("bij,bjk->bik", a, b), [(2, 2, 3), (2, 3, 4)], False),
    ("einsum_reduce", lambda a, b: ops.einsum("ij,ij->i", a, b), [(3, 4), (3, 4)], False),
    ("einsum_outer", lambda a, b: ops.einsum("i,j->ij", a, b), [(3,), (4,)], False),
    ("einsum_unary_transpose", lambda a: ops.einsum("ij->ji", a), [(3, 4)], False),
    ("einsum_unary_sum", lambda a: ops.einsum("ij->i", a), [(3, 4)], False),
    ("einsum_trace", lambda a: ops.einsum("ii->", a), [(3, 3)], False),
    ("einsum_diag", lambda a: ops.einsum("ii->i", a), [(3, 3)], False),
    ("einsum_diag_times", lambda a, b: ops.einsum("iij,j->i", a, b), [(3, 3, 2), (2,)], False),
    ("einsum_implicit", lambda a, b: ops.einsum("ij,jk", a, b), [(2, 3), (3, 4)], False),
    (
        "einsum_three_operands",
        lambda a, b, c: ops.einsum("ij,jk,k->i", a, b, c),
        [(2, 3), (3, 4), (4,)],
        False,
    ),
    ("einsum_sum_only_here", lambda a, b: ops.einsum("ij,k->k", a, b), [(2, 3), (4,)], False),
    # ---------------------------------------------------------------- reductions
    ("sum_all", ops.sum, [(3, 4)], False),
    ("sum_axis0", lambda x: ops.sum(x, axis=0), [(3, 4)], False),
    ("sum_axis_neg_keepdims", lambda x: ops.sum(x, axis=-1, keepdims=True), [(2, 3, 4)], False),
    ("sum_axis_tuple", lambda x: ops.sum(x, axis=(0, 2)), [(2, 3, 4)], False),
    (
        "sum_axis_list_keepdims",
        lambda x: ops.sum(x, axis=[0, 2], keepdims=True),
        [(2, 3, 4)],
        False,
    ),
    ("sum_all_keepdims", lambda x: ops.sum(x, keepdims=True), [(2, 3)], False),
    ("mean_all", ops.mean, [(3, 4)], False),
    ("mean_axis1", lambda x: ops.mean(x, axis=1), [(2, 3, 4)], False),
    (
        "mean_axis_tuple_keepdims",
        lambda x: ops.mean(x, axis=(1, 2), keepdims=True),
        [(2, 3, 4)],
        False,
    ),
    ("var_axis", lambda x: ops.var(x, axis=0), [(5, 3)], False),
    ("var_all", ops.var, [(5, 3)], False),
    ("std_axis_keepdims", lambda x: ops.std(x, axis=-1, keepdims=True), [(3, 5)], False),
    ("max_all", ops.max, [(3, 4)], False),
    ("max_axis", lambda x: ops.max(x, axis=1), [(3, 4)], False),
    ("max_axis_keepdims", lambda x: ops.max(x, axis=0, keepdims=True), [(3, 4)], False),
    ("max_axis_tuple", lambda x: ops.max(x, axis=(0, 2)), [(2, 3, 4)], False),
    ("min_axis", lambda x: ops.min(x, axis=-1), [(3, 4)], False),
    ("amax_axis", lambda x: ops.amax(x, axis=0), [(3, 4)], False),
    ("prod_all", ops.prod, [(2, 3)], True),
    ("prod_axis", lambda x: ops.prod(x, axis=1), [(2, 3)], True),
    ("prod_axis_keepdims", lambda x: ops.prod(x, axis=0, keepdims=True), [(2, 3)], True),
    ("logsumexp_all", ops.logsumexp, [(3, 4)], False),
    ("logsumexp_axis", lambda x: ops.logsumexp(x, axis=-1), [(3, 4)], False),
    ("logsumexp_axis_keepdims", lambda x: ops.logsumexp(x, axis=0, keepdims=True), [(3, 4)], False),
    ("cumsum_axis", lambda x: ops.cumsum(x, axis=1), [(3, 4)], False),
    ("cumsum_flat", ops.cumsum, [(3, 4)], False),
    # ---------------------------------------------------------------- shapes
    ("reshape", lambda x: ops.reshape(x, (4, 3)), [(3, 4)], False),
    ("reshape_infer", lambda x: ops.reshape(x, (-1, 2)), [(3, 4)], False),
    ("transpose_default", ops.transpose, [(2, 3, 4)], False),
    ("transpose_axes", lambda x: ops.transpose(x, (1, 2, 0)), [(2, 3, 4)], False),
    ("tensor_T", lambda x: x.T if hasattr(x, "T") else ops.transpose(x), [(2, 3)], False),
    ("swapaxes", lambda x: ops.swapaxes(x, 0, 2), [(2, 3, 4)], False),
    ("moveaxis", lambda x: ops.moveaxis(x, 0, -1), [(2, 3, 4)], False),
    ("moveaxis_middle", lambda x: ops.moveaxis(x, 1, 2), [(2, 3, 4)], False),
    ("moveaxis_multi", lambda x: ops.moveaxis(x, [0, 2], [2, 0]), [(2, 3, 4)], False),
    ("expand_dims", lambda x: ops.expand_dims(x, 1), [(2, 3)], False),
    ("squeeze", lambda x: ops.squeeze(x, 1), [(2, 1, 3)], False),
    ("squeeze_all", ops.squeeze, [(2, 1, 3, 1)], False),
    ("ravel", ops.ravel, [(2, 3)], False),
    ("broadcast_to", lambda x: ops.broadcast_to(x, (2, 3, 4)), [(3, 1)], False),
    ("tile", lambda x: ops.tile(x, (2, 3)), [(2, 3)], False),
    ("tile_more_reps", lambda x: ops.tile(x, (2, 1, 2)), [(2, 3)], False),
    ("repeat_axis", lambda x: ops.repeat(x, 2, axis=1), [(2, 3)], False),
    ("repeat_flat", lambda x: ops.repeat(x, 3), [(2, 3)], False),
    ("concatenate_axis0", lambda a, b: ops.concatenate([a, b], axis=0), [(2, 3), (4, 3)], False),
    (
        "concatenate_axis_neg",
        lambda a, b, c: ops.concatenate([a, b, c], axis=-1),
        [(2, 1), (2, 3), (2, 2)],
        False,
    ),
    (
        "concatenate_with_const",
        lambda a: ops.concatenate([a, np.ones((2, 2))], axis=1),
        [(2, 3)],
        False,
    ),
    ("stack_axis0", lambda a, b: ops.stack([a, b]), [(2, 3), (2, 3)], False),
    ("stack_axis_last", lambda a, b: ops.stack([a, b], axis=-1), [(2, 3), (2, 3)], False),
    (
        "split_sections",
        lambda x: ops.concatenate(
            [ops.multiply(p, float(i + 1)) for i, p in enumerate(ops.split(x, 3, axis=1))], axis=1
        ),
        [(2, 6)],
        False,
    ),
    (
        "split_indices",
        lambda x: ops.multiply(ops.split(x, [1, 3], axis=0)[1], 2.0),
        [(5, 2)],
        False,
    ),
    ("unstack", lambda x: ops.multiply(ops.unstack(x, axis=1)[2], 3.0), [(2, 4)], False),
    ("getitem_int", lambda x: ops.getitem(x, 1), [(3, 4)], False),
    ("getitem_slice", lambda x: x[1:, ::2], [(3, 4)], False),
    ("getitem_negative_step", lambda x: x[::-1, 1], [(3, 4)], False),
    ("getitem_ellipsis_none", lambda x: x[..., None, 0], [(2, 3, 4)], False),
    ("getitem_fancy_repeated", lambda x: ops.getitem(x, np.array([0, 2, 0, 0])), [(3, 4)], False),
    ("getitem_fancy_list", lambda x: ops.getitem(x, [1, 1, 2]), [(3, 4)], False),
    (
        "getitem_fancy_2d",
        lambda x: ops.getitem(x, (np.array([0, 1, 1]), np.array([2, 0, 2]))),
        [(3, 4)],
        False,
    ),
    (
        "getitem_mixed_slice_fancy",
        lambda x: ops.getitem(x, (slice(None), [0, 3, 3])),
        [(3, 4)],
        False,
    ),
    ("getitem_bool_mask", lambda x: ops.getitem(x, np.array([True, False, True])), [(3, 4)], False),
    ("take_axis", lambda x: ops.take(x, np.array([[0, 2], [2, 2]]), axis=1), [(3, 4)], False),
    ("take_flat", lambda x: ops.take(x, np.array([0, 5, 5])), [(3, 4)], False),
    (
        "take_along_axis",
        lambda x: ops.take_along_axis(x, np.array([[0, 0], [1, 3], [2, 2]]), axis=1),
        [(3, 4)],
        False,
    ),
    ("pad", lambda x: ops.pad(x, ((1, 0), (2, 1))), [(2, 3)], False),
    ("pad_reflect", lambda x: ops.pad(x, ((1, 2), (2, 1)), mode="reflect"), [(3, 4)], False),
    ("pad_symmetric", lambda x: ops.pad(x, 2, mode="symmetric"), [(3, 2)], False),
    ("pad_edge", lambda x: ops.pad(x, ((0, 3), (1, 1)), mode="edge"), [(2, 3)], False),
    ("pad_wrap", lambda x: ops.pad(x, 1, mode="wrap"), [(2, 3)], False),
    ("repeat_per_element", lambda x: ops.repeat(x, [2, 0, 3], axis=1), [(2, 3)], False),
    (
        "repeat_per_element_flat",
        lambda x: ops.repeat(x, np.array([1, 2, 0, 1, 3, 1])),
        [(2, 3)],
        False,
    ),
    (
        "prod_with_one_zero",
        lambda x: ops.prod(ops.multiply(x, np.array([[1.0, 0.0, 1.0]])), axis=1),
        [(2, 3)],
        False,
    ),
    (
        "prod_with_two_zeros",
        lambda x: ops.prod(ops.multiply(x, np.array([0.0, 0.0, 1.0]))),
        [(3,)],
        False,
    ),
    ("flip_axis", lambda x: ops.flip(x, axis=1), [(2, 3)], False),
    ("flip_all", ops.flip, [(2, 3)], False),
    # ---------------------------------------------------------------- nn activations
    ("relu", ops.relu, [(4, 5)], False),
    ("relu6", lambda x: ops.relu6(ops.multiply(x, 8.0)), [(4, 5)], False),
    ("leaky_relu", ops.leaky_relu, [(4, 5)], False),
    ("leaky_relu_slope", lambda x: ops.leaky_relu(x, negative_slope=0.3), [(4, 5)], False),
    ("sigmoid", ops.sigmoid, [(4, 5)], False),
    ("sigmoid_large", lambda x: ops.sigmoid(ops.multiply(x, 30.0)), [(4, 5)], False),
    ("hard_sigmoid", lambda x: ops.hard_sigmoid(ops.multiply(x, 4.0)), [(4, 5)], False),
    (
        "hard_sigmoid_keras2",
        lambda x: ops.hard_sigmoid_keras2(ops.multiply(x, 3.0)),
        [(4, 5)],
        False,
    ),
    ("hard_silu", lambda x: ops.hard_silu(ops.multiply(x, 4.0)), [(4, 5)], False),
    ("softplus", ops.softplus, [(4, 5)], False),
    ("softsign", ops.softsign, [(4, 5)], False),
    ("silu", ops.silu, [(4, 5)], False),
    ("swish", ops.swish, [(4, 5)], False),
    ("elu", ops.elu, [(4, 5)], False),
    ("elu_alpha", lambda x: ops.elu(x, alpha=0.5), [(4, 5)], False),
    ("selu", ops.selu, [(4, 5)], False),
    ("gelu_tanh", ops.gelu, [(4, 5)], False),
    ("gelu_exact", lambda x: ops.gelu(x, approximate=False), [(4, 5)], False),
    ("exponential", ops.exponential, [(4, 5)], False),
    ("softmax_last", ops.softmax, [(3, 5)], False),
    ("softmax_axis0", lambda x: ops.softmax(x, axis=0), [(3, 5)], False),
    ("softmax_rank3_axis1", lambda x: ops.softmax(x, axis=1), [(2, 3, 4)], False),
    ("log_softmax", ops.log_softmax, [(3, 5)], False),
    ("log_softmax_axis0", lambda x: ops.log_softmax(x, axis=0), [(3, 5)], False),
    ("celu", ops.celu, [(4, 5)], False),
    ("celu_alpha", lambda x: ops.celu(x, alpha=0.5), [(4, 5)], False),
    ("glu", ops.glu, [(3, 4)], False),
    ("glu_axis0", lambda x: ops.glu(x, axis=0), [(4, 3)], False),
    ("hard_tanh", lambda x: ops.hard_tanh(ops.multiply(x, 2.0)), [(4, 5)], False),
    ("hard_shrink", ops.hard_shrink, [(4, 5)], False),
    ("soft_shrink", ops.soft_shrink, [(4, 5)], False),
    ("tanh_shrink", ops.tanh_shrink, [(4, 5)], False),
    ("log_sigmoid", ops.log_sigmoid, [(4, 5)], False),
    ("mish", ops.mish, [(4, 5)], False),
    ("squareplus", ops.squareplus, [(4, 5)], False),
    ("sparse_plus", lambda x: ops.sparse_plus(ops.multiply(x, 1.3)), [(4, 5)], False),
    ("sparse_sigmoid", lambda x: ops.sparse_sigmoid(ops.multiply(x, 1.3)), [(4, 5)], False),
    ("threshold", lambda x: ops.threshold(x, 0.2, -1.0), [(4, 5)], False),
    ("sparsemax", lambda x: ops.sparsemax(ops.multiply(x, 0.7)), [(3, 5)], False),
    ("sparsemax_axis0", lambda x: ops.sparsemax(x, axis=0), [(5, 3)], False),
    ("moments_mean", lambda x: ops.moments(x, axes=[0])[0], [(4, 3)], False),
    ("moments_var", lambda x: ops.moments(x, axes=[0, 1], keepdims=True)[1], [(4, 3)], False),
    ("normalize", ops.normalize, [(3, 4)], False),
    # ---------------------------------------------------------------- crossentropies
    ("bce_probs", lambda p: ops.binary_crossentropy(_BIN, p), [(4, 3)], "prob"),
    ("bce_probs_soft_targets", lambda p: ops.binary_crossentropy(_SOFT_BIN, p), [(4, 3)], "prob"),
    ("bce_logits", lambda z: ops.binary_crossentropy(_BIN, z, from_logits=True), [(4, 3)], False),
    (
        "bce_logits_soft",
        lambda z: ops.binary_crossentropy(_SOFT_BIN, z, from_logits=True),
        [(4, 3)],
        False,
    ),
    ("bce_broadcast_targets", lambda p: ops.binary_crossentropy(_BIN[:, :1], p), [(4, 3)], "prob"),
    (
        "bce_broadcast_targets_fused",
        lambda z: ops.binary_crossentropy(_BIN[:, 0], ops.sigmoid(z)),
        [(4, 1)],
        False,
    ),
    (
        "bce_broadcast_targets_logits",
        lambda z: ops.binary_crossentropy(_BIN[:, 0], z, from_logits=True),
        [(4, 1)],
        False,
    ),
    ("bce_fused_sigmoid", lambda z: ops.binary_crossentropy(_BIN, ops.sigmoid(z)), [(4, 3)], False),
    ("cce_probs", lambda p: ops.categorical_crossentropy(_onehot((4, 3)), p), [(4, 3)], "prob"),
    (
        "cce_probs_soft",
        lambda p: ops.categorical_crossentropy(_soft_targets((4, 3)), p),
        [(4, 3)],
        "prob",
    ),
    (
        "cce_logits",
        lambda z: ops.categorical_crossentropy(_onehot((4, 3)), z, from_logits=True),
        [(4, 3)],
        False,
    ),
    (
        "cce_logits_soft",
        lambda z: ops.categorical_crossentropy(_soft_targets((4, 3)), z, from_logits=True),
        [(4, 3)],
        False,
    ),
    (
        "cce_fused_softmax",
        lambda z: ops.categorical_crossentropy(_onehot((4, 3)), ops.softmax(z)),
        [(4, 3)],
        False,
    ),
    (
        "cce_fused_softmax_soft",
        lambda z: ops.categorical_crossentropy(_soft_targets((4, 3)), ops.softmax(z)),
        [(4, 3)],
        False,
    ),
    (
        "cce_logits_axis1_rank3",
        lambda z: ops.categorical_crossentropy(
            np.moveaxis(_onehot((2, 4, 3)), -1, 1), z, from_logits=True, axis=1
        ),
        [(2, 3, 4)],
        False,
    ),
    (
        "cce_softmax_axis1_rank3",
        lambda z: ops.categorical_crossentropy(
            np.moveaxis(_onehot((2, 4, 3)), -1, 1), ops.softmax(z, axis=1), axis=1
        ),
        [(2, 3, 4)],
        False,
    ),
    (
        "cce_softmax_last_then_axis1",
        lambda z: ops.categorical_crossentropy(
            _soft_targets((2, 3, 3)), ops.softmax(z, axis=-1), axis=1
        ),
        [(2, 3, 3)],
        False,
    ),
    (
        "scce_probs",
        lambda p: ops.sparse_categorical_crossentropy(_labels((4,), 3), p),
        [(4, 3)],
        "prob",
    ),
    (
        "scce_logits",
        lambda z: ops.sparse_categorical_crossentropy(_labels((4,), 3), z, from_logits=True),
        [(4, 3)],
        False,
    ),
    (
        "scce_logits_col_labels",
        lambda z: ops.sparse_categorical_crossentropy(_labels((4, 1), 3), z, from_logits=True),
        [(4, 3)],
        False,
    ),
    (
        "scce_fused_softmax",
        lambda z: ops.sparse_categorical_crossentropy(_labels((4,), 3), ops.softmax(z)),
        [(4, 3)],
        False,
    ),
    (
        "scce_rank3_logits",
        lambda z: ops.sparse_categorical_crossentropy(_labels((2, 3), 4), z, from_logits=True),
        [(2, 3, 4)],
        False,
    ),
    # ---------------------------------------------------------------- core
    ("cast_float64", lambda x: ops.cast(x, "float64"), [(3,)], False),
    (
        "convert_to_tensor_passthrough",
        lambda x: ops.multiply(ops.convert_to_tensor(x), 2.0),
        [(3,)],
        False,
    ),
]

_ACTIVATIONS = [
    None,
    ops.relu,
    ops.sigmoid,
    ops.tanh,
    ops.softmax,
    ops.elu,
    ops.selu,
    ops.softplus,
    ops.softsign,
    ops.silu,
    ops.gelu,
    ops.leaky_relu,
    ops.exponential,
    ops.hard_sigmoid,
    ops.log_softmax,
]
for _act in _ACTIVATIONS:
    _name = "none" if _act is None else _act.__name__
    CASES.append(
        (
            f"dense_{_name}",
            lambda x, k, b, _a=_act: ops.dense(x, k, b, _a),
            [(5, 4), (4, 3), (3,)],
            False,
        )
    )
CASES += [
    ("dense_no_bias", lambda x, k: ops.dense(x, k, None, ops.tanh), [(5, 4), (4, 3)], False),
    ("dense_rank3", lambda x, k, b: ops.dense(x, k, b, ops.relu), [(2, 5, 4), (4, 3), (3,)], False),
    (
        "dense_sigmoid_bce_fused",
        lambda x, k, b: ops.binary_crossentropy(_BIN, ops.dense(x, k, b, ops.sigmoid)),
        [(4, 2), (2, 3), (3,)],
        False,
    ),
    (
        "dense_softmax_cce_fused",
        lambda x, k, b: ops.categorical_crossentropy(
            _onehot((4, 3)), ops.dense(x, k, b, ops.softmax)
        ),
        [(4, 2), (2, 3), (3,)],
        False,
    ),
]

# Convolution, pooling and normalization ops (full coverage in test_conv_ops.py and
# test_normalization_ops.py).
CASES += [
    (
        "conv2d_same_strided",
        lambda x, k: ops.conv(x, k, 2, "same"),
        [(2, 5, 5, 3), (3, 3, 3, 4)],
        False,
    ),
    (
        "conv1d_dilated_grouped",
        lambda x, k: ops.conv(x, k, 1, "valid", None, 2),
        [(2, 7, 4), (2, 2, 4)],
        False,
    ),
    ("conv3d", lambda x, k: ops.conv(x, k, 1, "same"), [(1, 3, 3, 3, 2), (2, 2, 2, 2, 2)], False),
    (
        "depthwise_conv",
        lambda x, k: ops.depthwise_conv(x, k, 1, "same"),
        [(2, 4, 4, 3), (3, 3, 3, 2)],
        False,
    ),
    (
        "separable_conv",
        lambda x, d, p: ops.separable_conv(x, d, p, 2, "same"),
        [(1, 5, 5, 2), (3, 3, 2, 2), (1, 1, 4, 3)],
        False,
    ),
    (
        "conv_transpose",
        lambda x, k: ops.conv_transpose(x, k, 2, "same"),
        [(1, 3, 3, 2), (3, 3, 4, 2)],
        False,
    ),
    ("max_pool", lambda x: ops.max_pool(x, 2, padding="same"), [(2, 5, 5, 2)], False),
    ("average_pool", lambda x: ops.average_pool(x, 3, 2, "same"), [(2, 5, 5, 2)], False),
    (
        "batch_normalization",
        lambda x, m, v, o, s: ops.batch_normalization(x, m, v, -1, o, s),
        [(4, 3), (3,), (3,), (3,), (3,)],
        True,
    ),
    (
        "layer_normalization",
        lambda x, g, b: ops.layer_normalization(x, g, b),
        [(3, 5), (5,), (5,)],
        False,
    ),
    # attention (more modes in test_attention_layers.py)
    (
        "dot_product_attention_causal_bias",
        lambda q, k, v, b: ops.dot_product_attention(q, k, v, bias=b, is_causal=True),
        [(2, 3, 2, 4), (2, 3, 1, 4), (2, 3, 1, 4), (3, 3)],
        False,
    ),
]


def _draw(shape, kind):
    if kind == "prob":
        return R.uniform(0.05, 0.95, size=shape)
    if kind:
        return R.uniform(0.5, 2.0, size=shape)
    x = R.uniform(-1.5, 1.5, size=shape)
    # Stay away from kinks (relu, abs, clip edges, max ties) so differences are smooth.
    x = np.where(np.abs(x) < 0.05, 0.3, x)
    x = np.where(np.abs(np.abs(x) - 0.5) < 0.02, 0.7, x)
    return x


@pytest.mark.parametrize("fn,shapes,kind", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_op_gradient_matches_finite_differences(fn, shapes, kind):
    inputs = [_draw(s, kind) for s in shapes]
    gradient_check(fn, inputs, rtol=1e-5, atol=1e-7)


def test_table_covers_every_differentiable_op():
    """Every public op that carries a VJP appears in at least one row of the table."""
    import inspect

    import minikeras.ops as ops_pkg

    no_grad = {
        "arange",
        "argmax",
        "argmin",
        "argsort",
        "convert_to_numpy",
        "dtype",
        "equal",
        "eye",
        "full",
        "greater",
        "greater_equal",
        "is_tensor",
        "isfinite",
        "isnan",
        "less",
        "less_equal",
        "linspace",
        "logical_and",
        "logical_not",
        "logical_or",
        "ndim",
        "not_equal",
        "one_hot",
        "ones",
        "ones_like",
        "shape",
        "sign",
        "size",
        "zeros",
        "zeros_like",
        "custom_gradient",
        "linear",
        "absolute",
        "true_divide",
        "amin",
        "stop_gradient",  # zero gradient by design: checked in test_tape.py
        # piecewise-constant, boolean, integer or creation ops (values tested in test_ops_extra.py)
        "all",
        "any",
        "array",
        "bincount",
        "ceil",
        "count_nonzero",
        "digitize",
        "empty",
        "floor",
        "floor_divide",
        "full_like",
        "identity",
        "in_top_k",
        "isclose",
        "isinf",
        "logical_xor",
        "meshgrid",
        "multi_hot",
        "nonzero",
        "round",
        "searchsorted",
        "tri",
        "trunc",
        "eig",
        "eigh",
        "qr",
        "svd",  # refuse tape inputs (test_ops_extra.py)
    }
    names = {
        n
        for n, o in vars(ops_pkg).items()
        if callable(o)
        and not n.startswith("_")
        and not inspect.isclass(o)
        and not inspect.ismodule(o)
    }
    src = inspect.getsource(inspect.getmodule(test_table_covers_every_differentiable_op))
    # The wider keras.ops surface (numpy_extra, math, linalg, core_extra) has its rows there.
    src += (pathlib.Path(__file__).with_name("test_ops_extra.py")).read_text(encoding="utf8")
    missing = sorted(
        n
        for n in names - no_grad
        if f"ops.{n}(" not in src and f"ops.{n}," not in src and f"ops.{n}]" not in src
    )
    assert not missing, f"ops without a gradient-check row: {missing}"


def test_custom_gradient_op():
    @ops.custom_gradient
    def clipped_square(x):
        def grad(g):
            return g * 2 * x

        return x * x, grad

    gradient_check(clipped_square, [R.uniform(-1, 1, size=(3, 2))])


def test_gradient_check_detects_a_wrong_rule():
    """The checker itself can fail: a deliberately wrong VJP is caught."""

    @ops.custom_gradient
    def wrong_square(x):
        return x * x, lambda g: g * x  # missing factor 2

    with pytest.raises(AssertionError, match="Gradient mismatch"):
        gradient_check(wrong_square, [np.array([0.5, 1.0, -2.0])])


_BINARY_OPS = {
    "add": ops.add,
    "subtract": ops.subtract,
    "multiply": ops.multiply,
    "maximum": ops.maximum,
    "divide": lambda a, b: ops.divide(a, ops.add(ops.square(b), 1.0)),
}


def test_broadcasting_property_binary_ops():
    """Hypothesis: random mutually broadcastable shapes, every binary op, exact VJPs."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import mutually_broadcastable_shapes

    @settings(max_examples=25, deadline=None, derandomize=True, database=None)
    @given(
        shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
        name=st.sampled_from(sorted(_BINARY_OPS)),
    )
    def check(shapes, name):
        a, b = (_draw(s, False) for s in shapes.input_shapes)
        if name == "maximum":
            b = b + 0.1  # no exact ties between a and b
        gradient_check(_BINARY_OPS[name], [a, b], rtol=1e-5, atol=1e-7)

    check()


def test_split_into_unequal_sections_is_an_error_like_numpy():
    with pytest.raises(ValueError, match="size 5 does not split into 2 equal sections"):
        ops.split(np.ones((5, 2)), 2)
    assert [p.shape for p in ops.split(np.ones((6, 2)), 3)] == [(2, 2)] * 3


# Rows whose function mixes in float64 array constants (NumPy promotes, as it should).
_FLOAT64_ROWS = {
    "concatenate_with_const",
    "prod_with_one_zero",
    "prod_with_two_zeros",
    "cast_float64",
}


@pytest.mark.parametrize(
    "fn,shapes,kind",
    [c[1:] for c in CASES if c[0] not in _FLOAT64_ROWS],
    ids=[c[0] for c in CASES if c[0] not in _FLOAT64_ROWS],
)
def test_float32_in_float32_out_forward_and_every_vjp(fn, shapes, kind):
    """No op silently promotes float32 to float64, neither forward nor in its VJP."""
    from minikeras.backend.autodiff import backward
    from minikeras.backend.gradient_tape import GradientTape
    from minikeras.backend.variable import Variable

    xs = [Variable(_draw(s, kind).astype("float32")) for s in shapes]
    with GradientTape() as tape:
        y = fn(*xs)
        total = ops.sum(y)
    assert np.asarray(y).dtype == np.float32
    leaves = [tape._leaves[id(v)][1] for v in xs]
    raw = backward(total, None, {id(n) for n in leaves})  # before the tape's final cast
    for n in leaves:
        assert raw[id(n)].dtype == np.float32
