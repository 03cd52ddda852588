"""`Layer`: the base class of every layer and model.

A layer stores its configuration in `__init__`, creates its weights in
`build(input_shape)` with `add_weight`, and computes its output in `call()`
by composing `minikeras.ops`. Layers contain no gradient code.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from minikeras import constraints as constraints_mod
from minikeras import initializers as initializers_mod
from minikeras import regularizers as regularizers_mod
from minikeras.backend import autocast, config
from minikeras.backend.autodiff import Tensor, recorded_or_value, value_of
from minikeras.backend.eager_tensor import EagerTensor, as_eager
from minikeras.backend.keras_tensor import KerasTensor, any_symbolic
from minikeras.backend.memory import (
    check_weight_allocation,
    defer_initializer,
    weights_come_from_file,
)
from minikeras.backend.variable import Variable
from minikeras.layers import call_context
from minikeras.layers.symbolic_mask import attach_symbolic_mask
from minikeras.ops.operation import Operation

_LEGACY_BASE_KWARGS = (
    "input_dim",
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "weights",
    "input_dtype",
    "autocast",
)


def _shape_of(x):
    if isinstance(x, (list, tuple)):
        return [_shape_of(e) for e in x]
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


class Layer(Operation):
    """Base class for layers: an `Operation` with weights, state and a config.

    Args:
        activity_regularizer: Optional regularizer applied to the layer's output.
        trainable: Whether the layer's weights are updated by training.
        dtype: The layer's dtype (default `floatx()`); a Keras 3 `DTypePolicy`
            config dict is accepted too.
        name: Layer name; a unique snake_case name of the class is made if None.
        **kwargs: Legacy Keras 2 arguments `input_shape`, `input_dim`,
            `batch_input_shape`, `batch_size` (used by the first layer of a
            `Sequential`) and `weights` (initial weight values).
    """

    # Whether `compute_output_spec` takes the call's other arguments after `inputs`.
    _spec_takes_call_args = False

    def __init__(
        self, *, activity_regularizer=None, trainable=True, dtype=None, name=None, **kwargs
    ):
        object.__setattr__(self, "_layers", [])
        self._trainable_variables: list[Variable] = []
        self._non_trainable_variables: list[Variable] = []
        self._losses: list = []
        self._trainable = bool(trainable)
        self.built = False
        self.supports_masking = getattr(self, "supports_masking", False)
        if dtype is None:
            from minikeras.dtype_policies import default_layer_dtype

            dtype = default_layer_dtype()
        elif hasattr(dtype, "compute_dtype"):
            dtype = dtype.compute_dtype
        self.dtype = config.standardize_dtype(dtype)
        self.activity_regularizer = regularizers_mod.get(activity_regularizer)
        self._batch_input_shape = None
        self._initial_weights = kwargs.pop("weights", None)
        self._autocast = bool(kwargs.pop("autocast", True))
        kwargs.pop("input_dtype", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_size = kwargs.pop("batch_size", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
            self._batch_input_shape = (batch_size, *shape)
        elif input_dim is not None:
            self._batch_input_shape = (batch_size, int(input_dim))
        Operation.__init__(self, name=name)
        self._build_shapes = None
        self._output_shape_record = None
        self._input_shape_record = None
        cls = type(self)
        if "_call_signature" not in cls.__dict__:
            params = inspect.signature(cls.call).parameters
            cls._call_signature = params
            cls._call_has_training = "training" in params
            cls._call_has_mask = "mask" in params
            # A layer that makes a mask from its inputs alone (Embedding, Masking).
            cls._mask_source = cls.compute_mask is not Layer.compute_mask and not cls._call_has_mask
            cls._call_has_var_kwargs = any(
                p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
            )

    # ------------------------------------------------------------------ tracking

    def __setattr__(self, name, value):
        if not name.startswith("_") or name in ("_layers",):
            layers = self.__dict__.get("_layers")
            if layers is not None:
                if isinstance(value, Layer) and value is not self and value not in layers:
                    layers.append(value)
                elif (
                    isinstance(value, (list, tuple))
                    and value
                    and all(isinstance(v, Layer) for v in value)
                ):
                    for v in value:
                        if v not in layers:
                            layers.append(v)
        object.__setattr__(self, name, value)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def variables(self) -> list[Variable]:
        return self.weights

    @property
    def weights(self) -> list[Variable]:
        """All weights: own trainable, own non-trainable, then sub-layers'."""
        out = self._trainable_variables + self._non_trainable_variables
        if not self._layers:
            return out
        seen = {id(v) for v in out}
        for layer in self._layers:
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return []
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return self.weights
        return [w for w in self.weights if not w.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        """Returns copies of the weight values, in `layer.weights` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Sets the weight values from a list of arrays in `layer.weights` order.

        Raises:
            ValueError: if the count or a shape does not match, naming the weight.
        """
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list "
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights."
            )
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if p.shape != w.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {p.shape} is not compatible with provided "
                    f"weight shape {w.shape} (weight '{p.path}')."
                )
        for p, w in zip(params, weights):
            p.assign(w)

    def count_params(self) -> int:
        """Number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer "
                "isn't built. You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    def add_weight(
        self,
        shape=None,
        /,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation=None,
        name=None,
        **kwargs,
    ) -> Variable:
        """Creates a weight variable owned by this layer.

        Accepts the Keras 3 keyword order and the Keras 2 one (`name` first,
        given positionally as a string: `add_weight("kernel", shape=...)`).

        Args:
            shape: Weight shape (default scalar).
            initializer: Initializer object or name (default `glorot_uniform` for
                floats, `zeros` otherwise).
            dtype: Weight dtype (default the layer dtype).
            trainable: Whether training updates it.
            regularizer: Optional regularizer; its penalty joins `layer.losses`.
            constraint: Optional constraint applied after each optimizer update.
            name: Short weight name (e.g. `"kernel"`).

        Returns:
            The new `Variable`.
        """
        shape_keyword = kwargs.pop("shape", None)
        if isinstance(shape, str):  # Keras 2 positional `add_weight(name, shape, ...)`
            if name is not None:
                raise TypeError("add_weight() got multiple values for argument 'name'")
            name, shape = shape, initializer
            initializer = kwargs.pop("initializer", None)
        if shape_keyword is not None:
            if shape is not None:
                raise TypeError("add_weight() got multiple values for argument 'shape'")
            shape = shape_keyword
        kwargs.pop("use_resource", None)
        kwargs.pop("synchronization", None)
        kwargs.pop("partitioner", None)
        if kwargs:
            raise TypeError(f"add_weight() got unexpected keyword arguments: {sorted(kwargs)}")
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = config.standardize_dtype(dtype or self.dtype)
        if initializer is None:
            initializer = "glorot_uniform" if np.dtype(dtype).kind == "f" else "zeros"
        init = initializers_mod.get(initializer)
        name = name or "variable"
        check_weight_allocation(f"{self.name}/{name}", shape, dtype)
        if weights_come_from_file():  # a model being loaded: the file gives the values
            var = Variable(
                None,
                shape=(),
                dtype=dtype,
                trainable=trainable and self._trainable,
                name=name,
                path=f"{self.name}/{name}",
            )
            var.value = np.zeros(shape, dtype)  # pages untouched until the values land
            defer_initializer(var, init)
        else:
            var = Variable(
                init,
                shape=shape,
                dtype=dtype,
                trainable=trainable and self._trainable,
                name=name,
                path=f"{self.name}/{name}",
            )
        var.regularizer = regularizers_mod.get(regularizer)
        var.constraint = constraints_mod.get(constraint)
        if trainable:
            self._trainable_variables.append(var)
        else:
            self._non_trainable_variables.append(var)
        return var

    # ------------------------------------------------------------------ losses

    @property
    def losses(self) -> list:
        """Regularization penalties of all weights plus losses added in the last call."""
        out = list(self._losses)
        for w in self.weights:
            if w.regularizer is not None and w.trainable:
                out.append(w.regularizer(w))
        for layer in self._layers:
            out.extend(layer._losses_from_calls())
        return out

    def _losses_from_calls(self) -> list:
        out = list(self._losses)
        for layer in self._layers:
            out.extend(layer._losses_from_calls())
        return out

    def add_loss(self, loss) -> None:
        """Adds a loss tensor (e.g. an activity penalty) computed in `call()`."""
        self._losses.append(loss)

    def _clear_losses(self) -> None:
        if self._losses:
            self._losses = []
        for layer in self._layers:
            layer._clear_losses()

    # ------------------------------------------------------------------ build & call

    def build(self, input_shape) -> None:
        """Creates the layer's weights for inputs of `input_shape`."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's computation; override in subclasses."""
        return inputs

    def _maybe_build(self, input_shape) -> None:
        if self.built:
            return
        self._build_shapes = input_shape
        self.build(input_shape)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def __call__(self, *args, **kwargs):
        if args:
            inputs, args = args[0], args[1:]
        elif "inputs" in kwargs:
            inputs = kwargs.pop("inputs")
        else:
            raise ValueError(f"Layer '{self.name}' was called without inputs.")
        in_mask = None
        if type(inputs) is np.ndarray or type(inputs) is Tensor:  # fast path: no symbols
            if inputs.dtype.kind == "f" and inputs.dtype != self.dtype:
                inputs = self._standardize_inputs(inputs)
        else:
            if any_symbolic(inputs):
                return self.symbolic_call(inputs, *args, **kwargs)
            in_mask = _attached_mask(inputs)  # Keras passes an input's mask on
            if self._call_has_mask and kwargs.get("mask") is None and in_mask is not None:
                kwargs["mask"] = in_mask
            inputs = self._standardize_inputs(inputs)
        if not self.built:
            self._check_input_rank(inputs)
            self._maybe_build(_shape_of(inputs))
        training = kwargs.get("training")
        if self._call_has_training:
            if training is None:
                kwargs["training"] = call_context.training()
        elif "training" in kwargs and not self._call_has_var_kwargs:
            del kwargs["training"]
        if "mask" in kwargs and not self._call_has_mask and not self._call_has_var_kwargs:
            del kwargs["mask"]
        depth = call_context.depth
        if not depth[0]:  # the outermost call: a new forward pass, new `add_loss` terms
            self._clear_losses()
        outer = call_context.saved()
        try:
            call_context.enter(training, nested=True)
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            call_context.exit(outer)
        if self.activity_regularizer is not None:
            from minikeras import ops

            self.add_loss(
                ops.divide(
                    self.activity_regularizer(outputs), float(np.shape(value_of(outputs))[0] or 1)
                )
            )
        mask = kwargs.get("mask")
        mask = in_mask if mask is None else mask
        if (self._mask_source or mask is not None) and (not depth[0] or type(outputs) is Tensor):
            # Inside a model the graph carries masks; the user's own call gets `_keras_mask`.
            outputs = self._attach_mask(inputs, outputs, mask)
        if not depth[0] and type(outputs) is np.ndarray:
            return EagerTensor(outputs)  # handed to user code: a TensorFlow-style tensor
        return outputs

    def _attach_mask(self, inputs, outputs, mask):
        """Sets `_keras_mask` on the output of a layer that computes a mask, as Keras does."""
        if not (self.supports_masking or type(self).compute_mask is not Layer.compute_mask):
            return outputs
        out_mask = self.compute_mask(inputs, mask)
        if out_mask is None:
            return outputs
        if isinstance(outputs, (list, tuple)):  # one mask per output (e.g. a split)
            if not isinstance(out_mask, (list, tuple)) or len(out_mask) != len(outputs):
                return outputs
            return type(outputs)(
                _with_mask(o, m) if isinstance(o, (np.ndarray, Tensor, EagerTensor)) else o
                for o, m in zip(outputs, out_mask)
            )
        if not isinstance(outputs, (np.ndarray, Tensor, EagerTensor)):
            return outputs
        return _with_mask(outputs, out_mask)

    def _standardize_inputs(self, inputs):
        if type(inputs) is EagerTensor:
            inputs = recorded_or_value(inputs)  # a watched tensor stays on the tape
        if isinstance(inputs, (np.ndarray, Tensor)):
            # Keras autocasting: floating inputs take the layer's float dtype.
            if (
                inputs.dtype.kind == "f"
                and inputs.dtype != self.dtype
                and np.dtype(self.dtype).kind == "f"
                and getattr(self, "_autocast", True)
                and autocast.enabled()
            ):
                from minikeras import ops

                return ops.cast(inputs, self.dtype)
            return inputs
        if isinstance(inputs, Variable):
            return inputs
        if isinstance(inputs, (list, tuple)):
            if inputs and all(isinstance(e, (int, float, np.number)) for e in inputs):
                return np.asarray(inputs, dtype=self.dtype)
            return type(inputs)(self._standardize_inputs(e) for e in inputs)
        if isinstance(inputs, dict):
            return {k: self._standardize_inputs(v) for k, v in inputs.items()}
        if isinstance(inputs, (int, float, np.number)):
            return np.asarray(inputs, dtype=self.dtype)
        return inputs

    def _check_input_rank(self, inputs) -> None:
        """Hook for layers that validate input rank before building."""

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs; by default the input mask if masking is supported."""
        return mask if self.supports_masking else None

    # ------------------------------------------------------------------ shapes

    def compute_output_shape(self, input_shape):
        """Output shape for `input_shape`; by default found by running `call` on zeros.

        Unknown (`None`) dimensions are tried at two sizes; a dimension that
        changes with them is reported as `None`.
        """
        specs = self._trial_outputs(input_shape)
        return specs

    def _trial_outputs(self, input_shape, dtypes=None):
        def concrete(shape, fill, dtype):
            if isinstance(shape, (list, dict)) or (
                isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))
            ):
                if isinstance(shape, dict):
                    return {
                        k: concrete(v, fill, dtype[k] if isinstance(dtype, dict) else dtype)
                        for k, v in shape.items()
                    }
                dts = dtype if isinstance(dtype, (list, tuple)) else [dtype] * len(shape)
                return [concrete(s, fill, d) for s, d in zip(shape, dts)]
            dims = tuple(fill if d is None else d for d in shape)
            return np.zeros(dims, dtype=dtype or self.dtype)

        if not self.built:
            self._maybe_build(input_shape)
        outs = []
        saved_losses = list(self._losses)
        for fill in (2, 3):
            x = concrete(input_shape, fill, dtypes)
            outer = call_context.saved()
            try:
                call_context.enter(False)
                kwargs = {"training": False} if self._call_has_training else {}
                try:
                    outs.append(self.call(x, **kwargs))
                except Exception:
                    # A `call(inputs, mask=None)` that needs the mask a masking layer
                    # upstream gives it: try once more with an all-True mask.
                    if not (self._call_has_mask and type(x) is np.ndarray and x.ndim >= 2):
                        raise
                    outs.append(self.call(x, mask=np.ones(x.shape[:-1], bool), **kwargs))
            finally:
                call_context.exit(outer)
        self._clear_losses()
        self._losses = saved_losses

        def merge(a, b):
            if isinstance(a, (list, tuple)):
                return [merge(x, y) for x, y in zip(a, b)]
            if isinstance(a, dict):
                return {k: merge(a[k], b[k]) for k in a}
            sa, sb = np.shape(value_of(a)), np.shape(value_of(b))
            return tuple(x if x == y else None for x, y in zip(sa, sb))

        return merge(outs[0], outs[1])

    def _output_dtypes(self, outputs):
        if isinstance(outputs, (list, tuple)):
            return [self._output_dtypes(o) for o in outputs]
        return np.asarray(value_of(outputs)).dtype.name

    def compute_output_spec(self, inputs):
        """KerasTensor(s) describing the output for symbolic `inputs`."""
        in_shape = _shape_of(inputs)
        in_dtypes = _dtypes_of(inputs)
        if not self.built:
            self._maybe_build(in_shape)
        try:
            shape = self.compute_output_shape(in_shape)
        except NotImplementedError:
            shape = self._trial_outputs(in_shape, in_dtypes)
        dtype = self._symbolic_output_dtype(in_dtypes)
        return _to_keras_tensors(shape, dtype)

    def _symbolic_output_dtype(self, in_dtypes):
        return self.dtype

    def symbolic_call(self, inputs, *args, **kwargs):
        """Builds the layer if needed, infers its outputs and records the graph node."""
        if not self.built:
            self._maybe_build(_shape_of(inputs))
        if self._spec_takes_call_args:  # e.g. attention: `value`, `return_attention_scores`
            outputs = self.compute_output_spec(inputs, *args, **kwargs)
        else:
            outputs = self.compute_output_spec(inputs)
        self._record_node(inputs, outputs, args, kwargs)
        self._input_shape_record = _shape_of(inputs)
        self._output_shape_record = _shape_of(outputs)
        attach_symbolic_mask(self, inputs, outputs)
        return outputs

    def _record_shapes(self, input_shape, output_shape) -> None:
        self._input_shape_record = input_shape
        self._output_shape_record = output_shape

    @property
    def input_shape(self):
        if self._input_shape_record is None:
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no defined input shape."
            )
        return _plain_shape(self._input_shape_record)

    @property
    def output_shape(self):
        if self._output_shape_record is None:
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no defined output shape."
            )
        return _plain_shape(self._output_shape_record)

    # ------------------------------------------------------------------ config

    def get_config(self) -> dict:
        """The layer's constructor arguments as a JSON-friendly dict."""
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = list(self._batch_input_shape)
        if (
            self.activity_regularizer is not None
            and "activity_regularizer" in inspect.signature(type(self).__init__).parameters
        ):
            cfg["activity_regularizer"] = regularizers_mod.serialize(self.activity_regularizer)
        auto = self.__dict__.get("_auto_config")
        if auto is not None:
            recorded, skipped = auto
            if skipped and type(self).get_config is Layer.get_config:
                warnings.warn(
                    f"Layer '{self.name}' ({type(self).__name__}) has constructor arguments "
                    f"that cannot be serialized: {skipped}. They are left out of its config; "
                    "override `get_config()` to save them.",
                    UserWarning,
                    stacklevel=2,
                )
            cfg = {**recorded, **cfg}
        return cfg

    @classmethod
    def from_config(cls, config: dict):
        """Creates a layer from `get_config()` output (Keras 2 or Keras 3 flavour)."""
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        return cls(**config)

    def get_build_config(self) -> dict | None:
        if self._build_shapes is None:
            return None
        return {"input_shape": _json_shape(self._build_shapes)}

    def build_from_config(self, config: dict | None) -> None:
        if config and config.get("input_shape") is not None and not self.built:
            shape = config["input_shape"]
            if isinstance(shape, list) and shape and isinstance(shape[0], list):
                shape = [tuple(s) for s in shape]
            else:
                shape = tuple(shape)
            self._maybe_build(shape)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _dtypes_of(x):
    if isinstance(x, (list, tuple)):
        return [_dtypes_of(e) for e in x]
    if isinstance(x, dict):
        return {k: _dtypes_of(v) for k, v in x.items()}
    return (
        getattr(x, "dtype", None)
        if isinstance(x, KerasTensor)
        else np.asarray(value_of(x)).dtype.name
    )


