"""`EinsumDense`: a dense layer whose product is any einsum equation."""

from __future__ import annotations

import re
import string

from minikeras import activations, ops
from minikeras.layers.layer import Layer
from minikeras.layers.weight_roles import add_role_weight, role_config, set_weight_role


def _parse(equation: str):
    """`(input_spec, weight_spec, output_spec, elided_side)` of an EinsumDense equation."""
    eq = equation.replace(" ", "").replace("...", "0")
    for pattern, side in (
        ("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", None),
        ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", "left"),
        ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", "right"),
    ):
        m = re.match(pattern, eq)
        if m:
            return m.group(1), m.group(2), m.group(3), side
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def analyze_einsum(equation, bias_axes, input_shape, output_shape):
    """Kernel shape, bias shape and full output shape of an EinsumDense layer.

    `output_shape` is the layer's partial output shape (without the batch
    axis; `None` entries are taken from the input).
    """
    in_spec, w_spec, out_spec, side = _parse(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    full = [input_shape[0], *output_shape]
    if elided > 0 and side == "left":
        for i in range(1, elided):
            full.insert(1, input_shape[i])
    elif elided > 0:
        full.extend(input_shape[len(input_shape) - elided :])
    if side == "left":
        in_map = {c: i + elided - len(input_shape) for i, c in enumerate(in_spec)}
        out_map = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        in_map = {c: i for i, c in enumerate(in_spec)}
        out_map = {c: i for i, c in enumerate(out_spec)}
    for c in in_spec:
        if (
            c in out_map
            and full[out_map[c]] is not None
            and full[out_map[c]] != input_shape[in_map[c]]
        ):
            raise ValueError(
                f"Input shape and output shape do not match at shared dimension '{c}'. Input "
                f"shape is {input_shape[in_map[c]]}, and output shape is {full[out_map[c]]}."
            )
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(
                f"Dimension '{c}' was specified in the output '{out_spec}' but has no "
                f"corresponding dim in the input spec '{in_spec}' or weight spec '{w_spec}'"
            )
    kernel_shape = []
    for c in w_spec:
        if c in out_map:
            kernel_shape.append(full[out_map[c]])
        elif c in in_map:
            kernel_shape.append(input_shape[in_map[c]])
        else:
            raise ValueError(
                f"Weight dimension '{c}' did not have a match in either the input spec "
                f"'{in_spec}' or the output spec '{out_spec}'. For this layer, the weight must "
                "be fully specified."
            )
    for c in out_spec:  # `None` output entries shared with the input take its size
        if full[out_map[c]] is None and c in in_map:
            full[out_map[c]] = input_shape[in_map[c]]
    bias_shape = None
    if bias_axes is not None:
        offset = elided if side == "left" else 0
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(
                    f"Bias dimension '{c}' was requested, but is not part of the "
                    f"output spec '{out_spec}'"
                )
        first = min(out_spec.find(c) for c in bias_axes)
        bias_shape = [
            full[i + offset] if c in bias_axes else 1 for i, c in enumerate(out_spec) if i >= first
        ]
        if side != "left":
            bias_shape.extend([1] * max(elided, 0))
    return kernel_shape, bias_shape, full


def explicit_equation(equation: str, rank: int) -> str:
    """The equation with `...` replaced by letters unused elsewhere, for an input of `rank`."""
    if "..." not in equation:
        return equation.replace(" ", "")
    in_spec, w_spec, out_spec, side = _parse(equation)
    free = [c for c in string.ascii_letters if c not in in_spec + w_spec + out_spec]
    fill = "".join(free[: rank - len(in_spec)])
    if side == "left":
        return f"{fill}{in_spec},{w_spec}->{fill}{out_spec}"
    return f"{in_spec}{fill},{w_spec}->{out_spec}{fill}"


class EinsumDense(Layer):
    """A layer computing `einsum(equation, inputs, kernel) + bias`.

    Args:
        equation: Einsum equation `"<input>,<kernel>-><output>"`, e.g.
            `"ab,bc->ac"` (a Dense layer) or `"abc,cde->abde"`; `...` may
            stand for leading or trailing input axes.
        output_shape: Output shape without the batch axis; `None` entries take
            the size of the matching input axis.
        activation: Activation applied to the output.
        bias_axes: Letters of the output axes that get a bias (None: no bias).
        kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, kernel_constraint, bias_constraint: As in `Dense`.
        lora_rank, lora_alpha, quantization_config: Accepted for Keras
            compatibility only when unset (LoRA and quantization are not
            implemented).

    Example:
        >>> layer = EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
        >>> layer(np.ones((2, 32, 128), "float32")).shape
        (2, 32, 64)
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        **kwargs,
    ):
        for key in ("quantization_config", "gptq_unpacked_column_size"):
            if kwargs.pop(key, None) is not None:
                raise ValueError(f"EinsumDense does not support `{key}` in minikeras.")
        if lora_rank:
            raise ValueError(
                f"EinsumDense does not support LoRA in minikeras. Received: lora_rank={lora_rank}"
            )
        super().__init__(activity_regularizer=kwargs.pop("activity_regularizer", None), **kwargs)
        _parse(equation)
        self.equation = equation
        self.partial_output_shape = (
            (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        )
        self.activation = activations.get(activation)
        self.bias_axes = bias_axes
        set_weight_role(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_role(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        kernel_shape, bias_shape, full = analyze_einsum(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        if any(d is None for d in kernel_shape):
            raise ValueError(
                f"The kernel of EinsumDense '{self.name}' needs defined sizes; got "
                f"{tuple(kernel_shape)} from equation '{self.equation}' and input shape "
                f"{tuple(input_shape)}."
            )
        self.full_output_shape = tuple(full)
        self.kernel = add_role_weight(self, "kernel", tuple(kernel_shape))
        self.bias = None if bias_shape is None else add_role_weight(self, "bias", tuple(bias_shape))
        self.built = True

    def call(self, inputs):
        rank = len(ops.shape(inputs))
        x = ops.einsum(explicit_equation(self.equation, rank), inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(
            analyze_einsum(self.equation, self.bias_axes, input_shape, self.partial_output_shape)[2]
        )

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "output_shape": list(self.partial_output_shape),
                "equation": self.equation,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                **role_config(self, ("kernel", "bias")),
                "quantization_config": None,
            }
        )
        return cfg
