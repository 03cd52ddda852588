"""Old weight layouts: Keras 1 per-gate RNNs, Bidirectional, CuDNN, Theano convolutions.

Files come from `legacy_writer`; expected outputs are NumPy re-computations of each
layer's definition from the arrays as written (per gate, true convolution, ...).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from legacy_writer import (
    cudnn_kernel,
    keras1_conv2d,
    keras1_rnn,
    write_model,
    write_weights,
)
from numpy.lib.stride_tricks import sliding_window_view

import minikeras

RNG = np.random.default_rng(11)


def _arr(*shape, scale=0.5):
    return (scale * RNG.normal(size=shape)).astype(np.float32)


def _hard_sigmoid_k2(z):
    return np.clip(0.2 * z + 0.5, 0.0, 1.0)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _lstm(x, gates, act=np.tanh, rec=_hard_sigmoid_k2, go_backwards=False):
    """`gates[g] = (W, U, b)` for g in 'ifco'; returns every step's h, (batch, T, units)."""
    units = gates["i"][1].shape[0]
    h = np.zeros((x.shape[0], units))
    c = np.zeros_like(h)
    out = []
    steps = range(x.shape[1])[::-1] if go_backwards else range(x.shape[1])
    for t in steps:
        z = {g: x[:, t] @ w + h @ u + b for g, (w, u, b) in gates.items()}
        c = rec(z["f"]) * c + rec(z["i"]) * act(z["c"])
        h = rec(z["o"]) * act(c)
        out.append(h)
    return np.stack(out, axis=1)


def _keras1_lstm_weights(prefix, n_in, units):
    gates = {g: (_arr(n_in, units), _arr(units, units), _arr(units)) for g in "icfo"}
    names = [(f"{prefix}_{k}_{g}", gates[g]["WUb".index(k)]) for g in "icfo" for k in "WUb"]
    return gates, names


