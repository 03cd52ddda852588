"""A tape-free training step and forward pass for plain `Dense`/`Activation` stacks.

Most tutorial models (the book's XOR net, MNIST MLPs) are a `Sequential` (or a
functional chain) of `Dense` and `Activation` layers trained with a standard loss. For them the
generic step (tape recording, one VJP closure per op, the loss and layer
machinery) costs several times the arithmetic. `DenseStack` runs the same
float32 operations, in the same order, on plain arrays: the forward keeps each
layer's input and output, the backward applies the hand-written VJPs of
`ops.dense`, the activations and the crossentropies (fused `p - y` for
sigmoid + binary and softmax + categorical crossentropy, as `ops.nn` does).
Results are bitwise identical to the generic step (`tests/test_dense_stack.py`
trains both and compares every weight and metric).

Anything outside the recognised pattern (other layers, regularizers, masks,
sample weights, other losses or options, a custom `train_step`) keeps the
generic path: `plan_for` returns `None`.
"""

from __future__ import annotations

import numpy as np

from minikeras import activations
from minikeras import losses as losses_mod
from minikeras.backend import config
from minikeras.backend.blas_threads import prepare_product
from minikeras.layers.core.activation import Activation
from minikeras.layers.core.dense import Dense
from minikeras.layers.core.input_layer import InputLayer
from minikeras.layers.regularization.dropout import Dropout
from minikeras.layers.reshaping.flatten import Flatten
from minikeras.losses.loss import Loss, LossFunctionWrapper
from minikeras.losses.losses import SparseCategoricalCrossentropy
from minikeras.ops import kernels
from minikeras.ops.kernels import clip_probs, typed_scalar
from minikeras.ops.nn import _sparse_one_hot
from minikeras.ops.numpy import _mean_value

_ACTIVATIONS = {
    activations.linear: "linear",
    activations.relu: "relu",
    activations.tanh: "tanh",
    activations.sigmoid: "sigmoid",
    activations.softmax: "softmax",
}
_LOSSES = {
    losses_mod.binary_crossentropy: "bce",
    losses_mod.categorical_crossentropy: "cce",
    losses_mod.sparse_categorical_crossentropy: "scce",
    losses_mod.mean_squared_error: "mse",
}
_DEFAULT_LOSS_KWARGS = {"label_smoothing": 0.0, "axis": -1, "ignore_class": None}


# ----------------------------------------------------------------------------- activations


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    return kernels.ACTIVATIONS[name].value(z)


