"""Crossentropy, KL divergence, Poisson and hinge metrics (means of the loss functions)."""

from __future__ import annotations

from minikeras.losses import hinge_losses as hl
from minikeras.losses import losses as cl
from minikeras.losses import regression_losses as rl
from minikeras.metrics.metric import MeanMetricWrapper
from minikeras.metrics.regression_metrics import _np


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary crossentropy (`from_logits`, `label_smoothing`)."""

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            _np(cl.binary_crossentropy),
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical crossentropy (`from_logits`, `label_smoothing`, `axis`)."""

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            _np(cl.categorical_crossentropy),
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical crossentropy (`from_logits`, `ignore_class`, `axis`)."""

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            _np(cl.sparse_categorical_crossentropy),
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        import numpy as np

        from minikeras.backend.autodiff import value_of

        values = self._fn(
            np.asarray(value_of(y_true)), np.asarray(value_of(y_pred)), **self._fn_kwargs
        )
        super(MeanMetricWrapper, self).update_state(values, sample_weight)


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(_np(rl.kl_divergence), name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Mean Poisson loss."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(_np(rl.poisson), name=name, dtype=dtype)


class Hinge(MeanMetricWrapper):
    """Mean hinge loss."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(_np(hl.hinge), name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(_np(hl.squared_hinge), name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(_np(hl.categorical_hinge), name=name, dtype=dtype)
