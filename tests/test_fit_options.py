"""fit/evaluate/predict options behave like Keras, checked against hand-computed values."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import Callback

W = np.array([[0.5], [-1.0], [0.25]], dtype="float32")
B = np.array([0.1], dtype="float32")


def _data(n=10, seed=0):
    r = np.random.default_rng(seed)
    x = r.uniform(-1, 1, size=(n, 3))  # float64 on purpose
    y = (x @ W[:, 0] > 0).astype(int)  # int labels on purpose
    return x, y


def _model(metrics=("accuracy",), loss="binary_crossentropy", optimizer=None, **compile_kw):
    m = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    m.set_weights([W, B])
    m.compile(optimizer or keras.optimizers.SGD(0.1), loss, metrics=list(metrics), **compile_kw)
    return m


def _bce(x, y, w=W, b=B):
    p = 1 / (1 + np.exp(-(x @ w.astype(np.float64) + b)))[:, 0]
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)), p


class BatchRecorder(Callback):
    """Records the first input feature of every training batch."""

    def __init__(self):
        super().__init__()
        self.sizes = []
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)

    def on_train_batch_end(self, batch, logs=None):
        self.sizes.append(batch)


def test_evaluate_matches_hand_computed_loss_and_accuracy():
    x, y = _data()
    per_sample, p = _bce(x, y)
    loss, acc = _model().evaluate(x, y, verbose=0)
    assert loss == pytest.approx(per_sample.mean(), rel=1e-5)
    assert acc == pytest.approx(np.mean((p > 0.5) == y), abs=1e-7)
    d = _model().evaluate(x, y, verbose=0, return_dict=True, batch_size=3)
    assert list(d) == ["accuracy", "loss"]  # Keras 3 sorts the log keys
    assert d["loss"] == pytest.approx(per_sample.mean(), rel=1e-5)  # batch size does not matter


def test_sample_weight_and_class_weight_scale_the_loss_like_keras():
    x, y = _data()
    per_sample, _ = _bce(x, y)
    sw = np.linspace(0.5, 2.0, len(y))
    m = _model()
    # Keras' "sum_over_batch_size": sum(loss * w) / number of samples.
    assert m.test_on_batch(x, y, sample_weight=sw)[0] == pytest.approx(
        (per_sample * sw).sum() / len(y), rel=1e-5
    )
    cw = {0: 1.0, 1: 3.0}
    expected = (per_sample * np.where(y == 1, 3.0, 1.0)).sum() / len(y)
    hist = m.fit(x, y, class_weight=cw, epochs=1, batch_size=len(y), verbose=0, shuffle=False)
    assert hist.history["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_weighted_metrics_use_sample_weight_and_metrics_do_not():
    x, y = _data()
    _, p = _bce(x, y)
    correct = ((p > 0.5) == y).astype(float)
    sw = np.where(correct == 1, 1.0, 4.0)
    m = _model(weighted_metrics=["accuracy"])
    d = m.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
    assert d["accuracy"] == pytest.approx(correct.mean(), abs=1e-7)
    assert d["weighted_accuracy"] == pytest.approx((correct * sw).sum() / sw.sum(), abs=1e-6)


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x, y = _data(n=10)
    m = _model(optimizer=keras.optimizers.SGD(0.0))  # lr 0: weights stay fixed
    hist = m.fit(x, y, validation_split=0.3, epochs=1, verbose=0, shuffle=True)
    per_sample, _ = _bce(x, y)
    assert hist.history["val_loss"][0] == pytest.approx(per_sample[7:].mean(), rel=1e-5)
    assert hist.history["loss"][0] == pytest.approx(per_sample[:7].mean(), rel=1e-5)
    assert list(hist.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_validation_split_with_sample_weight_and_errors():
    x, y = _data(n=10)
    m = _model(optimizer=keras.optimizers.SGD(0.0))
    per_sample, _ = _bce(x, y)
    sw = np.arange(1, 11, dtype=float)
    hist = m.fit(x, y, sample_weight=sw, validation_split=0.2, epochs=1, verbose=0)
    assert hist.history["val_loss"][0] == pytest.approx(
        (per_sample[8:] * sw[8:]).sum() / 2, rel=1e-5
    )
    with pytest.raises(ValueError, match="validation_split"):
        m.fit(x, y, validation_split=0.95, verbose=0)  # 0 training samples


def test_shuffle_false_is_deterministic_and_shuffle_true_is_not():
    x, y = _data(n=12)

    def run(shuffle, seed):
        keras.utils.set_random_seed(seed)
        m = _model(metrics=())
        m.fit(x, y, batch_size=1, epochs=1, shuffle=shuffle, verbose=0)
        return m.get_weights()[0]

    np.testing.assert_array_equal(run(False, 1), run(False, 2))
    assert not np.array_equal(run(True, 1), run(True, 2))
    np.testing.assert_array_equal(run(True, 3), run(True, 3))


def test_initial_epoch_steps_per_epoch_and_history():
    x, y = _data(n=10)
    rec = BatchRecorder()
    m = _model()
    hist = m.fit(x, y, epochs=5, initial_epoch=3, verbose=0, callbacks=[rec], batch_size=4)
    assert hist.epoch == [3, 4] and rec.epochs == [3, 4]
    assert rec.sizes == [0, 1, 2, 0, 1, 2]  # ceil(10 / 4) batches per epoch
    assert hist.params["epochs"] == 5 and hist.params["steps"] == 3
    assert m.history is hist
    rec = BatchRecorder()
    m.fit(x, y, epochs=2, steps_per_epoch=2, batch_size=3, verbose=0, callbacks=[rec])
    assert rec.sizes == [0, 1, 0, 1]


def test_validation_freq_int_and_list():
    x, y = _data()
    m = _model()
    h = m.fit(x, y, epochs=4, validation_data=(x, y), validation_freq=2, verbose=0)
    assert len(h.history["loss"]) == 4 and len(h.history["val_loss"]) == 2
    h = m.fit(x, y, epochs=4, validation_data=(x, y), validation_freq=[1, 4], verbose=0)
    assert len(h.history["val_loss"]) == 2
    with pytest.raises(ValueError, match="validation_freq"):
        m.fit(x, y, epochs=1, validation_data=(x, y), validation_freq=0, verbose=0)


def test_batch_size_defaults_to_32(capsys):
    x, y = _data(n=100)
    m = _model()
    m.fit(x, y, epochs=1, verbose=2)
    assert re.search(r"^4/4 - ", capsys.readouterr().out, re.M)  # ceil(100 / 32)
    m.evaluate(x, y, verbose=1)
    assert re.search(r"^4/4 \[=+\]", capsys.readouterr().out, re.M)
    m.predict(x, verbose=1, batch_size=10)
    assert re.search(r"^10/10 \[=+\]", capsys.readouterr().out, re.M)


@pytest.mark.parametrize("verbose", [0, 1, 2, "auto"])
def test_verbose_output_on_a_pipe(verbose, capsys):
    x, y = _data(n=20)
    m = _model()
    hist = m.fit(x, y, epochs=2, batch_size=8, verbose=verbose)
    out = capsys.readouterr().out
    if verbose == 0:
        assert out == ""
        return
    assert "\r" not in out and "\b" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    last = f"{hist.history['loss'][-1]:.4f}"
    if verbose == 2:
        assert re.fullmatch(
            r"3/3 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - "
            r"\d+m?u?s/epoch - \d+m?u?s/step",
            lines[3],
        ), lines[3]
    else:
        assert re.fullmatch(
            r"3/3 \[={30}\] - \d+s \d+m?u?s/step - loss: \d\.\d{4} - "
            r"accuracy: \d\.\d{4}",
            lines[3],
        ), lines[3]
    # The printed epoch values are the epoch's logs, not a re-average of running means.
    assert f"loss: {last}" in lines[3]
    assert f"accuracy: {hist.history['accuracy'][-1]:.4f}" in lines[3]


def test_train_test_predict_on_batch():
    x, y = _data()
    m = _model()
    before = m.test_on_batch(x, y)
    assert isinstance(before, list) and len(before) == 2
    first = m.train_on_batch(x, y)
    assert first == pytest.approx(before)  # metrics of the forward pass before the update
    after = m.test_on_batch(x, y, return_dict=True)
    assert after["loss"] < before[0]
    m2 = _model(metrics=())
    assert isinstance(m2.train_on_batch(x, y), float)
    np.testing.assert_allclose(m.predict_on_batch(x), m.predict(x, verbose=0), rtol=1e-6)


def test_predict_batching_gives_identical_results_and_dtype():
    x, _ = _data(n=37)
    m = _model()
    a = m.predict(x, verbose=0)
    b = m.predict(x, batch_size=5, verbose=0)
    assert a.shape == (37, 1) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "metric,key", [("accuracy", "accuracy"), ("acc", "acc"), (["acc", "mse"], None)]
)
def test_history_and_metrics_names_use_the_users_spelling(metric, key):
    x, y = _data()
    metrics = metric if isinstance(metric, list) else [metric]
    m = _model(metrics=metrics)
    # Keras 3 names the compiled metrics as one `compile_metrics` metric, before and
    # after training; the logs name each one, keys sorted.
    assert m.metrics_names == ["loss", "compile_metrics"]
    h = m.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    names = sorted(["loss", *metrics])
    assert m.metrics_names == ["loss", "compile_metrics"]
    assert list(h.history) == names + [f"val_{n}" for n in names]
    scores = m.evaluate(x, y, verbose=0)  # [loss, *metrics]: Keras 2 code zips it with names
    assert scores == [h.history["val_" + n][0] for n in ["loss", *metrics]]


def test_accuracy_resolution_by_loss_and_shapes():
    r = np.random.default_rng(0)
    x = r.normal(size=(6, 3)).astype("float32")
    labels = np.array([0, 1, 2, 2, 1, 0])
    for loss, y, out in [
        ("sparse_categorical_crossentropy", labels, 3),
        ("categorical_crossentropy", np.eye(3)[labels], 3),
        ("binary_crossentropy", (labels > 0).astype(float), 1),
    ]:
        act = "sigmoid" if out == 1 else "softmax"
        m = keras.Sequential([layers.Dense(out, activation=act, input_shape=(3,))])
        m.compile("sgd", loss, metrics=["accuracy"])
        p = m.predict(x, verbose=0)
        pred = (p[:, 0] > 0.5).astype(int) if out == 1 else p.argmax(-1)
        truth = y.astype(int) if out == 1 else labels
        assert m.evaluate(x, y, verbose=0)[1] == pytest.approx(np.mean(pred == truth)), loss


def test_one_dimensional_x_is_one_feature_like_keras():
    """The TensorFlow 'hello world': `fit(xs, ys)` with 1-D arrays and input_shape=[1]."""
    xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    ys = 2 * xs - 1
    m = keras.Sequential([layers.Dense(units=1, input_shape=[1])])
    m.compile(optimizer="sgd", loss="mean_squared_error")
    m.fit(xs, ys, epochs=300, verbose=0)
    assert m.predict(np.array([10.0]), verbose=0)[0, 0] == pytest.approx(19.0, abs=0.2)
    assert m.evaluate(xs, ys, verbose=0) < 0.01
    inp = keras.Input((1,))
    f = keras.Model(inp, layers.Dense(2)(inp))
    assert f.predict(xs, verbose=0).shape == (6, 2)
    with pytest.raises(ValueError, match=r"expected shape \(None, 3\).*shape \(4,\)\.$"):
        keras.Sequential([layers.Dense(1, input_shape=(3,))]).predict(np.ones(4), verbose=0)


def test_set_random_seed_reproduces_a_whole_fit_with_dropout_and_shuffle():
    x, y = _data(n=40)

    def run():
        keras.utils.set_random_seed(11)
        m = keras.Sequential(
            [
                layers.Dense(8, activation="relu", input_shape=(3,)),
                layers.Dropout(0.5),
                layers.Dense(1, activation="sigmoid"),
            ]
        )
        m.compile(keras.optimizers.Adam(0.01), "binary_crossentropy")
        h = m.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return h.history["loss"], m.get_weights()

    (la, wa), (lb, wb) = run(), run()
    assert la == lb
    for a, b in zip(wa, wb):
        np.testing.assert_array_equal(a, b)


def test_keras2_predict_classes_and_proba():
    x, _ = _data(n=6)
    binary = _model()
    p = binary.predict(x, verbose=0)
    with pytest.warns(DeprecationWarning, match="predict_classes"):
        classes = binary.predict_classes(x)
    np.testing.assert_array_equal(classes, (p > 0.5).astype("int32"))
    assert classes.dtype == np.int32 and classes.shape == (6, 1)
    with pytest.warns(DeprecationWarning, match="predict_proba"):
        np.testing.assert_array_equal(binary.predict_proba(x), p)
    multi = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(3,))])
    with pytest.warns(DeprecationWarning):
        np.testing.assert_array_equal(
            multi.predict_classes(x), multi.predict(x, verbose=0).argmax(-1)
        )


def test_bar_lists_loss_first_then_metrics_then_validation(capsys):
    # The text bar is Keras 2's and keeps its order; the history keys are Keras 3's (sorted).
    x, y = _data(n=20)
    m = _model()
    hist = m.fit(x, y, epochs=1, batch_size=8, verbose=2, validation_data=(x, y))
    line = capsys.readouterr().out.splitlines()[1]
    names = re.findall(r"(\w+): \d", line)
    assert names == ["loss", "accuracy", "val_loss", "val_accuracy"], line
    assert list(hist.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_one_callback_is_taken_without_a_list():
    """As Keras 3: `callbacks=cb` works like `callbacks=[cb]` in fit, evaluate and predict."""

    class Count(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_epoch_end(self, epoch, logs=None):
            self.calls.append("epoch")

        def on_test_end(self, logs=None):
            self.calls.append("test")

        def on_predict_end(self, logs=None):
            self.calls.append("predict")

    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.zeros((8, 4), "float32"), np.zeros((8, 1), "float32")
    count = Count()
    model.fit(x, y, epochs=2, callbacks=count, verbose=0)
    model.evaluate(x, y, callbacks=count, verbose=0)
    model.predict(x, callbacks=count, verbose=0)
    assert count.calls == ["epoch", "epoch", "test", "predict"]
    with pytest.raises(TypeError, match=r"`callbacks` must be a list.*Received: callbacks=3"):
        model.fit(x, y, callbacks=3, verbose=0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": 1.5}, TypeError, r"Expected `epochs` to be an integer. Received: epochs=1.5"),
        ({"epochs": "2"}, TypeError, r"Received: epochs='2' \(of type str\)"),
        ({"validation_split": "0.2"}, ValueError, r"fraction in \[0, 1\).*'0.2'"),
        ({"class_weight": "balanced"}, TypeError, r"`class_weight` must be a dict.*'balanced'"),
        ({"class_weight": [1, 2]}, TypeError, r"`class_weight` must be a dict.*\[1, 2\]"),
    ],
)
def test_fit_arguments_of_the_wrong_type_say_what_was_expected(kwargs, error, match):
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(error, match=match):
        model.fit(np.zeros((8, 4), "float32"), np.zeros((8, 1), "float32"), verbose=0, **kwargs)