def _to_keras_tensors(shape, dtype):
    if isinstance(shape, list) or (
        isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))
    ):
        return [_to_keras_tensors(s, dtype) for s in shape]
    if isinstance(shape, dict):
        return {k: _to_keras_tensors(s, dtype) for k, s in shape.items()}
    return KerasTensor(shape, dtype=dtype)


def _plain_shape(shape):
    if isinstance(shape, list):
        return [_plain_shape(s) for s in shape]
    return tuple(shape)


def _json_shape(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [list(s) for s in shape]
    return list(shape)


def deprecated_argument(layer_name: str, old: str, new: str) -> None:
    """Warns that a Keras 1/2 argument name was translated to its current name."""
    warnings.warn(
        f"`{old}` is deprecated in {layer_name}; use `{new}` instead.",
        DeprecationWarning,
        stacklevel=3,
    )


def eager_result(outputs):
    """`outputs` as user code receives them: an array from an outermost call is an `EagerTensor`.

    For layers that override `__call__` (preprocessing); calls made inside a
    model or layer keep plain arrays.
    """
    if type(outputs) is np.ndarray and not call_context.depth[0]:
        return EagerTensor(outputs)
    return outputs


def _with_mask(output, mask):
    """`output` (an array made an `EagerTensor`) carrying `mask` as `_keras_mask`."""
    if type(output) is np.ndarray:
        output = EagerTensor(output)
    if mask is not None:
        output._keras_mask = as_eager(value_of(mask))
    return output


def _attached_mask(inputs):
    """The `_keras_mask` an eager input carries, or None."""
    if type(inputs) is EagerTensor or type(inputs) is Tensor:
        return getattr(inputs, "_keras_mask", None)
    return None
