"""`Sequential`: a linear stack of layers."""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.backend.autodiff import Tensor
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.core.input_layer import InputLayer
from minikeras.layers.layer import Layer
from minikeras.models.model import Model

_BASE_COMPUTE_MASK = Layer.compute_mask


def _while_building(exc: Exception, layer, model, shape) -> Exception:
    """`exc` with the layer being built named; its meaning (type) kept where it can be."""
    if isinstance(exc, (ValueError, TypeError)) and layer.name in str(exc):
        return exc
    where = f"while building layer '{layer.name}' of {model.name} for input shape {shape}"
    if isinstance(exc, MemoryError):
        return ValueError(f"The layer's weights are too large to allocate ({where}).")
    if isinstance(exc, ArithmeticError):  # OverflowError, ZeroDivisionError from a config
        return ValueError(f"Invalid layer arguments: {exc} ({where})")
    try:
        return type(exc)(f"{exc} ({where})")
    except Exception:  # noqa: BLE001 - an exception class with a different constructor
        exc.add_note(where)
        return exc


class Sequential(Model):
    """A plain stack of layers, each with one input and one output.

    Args:
        layers: Optional list of layers to add.
        name: Model name (default `sequential`, `sequential_1`, ...).

    Example:
        >>> model = Sequential()
        >>> model.add(Dense(10, input_dim=2))
        >>> model.add(Activation("tanh"))
        >>> model.summary()
    """

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._input_layer: InputLayer | None = None
        self.inputs: list = []
        self.outputs: list = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    _is_graph_network = False

    @property
    def layers(self) -> list:
        """The layers, without the InputLayer (as in Keras)."""
        return [lay for lay in self._layers if not isinstance(lay, InputLayer)]

    def add(self, layer, rebuild=True) -> None:
        """Adds a layer on top of the stack.

        Args:
            layer: A `Layer` instance, or a KerasTensor made by `keras.Input`.

        Raises:
            TypeError: if `layer` is not a layer.
            ValueError: if a layer with the same name is already in the model.
        """
        if isinstance(layer, KerasTensor) and isinstance(layer._keras_history[0], InputLayer):
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer. "
                f"Received: layer={layer} of type {type(layer)}."
            )
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError(
                    "An InputLayer can only be added as the first layer of a Sequential model."
                )
            self._input_layer = layer
        elif any(lay.name == layer.name for lay in self._layers):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the "
                "`name` argument to pass a unique name."
            )
        elif not self._layers and layer._batch_input_shape is not None:
            self._input_layer = InputLayer(
                batch_shape=layer._batch_input_shape,
                dtype=layer.dtype if layer.dtype != "float32" else None,
                name=f"{layer.name}_input",
            )
            self._layers.append(self._input_layer)
        self._layers.append(layer)
        if rebuild and self.built and self.outputs and not isinstance(layer, InputLayer):
            x = layer(self.outputs[0])
            self.outputs = [x]
            self._output_shape_record = x.shape
            return
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        layers = self.layers
        if not layers:
            raise TypeError("There are no layers in the model.")
        layer = layers[-1]
        self._layers.remove(layer)
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        if self._input_layer is not None and self.layers:
            self.build(self._input_layer.batch_shape)

    def build(self, input_shape=None) -> None:
        """Builds every layer by propagating `input_shape` (batch dim included) through them."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError("You must provide an `input_shape` argument.")
            input_shape = self._input_layer.batch_shape
        input_shape = tuple(input_shape)
        if self._input_layer is None or self._input_layer.batch_shape != input_shape:
            if self._input_layer is not None:
                self._layers.remove(self._input_layer)
            self._input_layer = InputLayer(
                batch_shape=input_shape,
                name=f"{self.layers[0].name}_input" if self.layers else None,
            )
            self._layers.insert(0, self._input_layer)
        x = self._input_layer.output_tensor
        for layer in self.layers:
            try:
                x = layer(x)
            except Exception as exc:
                raise _while_building(exc, layer, self, x.shape) from exc
            if isinstance(x, (list, tuple)):
                raise ValueError(
                    "All layers in a Sequential model should have a single output tensor. For "
                    "multi-output layers, use the functional API."
                )
        self.inputs = [self._input_layer.output_tensor]
        self.outputs = [x]
        self._build_shapes = input_shape
        self._input_shape_record = input_shape
        self._output_shape_record = x.shape
        self.built = True

    def call(self, inputs, training=None, mask=None):
        x = inputs
        if self.inputs and not isinstance(x, (list, tuple, dict)):
            ref_shape = self.inputs[0].shape
            # Fast path: an array or tape tensor of the right rank is left as it is.
            if not (
                type(x) in (np.ndarray, Tensor)
                and ref_shape is not None
                and x.ndim == len(ref_shape)
            ):
                from minikeras.models.input_rank import adjust_input_rank

                x = adjust_input_rank(x, ref_shape)
        for layer in self._layers:  # `self.layers` without building a new list per call
            if isinstance(layer, InputLayer):
                continue
            if mask is not None and layer._call_has_mask:
                y = layer(x, training=training, mask=mask)
            else:
                y = layer(x, training=training)
            if mask is not None or type(layer).compute_mask is not _BASE_COMPUTE_MASK:
                mask = layer.compute_mask(x, mask)
            x = y
        self._output_masks = [mask]  # read by the trainer to mask the loss, as Keras does
        return x

    def _ensure_built_for(self, x) -> None:
        """Builds the model from the first data it sees (as Keras does)."""
        if self.built:
            return
        if not self.layers:
            raise ValueError(
                f"Sequential model '{self.name}' has no layers. Add layers before calling it."
            )
        shape = tuple(getattr(x, "shape", ()))
        self.build((None, *shape[1:]))

    def __call__(self, *args, **kwargs):
        if not self.built and args and not isinstance(args[0], (KerasTensor, list, dict)):
            self._ensure_built_for(args[0])
        return super().__call__(*args, **kwargs)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict:
        from minikeras.saving.serialization import serialize_keras_object

        layers = []
        if self._input_layer is not None:
            layers.append(serialize_keras_object(self._input_layer))
        layers.extend(serialize_keras_object(lay) for lay in self.layers)
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        if isinstance(config, list):  # very old Keras: a bare list of layers
            config = {"layers": config}
        model = cls(name=config.get("name"))
        layer_cfgs = config.get("layers", [])
        for cfg in layer_cfgs:
            layer = deserialize_keras_object(cfg, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
        if model._input_layer is None and config.get("build_input_shape"):
            shape = config["build_input_shape"]
            model.build((None, *shape[1:]))
        else:
            model._maybe_rebuild()
        if not model.built and len(layer_cfgs):
            warnings.warn(
                f"Sequential model '{model.name}' was restored without an input shape; it "
                "will be built on its first call.",
                stacklevel=2,
            )
        return model