def test_keras1_lstm_per_gate_weights_theano(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "config": [
            keras1_rnn(
                "LSTM",
                "lstm_1",
                4,
                input_dim=3,
                batch_input_shape=[None, 5, 3],
                input_dtype="float32",
                return_sequences=True,
            )
        ],
    }
    gates, names = _keras1_lstm_weights("lstm_1", 3, 4)
    write_model(tmp_path / "m.h5", cfg, [("lstm_1", names)], attrs={"keras_version": "1.2.2"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    assert model.layers[0].unit_forget_bias
    x = _arr(2, 5, 3, scale=2.0)
    np.testing.assert_allclose(model.predict(x, verbose=0), _lstm(x, gates), rtol=1e-4, atol=1e-5)


def test_keras1_gru_per_gate_weights(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "keras_version": "1.1.1",
        "config": [
            keras1_rnn(
                "GRU", "gru_1", 3, input_dim=2, batch_input_shape=[None, 4, 2], activation="sigmoid"
            )
        ],
    }
    w = {g: (_arr(2, 3), _arr(3, 3), _arr(3)) for g in "zrh"}
    names = [(f"gru_1_{k}_{g}:0", w[g]["WUb".index(k)]) for g in "zrh" for k in "WUb"]
    write_weights(tmp_path / "w.h5", [("gru_1", names)])
    model = minikeras.models.model_from_json(json.dumps(cfg))
    model.load_weights(tmp_path / "w.h5")
    x = _arr(3, 4, 2, scale=2.0)
    h = np.zeros((3, 3))
    for t in range(4):
        z = _hard_sigmoid_k2(x[:, t] @ w["z"][0] + h @ w["z"][1] + w["z"][2])
        r = _hard_sigmoid_k2(x[:, t] @ w["r"][0] + h @ w["r"][1] + w["r"][2])
        hh = _sigmoid(x[:, t] @ w["h"][0] + (r * h) @ w["h"][1] + w["h"][2])
        h = z * h + (1 - z) * hh
    np.testing.assert_allclose(model.predict(x, verbose=0), h, rtol=1e-4, atol=1e-5)


def test_keras1_bidirectional_lstm(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "config": [
            {
                "class_name": "Bidirectional",
                "config": {
                    "batch_input_shape": [None, 3, 2],
                    "input_dtype": "float32",
                    "merge_mode": "concat",
                    "name": "bidirectional_1",
                    "trainable": True,
                    "layer": keras1_rnn("LSTM", "lstm_1", 3, return_sequences=True),
                },
            }
        ],
    }
    fwd, fwd_names = _keras1_lstm_weights("forward_lstm_1", 2, 3)
    bwd, bwd_names = _keras1_lstm_weights("backward_lstm_1", 2, 3)
    write_model(
        tmp_path / "m.h5",
        cfg,
        [("bidirectional_1", fwd_names + bwd_names)],
        attrs={"keras_version": "1.2.2"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    x = _arr(2, 3, 2, scale=2.0)
    back = _lstm(x, bwd, go_backwards=True)[:, ::-1]
    want = np.concatenate([_lstm(x, fwd), back], axis=-1)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-4, atol=1e-5)


def test_keras2_lstm_hard_sigmoid_means_keras2s(tmp_path):
    """Keras 2 wrote its default `recurrent_activation='hard_sigmoid'`: clip(0.2x+0.5)."""
    cfg = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {
                    "class_name": "LSTM",
                    "config": {
                        "name": "lstm_1",
                        "units": 2,
                        "batch_input_shape": [None, 3, 2],
                        "recurrent_activation": "hard_sigmoid",
                    },
                }
            ],
        },
    }
    gates = {g: (_arr(2, 2), _arr(2, 2), _arr(2)) for g in "ifco"}
    fused = [np.concatenate([gates[g][k] for g in "ifco"], axis=-1) for k in range(3)]
    write_model(
        tmp_path / "m.h5",
        cfg,
        [
            (
                "lstm_1",
                [
                    ("lstm_1/kernel:0", fused[0]),
                    ("lstm_1/recurrent_kernel:0", fused[1]),
                    ("lstm_1/bias:0", fused[2]),
                ],
            )
        ],
        attrs={"keras_version": "2.3.1", "backend": "tensorflow"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    x = _arr(4, 3, 2, scale=4.0)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _lstm(x, gates)[:, -1], rtol=1e-4, atol=1e-5
    )
    saved = tmp_path / "again.h5"
    model.save(saved)
    import h5py

    with h5py.File(saved) as f:
        text = f.attrs["model_config"]
    assert '"recurrent_activation": "hard_sigmoid"' in text  # Keras 2's own name again
    again = minikeras.models.load_model(saved, compile=False)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_cudnn_lstm_file(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {
                    "class_name": "CuDNNLSTM",
                    "config": {
                        "name": "cu_dnnlstm_1",
                        "units": 3,
                        "batch_input_shape": [None, 4, 2],
                        "return_sequences": False,
                        "unit_forget_bias": True,
                        "kernel_initializer": {"class_name": "VarianceScaling", "config": {}},
                    },
                }
            ],
        },
    }
    w = {g: _arr(2, 3) for g in "ifco"}
    u = {g: _arr(3, 3) for g in "ifco"}
    b_in, b_rec = _arr(12), _arr(12)
    recurrent = np.hstack([u[g].T for g in "ifco"])  # CuDNN kept each gate transposed
    write_model(
        tmp_path / "m.h5",
        cfg,
        [
            (
                "cu_dnnlstm_1",
                [
                    ("cu_dnnlstm_1/kernel:0", cudnn_kernel([w[g] for g in "ifco"])),
                    ("cu_dnnlstm_1/recurrent_kernel:0", recurrent),
                    ("cu_dnnlstm_1/bias:0", np.concatenate([b_in, b_rec])),
                ],
            )
        ],
        attrs={"keras_version": "2.2.4", "backend": "tensorflow"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    assert type(model.layers[0]).__name__ == "LSTM"
    bias = b_in + b_rec
    gates = {g: (w[g], u[g], bias[3 * k : 3 * k + 3]) for k, g in enumerate("ifco")}
    x = _arr(2, 4, 2, scale=2.0)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _lstm(x, gates, rec=_sigmoid)[:, -1], rtol=1e-4, atol=1e-5
    )


def test_cudnn_gru_file(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {
                    "class_name": "CuDNNGRU",
                    "config": {
                        "name": "cu_dnngru_1",
                        "units": 3,
                        "batch_input_shape": [None, 4, 2],
                    },
                }
            ],
        },
    }
    w = {g: _arr(2, 3) for g in "zrh"}
    u = {g: _arr(3, 3) for g in "zrh"}
    b_in = {g: _arr(3) for g in "zrh"}
    b_rec = {g: _arr(3) for g in "zrh"}
    write_model(
        tmp_path / "m.h5",
        cfg,
        [
            (
                "cu_dnngru_1",
                [
                    ("cu_dnngru_1/kernel:0", cudnn_kernel([w[g] for g in "zrh"])),
                    ("cu_dnngru_1/recurrent_kernel:0", np.hstack([u[g].T for g in "zrh"])),
                    (
                        "cu_dnngru_1/bias:0",
                        np.concatenate([b_in[g] for g in "zrh"] + [b_rec[g] for g in "zrh"]),
                    ),
                ],
            )
        ],
        attrs={"keras_version": "2.2.4", "backend": "tensorflow"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    x = _arr(2, 4, 2, scale=2.0)
    h = np.zeros((2, 3))
    for t in range(4):
        z = _sigmoid(x[:, t] @ w["z"] + b_in["z"] + h @ u["z"] + b_rec["z"])
        r = _sigmoid(x[:, t] @ w["r"] + b_in["r"] + h @ u["r"] + b_rec["r"])
        hh = np.tanh(x[:, t] @ w["h"] + b_in["h"] + r * (h @ u["h"] + b_rec["h"]))
        h = z * h + (1 - z) * hh
    np.testing.assert_allclose(model.predict(x, verbose=0), h, rtol=1e-4, atol=1e-5)


def _true_conv2d(x, kernel):
    """Theano's 'valid' convolution, channels_last: the kernel applied flipped."""
    flipped = kernel[::-1, ::-1]
    win = sliding_window_view(x, flipped.shape[:2], axis=(1, 2))  # (n, oh, ow, c, kh, kw)
    return np.einsum("nijcab,abco->nijo", win, flipped)


def _cross_conv2d(x, kernel):
    win = sliding_window_view(x, kernel.shape[:2], axis=(1, 2))
    return np.einsum("nijcab,abco->nijo", win, kernel)


def test_theano_conv2d_keras2_backend_attribute(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {
                    "class_name": "Conv2D",
                    "config": {
                        "name": "conv2d_1",
                        "filters": 3,
                        "kernel_size": [3, 2],
                        "batch_input_shape": [None, 5, 6, 2],
                    },
                }
            ],
        },
    }
    k, b = _arr(3, 2, 2, 3), _arr(3)
    write_model(
        tmp_path / "m.h5",
        cfg,
        [("conv2d_1", [("conv2d_1/kernel", k), ("conv2d_1/bias", b)])],
        attrs={"keras_version": "2.1.3", "backend": "theano"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    x = _arr(2, 5, 6, 2)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _true_conv2d(x, k) + b, rtol=1e-5, atol=1e-5
    )


def test_keras1_theano_conv2d_th_ordering(tmp_path):
    """Keras 1 `dim_ordering='th'`: kernel (out, in, rows, cols), channels_first input."""
    cfg = {
        "class_name": "Sequential",
        "config": [
            keras1_conv2d(
                "convolution2d_1",
                4,
                3,
                3,
                dim_ordering="th",
                batch_input_shape=[None, 2, 6, 5],
                input_dtype="float32",
            ),
            {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True}},
        ],
    }
    k_th, b = _arr(4, 2, 3, 3), _arr(4)
    write_weights(
        tmp_path / "w.h5",
        [
            ("convolution2d_1", [("convolution2d_1_W", k_th), ("convolution2d_1_b", b)]),
            ("flatten_1", []),
        ],
    )
    model = minikeras.models.model_from_json(json.dumps(cfg))
    model.load_weights(tmp_path / "w.h5")
    x = _arr(2, 2, 6, 5)
    y = _true_conv2d(x.transpose(0, 2, 3, 1), k_th.transpose(2, 3, 1, 0)) + b
    want = y.transpose(0, 3, 1, 2).reshape(2, -1)  # channels_first flatten order
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)


