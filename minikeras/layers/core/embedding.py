"""`Embedding`: turns integer indices into dense vectors of fixed size."""

from __future__ import annotations

import numpy as np

from minikeras import constraints, initializers, ops, regularizers
from minikeras.backend.autodiff import value_of
from minikeras.layers.layer import Layer
from minikeras.legacy.arguments import renamed_argument
from minikeras.ops import rnn as rnn_ops


class Embedding(Layer):
    """Maps positive integer indices to dense vectors: `embeddings[indices]`.

    Args:
        input_dim: Size of the vocabulary (largest index + 1).
        output_dim: Dimension of the dense embedding.
        embeddings_initializer: Initializer (default `uniform`, in [-0.05, 0.05]).
        embeddings_regularizer: Optional regularizer of the embeddings matrix.
        embeddings_constraint: Optional constraint of the embeddings matrix.
        mask_zero: Whether index 0 is padding to be masked in later layers
            (then index 0 cannot be used in the vocabulary).
        input_length: Keras 2 argument (sequence length); accepted with a
            DeprecationWarning and used as the input shape.

    Example:
        >>> Embedding(1000, 64)(np.zeros((32, 10), "int32")).shape
        (32, 10, 64)
    """

    def __init__(
        self,
        input_dim=None,
        output_dim=None,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        **kwargs,
    ):
        embeddings_initializer = renamed_argument(
            kwargs,
            "init",
            "embeddings_initializer",
            embeddings_initializer,
            default="uniform",
            owner="Embedding",
        )
        embeddings_regularizer = renamed_argument(
            kwargs,
            "W_regularizer",
            "embeddings_regularizer",
            embeddings_regularizer,
            default=None,
            owner="Embedding",
        )
        embeddings_constraint = renamed_argument(
            kwargs,
            "W_constraint",
            "embeddings_constraint",
            embeddings_constraint,
            default=None,
            owner="Embedding",
        )
        if kwargs.get("dropout"):
            raise ValueError(
                "Embedding(dropout=...) (Keras 1) is not supported; add a "
                "`SpatialDropout1D` layer after the Embedding instead."
            )
        kwargs.pop("dropout", None)
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            import warnings

            warnings.warn(
                "Argument `input_length` is deprecated. Just remove it.",
                DeprecationWarning,
                stacklevel=2,
            )
            if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
                length = input_length if isinstance(input_length, int) else None
                kwargs["input_shape"] = (length,)
        for key in (
            "activity_regularizer_placeholder",
            "quantization_config",
            "lora_rank",
            "lora_alpha",
            "sparse",
            "embeddings_dtype",
        ):
            kwargs.pop(key, None)
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, val in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(val, (int, np.integer)) or isinstance(val, bool) or val <= 0:
                raise ValueError(
                    f"Both `input_dim` and `output_dim` should be positive integers, received "
                    f"{arg}={val!r}."
                )
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            name="embeddings",
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def _symbolic_output_dtype(self, in_dtypes):
        return self.embeddings.dtype if self.built else self.dtype

    def call(self, inputs):
        return rnn_ops.embedding_lookup(self.embeddings, value_of(inputs))

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return np.asarray(value_of(inputs)) != 0

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def _trial_outputs(self, input_shape, dtypes=None):
        return self.compute_output_shape(input_shape)

    @classmethod
    def from_config(cls, config: dict):
        """Re-creates the layer from its config.

        Keras 2 files store `input_length` beside the input shape. The file is not the
        user's code, so it is translated here without the DeprecationWarning that the
        argument gets when a script passes it.
        """
        config = dict(config)
        length = config.pop("input_length", None)
        if length is not None and not any(
            k in config for k in ("batch_input_shape", "input_shape", "batch_shape")
        ):
            config["input_shape"] = (length if isinstance(length, int) else None,)
        return super().from_config(config)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
            }
        )
        return cfg


class Masking(Layer):
    """Masks timesteps whose features all equal `mask_value`.

    Following layers that support masking (RNNs, ...) skip those timesteps.

    Args:
        mask_value: The padding value (default 0.0).
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return np.any(np.asarray(value_of(inputs)) != self.mask_value, axis=-1)

    def call(self, inputs):
        keep = self.compute_mask(inputs)
        return ops.multiply(inputs, keep[..., None].astype(np.asarray(value_of(inputs)).dtype))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["mask_value"] = self.mask_value
        return cfg
