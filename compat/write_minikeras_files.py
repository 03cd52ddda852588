"""Writes model files with minikeras for `check_files_in_keras.py` to open in real Keras.

Usage: python compat/write_minikeras_files.py OUT_DIR

For each model it writes `model.keras`, `full.h5` (Keras 2 layout), `w.weights.h5`
(Keras 3 layout), `w.h5` (Keras 2 layout), `model_k3.json`, `model_k2.json`,
`io.npz` (input `x*`, minikeras' prediction `y*`) and `state.json` (optimizer
iteration count and compile settings).
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

import minikeras
from minikeras import layers, models, ops, optimizers


def _models():
    rng = np.random.default_rng(0)
    xor_x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    xor_y = np.array([[0], [1], [1], [0]], np.float32)
    m1 = models.Sequential(
        [
            layers.Dense(10, input_dim=2),
            layers.Activation("tanh"),
            layers.Dense(1),
            layers.Activation("sigmoid"),
        ]
    )
    m1.compile(
        optimizer=optimizers.SGD(learning_rate=0.1),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    yield "xor_sgd", m1, xor_x, xor_y

    x2 = rng.normal(size=(32, 20)).astype(np.float32)
    y2 = np.eye(5, dtype=np.float32)[rng.integers(0, 5, 32)]
    m2 = models.Sequential(
        [
            layers.Input((20,)),
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(5, activation="softmax"),
        ]
    )
    m2.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    yield "mlp_adam", m2, x2, y2

    inp = layers.Input((6,), name="features")
    h = layers.Dense(8, activation="tanh", name="hidden")(inp)
    out_a = layers.Dense(1, activation="sigmoid", name="out_a")(h)
    out_b = layers.Dense(3, activation="softmax", name="out_b")(h)
    m3 = models.Model(inp, [out_a, out_b], name="two_heads")
    m3.compile(
        optimizer=optimizers.SGD(0.05, momentum=0.9),
        loss=["binary_crossentropy", "categorical_crossentropy"],
    )
    x3 = rng.normal(size=(16, 6)).astype(np.float32)
    y3 = [
        (rng.random((16, 1)) > 0.5).astype(np.float32),
        np.eye(3, dtype=np.float32)[rng.integers(0, 3, 16)],
    ]
    yield "func_two_heads", m3, x3, y3

    block = models.Sequential(
        [layers.Dense(6, activation="relu", input_dim=5), layers.Dense(5)], name="block"
    )
    shared = layers.Dense(4, activation="tanh", name="shared")
    inp4 = layers.Input((5,), name="x")
    h4 = shared(block(inp4))
    h4b = shared(layers.Dense(5, name="proj")(inp4))
    out4 = layers.Dense(2, activation="softmax", name="head")(h4b)
    m4 = models.Model(inp4, [out4, layers.Dense(1, name="aux")(h4)], name="nested_shared")
    m4.compile(optimizer=optimizers.Adam(0.01), loss=["sparse_categorical_crossentropy", "mse"])
    x4 = rng.normal(size=(16, 5)).astype(np.float32)
    y4 = [rng.integers(0, 2, 16).astype(np.int32), rng.normal(size=(16, 1)).astype(np.float32)]
    yield "nested_shared", m4, x4, y4

    m6 = models.Sequential(
        [
            layers.Input((12, 12, 1)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    m6.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x6 = rng.normal(size=(8, 12, 12, 1)).astype(np.float32)
    yield "cnn", m6, x6, np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]

    m7 = models.Sequential(
        [
            layers.Input((6,), dtype="int32"),
            layers.Embedding(20, 4),
            layers.GlobalAveragePooling1D(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    m7.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    x7 = rng.integers(0, 20, (8, 6)).astype(np.int32)
    yield "embedding", m7, x7, (rng.random((8, 1)) > 0.5).astype(np.float32)

    m8 = models.Sequential(
        [
            layers.Input((5,)),
            layers.Dense(6),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    m8.compile(optimizer=optimizers.SGD(0.01, momentum=0.9), loss="sparse_categorical_crossentropy")
    x8 = rng.normal(size=(16, 5)).astype(np.float32)
    yield "batchnorm", m8, x8, rng.integers(0, 3, 16).astype(np.int32)

    a9 = layers.Input((4,), name="in_a")
    b9 = layers.Input((3,), name="in_b")
    c9 = layers.Concatenate(name="concat")(
        [layers.Dense(6, activation="relu")(a9), layers.Dense(5, activation="relu")(b9)]
    )
    m9 = models.Model(
        [a9, b9], layers.Dense(1, activation="sigmoid", name="out")(c9), name="two_input_model"
    )
    m9.compile(optimizer=optimizers.Adam(0.01), loss="binary_crossentropy")
    x9 = [rng.normal(size=(8, 4)).astype(np.float32), rng.normal(size=(8, 3)).astype(np.float32)]
    yield "two_inputs", m9, x9, (rng.random((8, 1)) > 0.5).astype(np.float32)

    zoo = os.path.join(
        os.path.dirname(__file__), "..", "tests", "fixtures", "rnnmerge", "keras3_rnn_zoo"
    )
    m10 = models.load_model(os.path.join(zoo, "model.keras"), compile=False)
    m10.compile(optimizer="adam", loss="binary_crossentropy")
    x10 = np.load(os.path.join(zoo, "io.npz"))["x"]
    yield "rnn_zoo_ops", m10, x10, (rng.random((8, 1)) > 0.5).astype(np.float32)

    i11 = layers.Input((4,), name="x")
    h11 = layers.Dense(3, name="d")(i11)
    y11 = ops.sigmoid(ops.sum(ops.multiply(h11, 2.0), axis=-1, keepdims=True) + 1.0)
    m11 = models.Model(i11, y11, name="ops_graph")
    m11.compile(optimizer="adam", loss="binary_crossentropy")
    x11 = rng.normal(size=(8, 4)).astype(np.float32)
    yield "ops_graph", m11, x11, (rng.random((8, 1)) > 0.5).astype(np.float32)

    x5 = rng.normal(size=(8, 3)).astype(np.float32)
    y5 = rng.normal(size=(8, 2)).astype(np.float32)
    for opt in (
        optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        optimizers.RMSprop(momentum=0.5, centered=True),
        optimizers.Adagrad(),
        optimizers.Adadelta(1.0),
        optimizers.Adamax(),
        optimizers.Nadam(),
        optimizers.AdamW(),
        optimizers.Adam(amsgrad=True),
    ):
        m5 = models.Sequential(
            [layers.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(2)]
        )
        m5.compile(optimizer=opt, loss="mse")
        yield f"opt_{type(opt).__name__.lower()}", m5, x5, y5


def main(out_dir: str) -> None:
    minikeras.utils.set_random_seed(7)
    for name, model, x, y in _models():
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        pred = model.predict(x, verbose=0)
        preds = pred if isinstance(pred, list) else [pred]
        model.save(os.path.join(d, "model.keras"))
        model.save(os.path.join(d, "full.h5"))
        model.save_weights(os.path.join(d, "w.weights.h5"))
        model.save_weights(os.path.join(d, "w.h5"))
        with open(os.path.join(d, "model_k3.json"), "w") as fh:
            fh.write(model.to_json(keras_version=3))
        with open(os.path.join(d, "model_k2.json"), "w") as fh:
            fh.write(model.to_json())
        xs = {"x": x} if not isinstance(x, list) else {f"x{i}": v for i, v in enumerate(x)}
        np.savez(os.path.join(d, "io.npz"), **xs, **{f"y{i}": p for i, p in enumerate(preds)})
        np.savez(
            os.path.join(d, "optimizer.npz"),
            **{f"v{i}": v.numpy() for i, v in enumerate(model.optimizer.variables)},
        )
        state = {
            "iterations": int(model.optimizer.iterations.value),
            "optimizer": type(model.optimizer).__name__,
            "n_optimizer_vars": len(model.optimizer.variables),
        }
        with open(os.path.join(d, "state.json"), "w") as fh:
            json.dump(state, fh)
        print("wrote", d)


if __name__ == "__main__":
    main(sys.argv[1])
