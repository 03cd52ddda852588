"""Parts of TensorFlow the stand-in leaves out: using them raises a clear AttributeError."""

from __future__ import annotations

_KERAS_FILES = (
    "Save with `model.save('model.keras')` (or `.h5`) and load with "
    "`keras.models.load_model`; real TensorFlow reads those files too."
)

REASONS = {
    "saved_model": "minikeras has no SavedModel format (it needs TensorFlow graphs). "
    + _KERAS_FILES
    + " To make a SavedModel, load that file in real "
    "TensorFlow and call `tf.saved_model.save` there.",
    "distribute": "minikeras runs on one CPU process: there are no distribution strategies. "
    "Drop the `strategy.scope()` block, or run the script with real TensorFlow.",
    "compat": "TensorFlow 1 graphs and sessions (`tf.compat.v1`) are not supported; minikeras "
    "runs eagerly. Port the code to TensorFlow 2 style or use real TensorFlow.",
    "Session": "TensorFlow 1 sessions are not supported; minikeras runs eagerly.",
    "Graph": "TensorFlow graphs are not supported; minikeras runs eagerly.",
    "placeholder": "TensorFlow 1 placeholders are not supported; minikeras runs eagerly.",
    "train": "TensorFlow checkpoints (`tf.train`) are not supported. "
    + _KERAS_FILES
    + " For weights only use `model.save_weights('x.weights.h5')`.",
    "summary": "TensorBoard summaries need real TensorFlow. Use the `History` that `fit` "
    "returns, or `keras.utils.plot_history`.",
    "lite": "TensorFlow Lite conversion needs real TensorFlow: save a `.keras` file and "
    "convert it there.",
    "tpu": "There are no TPUs here: minikeras runs on the CPU.",
    "estimator": "`tf.estimator` was removed in TensorFlow 2.16 and is not provided.",
    "sparse": "Sparse tensors are not supported; use dense NumPy arrays.",
    "ragged": "Ragged tensors are not supported; pad sequences "
    "(`keras.utils.pad_sequences`) or use `Dataset.padded_batch`.",
    "RaggedTensor": "Ragged tensors are not supported; pad sequences "
    "(`keras.utils.pad_sequences`) or use `Dataset.padded_batch`.",
    "SparseTensor": "Sparse tensors are not supported; use dense NumPy arrays.",
    "io": "`tf.io` file and TFRecord functions need real TensorFlow; read files with Python "
    "or `keras.utils.load_img`.",
    "feature_column": "`tf.feature_column` was removed from Keras 3; use Keras preprocessing "
    "layers.",
    "xla": "XLA compilation is not available; minikeras runs on NumPy.",
    "experimental": "TensorFlow's experimental APIs are not provided.",
}


class Unsupported:
    """Stands for a TensorFlow module the stand-in does not provide."""

    def __init__(self, path: str, reason: str):
        self._path = path
        self._reason = reason

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"`{self._path}.{name}` is not available under minikeras: {self._reason}"
        )

    def __call__(self, *args, **kwargs):
        raise AttributeError(f"`{self._path}` is not available under minikeras: {self._reason}")

    def __repr__(self) -> str:
        return f"<unsupported {self._path}>"
