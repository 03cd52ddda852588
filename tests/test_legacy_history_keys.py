"""Keras <= 2.2 history names resolve; printing and iteration keep Keras 3's names."""

import numpy as np

import minikeras as keras
from minikeras.legacy.history_keys import HistoryDict, current_key


def test_old_names_read_the_modern_entries():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy", "mae"])
    x = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], "float32")
    y = np.array([[0], [1], [1], [0]], "float32")
    hist = model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y))
    h = hist.history
    assert h["acc"] is h["accuracy"] and h["val_acc"] is h["val_accuracy"]
    assert h["mean_absolute_error"] is h["mae"]
    assert h["val_mean_absolute_error"] is h["val_mae"]
    assert "acc" in h and h.get("val_acc") == h["val_accuracy"]
    assert list(h) == ["accuracy", "loss", "mae", "val_accuracy", "val_loss", "val_mae"]
    assert "'acc'" not in repr(h) and "mean_absolute_error" not in str(h)


def test_unknown_names_still_raise():
    h = HistoryDict(loss=[1.0])
    assert current_key("val_mean_squared_error") == "val_mse"
    assert current_key("loss") is None and h.get("acc") is None
    try:
        h["acc"]
    except KeyError as exc:
        assert exc.args == ("acc",)
    else:
        raise AssertionError("expected KeyError")
