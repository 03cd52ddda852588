"""`minikeras.dtype_policies`: `DTypePolicy` and the global default policy."""

from minikeras.dtype_policies.dtype_policy import (
    DTypePolicy,
    default_layer_dtype,
    dtype_policy,
    set_dtype_policy,
)

__all__ = ["DTypePolicy", "default_layer_dtype", "dtype_policy", "set_dtype_policy"]
