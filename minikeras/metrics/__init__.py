"""`minikeras.metrics`: stateful metrics and metric functions by Keras name."""

from __future__ import annotations

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
from minikeras.metrics.metric import Mean, MeanMetricWrapper, Metric, Sum

ALL_OBJECTS = {
    cls.__name__: cls
    for cls in (Metric, Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy,
                CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
                SparseTopKCategoricalAccuracy)
}
ALL_FUNCTIONS = {
    fn.__name__: fn
    for fn in (accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
               top_k_categorical_accuracy, sparse_top_k_categorical_accuracy)
}


def serialize(metric):
    """A Keras-style config of a metric."""
    if isinstance(metric, Metric):
        return {"module": "keras.metrics", "class_name": type(metric).__name__,
                "config": metric.get_config(), "registered_name": None}
    return getattr(metric, "__name__", str(metric))


def deserialize(config, custom_objects=None):
    """Returns the metric described by `config`."""
    if isinstance(config, dict):
        name = config.get("class_name")
        cls = ALL_OBJECTS.get(name)
        if cls is None:
            from minikeras.saving.object_registration import get_registered_object

            cls = get_registered_object(name, custom_objects)
        if cls is None:
            raise ValueError(f"Unknown metric: '{name}'.")
        cfg = dict(config.get("config", {}))
        if cls is MeanMetricWrapper:
            fn = get(cfg.pop("fn"), custom_objects)
            return MeanMetricWrapper(fn, **cfg)
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
        fn = ALL_FUNCTIONS.get(identifier)
        if fn is not None:
            return fn
        if identifier in ALL_OBJECTS:
            return ALL_OBJECTS[identifier]()
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
            f"{sorted(ALL_FUNCTIONS) + ['acc', 'mse', 'mae']}")
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
