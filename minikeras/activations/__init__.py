"""Activation functions by Keras name: `activations.get("relu")`."""

from __future__ import annotations

from minikeras import ops


def linear(x):
    """Identity activation."""
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras' optional slope, cap and threshold."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    y = x if threshold == 0.0 else ops.where(ops.greater(x, threshold), x, 0.0)
    if negative_slope:
        y = ops.where(ops.greater(x, threshold), y,
                      ops.multiply(ops.subtract(x, threshold), negative_slope))
    else:
        y = ops.relu(y)
    if max_value is not None:
        y = ops.minimum(y, max_value)
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


swish = silu
hard_swish = hard_silu

ALL_ACTIVATIONS = {
    fn.__name__: fn
    for fn in (linear, relu, sigmoid, tanh, softmax, log_softmax, elu, selu, softplus,
               softsign, hard_sigmoid, hard_silu, leaky_relu, relu6, silu, gelu, exponential)
}
ALL_ACTIVATIONS.update({"swish": silu, "hard_swish": hard_silu})


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
