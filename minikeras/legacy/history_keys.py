"""Keras <= 2.2 metric names in `History.history` (`acc`, `mean_absolute_error`, ...).

Scripts written for old Keras read `history.history['acc']` or
`['val_mean_absolute_error']`; Keras 3 records `accuracy` and `mae`. The dict
below answers the old names with the current entries, while iteration,
printing and `keys()` show only the names Keras 3 records.
"""

from __future__ import annotations

# old metric name -> the name Keras 3 (and minikeras) records for the same metric
LEGACY_METRIC_NAMES = {
    "acc": "accuracy",
    "mean_absolute_error": "mae",
    "mean_squared_error": "mse",
    "mean_absolute_percentage_error": "mape",
    "mean_squared_logarithmic_error": "msle",
}


def current_key(key):
    """The Keras 3 key for an old one (`val_acc` -> `val_accuracy`), or None."""
    if not isinstance(key, str):
        return None
    prefix = "val_" if key.startswith("val_") else ""
    modern = LEGACY_METRIC_NAMES.get(key[len(prefix) :])
    return None if modern is None else prefix + modern


class HistoryDict(dict):
    """A `dict` of epoch logs that also answers Keras <= 2.2 metric names."""

    def __missing__(self, key):
        modern = current_key(key)
        if modern is not None and dict.__contains__(self, modern):
            return dict.__getitem__(self, modern)
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        if dict.__contains__(self, key):
            return True
        modern = current_key(key)
        return modern is not None and dict.__contains__(self, modern)

    def get(self, key, default=None):
        return self[key] if key in self else default
