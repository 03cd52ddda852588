"""Writes the offline stand-ins `transfer_learning_guide.py` needs (run it first).

- `stripes/`: a small two-class image folder (reddish horizontal stripes vs bluish
  vertical ones), PNG and JPEG files of mixed sizes, in the working directory.
- `$KERAS_HOME/models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5`:
  a seeded stand-in with the layout and name of Keras's ImageNet file (refuses to
  overwrite an existing file, so a real download is never replaced).

Usage: KERAS_HOME=/tmp/kh python compat/images/make_demo_data.py
"""

import os
import sys

import numpy as np

import minikeras as keras

WEIGHTS = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"


def make_folder(root="stripes", per_class=24, seed=0):
    from PIL import Image

    rng = np.random.default_rng(seed)
    for label, (axis, tint) in {"cats": (0, (1.0, 0.6, 0.5)), "dogs": (1, (0.5, 0.6, 1.0))}.items():
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(per_class):
            h, w = rng.integers(80, 140, 2)
            period = rng.integers(6, 14)
            coords = np.arange(h if axis == 0 else w)
            wave = (np.sin(2 * np.pi * coords / period) + 1) * 110 + 20
            plane = np.tile(wave[:, None], (1, w)) if axis == 0 else np.tile(wave, (h, 1))
            img = plane[..., None] * np.asarray(tint) + rng.normal(0, 12, (h, w, 3))
            img = Image.fromarray(np.clip(img, 0, 255).astype("uint8"))
            img.save(os.path.join(root, label, f"{label}_{i:03d}.{'jpg' if i % 3 else 'png'}"))


def make_weights():
    path = os.path.join(keras.utils.file_utils.keras_home(), "models", WEIGHTS)
    if os.path.exists(path):
        sys.exit(f"{path} exists already; not overwriting it.")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model = keras.applications.MobileNetV2(
        input_shape=(96, 96, 3), alpha=0.35, include_top=False, weights=None
    )
    rng = np.random.default_rng(1)
    for layer in model.layers:
        values = []
        for w in layer.weights:
            name, shape = w.path.split("/")[-1], tuple(w.shape)
            z = rng.standard_normal(shape)
            if name == "gamma":
                values.append(1 + 0.1 * z)
            elif name in ("beta", "moving_mean", "bias"):
                values.append(0.1 * z)
            elif name == "moving_variance":
                values.append(1 + 0.2 * np.abs(z))
            else:  # He-scaled kernels (depthwise: fan-in is the window only)
                fan_in = shape[0] * shape[1] if "depthwise" in layer.name else np.prod(shape[:-1])
                values.append(z * np.sqrt(2.0 / fan_in))
        if values:
            layer.set_weights([v.astype("float32") for v in values])
    model.save_weights(path)


if __name__ == "__main__":
    make_folder()
    make_weights()
    print("Wrote stripes/ and", WEIGHTS)
