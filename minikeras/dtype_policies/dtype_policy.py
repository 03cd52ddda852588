"""`DTypePolicy`: the dtype a layer computes in and stores its weights in."""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.backend import config

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_global_policy: DTypePolicy | None = None


class DTypePolicy:
    """A named dtype policy (`"float32"`, `"float64"`, ...).

    minikeras computes in the policy's dtype. The mixed policies
    `"mixed_float16"` and `"mixed_bfloat16"` are accepted (so configs and
    scripts that name them load and run) but compute in float32, with their
    variables in float32 as in Keras: NumPy has no fast half-precision matmul.

    Args:
        name: Policy name; None means `floatx()`.
    """

    def __init__(self, name: str | None = None):
        name = config.floatx() if name is None else name
        if not isinstance(name, str):
            raise TypeError(
                f"'name' must be a string, such as 'mixed_float16'. Received: "
                f"name={name} (of type {type(name)})"
            )
        if name in _MIXED:
            self._compute, self._variable = "float32", "float32"
        else:
            try:
                dtype = np.dtype(name).name
            except TypeError as exc:
                raise ValueError(
                    f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                    "include 'mixed_float16', 'mixed_bfloat16', and the name of any float "
                    "dtype such as 'float32'."
                ) from exc
            self._compute = self._variable = dtype
        self._name = name

    name = property(lambda self: self._name)
    compute_dtype = property(lambda self: self._compute)
    variable_dtype = property(lambda self: self._variable)

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    __hash__ = object.__hash__


def set_dtype_policy(policy) -> None:
    """Sets the default dtype policy of layers created afterwards.

    Args:
        policy: A `DTypePolicy` or its name (`"float32"`, `"float64"`,
            `"mixed_float16"`, ...). Mixed policies run in float32 on NumPy; a
            `UserWarning` says so.
    """
    global _global_policy
    if not isinstance(policy, DTypePolicy):
        policy = DTypePolicy(policy)
    if policy.name in _MIXED:
        warnings.warn(
            f"minikeras accepts the '{policy.name}' dtype policy but computes in float32 "
            f"(NumPy has no fast {_MIXED[policy.name]} matrix products); results match a "
            "float32 model.",
            UserWarning,
            stacklevel=2,
        )
    _global_policy = policy


def dtype_policy() -> DTypePolicy:
    """The default dtype policy (`DTypePolicy(floatx())` unless one was set)."""
    return _global_policy if _global_policy is not None else DTypePolicy(config.floatx())


def default_layer_dtype() -> str:
    """The dtype a layer created without `dtype=` uses."""
    return dtype_policy().compute_dtype if _global_policy is not None else config.floatx()
