"""`Model`: a layer with training (`compile`/`fit`/...) and saving.

`Model(inputs, outputs)` builds a functional model; subclassing `Model` and
defining `call()` builds a subclassed model.
"""

from __future__ import annotations

from minikeras.layers.layer import Layer
from minikeras.legacy.model_methods import LegacyModelMethods
from minikeras.trainers.numpy_trainer import NumpyTrainer


def functional_init_arguments(args, kwargs) -> bool:
    """Whether `Model(...)` arguments describe a functional model (`inputs`, `outputs`)."""
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


def inject_functional_model_class(cls):
    """Makes `Functional` a base of `cls` in place of `Model` (as Keras does), so that
    `CustomModel(inputs, outputs)` is a functional model of class `CustomModel`."""
    from minikeras.models.functional import Functional

    if cls is Model:
        return Functional
    if issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(
        inject_functional_model_class(base) if issubclass(base, Model) else base
        for base in cls.__bases__
    )
    return cls


class Model(NumpyTrainer, LegacyModelMethods, Layer):
    """A model groups layers into an object with training and inference features.

    Two ways to make one:

    - Functional: `Model(inputs=x, outputs=y)` with `x = Input(...)`.
    - Subclassing: define layers in `__init__` and the forward pass in `call()`.

    Args:
        inputs: Functional inputs (KerasTensors made by `keras.Input`).
        outputs: Functional outputs.
        name: Model name.
    """

    _is_graph_network = False

    def __new__(cls, *args, **kwargs):
        if cls is Model and functional_init_arguments(args, kwargs):
            from minikeras.models.functional import Functional

            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if functional_init_arguments(args, kwargs):
            # `class CustomModel(keras.Model)` built as `CustomModel(inputs, outputs)`.
            from minikeras.models.functional import Functional

            inject_functional_model_class(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"{type(self).__name__}() received positional arguments {args!r}. A model "
                "takes `inputs` and `outputs` (a functional model) or keyword arguments "
                "only (`name=`, `trainable=`, `dtype=`)."
            )
        Layer.__init__(self, **kwargs)
        NumpyTrainer.__init__(self)

    def call(self, inputs, training=None, mask=None):
        raise NotImplementedError(
            f"Model {type(self).__name__} does not have a `call()` method implemented. "
            "Subclassed models must define `call(self, inputs, training=None)`."
        )

    def build(self, input_shape) -> None:
        """Builds a subclassed model by calling it on zeros of `input_shape`."""
        if self.built:
            return
        if type(self).call is Model.call:
            self.built = True
            return
        self.built = True  # the trial call below must not re-enter build()
        try:
            self._trial_outputs(
                tuple(input_shape) if not isinstance(input_shape, list) else input_shape
            )
        except Exception:
            self.built = False
            raise

    @property
    def layers(self) -> list:
        return list(self._layers)

    @property
    def stateful(self) -> bool:
        """Whether any layer keeps state between batches (a `stateful=True` RNN)."""
        return any(getattr(layer, "stateful", False) for layer in self._layers)

    def reset_states(self) -> None:
        """Resets the states of every stateful layer (Keras 2 `Model.reset_states`)."""
        for layer in self._layers:
            if hasattr(layer, "reset_states") and getattr(layer, "stateful", False):
                layer.reset_states()

    def get_layer(self, name=None, index=None):
        """Returns a layer by name or by index in `model.layers`.

        Raises:
            ValueError: if no such layer exists, listing the available names.
        """
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is None and name is None:
            raise ValueError("Provide either a layer name or layer index at `get_layer`.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[lay.name for lay in self.layers]}."
        )

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ) -> None:
        """Prints a string summary of the network in Keras 2's layout.

        Args:
            line_length: Total length of printed lines.
            positions: Relative or absolute column positions.
            print_fn: Function called with each line (default `print`).
            expand_nested: Whether to expand nested models.
            show_trainable: Whether to add a column with each layer's trainability.
            layer_range: `[first_name, last_name]` (regexes) to print a sub-range.
        """
        from minikeras.utils.summary_utils import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    @property
    def input_shape(self):
        if getattr(self, "inputs", None):
            shapes = [t.shape for t in self.inputs]
            return shapes if len(shapes) > 1 else shapes[0]
        return super().input_shape

    @property
    def output_shape(self):
        if getattr(self, "outputs", None):
            shapes = [t.shape for t in self.outputs]
            return shapes if len(shapes) > 1 else shapes[0]
        return super().output_shape

    @property
    def input(self):
        ins = getattr(self, "inputs", None)
        if ins:
            return ins if len(ins) > 1 else ins[0]
        return super().input

    @property
    def output(self):
        outs = getattr(self, "outputs", None)
        if outs:
            return outs if len(outs) > 1 else outs[0]
        return super().output

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        if "layers" in config and "input_layers" in config:
            from minikeras.models.functional import Functional

            return Functional.from_config(config, custom_objects)
        config = {k: v for k, v in config.items() if k not in ("dtype",)}
        return cls(**config)

    def to_json(self, **kwargs) -> str:
        """Returns the model architecture as a JSON string in Keras 2's format.

        Keras 2 JSON (`class_name`/`config`/`batch_input_shape`) is written by
        default because it is what the book's users and tf_keras reload; pass
        `keras_version=3` for Keras 3's flavour.
        """
        from minikeras.saving.json_format import model_to_json

        return model_to_json(self, **kwargs)

    def save(self, filepath, overwrite=True, save_format=None, **kwargs) -> None:
        """Saves the whole model: `.keras` (Keras 3 zip), or `.h5`/`.hdf5` (Keras 2 HDF5)."""
        from minikeras.saving.saving_api import save_model

        save_model(self, filepath, overwrite=overwrite, save_format=save_format, **kwargs)

    def save_weights(self, filepath, overwrite=True, save_format=None, **kwargs) -> None:
        """Saves the weights: `.weights.h5` (Keras 3), other `.h5` (Keras 2), `.npz`."""
        from minikeras.saving.saving_api import save_weights

        save_weights(self, filepath, overwrite=overwrite, save_format=save_format, **kwargs)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, **kwargs) -> None:
        """Loads weights saved by `save_weights` (layout detected from the file)."""
        from minikeras.saving.saving_api import load_weights

        load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch, **kwargs)