def test_keras1_conv1d_four_dimensional_kernel(tmp_path):
    cfg = {
        "class_name": "Sequential",
        "config": [
            {
                "class_name": "Convolution1D",
                "config": {
                    "W_constraint": None,
                    "W_regularizer": None,
                    "activation": "linear",
                    "activity_regularizer": None,
                    "b_constraint": None,
                    "b_regularizer": None,
                    "bias": True,
                    "border_mode": "valid",
                    "filter_length": 3,
                    "init": "uniform",
                    "input_dim": 2,
                    "input_length": 7,
                    "name": "convolution1d_1",
                    "nb_filter": 4,
                    "subsample_length": 1,
                    "trainable": True,
                },
            }
        ],
    }
    k4, b = _arr(3, 1, 2, 4), _arr(4)
    write_model(
        tmp_path / "m.h5",
        cfg,
        [("convolution1d_1", [("convolution1d_1_W", k4), ("convolution1d_1_b", b)])],
        attrs={"keras_version": "1.2.2"},
    )
    model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    x = _arr(2, 7, 2)
    want = _true_conv2d(x[:, :, None, :], k4)[:, :, 0, :] + b
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)


def _ambiguous_file(path, k, b):
    cfg = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {
                    "class_name": "Conv2D",
                    "config": {
                        "name": "c",
                        "filters": 2,
                        "kernel_size": [2, 2],
                        "batch_input_shape": [None, 4, 4, 1],
                    },
                }
            ],
        },
    }
    write_model(path, cfg, [("c", [("c/kernel", k), ("c/bias", b)])])


def test_ambiguous_file_tensorflow_orientation_with_warning(tmp_path):
    k, b = _arr(2, 2, 1, 2), _arr(2)
    _ambiguous_file(tmp_path / "m.h5", k, b)
    x = _arr(3, 4, 4, 1)
    with pytest.warns(UserWarning, match="legacy_backend='theano'") as rec:
        model = minikeras.models.load_model(tmp_path / "m.h5", compile=False)
    assert len(rec) == 1 and "\n" not in str(rec[0].message)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _cross_conv2d(x, k) + b, rtol=1e-5, atol=1e-5
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theano = minikeras.models.load_model(
            tmp_path / "m.h5", compile=False, legacy_backend="theano"
        )
    np.testing.assert_allclose(
        theano.predict(x, verbose=0), _true_conv2d(x, k) + b, rtol=1e-5, atol=1e-5
    )
    with pytest.raises(ValueError, match="legacy_backend"):
        minikeras.models.load_model(tmp_path / "m.h5", legacy_backend="cntk")
