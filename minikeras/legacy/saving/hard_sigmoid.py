"""Writing models whose `hard_sigmoid` means the other Keras' one.

Keras 1/2 define `hard_sigmoid(x) = clip(0.2x + 0.5, 0, 1)`, Keras 3
`clip(x/6 + 0.5, 0, 1)`; a file names either just `hard_sigmoid`. Since
`hard_sigmoid_keras2(z) == hard_sigmoid(1.2 z)`, a layer that applies the
activation directly to `x W + h U + b` keeps its outputs when its weights feeding
that activation are scaled by 1.2 (to Keras 3) or 5/6 (to Keras 2). `for_flavour`
returns such an equivalent model, so each file format can name the activation
its readers understand. Where no scaling can help (an `Activation` layer, an
LSTM's cell activation) it raises a ValueError naming the layer.
"""

from __future__ import annotations

import numpy as np

KERAS2_NAME = "hard_sigmoid_keras2"
KERAS3_NAME = "hard_sigmoid"
# Gate blocks (of the kernel's last axis) that `recurrent_activation` is applied to.
_GATES = {"LSTM": (4, (0, 1, 3)), "GRU": (3, (0, 1))}
_DIRECT = (
    "Dense",
    "SimpleRNN",
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv2D",
)


def _leaves(layer):
    """The layer and the layers it wraps (Bidirectional, TimeDistributed, nested models)."""
    out = [layer]
    for attr in ("layer", "forward_layer", "backward_layer"):
        inner = getattr(layer, attr, None)
        if inner is not None and inner is not layer:
            out += _leaves(inner)
    for inner in getattr(layer, "layers", None) or []:
        out += _leaves(inner)
    return out


def _name(fn) -> str | None:
    from minikeras import activations

    try:
        return activations.serialize(fn)
    except ValueError:
        return None


def _uses(layer, name: str) -> list[str]:
    return [
        a for a in ("activation", "recurrent_activation") if _name(getattr(layer, a, None)) == name
    ]


def needs_rewrite(model, flavour: int) -> bool:
    """Whether any layer uses the hard sigmoid that `flavour`'s files cannot name."""
    name = KERAS3_NAME if flavour == 2 else KERAS2_NAME
    return any(_uses(leaf, name) for layer in model.layers for leaf in _leaves(layer))


def _scaled(layer, attrs: list[str], factor: float) -> list[np.ndarray]:
    cls = type(layer).__name__
    weights = [np.array(w) for w in layer.get_weights()]
    if attrs == ["recurrent_activation"] and cls in _GATES:
        n, gates = _GATES[cls]
        for i, w in enumerate(weights):
            blocks = np.split(w, n, axis=-1)
            for g in gates:
                blocks[g] = blocks[g] * factor
            weights[i] = np.concatenate(blocks, axis=-1)
        return weights
    if attrs == ["activation"] and cls in _DIRECT:
        if cls.startswith("Separable"):  # depthwise, pointwise, bias: scale the last two
            return [weights[0], *(w * factor for w in weights[1:])]
        return [w * factor for w in weights]
    raise ValueError(
        f"Layer '{layer.name}' ({cls}) uses hard_sigmoid as its {' and '.join(attrs)}, "
        "which Keras 1/2 and Keras 3 define differently (clip(0.2x+0.5) vs clip(x/6+0.5)) "
        "and which cannot be expressed in this format. Save it in the other format "
        "(`.keras` for Keras 3's hard_sigmoid, `.h5` for Keras 2's)."
    )


def for_flavour(model, flavour: int):
    """`model`, or an equivalent copy naming only `flavour`'s hard sigmoid.

    Args:
        model: A built model.
        flavour: 2 (files saying `hard_sigmoid` mean Keras 2's) or 3.

    Raises:
        ValueError: for a use of the other hard sigmoid that scaling cannot carry.
    """
    if not needs_rewrite(model, flavour):
        return model
    from minikeras.saving.serialization import deserialize_keras_object, serialize_keras_object

    old_name, new_name, factor = (
        (KERAS3_NAME, KERAS2_NAME, 5.0 / 6.0) if flavour == 2 else (KERAS2_NAME, KERAS3_NAME, 1.2)
    )
    changes = {}
    for layer in model.layers:
        for leaf in _leaves(layer):
            attrs = _uses(leaf, old_name)
            if attrs:
                changes[id(leaf)] = _scaled(leaf, attrs, factor)
    copy = deserialize_keras_object(_renamed(serialize_keras_object(model), old_name, new_name))
    for old, new in zip(model.layers, copy.layers):
        for old_leaf, new_leaf in zip(_leaves(old), _leaves(new)):  # wrappers come first
            if old_leaf.weights:
                new_leaf.set_weights(changes.get(id(old_leaf)) or old_leaf.get_weights())
    for attr in ("optimizer", "_compile_config", "compiled"):
        if hasattr(model, attr):
            setattr(copy, attr, getattr(model, attr))
    return copy


def _renamed(value, old: str, new: str):
    if isinstance(value, dict):
        return {
            k: (
                new
                if k in ("activation", "recurrent_activation") and v == old
                else _renamed(v, old, new)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    return value
