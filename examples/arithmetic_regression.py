"""A ReLU MLP learns a+b, a-b and |a-b| from 10,000 random pairs (a, b).

The article's nine steps in Keras terms: inputs a, b uniform in [0, 100), three outputs;
the first 70 % of the points train and the last 30 % test; a `Normalization` layer
`adapt`ed on the training inputs only (the test set never leaks into the statistics)
and a target scaler fitted on the training targets only; a fully connected ReLU network
trained with mini-batch gradient descent. It prints the parameter count against the number
of training points, the falling training loss, and the train and test losses at the end:
a test loss no higher than (about) the training loss means the network generalises.

Run: `python examples/arithmetic_regression.py [--epochs 40] [--seed 0]`
"""

from __future__ import annotations

import argparse

import numpy as np

import minikeras as keras


def make_data(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`n` points (a, b) uniform in [0, 100) and their targets (a+b, a-b, |a-b|)."""
    x = rng.uniform(0, 100, size=(n, 2)).astype("float32")
    a, b = x[:, 0], x[:, 1]
    return x, np.stack([a + b, a - b, np.abs(a - b)], axis=1).astype("float32")


class PrintLoss(keras.callbacks.Callback):
    def __init__(self, every: int):
        super().__init__()
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every == 0 or epoch + 1 == self.params.get("epochs"):
            print(f"epoch {epoch + 1:3d}  training loss {logs['loss']:.5f}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    x, y = make_data(args.points, np.random.default_rng(args.seed))
    split = int(0.7 * len(x))  # by position: the first 70 % train
    x_train, y_train, x_test, y_test = x[:split], y[:split], x[split:], y[split:]

    normalizer = keras.layers.Normalization()
    normalizer.adapt(x_train)  # mean and variance of the training inputs only
    y_mean, y_std = y_train.mean(axis=0), y_train.std(axis=0)  # target scaler, training only

    def scale(t):
        return (t - y_mean) / y_std

    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            normalizer,
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(3),
        ]
    )
    params = model.count_params() - sum(w.size for w in normalizer.get_weights())
    print(
        f"trainable parameters: {params} for {len(x_train)} training points "
        f"({y_train.size} target values)"
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=args.learning_rate, momentum=0.9), loss="mse"
    )
    model.fit(
        x_train,
        scale(y_train),
        batch_size=args.batch_size,
        epochs=args.epochs,
        verbose=0,
        callbacks=[PrintLoss(max(1, args.epochs // 8))],
    )

    train_loss = float(model.evaluate(x_train, scale(y_train), batch_size=1000, verbose=0))
    test_loss = float(model.evaluate(x_test, scale(y_test), batch_size=1000, verbose=0))
    print(
        f"final training loss {train_loss:.5f}, test loss {test_loss:.5f} "
        f"(ratio {test_loss / train_loss:.3f})"
    )
    pred = model.predict(x_test[:3], verbose=0) * y_std + y_mean
    for (a, b), p in zip(x_test[:3], pred):
        print(
            f"a={a:6.2f} b={b:6.2f}  a+b={a + b:7.2f}~{p[0]:7.2f}  a-b={a - b:7.2f}~{p[1]:7.2f}"
            f"  |a-b|={abs(a - b):6.2f}~{p[2]:6.2f}"
        )
    rmse = np.sqrt(
        np.mean((model.predict(x_test, verbose=0) * y_std + y_mean - y_test) ** 2, axis=0)
    )
    print("test RMSE in original units (a+b, a-b, |a-b|):", [round(float(v), 3) for v in rmse])
    return {"params": params, "train_loss": train_loss, "test_loss": test_loss}


if __name__ == "__main__":
    main()
