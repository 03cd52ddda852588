"""Bitwise regression check for speed work: train fixed-seed models, save or compare.

Every optimisation must leave the numbers unchanged. Run `save` on the reference
checkout and on the changed one, then `compare`::

    python benchmarks/trajectories.py save /tmp/before.npz     # in the old checkout
    python benchmarks/trajectories.py save /tmp/after.npz      # in the new checkout
    python benchmarks/trajectories.py compare /tmp/before.npz /tmp/after.npz

Saved: final weights, optimizer slots, history, predictions and evaluations of eight
compiled configurations (SGD/Adam variants, regularisation, dropout, validation split),
a two-output functional model, the xor and mlp benchmark nets, a small conv net and an
Embedding + LSTM net.
"""

from __future__ import annotations

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import numpy as np  # noqa: E402


def _record(out, prefix, model, history=None) -> None:
    for i, w in enumerate(model.get_weights()):
        out[f"{prefix}/w{i}"] = w
    for k, v in history.history.items() if history else ():
        out[f"{prefix}/hist/{k}"] = np.array(v)


def trajectories() -> dict:
    import minikeras
    from benchmarks import common, workloads
    from minikeras import layers as L
    from minikeras import optimizers, regularizers
    from minikeras.models import Model, Sequential

    out = {}
    rng = np.random.default_rng(0)
    x = rng.random((96, 20), dtype=np.float32)
    y_cat = np.eye(5, dtype=np.float32)[rng.integers(0, 5, 96)]
    y_bin = rng.integers(0, 2, (96, 1)).astype(np.float32)
    y_sparse = rng.integers(0, 5, 96)
    configs = {
        "sgd": (lambda: optimizers.SGD(0.1), "binary_crossentropy", y_bin, "sigmoid", 1),
        "sgd_mom": (
            lambda: optimizers.SGD(0.05, momentum=0.9),
            "binary_crossentropy",
            y_bin,
            "sigmoid",
            1,
        ),
        "sgd_nest": (
            lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
            "mse",
            y_bin,
            "linear",
            1,
        ),
        "adam": (lambda: optimizers.Adam(0.01), "categorical_crossentropy", y_cat, "softmax", 5),
        "adam_ams": (
            lambda: optimizers.Adam(0.01, amsgrad=True),
            "sparse_categorical_crossentropy",
            y_sparse,
            "softmax",
            5,
        ),
        "adam_clip": (
            lambda: optimizers.Adam(0.01, clipnorm=0.5),
            "categorical_crossentropy",
            y_cat,
            "softmax",
            5,
        ),
        "adam_logits": (
            lambda: optimizers.Adam(0.01),
            minikeras.losses.CategoricalCrossentropy(from_logits=True),
            y_cat,
            "linear",
            5,
        ),
        "sgd_reg": (
            lambda: optimizers.SGD(0.1, weight_decay=0.01),
            "binary_crossentropy",
            y_bin,
            "sigmoid",
            1,
        ),
        "adadelta": (
            lambda: optimizers.Adadelta(1.0),
            "categorical_crossentropy",
            y_cat,
            "softmax",
            5,
        ),
        "rmsprop": (lambda: optimizers.RMSprop(0.01), "binary_crossentropy", y_bin, "sigmoid", 1),
    }
    for name, (opt, loss, y, act, units) in configs.items():
        minikeras.utils.set_random_seed(42)
        reg = regularizers.l2(0.01) if name == "sgd_reg" else None
        model = Sequential(
            [
                L.Input((20,)),
                L.Dense(16, activation="tanh", kernel_regularizer=reg),
                L.Dense(16, activation="relu"),
                L.Dropout(0.2),
                L.Dense(units, activation=act),
            ]
        )
        model.compile(optimizer=opt(), loss=loss, metrics=["accuracy"])
        history = model.fit(x, y, epochs=4, batch_size=16, verbose=0, validation_split=0.2)
        _record(out, name, model, history)
        for i, v in enumerate(model.optimizer.variables):
            out[f"{name}/opt{i}"] = np.array(v.value)
        out[f"{name}/pred"] = model.predict(x[:8], verbose=0)
        out[f"{name}/eval"] = np.array(model.evaluate(x, y, verbose=0))
        out[f"{name}/tob"] = np.array(model.train_on_batch(x[:10], y[:10]))
    minikeras.utils.set_random_seed(7)
    inp = L.Input((20,))
    hidden = L.Dense(8, activation="relu")(inp)
    model = Model(
        inp,
        [
            L.Dense(1, activation="sigmoid", name="b")(hidden),
            L.Dense(5, activation="softmax", name="c")(hidden),
        ],
    )
    model.compile("adam", ["binary_crossentropy", "categorical_crossentropy"], metrics=["accuracy"])
    _record(out, "func", model, model.fit(x, [y_bin, y_cat], epochs=3, batch_size=32, verbose=0))
    xx, yy = common.xor_data()
    model = workloads.build_xor()
    model.fit(xx, yy, epochs=50, batch_size=4, verbose=0)
    _record(out, "xor", model)
    xm, ym = common.mlp_data(1280)
    model = workloads.build_mlp()
    _record(out, "mlp", model, model.fit(xm, ym, epochs=2, batch_size=128, verbose=0))
    if hasattr(L, "Conv2D") and hasattr(L, "MaxPooling2D"):
        minikeras.utils.set_random_seed(3)
        xc = rng.random((64, 12, 12, 1), dtype=np.float32)
        yc = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 64)]
        model = Sequential(
            [
                L.Input((12, 12, 1)),
                L.Conv2D(4, 3, activation="relu"),
                L.MaxPooling2D(2),
                L.Flatten(),
                L.Dropout(0.3),
                L.Dense(3, activation="softmax"),
            ]
        )
        model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
        _record(out, "cnn", model, model.fit(xc, yc, epochs=2, batch_size=16, verbose=0))
    if hasattr(L, "Embedding") and hasattr(L, "LSTM"):
        minikeras.utils.set_random_seed(4)
        xs = rng.integers(0, 50, (64, 10))
        ys = rng.integers(0, 2, (64, 1)).astype(np.float32)
        model = Sequential(
            [
                L.Input((10,), dtype="int32"),
                L.Embedding(50, 8),
                L.LSTM(6),
                L.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile("rmsprop", "binary_crossentropy", metrics=["accuracy"])
        _record(out, "lstm", model, model.fit(xs, ys, epochs=2, batch_size=16, verbose=0))
    if hasattr(L, "Bidirectional"):
        minikeras.utils.set_random_seed(5)
        xs = rng.integers(0, 50, (64, 10))
        ys = rng.integers(0, 2, (64, 1)).astype(np.float32)
        model = Sequential(
            [
                L.Input((10,), dtype="int32"),
                L.Embedding(50, 8),
                L.Bidirectional(L.LSTM(6, return_sequences=True)),
                L.Bidirectional(L.LSTM(4)),
                L.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
        _record(out, "bilstm", model, model.fit(xs, ys, epochs=2, batch_size=16, verbose=0))
        out["bilstm/pred"] = model.predict(xs[:8], verbose=0)
    return out


def compare(a_path, b_path) -> int:
    a, b = np.load(a_path), np.load(b_path)
    if set(a.files) != set(b.files):
        print("different keys:", sorted(set(a.files) ^ set(b.files)))
        return 1
    bad = [k for k in a.files if a[k].dtype != b[k].dtype or not np.array_equal(a[k], b[k])]
    for k in bad:
        d = np.abs(a[k].astype(np.float64) - b[k].astype(np.float64))
        scale = np.abs(a[k].astype(np.float64)).max() or 1.0
        print(
            f"DIFF {k}: max abs {d.max():.3g}, relative to the array's largest value "
            f"{d.max() / scale:.3g}"
        )
    print(f"compared {len(a.files)} arrays, bitwise differences: {len(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["save"]:
        data = trajectories()
        np.savez(sys.argv[2], **data)
        print(f"saved {len(data)} arrays")
    elif sys.argv[1:2] == ["compare"]:
        raise SystemExit(compare(sys.argv[2], sys.argv[3]))
    else:
        raise SystemExit(__doc__)
