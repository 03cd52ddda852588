"""`Lambda`: wraps an arbitrary function of tensors as a layer.

Functions are saved by name (registered functions, `keras.ops` and activation
functions). Python lambdas are saved as marshalled bytecode by Keras; loading
such a config is refused: minikeras never executes code read from a file.
"""

from __future__ import annotations

import inspect
import types

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.layers.layer import Layer

_BYTECODE_ERROR = (
    "Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda "
    "saved as marshalled bytecode. minikeras never executes code read from a file. Define the "
    "function in your code, register it with `@keras.saving.register_keras_serializable()` "
    "(or pass it in `custom_objects={{'{name}': fn}}`), and rebuild the layer with it."
)


def serialize_function(fn):
    """Keras 3 config of a function: by registered name or plain name; lambdas refused."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        raise ValueError(
            "Cannot serialize a `Lambda` layer wrapping a Python `lambda`: minikeras stores "
            "functions by name only (it never writes or reads bytecode). Use a named function "
            "registered with `@keras.saving.register_keras_serializable()`."
        )
    from minikeras.saving.object_registration import _GLOBAL_CUSTOM_OBJECTS

    name = fn.__name__
    for key, obj in _GLOBAL_CUSTOM_OBJECTS.items():
        if obj is fn and ">" in key:
            name = key
            break
    return {
        "module": "builtins",
        "class_name": "function",
        "config": name,
        "registered_name": "function",
    }


def deserialize_function(config, custom_objects=None, what="function"):
    """Finds a function from its Keras 2/3 config, never executing stored code.

    Raises:
        ValueError: for marshalled bytecode, or a name that cannot be resolved.
    """
    if callable(config):
        return config
    if isinstance(config, dict):
        if config.get("class_name") == "__lambda__":
            raise ValueError(_BYTECODE_ERROR.format(name=what))
        config = config.get("config")
    if isinstance(config, (list, tuple)):  # Keras 2: (bytecode, defaults, closure)
        raise ValueError(_BYTECODE_ERROR.format(name=what))
    if not isinstance(config, str):
        raise ValueError(f"Could not interpret the `{what}` of a Lambda layer: {config!r}")
    from minikeras import activations, ops
    from minikeras.saving.object_registration import get_registered_object

    for key in (config, config.split(">")[-1]):
        fn = get_registered_object(key, custom_objects)
        if fn is not None:
            return fn
    short = config.split(">")[-1]
    fn = getattr(ops, short, None) or activations.ALL_ACTIVATIONS.get(short)
    if fn is None:
        raise ValueError(
            f"Could not locate function '{config}' for a Lambda layer. Pass it in "
            "`custom_objects` or register it with `@keras.saving.register_keras_serializable()`."
        )
    return fn


class Lambda(Layer):
    """Wraps an arbitrary expression as a layer: `Lambda(lambda x: x ** 2)`.

    Args:
        function: The function to apply; it receives the inputs (and the
            `mask` / `training` keyword arguments if it accepts them).
        output_shape: Optional output shape (without batch axis) or a function
            of the input shape; inferred by running the function if omitted.
        mask: Optional output mask, or a function `(inputs, mask) -> mask`.
        arguments: Optional dict of keyword arguments passed to `function`.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        kwargs.pop("function_type", None)
        kwargs.pop("module", None)
        kwargs.pop("output_shape_type", None)
        kwargs.pop("output_shape_module", None)
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(
                f"Argument `function` of Lambda must be callable. Received: {function!r}"
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        params = inspect.signature(function).parameters if _has_signature(function) else {}
        self._fn_mask = "mask" in params
        self._fn_training = "training" in params
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_mask:
            kwargs["mask"] = mask
        if self._fn_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask if self.mask is not None else mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            from minikeras.layers.layer import _to_keras_tensors
            from minikeras.ops.operation import concrete_like

            probe = _to_keras_tensors(input_shape, self.dtype)
            outs = []
            with np.errstate(all="ignore"):
                for fill in (2, 3):
                    outs.append(self.call(concrete_like(probe, fill)))
            return _merge_shapes(outs[0], outs[1])
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        shape = tuple(self._output_shape)
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch, *shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["function"] = serialize_function(self.function)
        if self._output_shape is not None:
            cfg["output_shape"] = (
                serialize_function(self._output_shape)
                if callable(self._output_shape)
                else list(self._output_shape)
            )
        if self.mask is not None:
            cfg["mask"] = (
                serialize_function(self.mask)
                if callable(self.mask)
                else np.asarray(value_of(self.mask)).tolist()
            )
        cfg["arguments"] = self.arguments
        return cfg

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        if config.get("function_type") == "lambda":
            raise ValueError(_BYTECODE_ERROR.format(name="function"))
        config["function"] = deserialize_function(config["function"], custom_objects)
        shape = config.get("output_shape")
        if config.get("output_shape_type") == "lambda":
            raise ValueError(_BYTECODE_ERROR.format(name="output_shape"))
        if isinstance(shape, dict) or (isinstance(shape, str)):
            config["output_shape"] = deserialize_function(shape, custom_objects, "output_shape")
        elif isinstance(shape, list) and shape and isinstance(shape[0], str):
            raise ValueError(_BYTECODE_ERROR.format(name="output_shape"))
        mask = config.get("mask")
        if isinstance(mask, dict):
            config["mask"] = deserialize_function(mask, custom_objects, "mask")
        return cls(**config)


def _has_signature(fn) -> bool:
    try:
        inspect.signature(fn)
        return True
    except (TypeError, ValueError):
        return False


def _merge_shapes(a, b):
    if isinstance(a, (list, tuple)):
        return [_merge_shapes(x, y) for x, y in zip(a, b)]
    sa, sb = np.shape(value_of(a)), np.shape(value_of(b))
    return tuple(x if x == y else None for x, y in zip(sa, sb))
