"""A 4-8-1 sigmoid network on random data, saved to .npz and loaded back.

The article's hand-written `Dense`/`Activation`/`Model` classes, in Keras terms: `Dense`
layers with separate sigmoid `Activation` layers, mean squared error, gradient descent with
the loss printed every 10 epochs, then the weights saved to NumPy's `.npz` archive
(`model.save_weights("model.npz")`), loaded into a freshly built model, which predicts
exactly the same.

Run: `python examples/dense_npz.py [--epochs 300] [--out-dir DIR]`
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zipfile

import numpy as np

import minikeras as keras
from minikeras.layers import Activation, Dense


def build_model() -> keras.Sequential:
    model = keras.Sequential()
    model.add(Dense(8, input_shape=(4,)))
    model.add(Activation("sigmoid"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    return model


class PrintLoss(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch % 10 == 0:
            print(f"Epoch {epoch}, Loss: {logs['loss']:.4f}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--learning-rate", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out-dir", help="where to write model.npz (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    # Random 4-feature points; the class is whether the first two features outweigh the others.
    x = rng.random((200, 4)).astype("float32")
    y = (x[:, :2].sum(axis=1) > x[:, 2:].sum(axis=1)).astype("float32")[:, None]

    model = build_model()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=args.learning_rate),
        loss="mse",
        metrics=["accuracy"],
    )
    history = model.fit(
        x, y, batch_size=len(x), epochs=args.epochs, verbose=0, callbacks=[PrintLoss()]
    )
    accuracy = history.history["accuracy"][-1]
    print(f"training accuracy: {accuracy:.3f}")

    path = os.path.join(args.out_dir or tempfile.mkdtemp(prefix="dense_npz_"), "model.npz")
    model.save_weights(path)
    if not zipfile.is_zipfile(path):
        print(
            f"error: this minikeras build did not write a NumPy .npz archive to {path}",
            file=sys.stderr,
        )
        raise SystemExit(1)
    with np.load(path, allow_pickle=False) as archive:
        print(f"saved {path}:", ", ".join(f"{k} {archive[k].shape}" for k in archive.files))

    restored = build_model()
    restored.load_weights(path)
    before = model.predict(x, verbose=0)
    after = restored.predict(x, verbose=0)
    diff = float(np.max(np.abs(before - after)))
    print(f"loaded model predicts the same: max |difference| = {diff}")
    return {
        "first_loss": history.history["loss"][0],
        "last_loss": history.history["loss"][-1],
        "accuracy": accuracy,
        "diff": diff,
        "path": path,
    }


if __name__ == "__main__":
    main()