def _activation_vjp(name: str, g: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The gradient at the activation's input `z` from `g` at its output `a` (as `ops`)."""
    return kernels.ACTIVATIONS[name].vjp(g, z, a)


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a @ b` for 2-D arrays. Small ones go through `ndarray.dot`: the same BLAS call
    with about 0.7 us less overhead. Large ones keep `matmul`, which hands a transposed
    operand to BLAS as is where `dot` would copy it first."""
    if a.size <= _SMALL and b.size <= _SMALL:
        return a.dot(b)
    prepare_product(a.shape[0], a.shape[1], b.shape[1])
    return np.matmul(a, b)


_SMALL = 4096


# ----------------------------------------------------------------------------- losses


def _dropout_mask(layer: Dropout, x: np.ndarray) -> np.ndarray:
    """`Dropout.call`'s scaled keep-mask for `x` (same generator, same draw, same dtype)."""
    return kernels.dropout_mask(layer._rng or config.rng(), x.shape, layer.rate, x.dtype)


def _loss_kind(loss) -> str | None:
    """`"bce"`, `"cce"`, `"scce"` (each with `"_logits"` for `from_logits=True`) or `"mse"`
    for a Keras loss with default options otherwise, else None."""
    if not isinstance(loss, LossFunctionWrapper) or loss.reduction != "sum_over_batch_size":
        return None
    plain = type(loss).call is LossFunctionWrapper.call and type(loss).__call__ is Loss.__call__
    # The sparse class skips the rank matching (a no-op for the labels accepted here) and
    # the label cast (exact for class indices): the same numbers without `ignore_class`.
    if not plain and type(loss) is not SparseCategoricalCrossentropy:
        return None
    kind = _LOSSES.get(loss.fn)
    if kind is None:
        return None
    kwargs = dict(loss._fn_kwargs)
    logits = bool(kwargs.pop("from_logits", False))  # `ops.nn` tests its truth value
    for key, value in kwargs.items():
        if _DEFAULT_LOSS_KWARGS.get(key, object()) != value:
            return None
    return kind + "_logits" if logits else kind


def _mean_last(values: np.ndarray) -> np.ndarray:
    """`ops.mean(values, axis=-1)`; over a last axis of size 1 it divides by 1, which is
    exact, so it is a reshape."""
    return values.reshape(-1) if values.shape[-1] == 1 else _mean_value(values, -1, False)


def _loss_forward(kind: str, t: np.ndarray, out: np.ndarray):
    """Per-sample loss values and what the backward needs (the `ops.nn` formulas)."""
    if kind == "mse":
        d = np.subtract(out, t)
        sq = np.square(d)
        return _mean_last(sq), d
    eps = config.epsilon()
    if kind == "bce_logits":
        return _mean_last(kernels.binary_crossentropy_logits_value(t, out)), None
    if kind == "cce_logits":
        lsm = kernels.log_softmax_value(out, -1)
        return -np.sum(t * lsm, axis=-1), lsm
    if kind == "bce":
        p = clip_probs(out, eps)
        el = kernels.binary_crossentropy_value(t, p)
        if el.dtype != out.dtype:
            el = el.astype(out.dtype)
        return _mean_last(el), p
    return kernels.categorical_crossentropy_parts(t, out, eps, -1)


def _loss_backward(kind, t, out, saved, last_act):
    """The gradient at the output (or, fused, at the last activation's input).

    Returns `(gradient, fused)`; `fused` means the last sigmoid/softmax is already
    differentiated through, as `ops.nn`'s fused crossentropies do. The generic step
    spreads the scalar seed `1 / batch` (and `/ units` for the per-sample mean) into
    arrays of equal entries; a NumPy scalar gives the same products.
    """
    dt = out.dtype.type
    eps = config.epsilon()
    if kind == "bce":  # the seed `1 / batch / units` and the clip bounds, as 0-d arrays
        seed, low, high = _bce_constants(out.dtype, out.shape[0], out.shape[-1], eps)
        active = (out > low) & (out < high)
        if last_act == "sigmoid":
            return kernels.binary_crossentropy_sigmoid_vjp(seed, t, out, active), True
        return kernels.binary_crossentropy_vjp(seed, t, saved, active), False
    g = dt(1) / dt(out.shape[0])
    if kind == "mse":
        return g / dt(out.shape[-1]) * 2 * saved, False
    if kind == "bce_logits":
        return kernels.binary_crossentropy_logits_vjp(g / dt(out.shape[-1]), t, out), False
    if kind == "cce_logits":
        return kernels.categorical_crossentropy_logits_vjp(g, t, saved, -1), False
    q = saved[1]
    active = (q > eps) & (q < 1 - eps)
    if last_act == "softmax" and bool(np.all(active)):
        return kernels.categorical_crossentropy_softmax_vjp(g, t, out, -1), True
    return kernels.categorical_crossentropy_vjp(g, t, saved, active, -1), False


_BCE_CONSTANTS: dict = {}


def _bce_constants(dtype, batch: int, units: int, eps: float) -> tuple:
    """`(1 / batch / units, eps, 1 - eps)` as 0-d arrays of `dtype`, computed as the generic
    step's scalars are (cached: the same few batch sizes recur every epoch)."""
    key = (dtype, batch, units, eps)
    found = _BCE_CONSTANTS.get(key)
    if found is None:
        dt = dtype.type
        seed = np.asarray(dt(1) / dt(batch) / dt(units))
        found = (seed, typed_scalar(eps, dtype), typed_scalar(1 - eps, dtype))
        _BCE_CONSTANTS[key] = found
    return found


def _targets(kind: str, y: np.ndarray, out: np.ndarray) -> np.ndarray:
    """`y` as the loss sees it: in the output's dtype (as `Loss.__call__` casts it) and
    rank; integer labels become one-hot rows (as `ops.sparse_categorical_crossentropy`)."""
    t = y if y.dtype == out.dtype else y.astype(out.dtype)
    if kind.startswith("scce"):
        return _sparse_one_hot(t.reshape(-1), out)
    return t.reshape(-1, 1) if t.ndim == 1 else t


# ----------------------------------------------------------------------------- the plan


class DenseStack:
    """The compiled form of a `Dense`/`Activation` stack: forward, loss and backward.

    Args:
        steps: `(layer, name)` in call order: a `Dense` and its activation's name, None
            and the name for an `Activation` layer, or a `Dropout` and `"dropout"`.
        variables: The trainable variables in `model.trainable_weights` order.
        loss_kind: `"bce"`, `"cce"`, `"scce"` or `"mse"` when the compiled loss has a
            form here, else None (then only `predict` is available).
    """

    def __init__(self, steps, variables, loss_kind=None, flat_input_shape=None):
        self.steps = steps
        self.variables = variables
        self.loss_kind = loss_kind
        # The formulas used: integer labels become one-hot rows, then as categorical.
        self.kind = loss_kind[1:] if loss_kind and loss_kind.startswith("scce") else loss_kind
        self.flat_input_shape = flat_input_shape  # a leading Flatten: the sample shape
        self.last_act = steps[-1][1]
        self.in_dim = steps[0][0].kernel.value.shape[0]
        self.out_dim = [layer for layer, _ in steps if type(layer) is Dense][-1].units
        self.dtype = steps[0][0].kernel.value.dtype

    def accepts(self, x, y=None) -> bool:
        """Whether the batch fits the plan (else the generic step handles it)."""
        if type(x) is not np.ndarray:
            return False
        if self.flat_input_shape is not None:
            if x.shape[1:] != self.flat_input_shape:
                return False
        elif x.ndim != 2 or x.shape[1] != self.in_dim:
            return False
        if y is None:
            return True
        if type(y) is not np.ndarray or y.dtype.kind not in "fbiu":
            return False
        n = x.shape[0]
        if self.loss_kind.startswith("scce"):  # integer labels, (batch,) or (batch, 1)
            return y.shape == (n,) or y.shape == (n, 1)
        # 1-D labels for one output unit: the loss expands them to (batch, 1), as here.
        return y.shape == (n, self.out_dim) or (self.out_dim == 1 and y.shape == (n,))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The model's inference output for a batch (same values as `model(x)`)."""
        x = self._matrix(x)
        # The first step is a Dense (see `plan_for`): from there on `x` is an array of
        # ours, so relu and tanh may overwrite it.
        for layer, name in self.steps:
            if name == "dropout":  # inference: the identity
                continue
            if layer is not None:
                x = _product(x, layer.kernel.value)
                if layer.bias is not None:
                    x += layer.bias.value
            if name == "relu":
                np.maximum(x, 0, out=x)
            elif name == "tanh":
                np.tanh(x, out=x)
            elif name != "linear":
                x = _activate(name, x)
        return x

    def test_step(self, x: np.ndarray, y: np.ndarray):
        """Loss value and model output for a batch, in inference mode."""
        out = self.predict(x)
        return self._loss(y, out)[0], out

    def _loss(self, y, out):
        """`(loss value, targets, what the backward needs)`, reduced as `reduce_values`."""
        t = _targets(self.loss_kind, y, out)
        values, saved = _loss_forward(self.kind, t, out)
        loss = np.add.reduce(values, axis=None) / typed_scalar(max(1, values.size), values.dtype)
        return loss, t, saved

    def _matrix(self, x: np.ndarray) -> np.ndarray:
        """The batch in the plan's dtype, flattened per sample by a leading `Flatten`."""
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        return x if self.flat_input_shape is None else x.reshape(len(x), -1)

    def train_step(self, x: np.ndarray, y: np.ndarray, sgd_rate=None, record=None):
        """Loss value, gradients (in `variables` order) and the model output for a batch.

        With `sgd_rate` (see `optimizers.sgd.plain_sgd_rate`) and `record` (the `append`
        of an `UpdateProgram`), plain SGD's step `g * lr` of each variable is computed as
        soon as its gradient is known, its `w -= step` is recorded in `record` for the
        caller to commit, and the gradients returned are None.
        """
        x = self._matrix(x)
        # Forward, keeping (input, pre-activation, output) per activation.
        trace = []
        for layer, name in self.steps:
            if name == "dropout":
                mask = _dropout_mask(layer, x)
                x = np.multiply(x, mask)
                trace.append(("mul", mask))
                continue
            if layer is not None:
                z = _product(x, layer.kernel.value)
                if layer.bias is not None:
                    z += layer.bias.value
                trace.append(("dense", layer, x))
                x = z
            if name != "linear":
                a = _activate(name, x)
                trace.append(("act", name, x, a))
                x = a
        out = x
        loss, t, saved = self._loss(y, out)
        g, fused = _loss_backward(self.kind, t, out, saved, self.last_act)
        grads = []
        skip_act = fused
        for entry in reversed(trace):
            if entry[0] == "mul":
                g = g * entry[1]
                continue
            if entry[0] == "act":
                if skip_act:
                    skip_act = False
                    continue
                g = _activation_vjp(entry[1], g, entry[2], entry[3])
                continue
            layer, inp = entry[1], entry[2]
            kernel = layer.kernel.value
            bias_grad = None if layer.bias is None else np.add.reduce(g, axis=0)  # g.sum(0)
            kernel_grad = _product(inp.T, g)
            if entry is not trace[0]:
                g = _product(g, kernel.T)
            if sgd_rate is not None:
                if bias_grad is not None:
                    kernels.sgd_update(layer.bias.value, bias_grad, sgd_rate, record)
                kernels.sgd_update(kernel, kernel_grad, sgd_rate, record)
                continue
            if bias_grad is not None:
                grads.append(bias_grad)
            grads.append(kernel_grad)
        if sgd_rate is not None:
            return loss, None, out
        grads.reverse()
        return loss, grads, out


def _chain(model) -> list | None:
    """The layers of a `Sequential`, or of a functional model that is a plain chain."""
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    if type(model) is Sequential:
        return [layer for layer in model._layers if type(layer) is not InputLayer]
    if type(model) is not Functional or len(model.inputs) != 1 or len(model.outputs) != 1:
        return None
    if isinstance(model._outputs_struct, (list, tuple, dict)):
        return None  # predict() returns a list/dict for these
    chain, previous = [], model.inputs[0]
    for node in model._nodes:
        if type(node.layer) is InputLayer:
            continue
        if (
            node.input_tensors is not previous
            or node.call_args
            or node.call_kwargs
            or len(node.flat_outputs) != 1
        ):
            return None
        chain.append(node.layer)
        previous = node.flat_outputs[0]
    return chain if previous is model.outputs[0] else None


def plan_for(model) -> DenseStack | None:
    """A `DenseStack` for `model`, or None when the generic step must run."""
    chain = _chain(model) if model.built and not model._losses else None
    if not chain or any(
        getattr(layer, "activity_regularizer", None) is not None for layer in chain
    ):
        return None
    flat_input_shape = None
    if type(chain[0]) is Flatten and chain[0].data_format != "channels_first":
        flat_input_shape = tuple(model.inputs[0].shape[1:])  # Flatten: a plain reshape
        if None in flat_input_shape:
            return None
        chain = chain[1:]
    steps = []
    for layer in chain:
        if type(layer) is Dense:
            name = _ACTIVATIONS.get(layer.activation)
            if name is None:
                return None
            for w in layer.weights:
                if w.regularizer is not None or not w.trainable or w.dtype != layer.dtype:
                    return None
            steps.append((layer, name))
        elif type(layer) is Dropout and layer.noise_shape is None and 0 <= layer.rate < 1:
            if layer.rate > 0:  # rate 0 is the identity, in training too
                steps.append((layer, "dropout"))
        elif type(layer) is Activation:
            name = _ACTIVATIONS.get(layer.activation)
            if name is None:
                return None
            steps.append((None, name))
        else:
            return None
    if not steps or type(steps[0][0]) is not Dense:
        return None
    # One float dtype throughout (the generic step casts between layers of other dtypes).
    dtype = steps[0][0].kernel.value.dtype
    if (
        dtype.kind != "f"
        or np.dtype(model.dtype) != dtype
        or any(np.dtype(layer.dtype) != dtype for layer in chain)
    ):
        return None
    ordered = []  # kernel then bias per layer: must be the model's own order
    for layer, _ in steps:
        if type(layer) is Dense:
            ordered.append(layer.kernel)
            if layer.bias is not None:
                ordered.append(layer.bias)
    if [id(v) for v in ordered] != [id(v) for v in model.trainable_weights]:
        return None
    loss_kind = None
    compiled = getattr(model, "_compiled_loss", None)
    if (
        compiled is not None
        and compiled.built
        and len(compiled.losses) == 1
        and compiled.weights == [1.0]
        and compiled.losses[0] is not None
    ):
        loss_kind = _loss_kind(compiled.losses[0])
    return DenseStack(steps, ordered, loss_kind, flat_input_shape)
