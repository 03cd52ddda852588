"""Weight arrays written by Keras 1, Theano and CuDNN layers, in today's layouts.

`convert_weights(layer, arrays, backend, keras1)` does for one layer what
tf_keras' `preprocess_weights_for_loading` does: per-gate Keras 1 recurrent
weights fused into one kernel (gate order i, f, c, o for LSTM; z, r, h for
GRU), Keras 1 convolution kernels moved to `(*spatial, in, out)`, Theano's
kernels flipped on their spatial axes (Theano convolved, TensorFlow
cross-correlates), CuDNN kernels and biases mapped to the LSTM/GRU layout.
Wrappers (Bidirectional, TimeDistributed) and nested models recurse.
"""

from __future__ import annotations

import numpy as np

from minikeras.legacy.saving.origin import FLIPPED_KERNEL_LAYERS

_LSTM_GATES = (0, 2, 1, 3)  # Keras 1 wrote i, c, f, o; today's order is i, f, c, o


def flip_kernel(kernel: np.ndarray) -> np.ndarray:
    """A Theano convolution kernel as a cross-correlation kernel: spatial axes reversed."""
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError(f"Expected a 3-D to 5-D convolution kernel, got shape {kernel.shape}.")
    return np.ascontiguousarray(kernel[(slice(None, None, -1),) * (kernel.ndim - 2)])


def _fuse_gates(arrays: list, gates) -> list:
    """Keras 1 per-gate `[W_g, U_g, b_g]*n` -> `[kernel, recurrent_kernel, bias]`."""
    return [np.concatenate([arrays[3 * g + k] for g in gates], axis=-1) for k in range(3)]


def _split_gates(kernel: np.ndarray, n: int, fn) -> np.ndarray:
    return np.hstack([fn(k) for k in np.hsplit(kernel, n)])


def _from_cudnn_kernel(k: np.ndarray) -> np.ndarray:
    """One gate's CuDNN input kernel (stored column-major) in row-major layout."""
    return k.T.reshape(k.shape, order="F")


def _cudnn_to_rnn(class_name: str, layer, arrays: list) -> list:
    """CuDNNLSTM/CuDNNGRU weights (doubled biases, column-major kernels) -> LSTM/GRU."""
    kernel, recurrent, bias = arrays
    units = recurrent.shape[0]
    gates = 4 if class_name == "LSTM" else 3
    if bias.shape != (2 * units * gates,):
        return arrays
    kernel = _split_gates(kernel, gates, _from_cudnn_kernel)
    recurrent = _split_gates(recurrent, gates, lambda k: k.T)
    if class_name == "LSTM":
        return [kernel, recurrent, bias[: units * gates] + bias[units * gates :]]
    if not getattr(layer, "reset_after", True):
        raise ValueError(
            f"GRU '{layer.name}' has reset_after=False, but the file holds CuDNNGRU weights, "
            "which need reset_after=True."
        )
    return [kernel, recurrent, bias.reshape(2, -1)]


def _keras1_conv(class_name: str, layer, arrays: list) -> list:
    kernel = arrays[0]
    fmt = getattr(layer, "data_format", "channels_last")
    if class_name == "Conv1D" and kernel.ndim == 4:
        size = layer.kernel_size[0]
        if kernel.shape[:2] != (size, 1) or kernel.shape[3] != layer.filters:
            kernel = np.transpose(kernel, (2, 3, 1, 0))  # (filters, in, length, 1)
        kernel = kernel[:, 0, :, :]
    elif class_name == "Conv2D" and fmt == "channels_first":
        kernel = np.transpose(kernel, (2, 3, 1, 0))
    elif class_name == "Conv2DTranspose":
        kernel = np.transpose(kernel, (2, 3, 0, 1) if fmt == "channels_first" else (0, 1, 3, 2))
    elif class_name == "Conv3D" and fmt == "channels_first":
        kernel = np.transpose(kernel, (2, 3, 4, 1, 0))
    return [kernel, *arrays[1:]]


def _nested(layer, arrays: list, backend: str, keras1: bool) -> list:
    """Weights of a nested model: trainable ones first, then non-trainable, per sublayer."""
    n_train = len(layer.trainable_weights)
    train, frozen = list(arrays[:n_train]), list(arrays[n_train:])
    new_train, new_frozen = [], []
    for sub in layer.layers:
        nt, nf = len(sub.trainable_weights), len(sub.non_trainable_weights)
        if not sub.weights:
            continue
        done = convert_weights(sub, train[:nt] + frozen[:nf], backend, keras1)
        new_train += done[:nt]
        new_frozen += done[nt:]
        train, frozen = train[nt:], frozen[nf:]
    return new_train + new_frozen


def convert_weights(layer, arrays: list, backend: str = "tensorflow", keras1: bool = False) -> list:
    """One layer's weights as the file holds them -> as `layer` expects them.

    Args:
        layer: The (built) layer receiving the weights.
        arrays: NumPy arrays in the file's order.
        backend: `"theano"` flips convolution kernels.
        keras1: Whether Keras 1 layouts are possible (they are also recognised by
            their count and shapes).
    """
    class_name = type(layer).__name__
    arrays = [np.asarray(a) for a in arrays]
    if class_name == "Bidirectional":
        half = len(arrays) // 2
        return convert_weights(
            layer.forward_layer, arrays[:half], backend, keras1
        ) + convert_weights(layer.backward_layer, arrays[half:], backend, keras1)
    if class_name == "TimeDistributed":
        return convert_weights(layer.layer, arrays, backend, keras1)
    if hasattr(layer, "layers") and class_name in ("Sequential", "Functional", "Model"):
        return _nested(layer, arrays, backend, keras1)
    if class_name == "Highway" and len(arrays) == 4 and arrays[1].ndim == 1:
        arrays = [arrays[i] for i in (0, 2, 1, 3)]  # Keras 1.0/1.1: W, b, W_carry, b_carry
    if class_name in ("LSTM", "ConvLSTM2D") and len(arrays) == 12:
        arrays = _fuse_gates(arrays, _LSTM_GATES)
        if class_name == "ConvLSTM2D" and layer.data_format == "channels_first":
            arrays[:2] = [np.transpose(k, (2, 3, 1, 0)) for k in arrays[:2]]
    elif class_name == "GRU" and len(arrays) == 9:
        arrays = _fuse_gates(arrays, (0, 1, 2))
    elif class_name in ("LSTM", "GRU") and len(arrays) == 3:
        arrays = _cudnn_to_rnn(class_name, layer, arrays)
    if (
        class_name in ("Conv1D", "Conv2D", "Conv2DTranspose", "Conv3D")
        and arrays
        and (keras1 or arrays[0].ndim == 4 and class_name == "Conv1D")
    ):
        arrays = _keras1_conv(class_name, layer, arrays)
    expected = getattr(getattr(layer, "kernel", None), "shape", None)
    if (
        class_name in FLIPPED_KERNEL_LAYERS
        and arrays
        and expected is not None
        and arrays[0].ndim == 4
        and tuple(arrays[0].shape) != tuple(expected)
        and tuple(np.transpose(arrays[0], (2, 3, 1, 0)).shape) == tuple(expected)
    ):
        arrays[0] = np.transpose(arrays[0], (2, 3, 1, 0))  # Theano's (out, in, rows, cols)
    if backend == "theano" and class_name in FLIPPED_KERNEL_LAYERS and arrays:
        arrays[0] = flip_kernel(arrays[0])
        if class_name == "ConvLSTM2D":
            arrays[1] = flip_kernel(arrays[1])
    return arrays
