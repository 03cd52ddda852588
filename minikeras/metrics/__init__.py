"""`minikeras.metrics`: stateful metrics and metric functions by Keras name."""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING

from minikeras.metrics.metric import Mean, MeanMetricWrapper, Metric, Sum
from minikeras.utils.lazy_imports import lazy_imports as _lazy_imports
from minikeras.utils.module_lookup import class_by_name, serialize_keras_object

if TYPE_CHECKING:
    # Keras exports the per-sample loss functions under `keras.metrics` too (plus Keras 2's
    # short spellings); as metrics they are averaged by `MeanMetricWrapper`.
    from minikeras.losses import (
        KLD,
        MAE,
        MAPE,
        MSE,
        MSLE,
        binary_crossentropy,
        binary_focal_crossentropy,
        categorical_crossentropy,
        categorical_focal_crossentropy,
        categorical_hinge,
        hinge,
        huber,
        kl_divergence,
        kld,
        kullback_leibler_divergence,
        log_cosh,
        logcosh,
        mae,
        mape,
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_squared_error,
        mean_squared_logarithmic_error,
        mse,
        msle,
        poisson,
        sparse_categorical_crossentropy,
        squared_hinge,
    )
    from minikeras.metrics.accuracy_metrics import (
        Accuracy,
        BinaryAccuracy,
        CategoricalAccuracy,
        SparseCategoricalAccuracy,
        SparseTopKCategoricalAccuracy,
        TopKCategoricalAccuracy,
        accuracy,
        binary_accuracy,
        categorical_accuracy,
        sparse_categorical_accuracy,
        sparse_top_k_categorical_accuracy,
        top_k_categorical_accuracy,
    )
    from minikeras.metrics.auc import AUC
    from minikeras.metrics.confusion_metrics import (
        FalseNegatives,
        FalsePositives,
        Precision,
        Recall,
        TrueNegatives,
        TruePositives,
    )
    from minikeras.metrics.correlation_metrics import (
        ConcordanceCorrelation,
        PearsonCorrelation,
        concordance_correlation,
        pearson_correlation,
    )
    from minikeras.metrics.f_score_metrics import F1Score, FBetaScore
    from minikeras.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
    from minikeras.metrics.probabilistic_metrics import (
        BinaryCrossentropy,
        CategoricalCrossentropy,
        CategoricalHinge,
        Hinge,
        KLDivergence,
        Poisson,
        SparseCategoricalCrossentropy,
        SquaredHinge,
    )
    from minikeras.metrics.regression_metrics import (
        CosineSimilarity,
        LogCoshError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredError,
        MeanSquaredLogarithmicError,
        R2Score,
        RootMeanSquaredError,
    )
    from minikeras.metrics.sensitivity_metrics import (
        PrecisionAtRecall,
        RecallAtPrecision,
        SensitivityAtSpecificity,
        SpecificityAtSensitivity,
    )

__getattr__, __dir__ = _lazy_imports(__name__)


_CLASS_NAMES = (
    "Metric",
    "Mean",
    "Sum",
    "MeanMetricWrapper",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "MeanSquaredError",
    "RootMeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "CosineSimilarity",
    "LogCoshError",
    "R2Score",
    "AUC",
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "PrecisionAtRecall",
    "Recall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    "TrueNegatives",
    "TruePositives",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "KLDivergence",
    "Poisson",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "F1Score",
    "FBetaScore",
    "IoU",
    "BinaryIoU",
    "MeanIoU",
    "OneHotIoU",
    "OneHotMeanIoU",
    "PearsonCorrelation",
    "ConcordanceCorrelation",
)

_FUNCTION_NAMES = (
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "pearson_correlation",
    "concordance_correlation",
)

# Keras 3 resolves both class names and their snake_case spellings, plus a few aliases
_ALIASES = {
    "bce": "BinaryCrossentropy",
    "BCE": "BinaryCrossentropy",
    "mse": "MeanSquaredError",
    "MSE": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "MAE": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError",
    "MAPE": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError",
    "MSLE": "MeanSquaredLogarithmicError",
    "rmse": "RootMeanSquaredError",
}


@functools.cache
def _tables() -> tuple[dict, dict, dict]:
    """`(classes by name, classes by every accepted name, functions by name)`; building
    them imports every metric module, so it waits for the first lookup."""
    from minikeras.utils.naming import to_snake_case

    package = sys.modules[__name__]
    classes = {name: getattr(package, name) for name in _CLASS_NAMES}
    by_name = dict(classes)
    by_name.update({to_snake_case(name): cls for name, cls in classes.items()})
    by_name.update({alias: classes[name] for alias, name in _ALIASES.items()})
    functions = {name: getattr(package, name) for name in _FUNCTION_NAMES}
    return classes, by_name, functions


def serialize(metric):
    """A Keras-style config of a metric."""
    if isinstance(metric, Metric):
        return serialize_keras_object(metric, "keras.metrics")
    return getattr(metric, "__name__", str(metric))


def deserialize(config, custom_objects=None):
    """Returns the metric described by `config`."""
    if isinstance(config, dict):
        cls = class_by_name(
            config.get("class_name"), "metric", _tables()[0], custom_objects=custom_objects
        )
        cfg = dict(config.get("config", {}))
        if cls is MeanMetricWrapper and "fn" in cfg:
            from minikeras.saving.function_refs import deserialize_function

            cfg["fn"] = deserialize_function(cfg["fn"], custom_objects)
        return cls.from_config(cfg)
    return get(config, custom_objects)


def get(identifier, custom_objects=None):
    """Returns a metric function or object from a name, dict, function or instance.

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        if custom_objects and identifier in custom_objects:
            return custom_objects[identifier]
        classes, by_name, functions = _tables()
        cls = by_name.get(identifier)
        if cls is not None and cls not in (Metric, Mean, Sum, MeanMetricWrapper):
            return cls()
        fn = functions.get(identifier)
        if fn is not None:
            return fn
        if identifier in classes:
            return classes[identifier]()
        from minikeras import losses

        try:
            return losses.get(identifier)
        except ValueError:
            pass
        from minikeras.saving.object_registration import get_registered_object

        found = get_registered_object(identifier)
        if found is not None:
            return found
        raise ValueError(
            f"Could not interpret metric identifier: {identifier!r}. Valid names include: "
            f"{sorted(k for k in by_name if k[0].islower())}"
        )
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
