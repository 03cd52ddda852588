"""A 2-2-1 sigmoid network predicting gender from weight and height.

The article's network: inputs (weight - 135 lb, height - 66 in), a hidden layer of two sigmoid
neurons, one sigmoid output, mean squared error, plain SGD with learning rate 0.1, one
sample per update (batch size 1), 1000 epochs, the loss printed every 10 epochs. After
training it predicts Emily [-7, -3] as female (about 0.95) and Frank [20, 2] as male (about
0.04); with the default seed this script prints 0.949 and 0.039.

Run: `python examples/gender_sgd.py [--epochs 1000] [--seed 1]`
"""

from __future__ import annotations

import argparse

import numpy as np

import minikeras as keras

# (weight - 135 lb, height - 66 in) -> 1 for female, 0 for male.
DATA = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]], dtype="float32")  # Alice Bob Charlie Diana
Y_TRUE = np.array([1, 0, 0, 1], dtype="float32")


class PrintLoss(keras.callbacks.Callback):
    """Prints the epoch's loss every `every` epochs, as the article's loop does."""

    def __init__(self, every: int = 10):
        super().__init__()
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every == 0:
            print(f"Epoch {epoch} loss: {logs['loss']:.3f}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(2, activation="sigmoid", name="hidden"),  # h1, h2
            keras.layers.Dense(1, activation="sigmoid", name="output"),  # o1
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit(
        DATA,
        Y_TRUE,
        batch_size=1,
        epochs=args.epochs,
        shuffle=False,
        verbose=0,
        callbacks=[PrintLoss(10)],
    )

    people = {"Emily": [-7, -3], "Frank": [20, 2]}
    preds = model.predict(np.array(list(people.values()), dtype="float32"), verbose=0)[:, 0]
    for (name, features), p in zip(people.items(), preds):
        print(f"{name} {features}: {p:.3f} - {'F' if p > 0.5 else 'M'}")
    return {
        "emily": float(preds[0]),
        "frank": float(preds[1]),
        "first_loss": history.history["loss"][0],
        "last_loss": history.history["loss"][-1],
    }


if __name__ == "__main__":
    main()
