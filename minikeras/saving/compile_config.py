"""What `compile()` was given, as Keras writes it (`compile_config` / `training_config`).

- Keras 3 `.keras`/JSON: `compile_config` = `{"optimizer": {module, class_name, config,
  registered_name}, "loss", "loss_weights", "metrics", "weighted_metrics", ...}`.
- Keras 2 `.h5`: `training_config` = `{"loss", "metrics", "weighted_metrics",
  "loss_weights", "optimizer_config": {"class_name": "Custom>Adam", "config": {...}}}`
  (tf_keras 2.21 spelling; Keras 3's legacy `.h5` uses plain class names and
  metric strings). Both are read; metrics given as `[[{MeanMetricWrapper ...}]]`
  are turned back into the names the user compiled with.
"""

from __future__ import annotations

_BASE_KEYS = (
    "name",
    "learning_rate",
    "weight_decay",
    "clipnorm",
    "global_clipnorm",
    "clipvalue",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
    "loss_scale_factor",
    "gradient_accumulation_steps",
)
_LOSS_ALIASES = {
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
}
_KERAS2_BASE = (
    "name",
    "weight_decay",
    "clipnorm",
    "global_clipnorm",
    "clipvalue",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
)


def _serialize_loss(loss):
    from minikeras import losses

    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        return {k: _serialize_loss(v) for k, v in loss.items()}
    if isinstance(loss, (list, tuple)):
        return [_serialize_loss(v) for v in loss]
    return losses.serialize(loss)


def _serialize_metrics(metrics):
    from minikeras import metrics as metrics_mod

    if metrics is None or isinstance(metrics, str):
        return metrics
    if isinstance(metrics, dict):
        return {k: _serialize_metrics(v) for k, v in metrics.items()}
    if isinstance(metrics, (list, tuple)):
        return [_serialize_metrics(v) for v in metrics]
    return metrics_mod.serialize(metrics)


def compile_config_of(model) -> dict | None:
    """Keras 3 `compile_config` of a compiled model, or None."""
    from minikeras import optimizers

    spec = getattr(model, "_compile_config", None)
    if not getattr(model, "compiled", False) or spec is None:
        return None
    return {
        "optimizer": optimizers.serialize(model.optimizer),
        "loss": _serialize_loss(spec.get("loss")),
        "loss_weights": spec.get("loss_weights"),
        "metrics": _serialize_metrics(spec.get("metrics")),
        "weighted_metrics": _serialize_metrics(spec.get("weighted_metrics")),
        "run_eagerly": False,
        "steps_per_execution": 1,
        "jit_compile": False,
    }


def keras2_optimizer_config(optimizer) -> dict:
    """`{"class_name": "Custom>SGD", "config": {...}}` with tf_keras 2.21's keys."""
    from minikeras.utils.naming import to_snake_case

    cfg = optimizer.get_config()
    cls = type(optimizer).__name__
    name = cfg.get("name")
    if name in (None, cls.lower(), to_snake_case(cls)):
        name = cls  # tf_keras' default optimizer names are the class names
    out = {"name": name}
    out.update({k: cfg.get(k) for k in _KERAS2_BASE[1:]})
    out.update(
        {
            "jit_compile": False,
            "is_legacy_optimizer": False,
            "learning_rate": cfg.get("learning_rate"),
        }
    )
    out.update({k: v for k, v in cfg.items() if k not in _BASE_KEYS})
    return {"class_name": f"Custom>{cls}", "config": out}


def _canonical_loss_names(loss):
    """`"mse"` -> `"mean_squared_error"`: Keras 3 cannot read the aliases from `.h5`."""
    if isinstance(loss, str):
        return _LOSS_ALIASES.get(loss, loss)
    if isinstance(loss, dict) and "class_name" not in loss:
        return {k: _canonical_loss_names(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_canonical_loss_names(v) for v in loss]
    return loss


def training_config_of(model) -> dict | None:
    """Keras 2 `training_config` of a compiled model, or None."""
    spec = getattr(model, "_compile_config", None)
    if not getattr(model, "compiled", False) or spec is None:
        return None
    return {
        "loss": _canonical_loss_names(_serialize_loss(spec.get("loss"))),
        "metrics": _serialize_metrics(spec.get("metrics")),
        "weighted_metrics": _serialize_metrics(spec.get("weighted_metrics")),
        "loss_weights": spec.get("loss_weights"),
        "optimizer_config": keras2_optimizer_config(model.optimizer),
    }


def _read_loss(cfg, custom_objects):
    from minikeras import losses

    if cfg is None or isinstance(cfg, str):
        if isinstance(cfg, str) and custom_objects and cfg in custom_objects:
            return custom_objects[cfg]
        return cfg
    if isinstance(cfg, list):
        return [_read_loss(v, custom_objects) for v in cfg]
    if isinstance(cfg, dict) and "class_name" not in cfg:
        return {k: _read_loss(v, custom_objects) for k, v in cfg.items()}
    if isinstance(cfg, dict) and isinstance(cfg.get("config"), dict) and "fn" in cfg["config"]:
        # tf.keras 2.x wrote the function a built-in loss class wraps: implied by the class
        cfg = {**cfg, "config": {k: v for k, v in cfg["config"].items() if k != "fn"}}
    return losses.deserialize(cfg, custom_objects)


def _read_metric(cfg, custom_objects):
    from minikeras import metrics as metrics_mod

    if cfg is None or isinstance(cfg, str):
        return cfg
    if isinstance(cfg, list):
        return [_read_metric(v, custom_objects) for v in cfg]
    if isinstance(cfg, dict) and "class_name" not in cfg:
        return {k: _read_metric(v, custom_objects) for k, v in cfg.items()}
    inner = cfg.get("config") or {}
    if cfg["class_name"] == "MeanMetricWrapper" and inner.get("name") in (
        "accuracy",
        "acc",
        "crossentropy",
        "ce",
    ):
        return inner["name"]  # Keras 2 wrote the resolved form of 'accuracy'
    return metrics_mod.deserialize(cfg, custom_objects)


def _unnest_single_output(metrics, n_outputs):
    if (
        isinstance(metrics, list)
        and n_outputs == 1
        and len(metrics) == 1
        and isinstance(metrics[0], list)
    ):
        return metrics[0]
    return metrics


def compile_from_config(model, config: dict, custom_objects=None) -> None:
    """Compiles `model` from a Keras 3 `compile_config` or a Keras 2/3 `training_config`.

    Raises:
        ValueError: if the optimizer, loss or a metric cannot be re-created,
            suggesting `compile=False`.
    """
    from minikeras import optimizers

    opt_cfg = config.get("optimizer_config", config.get("optimizer"))
    n_out = len(getattr(model, "outputs", None) or [None])
    try:
        optimizer = optimizers.get(opt_cfg, custom_objects) if opt_cfg else "rmsprop"
        loss = _read_loss(config.get("loss"), custom_objects)
        metrics = _unnest_single_output(_read_metric(config.get("metrics"), custom_objects), n_out)
        weighted = _unnest_single_output(
            _read_metric(config.get("weighted_metrics"), custom_objects), n_out
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"Could not restore the training configuration saved with the model ({exc}). "
            "Load it with `compile=False` and call `model.compile(...)` yourself."
        ) from None
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        loss_weights=config.get("loss_weights"),
        weighted_metrics=weighted,
    )
