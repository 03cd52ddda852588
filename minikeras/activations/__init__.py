"""Activation functions by Keras name: `activations.get("relu")`."""

from __future__ import annotations

from minikeras import ops


def linear(x):
    """Identity activation."""
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras' optional slope, cap and threshold.

    Args:
        x: Input tensor.
        negative_slope: Slope for values below `threshold`.
        max_value: Upper cap of the output (values are also floored at 0).
        threshold: Values at or below it are set to 0 (or follow the slope);
            values above it pass through unchanged, as in Keras.
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return ops.leaky_relu(x, negative_slope)
    clip_max = max_value is not None
    if threshold != 0.0:
        y = ops.where(ops.greater(x, threshold), x, 0.0)
    elif max_value == 6:
        y, clip_max = ops.relu6(x), False
    else:
        y = ops.relu(x)
    if clip_max:
        y = ops.clip(y, 0.0, max_value)
    if negative_slope != 0.0:
        y = ops.subtract(
            y, ops.multiply(ops.relu(ops.add(ops.negative(x), threshold)), negative_slope)
        )
    return y


def sigmoid(x):
    """Logistic sigmoid."""
    return ops.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(x)


def softmax(x, axis=-1):
    """Softmax over the last axis."""
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log-softmax over the last axis."""
    return ops.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return ops.elu(x, alpha)


def selu(x):
    """Scaled exponential linear unit."""
    return ops.selu(x)


def softplus(x):
    """`log(exp(x) + 1)`."""
    return ops.softplus(x)


def softsign(x):
    """`x / (abs(x) + 1)`."""
    return ops.softsign(x)


def hard_sigmoid(x):
    """Piecewise-linear approximation of the sigmoid."""
    return ops.hard_sigmoid(x)


def hard_sigmoid_keras2(x):
    """`clip(0.2 * x + 0.5, 0, 1)`: what `hard_sigmoid` meant in Keras 1 and 2 files.

    Files saved by Keras 1/2 load with this activation wherever they say
    `hard_sigmoid`; Keras 2 files written by minikeras name it `hard_sigmoid` again.
    """
    return ops.hard_sigmoid_keras2(x)


def hard_silu(x):
    """`x * hard_sigmoid(x)`."""
    return ops.hard_silu(x)


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU."""
    return ops.leaky_relu(x, negative_slope)


def relu6(x):
    """ReLU capped at 6."""
    return ops.relu6(x)


def silu(x):
    """Swish / SiLU: `x * sigmoid(x)`."""
    return ops.silu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit."""
    return ops.gelu(x, approximate)


def exponential(x):
    """Exponential activation."""
    return ops.exp(x)


def celu(x, alpha=1.0):
    """Continuously differentiable exponential linear unit."""
    return ops.celu(x, alpha)


def glu(x, axis=-1):
    """Gated linear unit: halves `a, b` of `x` along `axis` give `a * sigmoid(b)`."""
    return ops.glu(x, axis)


def hard_shrink(x, threshold=0.5):
    """`x` where `|x| > threshold`, else 0."""
    return ops.hard_shrink(x, threshold)


def soft_shrink(x, threshold=0.5):
    """`x` shrunk towards 0 by `threshold`."""
    return ops.soft_shrink(x, threshold)


def hard_tanh(x):
    """`clip(x, -1, 1)`."""
    return ops.hard_tanh(x)


def log_sigmoid(x):
    """`log(sigmoid(x))`, computed stably."""
    return ops.log_sigmoid(x)


def mish(x):
    """`x * tanh(softplus(x))`."""
    return ops.mish(x)


def tanh_shrink(x):
    """`x - tanh(x)`."""
    return ops.tanh_shrink(x)


def squareplus(x, b=4):
    """`(x + sqrt(x^2 + b)) / 2`."""
    return ops.squareplus(x, b)


def sparse_plus(x):
    """Piecewise smooth ReLU: 0, `(x + 1)^2 / 4`, `x`."""
    return ops.sparse_plus(x)


def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0, `(x + 1) / 2`, 1."""
    return ops.sparse_sigmoid(x)


def sparsemax(x, axis=-1):
    """Projection onto the probability simplex (sparse softmax)."""
    return ops.sparsemax(x, axis)


def threshold(x, threshold, default_value):  # noqa: A002 - Keras name
    """`x` where `x > threshold`, else `default_value`."""
    return ops.threshold(x, threshold, default_value)


swish = silu
hard_swish = hard_silu

ALL_ACTIVATIONS = {
    fn.__name__: fn
    for fn in (
        linear,
        relu,
        sigmoid,
        tanh,
        softmax,
        log_softmax,
        elu,
        selu,
        softplus,
        softsign,
        hard_sigmoid,
        hard_silu,
        leaky_relu,
        relu6,
        silu,
        gelu,
        exponential,
    )
}
ALL_ACTIVATIONS.update(
    {"swish": silu, "hard_swish": hard_silu, "hard_sigmoid_keras2": hard_sigmoid_keras2}
)
ALL_ACTIVATIONS.update(
    {
        fn.__name__: fn
        for fn in (
            celu,
            glu,
            hard_shrink,
            soft_shrink,
            hard_tanh,
            log_sigmoid,
            mish,
            tanh_shrink,
            squareplus,
            sparse_plus,
            sparse_sigmoid,
            sparsemax,
            threshold,
        )
    }
)


def serialize(activation) -> str:
    """Returns the Keras name of an activation function."""
    if activation is None:
        return "linear"
    name = getattr(activation, "__name__", None)
    for key, fn in ALL_ACTIVATIONS.items():
        if fn is activation:
            return "silu" if key == "swish" else key
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}")
    return name


def deserialize(config, custom_objects=None):
    """Returns the activation function named by `config` (a string or Keras dict)."""
    if isinstance(config, dict):
        config = config.get("config", config.get("class_name"))
    return get(config, custom_objects)


def get(identifier, custom_objects=None):
    """Returns an activation function from a name, a function or None (→ linear).

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        if custom_objects and identifier in custom_objects:
            return custom_objects[identifier]
        from minikeras.saving.object_registration import get_registered_object

        fn = ALL_ACTIVATIONS.get(identifier) or get_registered_object(identifier)
        if fn is not None:
            return fn
    raise ValueError(
        f"Could not interpret activation function identifier: {identifier!r}. "
        f"Valid names are: {sorted(ALL_ACTIVATIONS)}"
    )
