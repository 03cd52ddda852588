"""Writes small files the way Keras 1, Keras 2 (Theano/TensorFlow, CuDNN) and tf.keras did.

Used by the legacy-loading tests: h5py only, no minikeras code, so the files
follow the old writers' layouts (FORMATS.md section 3, Keras 1 `save_weights`
and `model.save`), not minikeras' reading of them.
"""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np


def _names(values) -> np.ndarray:
    """Fixed-length byte strings, as Keras 1/2 wrote `layer_names`/`weight_names`."""
    if not values:
        return np.zeros((0,), dtype=np.float64)
    return np.array([v.encode("utf8") for v in values])


def write_weight_groups(group, layers, attrs=None) -> None:
    """`layers`: `[(layer_name, [(weight_name, array), ...]), ...]` in the file's order."""
    for key, value in (attrs or {}).items():
        group.attrs[key] = value
    group.attrs["layer_names"] = _names([name for name, _ in layers])
    for name, weights in layers:
        g = group.create_group(name)
        g.attrs["weight_names"] = _names([w for w, _ in weights])
        for wname, value in weights:
            g.create_dataset(wname, data=np.asarray(value, dtype=np.float32))


def write_weights(path, layers, attrs=None) -> None:
    """A `save_weights` file (Keras 1 wrote no attributes besides the names)."""
    with h5py.File(path, "w") as f:
        write_weight_groups(f, layers, attrs)


def write_model(path, config: dict, layers, attrs=None, training_config=None) -> None:
    """A `model.save` file: `model_config` JSON beside `model_weights`."""
    with h5py.File(path, "w") as f:
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config).encode("utf8")
        write_weight_groups(f.create_group("model_weights"), layers, attrs)


def keras1_dense(name, units, input_dim=None, activation="linear", **extra) -> dict:
    """A Keras 1.2 `Dense` entry with every argument Keras 1 wrote."""
    cfg = {
        "W_constraint": None,
        "b_constraint": None,
        "name": name,
        "activity_regularizer": None,
        "trainable": True,
        "init": "glorot_uniform",
        "bias": True,
        "input_dim": input_dim,
        "b_regularizer": None,
        "W_regularizer": None,
        "activation": activation,
        "output_dim": units,
    }
    cfg.update(extra)
    return {"class_name": "Dense", "config": cfg}


def keras1_rnn(class_name, name, units, input_dim=None, **extra) -> dict:
    """A Keras 1.2 `LSTM`/`GRU`/`SimpleRNN` entry."""
    cfg = {
        "U_regularizer": None,
        "name": name,
        "inner_activation": "hard_sigmoid",
        "go_backwards": False,
        "output_dim": units,
        "trainable": True,
        "unroll": False,
        "consume_less": "cpu",
        "stateful": False,
        "init": "glorot_uniform",
        "inner_init": "orthogonal",
        "dropout_U": 0.0,
        "dropout_W": 0.0,
        "input_dim": input_dim,
        "return_sequences": False,
        "b_regularizer": None,
        "W_regularizer": None,
        "activation": "tanh",
        "input_length": None,
    }
    if class_name == "LSTM":
        cfg["forget_bias_init"] = "one"
    cfg.update(extra)
    return {"class_name": class_name, "config": cfg}


def keras1_conv2d(name, filters, rows, cols, dim_ordering="tf", **extra) -> dict:
    cfg = {
        "W_constraint": None,
        "W_regularizer": None,
        "activation": "linear",
        "activity_regularizer": None,
        "b_constraint": None,
        "b_regularizer": None,
        "bias": True,
        "border_mode": "valid",
        "dim_ordering": dim_ordering,
        "init": "glorot_uniform",
        "name": name,
        "nb_col": cols,
        "nb_filter": filters,
        "nb_row": rows,
        "subsample": [1, 1],
        "trainable": True,
    }
    cfg.update(extra)
    return {"class_name": "Convolution2D", "config": cfg}


def cudnn_kernel(kernel_per_gate: list) -> np.ndarray:
    """CuDNN's stored input kernel: each gate's `(in, units)` matrix kept column-major."""
    return np.hstack([k.ravel(order="F").reshape(k.shape) for k in kernel_per_gate])


def windows_keras_archive(path, config: dict, layer_weights: dict, keras_version="2.15.0"):
    """A tf.keras 2.15 `.keras` archive written on Windows: groups named `layers\\<name>`."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        for group, arrays in layer_weights.items():
            vars_group = f.create_group(f"layers\\{group}").create_group("vars")
            for i, value in enumerate(arrays):
                vars_group.create_dataset(str(i), data=np.asarray(value, dtype=np.float32))
        f.create_group("vars")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "metadata.json",
            json.dumps({"keras_version": keras_version, "date_saved": "2024-01-20@20:26:46"}),
        )
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", buf.getvalue())
