"""The two-layer MNIST net (784-50-10), gradient-checked, trained by mini-batch SGD.

The article's `TwoLayerNet`: W1 (784x50) and W2 (50x10) drawn from N(0, 0.01^2), zero biases,
sigmoid hidden layer, softmax output, cross-entropy loss; it first checks backpropagation
against numerical differentiation, then trains with mini-batch SGD and prints the train and
test accuracy after every epoch.

MNIST is read from Keras' cache (`$KERAS_HOME/datasets/mnist.npz`, default
`~/.keras/datasets/mnist.npz`) when that file exists; otherwise the script draws its own
28x28 digits (a 5x7 bitmap font, randomly shifted, thickened and noised) and says so.
Nothing is downloaded.

Run: `python examples/mnist_two_layer.py [--epochs 8] [--seed 0]`
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import minikeras as keras
from minikeras import ops

FONT = {  # 5x7 bitmaps of the digits 0-9
    0: ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    1: ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    2: ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    3: ["11111", "00010", "00100", "00010", "00001", "10001", "01110"],
    4: ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    5: ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    6: ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    7: ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    8: ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    9: ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
}


def synthetic_digits(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`n` MNIST-like uint8 images (28x28) of random digits, and their labels."""
    glyphs = np.array([[[c == "1" for c in row] for row in FONT[d]] for d in range(10)])
    big = glyphs.repeat(3, axis=1).repeat(3, axis=2).astype(np.float32)  # 10 x 21 x 15
    labels = rng.integers(0, 10, size=n)
    images = np.zeros((n, 28, 28), np.float32)
    for i, label in enumerate(labels):
        glyph = big[label]
        if rng.random() < 0.5:  # thicker stroke
            glyph = np.maximum(glyph, np.roll(glyph, 1, axis=1))
        dy, dx = rng.integers(1, 7), rng.integers(4, 10)
        images[i, dy : dy + 21, dx : dx + 15] = glyph * rng.uniform(0.6, 1.0)
    images *= rng.random(images.shape) > 0.1  # drop 10 % of the ink
    images += np.abs(rng.normal(0.0, 0.15, images.shape))
    return (np.clip(images, 0, 1) * 255).astype(np.uint8), labels.astype(np.uint8)


def load_data(seed: int):
    """MNIST from Keras' cache if present, else synthetic digits; and a description."""
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    path = os.path.join(home, "datasets", "mnist.npz")
    if os.path.exists(path):
        if hasattr(keras, "datasets"):  # the Keras loader, reading its cache file
            return keras.datasets.mnist.load_data(), f"MNIST from {path}"
        with np.load(path, allow_pickle=False) as f:
            data = (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
        return data, f"MNIST from {path}"
    rng = np.random.default_rng(seed)
    data = synthetic_digits(6000, rng), synthetic_digits(1000, rng)
    return data, f"synthetic digits (no MNIST file at {path})"


def two_layer_net(dtype: str = "float32") -> keras.Sequential:
    """784 -> 50 (sigmoid) -> 10 (softmax); weights N(0, 0.01^2), biases zero."""
    init = keras.initializers.RandomNormal(stddev=0.01)
    return keras.Sequential(
        [
            keras.Input((784,), dtype=dtype),
            keras.layers.Dense(50, activation="sigmoid", kernel_initializer=init, dtype=dtype),
            keras.layers.Dense(10, activation="softmax", kernel_initializer=init, dtype=dtype),
        ]
    )


def gradient_check(model, x, t, probes: int = 200, eps: float = 1e-4, seed: int = 0) -> dict:
    """Backprop vs. central differences, in float64, on a copy of `model`.

    Every entry of b1, W2 and b2 is probed, and `probes` random entries of W1 (probing all
    39,200 takes minutes; that slowness is the article's reason for backprop).

    Returns:
        `{"W1"|"b1"|"W2"|"b2": norm-relative error ||backprop - numerical|| / (||b|| + ||n||)}`.
    """
    net = two_layer_net("float64")
    net.set_weights([w.astype(np.float64) for w in model.get_weights()])
    x, t = x.astype(np.float64), t.astype(np.float64)

    def loss():
        return ops.mean(ops.categorical_crossentropy(t, net(x)))

    with keras.backend.GradientTape() as tape:
        value = loss()
    grads = tape.gradient(value, net.trainable_weights)
    rng = np.random.default_rng(seed)
    errors = {}
    for name, var, grad in zip(("W1", "b1", "W2", "b2"), net.trainable_weights, grads):
        flat = np.arange(var.value.size)
        if flat.size > 1000:
            flat = rng.choice(flat, size=probes, replace=False)
        num = np.empty(flat.size)
        for k, i in enumerate(flat):
            idx = np.unravel_index(i, var.shape)
            old = var.value[idx]
            var.value[idx] = old + eps
            plus = float(loss())
            var.value[idx] = old - eps
            minus = float(loss())
            var.value[idx] = old
            num[k] = (plus - minus) / (2 * eps)
        back = np.asarray(grad).reshape(-1)[flat]
        errors[name] = float(
            np.linalg.norm(back - num) / (np.linalg.norm(back) + np.linalg.norm(num) + 1e-300)
        )
    return errors


class EpochAccuracy(keras.callbacks.Callback):
    """Prints the accuracy on the whole training and test sets after each epoch."""

    def __init__(self, train, test):
        super().__init__()
        self.train, self.test = train, test
        self.rows: list[tuple[float, float]] = []

    def on_epoch_end(self, epoch, logs=None):
        accs = []
        for x, t in (self.train, self.test):
            pred = self.model.predict(x, batch_size=1000, verbose=0)
            accs.append(float(np.mean(pred.argmax(axis=1) == t.argmax(axis=1))))
        self.rows.append((accs[0], accs[1]))
        print(f"epoch {epoch + 1:2d}  train acc, test acc | {accs[0]:.4f}, {accs[1]:.4f}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    ((x_train, y_train), (x_test, y_test)), source = load_data(args.seed)
    print(f"data: {source}: {len(x_train)} training and {len(x_test)} test images")
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255.0
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255.0
    t_train = keras.utils.to_categorical(y_train, 10)
    t_test = keras.utils.to_categorical(y_test, 10)

    model = two_layer_net()
    errors = gradient_check(model, x_train[:3], t_train[:3], seed=args.seed)
    print("gradient check (backprop vs numerical, float64, norm-relative error):")
    for name, err in errors.items():
        print(f"  {name}: {err:.3e}")

    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=args.learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    accuracy = EpochAccuracy((x_train, t_train), (x_test, t_test))
    model.fit(
        x_train,
        t_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        verbose=0,
        callbacks=[accuracy],
    )
    train_acc, test_acc = accuracy.rows[-1]
    print(f"final: train accuracy {train_acc:.4f}, test accuracy {test_acc:.4f}")
    return {"gradient_errors": errors, "train_acc": train_acc, "test_acc": test_acc}


if __name__ == "__main__":
    main()
