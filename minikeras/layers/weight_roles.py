"""Weights described by a role: `<role>_initializer`, `<role>_regularizer`, `<role>_constraint`.

`Dense` and the convolution layers keep, for each weight role (`kernel`, `bias`,
`depthwise`, `pointwise`), an initializer, a regularizer and a constraint as
attributes. These helpers create the weight of a role and write the roles'
Keras config entries in Keras' order.
"""

from __future__ import annotations

from minikeras import constraints, initializers, regularizers


def add_role_weight(layer, role: str, shape: tuple, name: str | None = None, initializer=None):
    """Adds the weight of `role` (named `name`, default the role) to `layer`.

    `initializer`, when given, replaces the role's own initializer.
    """
    return layer.add_weight(
        shape=shape,
        initializer=initializer or getattr(layer, f"{role}_initializer"),
        regularizer=getattr(layer, f"{role}_regularizer"),
        constraint=getattr(layer, f"{role}_constraint"),
        name=name or role,
    )


def add_bias_weight(layer, size: int) -> None:
    """Sets `layer.bias` to a `(size,)` weight, or to None when `layer.use_bias` is False."""
    layer.bias = add_role_weight(layer, "bias", (size,)) if layer.use_bias else None


def role_config(layer, roles: tuple, activity_regularizer: bool = True) -> dict:
    """Config entries of `roles`: initializers, regularizers (then the layer's
    `activity_regularizer` unless told not to), constraints, in Keras' order."""
    cfg = {
        f"{r}_initializer": initializers.serialize(getattr(layer, f"{r}_initializer"))
        for r in roles
    }
    cfg.update(
        {
            f"{r}_regularizer": regularizers.serialize(getattr(layer, f"{r}_regularizer"))
            for r in roles
        }
    )
    if activity_regularizer:
        cfg["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    cfg.update(
        {f"{r}_constraint": constraints.serialize(getattr(layer, f"{r}_constraint")) for r in roles}
    )
    return cfg


def set_weight_role(layer, role: str, initializer, regularizer, constraint) -> None:
    """Resolves and stores `layer.<role>_initializer`, `_regularizer` and `_constraint`."""
    setattr(layer, f"{role}_initializer", initializers.get(initializer))
    setattr(layer, f"{role}_regularizer", regularizers.get(regularizer))
    setattr(layer, f"{role}_constraint", constraints.get(constraint))
