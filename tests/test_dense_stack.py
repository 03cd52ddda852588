"""The tape-free Dense-stack step gives bitwise the numbers of the generic (tape) step.

Each case trains the same seeded model twice, once with the fast path and once with it
switched off (the generic step, itself checked against Keras fixtures and finite
differences elsewhere), and compares every weight, optimizer slot and history value bit
for bit. A counter proves the fast path actually ran (or, for the fallback cases, that it
did not).
"""

from __future__ import annotations

import numpy as np
import pytest

import minikeras
from minikeras import layers, metrics, regularizers
from minikeras.models import Sequential
from minikeras.trainers import dense_stack, fused_step


@pytest.fixture
def fast_calls(monkeypatch):
    calls = {"train": 0, "predict": 0}
    train, predict = dense_stack.DenseStack.train_step, dense_stack.DenseStack.predict

    def counted_train(self, *args):
        calls["train"] += 1
        return train(self, *args)

    def counted_predict(self, *args):
        calls["predict"] += 1
        return predict(self, *args)

    monkeypatch.setattr(dense_stack.DenseStack, "train_step", counted_train)
    monkeypatch.setattr(dense_stack.DenseStack, "predict", counted_predict)
    return calls


def _data(n, d, units, loss, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))  # float64: the adapter casts it, as for users
    if loss == "categorical_crossentropy":
        y = np.eye(units, dtype=np.float32)[rng.integers(0, units, n)]
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, (n, units)).astype(np.int64)  # integer labels are cast too
    else:
        y = rng.normal(size=(n, units)).astype(np.float32)
    return x, y


def _train(
    build,
    loss,
    metrics_,
    x,
    y,
    fast,
    monkeypatch,
    optimizer="adam",
    epochs=3,
    batch_size=7,
    **fit_kwargs,
):
    if not fast:
        monkeypatch.setattr(fused_step, "plan", lambda model: None)
    minikeras.utils.set_random_seed(3)
    model = build()
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics_)
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, **fit_kwargs)
    monkeypatch.undo() if not fast else None
    return model, history


def _assert_same(a, b):
    (ma, ha), (mb, hb) = a, b
    for wa, wb in zip(
        ma.get_weights() + ma.optimizer.get_weights(), mb.get_weights() + mb.optimizer.get_weights()
    ):
        assert wa.dtype == wb.dtype
        np.testing.assert_array_equal(wa, wb)
    assert ha.history == hb.history


CASES = [
    # (hidden activation, output activation, loss, metrics, optimizer)
    ("tanh", "sigmoid", "binary_crossentropy", ["accuracy"], "sgd"),
    ("relu", "softmax", "categorical_crossentropy", ["accuracy", "mse"], "adam"),
    ("sigmoid", None, "mse", ["mae"], "rmsprop"),
    ("linear", "sigmoid", "mse", None, "sgd"),
    ("softmax", "tanh", "mse", ["acc"], "adam"),
    ("relu", "softmax", "binary_crossentropy", ["accuracy"], "adam"),  # BCE, not fused
    ("tanh", "sigmoid", "categorical_crossentropy", None, "adam"),  # CCE, not fused
]


@pytest.mark.parametrize("hidden,out,loss,metrics_,optimizer", CASES)
def test_fast_step_is_bitwise_the_tape_step(
    hidden, out, loss, metrics_, optimizer, monkeypatch, fast_calls
):
    units = 3 if loss != "binary_crossentropy" or out == "softmax" else 1
    x, y = _data(40, 5, units, loss)

    def build():
        return Sequential(
            [
                layers.Input((5,)),
                layers.Dense(8, activation=hidden),
                layers.Dense(6),
                layers.Activation(hidden),
                layers.Dense(units, activation=out),
            ]
        )

    fast = _train(build, loss, metrics_, x, y, True, monkeypatch, optimizer)
    used = fast_calls["train"]
    slow = _train(build, loss, metrics_, x, y, False, monkeypatch, optimizer)
    assert used >= 3 * 5, "the fast path did not run"
    assert fast_calls["train"] == used, "the reference run used the fast path"
    _assert_same(fast, slow)


def test_book_xor_net_without_bias_and_with_validation(monkeypatch, fast_calls):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    y = np.array([[0], [1], [1], [0]], np.float32)
    x, y = np.tile(x, (5, 1)), np.tile(y, (5, 1))

    def build():
        model = Sequential()
        model.add(layers.Dense(10, input_dim=2, use_bias=False))
        model.add(layers.Activation("tanh"))
        model.add(layers.Dense(1))
        model.add(layers.Activation("sigmoid"))
        return model

    kwargs = {"validation_split": 0.2, "optimizer": minikeras.optimizers.SGD(0.1)}
    fast = _train(build, "binary_crossentropy", ["accuracy"], x, y, True, monkeypatch, **kwargs)
    assert fast_calls["train"] > 0 and fast_calls["predict"] > 0  # validation too
    kwargs["optimizer"] = minikeras.optimizers.SGD(0.1)
    slow = _train(build, "binary_crossentropy", ["accuracy"], x, y, False, monkeypatch, **kwargs)
    _assert_same(fast, slow)
    assert "val_accuracy" in fast[1].history
    assert fast[0].evaluate(x, y, verbose=0) == slow[0].evaluate(x, y, verbose=0)


def test_saturated_softmax_takes_the_unfused_crossentropy_gradient(monkeypatch, fast_calls):
    # Huge weights push the softmax to 0/1, where Keras' clipping makes the fused
    # `p - y` wrong: the plan must follow the clipped gradient as `ops.nn` does.
    x, y = _data(12, 4, 3, "categorical_crossentropy")

    def build():
        model = Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
        model.set_weights(
            [np.full((4, 3), 40.0, np.float32) * [1, -1, 0.5], np.zeros(3, np.float32)]
        )
        return model

    fast = _train(build, "categorical_crossentropy", None, x, y, True, monkeypatch)
    assert fast_calls["train"] > 0
    slow = _train(build, "categorical_crossentropy", None, x, y, False, monkeypatch)
    _assert_same(fast, slow)


@pytest.mark.parametrize(
    "variant",
    [
        "regularizer",
        "noise_shape",
        "sample_weight",
        "frozen",
        "custom_loss",
        "label_smoothing",
        "ignore_class",
        "activity_regularizer",
    ],
)
def test_other_models_keep_the_generic_step(variant, monkeypatch, fast_calls):
    x, y = _data(16, 4, 3, "categorical_crossentropy")
    loss = "categorical_crossentropy"
    reg = regularizers.L2(0.01) if variant == "regularizer" else None
    stack = [layers.Input((4,)), layers.Dense(5, activation="relu", kernel_regularizer=reg)]
    if variant == "noise_shape":
        stack.append(layers.Dropout(0.5, noise_shape=(None, 1)))
    if variant == "activity_regularizer":
        stack.append(layers.Dropout(0.5, activity_regularizer="l2"))
    stack.append(layers.Dense(3, activation="softmax"))
    model = Sequential(stack)
    if variant == "frozen":
        model.layers[0].trainable = False
    if variant == "custom_loss":
        loss = lambda yt, yp: minikeras.ops.mean(minikeras.ops.square(yt - yp), axis=-1)  # noqa: E731
    if variant == "label_smoothing":
        loss = minikeras.losses.CategoricalCrossentropy(label_smoothing=0.1)
    if variant == "ignore_class":
        loss = minikeras.losses.SparseCategoricalCrossentropy(ignore_class=0)
        y = np.argmax(y, axis=-1)
    model.compile(optimizer="sgd", loss=loss)
    sw = np.linspace(0.5, 1.5, 16) if variant == "sample_weight" else None
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, sample_weight=sw)
    assert fast_calls["train"] == 0


def test_plan_follows_trainable_changes_and_recompiles(fast_calls):
    x, y = _data(16, 4, 1, "mse")
    model = Sequential([layers.Input((4,)), layers.Dense(5), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert fast_calls["train"] == 1  # the first batch builds the metrics on the tape
    model.layers[0].trainable = False
    frozen = model.layers[0].kernel.numpy().copy()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), frozen)
    assert fast_calls["train"] == 1
    model.layers[0].trainable = True
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert not np.array_equal(model.layers[0].kernel.numpy(), frozen)
    assert fast_calls["train"] == 2


def test_predict_fast_path_equals_the_layers(fast_calls):
    minikeras.utils.set_random_seed(1)
    model = Sequential(
        [
            layers.Input((6,)),
            layers.Dense(7, activation="relu"),
            layers.Dense(5, activation="tanh"),
            layers.Activation("sigmoid"),
            layers.Dense(4),
            layers.Activation("softmax"),
        ]
    )
    x = np.random.default_rng(0).normal(size=(3, 6)).astype(np.float32)
    expected = np.asarray(model(x))
    for got in (
        model.predict(x, verbose=0),
        model.predict(x[:1], verbose=0),
        model.predict_on_batch(x),
    ):
        np.testing.assert_array_equal(got, expected[: len(got)])
    assert fast_calls["predict"] == 3
    out = model.predict(x, verbose=0)
    out[:] = 0  # the result is the caller's own array
    np.testing.assert_array_equal(model.predict(x, verbose=0), expected)


@pytest.mark.parametrize(
    "fn,units",
    [
        (metrics.binary_accuracy, 1),
        (metrics.categorical_accuracy, 4),
        (metrics.sparse_categorical_accuracy, 4),
    ],
)
def test_accuracy_counts_equal_the_mean_of_the_values(fn, units):
    rng = np.random.default_rng(5)
    y_pred = rng.uniform(size=(50, units)).astype(np.float32)
    y_pred[3, 0] = np.nan
    if units == 1:
        y_true = rng.choice([0.0, 1.0, 0.7], size=(50, 1))  # 0.7 never counts as correct
    elif fn is metrics.sparse_categorical_accuracy:
        y_true = rng.integers(0, units, 50).astype(np.float32)
    else:
        y_true = np.eye(units)[rng.integers(0, units, 50)]
    metric = metrics.MeanMetricWrapper(fn)
    metric.update_state(y_true[:20], y_pred[:20])
    metric.update_state(y_true[20:], y_pred[20:])
    values = np.asarray(fn(y_true, y_pred), np.float64)
    assert metric.total == values.sum() and metric.count == 50
    assert metric.result() == np.float32(values.sum() / 50)


def test_functional_chain_is_bitwise_the_tape_step(monkeypatch, fast_calls):
    x, y = _data(30, 5, 4, "categorical_crossentropy")

    def build():
        inputs = minikeras.Input((5,))
        h = layers.Dense(8, activation="relu")(inputs)
        h = layers.Activation("tanh")(layers.Dense(6)(h))
        return minikeras.Model(inputs, layers.Dense(4, activation="softmax")(h))

    fast = _train(build, "categorical_crossentropy", ["accuracy"], x, y, True, monkeypatch)
    assert fast_calls["train"] > 0
    slow = _train(build, "categorical_crossentropy", ["accuracy"], x, y, False, monkeypatch)
    _assert_same(fast, slow)


def test_functional_graph_that_is_not_a_chain_keeps_the_generic_step(fast_calls):
    inputs = minikeras.Input((5,))
    h = layers.Dense(8, activation="relu")(inputs)
    out = layers.Dense(1)(layers.Add()([h, layers.Dense(8)(inputs)]))
    model = minikeras.Model(inputs, out)
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data(16, 5, 1, "mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.predict(x, verbose=0)
    assert fast_calls == {"train": 0, "predict": 0}


def test_mixed_layer_dtypes_keep_the_generic_step(fast_calls):
    model = Sequential([layers.Input((4,)), layers.Dense(5, dtype="float64"), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data(8, 4, 2, "mse")
    model.fit(x, y, epochs=1, verbose=0)
    assert model.predict(x, verbose=0).dtype == np.float32
    assert fast_calls == {"train": 0, "predict": 0}


def test_float64_models_use_the_fast_path_in_float64(monkeypatch, fast_calls):
    minikeras.backend.set_floatx("float64")
    try:
        x, y = _data(20, 3, 2, "mse")

        def build():
            return Sequential(
                [layers.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(2)]
            )

        fast = _train(build, "mse", None, x, y, True, monkeypatch, optimizer="sgd")
        assert fast_calls["train"] > 0 and fast[0].get_weights()[0].dtype == np.float64
        slow = _train(build, "mse", None, x, y, False, monkeypatch, optimizer="sgd")
        _assert_same(fast, slow)
    finally:
        minikeras.backend.set_floatx("float32")


@pytest.mark.parametrize("loss", ["binary_crossentropy", "mse"])
def test_one_dimensional_labels_for_one_output_unit(loss, monkeypatch, fast_calls):
    x, y = _data(30, 4, 1, loss)
    y = y[:, 0]  # shape (30,), as many binary-classification tutorials pass them

    def build():
        return Sequential(
            [
                layers.Input((4,)),
                layers.Dense(6, activation="relu"),
                layers.Dense(1, activation="sigmoid"),
            ]
        )

    fast = _train(build, loss, ["accuracy"], x, y, True, monkeypatch)
    assert fast_calls["train"] > 0
    slow = _train(build, loss, ["accuracy"], x, y, False, monkeypatch)
    _assert_same(fast, slow)


def test_dropout_layers_are_bitwise_the_tape_step(monkeypatch, fast_calls):
    # Keras's mnist_mlp shape: Dense, Dropout, Dense, Dropout, Dense softmax; plus a seeded
    # Dropout, a rate-0 one and one right before the output.
    x, y = _data(40, 6, 3, "categorical_crossentropy")

    def build():
        return Sequential(
            [
                layers.Input((6,)),
                layers.Dense(8, activation="relu"),
                layers.Dropout(0.2),
                layers.Dense(8, activation="relu"),
                layers.Dropout(0.5, seed=7),
                layers.Dropout(0.0),
                layers.Dense(5),
                layers.Dropout(0.3),
                layers.Dense(3),
                layers.Activation("softmax"),
            ]
        )

    kwargs = {"validation_split": 0.25}
    fast = _train(
        build, "categorical_crossentropy", ["accuracy"], x, y, True, monkeypatch, **kwargs
    )
    assert fast_calls["train"] > 0 and fast_calls["predict"] > 0
    slow = _train(
        build, "categorical_crossentropy", ["accuracy"], x, y, False, monkeypatch, **kwargs
    )
    _assert_same(fast, slow)
    # Inference ignores dropout: predictions equal the layers' own inference call.
    np.testing.assert_array_equal(
        fast[0].predict(x, batch_size=len(x), verbose=0), np.asarray(fast[0](x.astype(np.float32)))
    )


@pytest.mark.parametrize("label_shape", ["flat", "column"])
def test_sparse_labels_are_bitwise_the_tape_step(label_shape, monkeypatch, fast_calls):
    x, y = _data(30, 5, 4, "categorical_crossentropy")
    labels = np.argmax(y, axis=-1).astype(np.int32)
    if label_shape == "column":
        labels = labels[:, None]

    def build():
        return Sequential(
            [
                layers.Input((5,)),
                layers.Dense(7, activation="relu"),
                layers.Dense(4, activation="softmax"),
            ]
        )

    fast = _train(
        build, "sparse_categorical_crossentropy", ["accuracy"], x, labels, True, monkeypatch
    )
    assert fast_calls["train"] > 0
    slow = _train(
        build, "sparse_categorical_crossentropy", ["accuracy"], x, labels, False, monkeypatch
    )
    _assert_same(fast, slow)


def test_out_of_range_sparse_label_gives_the_keras_error(fast_calls):
    model = Sequential([layers.Input((3,)), layers.Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.ones((8, 3), np.float32)
    model.fit(x, np.zeros(8, np.int32), batch_size=4, epochs=1, verbose=0)  # builds the plan
    with pytest.raises(ValueError, match="label value of 7 which is outside the valid range"):
        model.fit(x, np.full(8, 7, np.int32), batch_size=4, epochs=1, verbose=0)
    assert fast_calls["train"] >= 1


LOGIT_LOSSES = [
    ("bce", lambda: minikeras.losses.BinaryCrossentropy(from_logits=True), 2),
    ("cce", lambda: minikeras.losses.CategoricalCrossentropy(from_logits=True), 4),
    ("scce", lambda: minikeras.losses.SparseCategoricalCrossentropy(from_logits=True), 4),
    ("scce_default", lambda: minikeras.losses.SparseCategoricalCrossentropy(), 4),
]


@pytest.mark.parametrize("name,make_loss,units", LOGIT_LOSSES)
def test_loss_objects_and_logits_are_bitwise_the_tape_step(
    name, make_loss, units, monkeypatch, fast_calls
):
    x, y = _data(
        30, 5, units, "binary_crossentropy" if name == "bce" else "categorical_crossentropy"
    )
    if name.startswith("scce"):
        y = np.argmax(y, axis=-1)
    out = "softmax" if name == "scce_default" else None

    def build():
        return Sequential(
            [
                layers.Input((5,)),
                layers.Dense(7, activation="tanh"),
                layers.Dense(units, activation=out),
            ]
        )

    fast = _train(build, make_loss(), ["accuracy"], x, y, True, monkeypatch)
    assert fast_calls["train"] > 0
    slow = _train(build, make_loss(), ["accuracy"], x, y, False, monkeypatch)
    _assert_same(fast, slow)


def test_tensorflow_beginner_tutorial_model_is_bitwise_the_tape_step(monkeypatch, fast_calls):
    # tensorflow.org's "quickstart for beginners": Flatten, Dense relu, Dropout, logits.
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, (48, 6, 5))
    y = rng.integers(0, 10, 48).astype(np.uint8)

    def build():
        return Sequential(
            [
                layers.Flatten(input_shape=(6, 5)),
                layers.Dense(16, activation="relu"),
                layers.Dropout(0.2),
                layers.Dense(10),
            ]
        )

    def loss():
        return minikeras.losses.SparseCategoricalCrossentropy(from_logits=True)

    fast = _train(build, loss(), ["accuracy"], x, y, True, monkeypatch, validation_split=0.25)
    assert fast_calls["train"] > 0 and fast_calls["predict"] > 0
    slow = _train(build, loss(), ["accuracy"], x, y, False, monkeypatch, validation_split=0.25)
    _assert_same(fast, slow)
    x32 = x.astype(np.float32)
    np.testing.assert_array_equal(
        fast[0].predict(x32, batch_size=48, verbose=0), np.asarray(fast[0](x32))
    )
    plan = fused_step.plan(fast[0])
    assert plan.accepts(x32) and not plan.accepts(x32.reshape(48, 30))


def _sgd_subclass_with_own_step():
    class HalfStepSGD(minikeras.optimizers.SGD):
        def update_step(self, gradient, variable, learning_rate):
            variable.value -= gradient * np.asarray(learning_rate, variable.dtype) * 0.5

    return HalfStepSGD(0.1)


SGD_VARIANTS = {
    # name: (optimizer factory, whether the plan applies the update itself)
    "plain": (lambda: minikeras.optimizers.SGD(0.1), True),
    "plain_with_constraint": (lambda: minikeras.optimizers.SGD(0.1), True),
    "lr_changed_by_callback": (lambda: minikeras.optimizers.SGD(0.1), True),
    "momentum": (lambda: minikeras.optimizers.SGD(0.1, momentum=0.9), False),
    "clipnorm": (lambda: minikeras.optimizers.SGD(0.1, clipnorm=0.01), False),
    "weight_decay": (lambda: minikeras.optimizers.SGD(0.1, weight_decay=0.05), False),
    "schedule": (
        lambda: minikeras.optimizers.SGD(
            minikeras.optimizers.schedules.ExponentialDecay(0.1, 3, 0.5)
        ),
        True,
    ),
    "legacy_decay": (lambda: minikeras.optimizers.SGD(lr=0.1, decay=0.01), True),
    "ema": (lambda: minikeras.optimizers.SGD(0.1, use_ema=True), False),
    "own_update_step": (_sgd_subclass_with_own_step, False),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("variant", sorted(SGD_VARIANTS))
def test_plain_sgd_is_applied_inside_the_backward_pass(variant, monkeypatch, fast_calls):
    """Plain SGD (also with a schedule or legacy decay) updates each variable as soon as
    its gradient is known (no `apply` call); every other SGD setting goes through `apply`.
    Both are bitwise the tape step's."""
    make_optimizer, inline = SGD_VARIANTS[variant]
    x, y = _data(35, 5, 1, "binary_crossentropy")
    constraint = minikeras.constraints.MaxNorm(0.5) if variant.endswith("constraint") else None
    callbacks = None
    if variant == "lr_changed_by_callback":
        callbacks = [minikeras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)]

    def build():
        return Sequential(
            [
                layers.Input((5,)),
                layers.Dense(8, activation="tanh", kernel_constraint=constraint),
                layers.Dense(1, activation="sigmoid"),
            ]
        )

    applied = {"n": 0}
    apply = minikeras.optimizers.Optimizer.apply

    def counted_apply(self, *args, **kwargs):
        applied["n"] += 1
        return apply(self, *args, **kwargs)

    monkeypatch.setattr(minikeras.optimizers.Optimizer, "apply", counted_apply)
    fit = {"callbacks": callbacks, "optimizer": make_optimizer()}
    fast = _train(build, "binary_crossentropy", ["accuracy"], x, y, True, monkeypatch, **fit)
    steps = 3 * 5  # the first one is generic: it builds the metrics and the optimizer
    assert fast_calls["train"] == steps - 1
    assert applied["n"] == (1 if inline else steps)
    assert int(fast[0].optimizer.iterations.value) == steps
    fit["optimizer"] = make_optimizer()
    slow = _train(build, "binary_crossentropy", ["accuracy"], x, y, False, monkeypatch, **fit)
    _assert_same(fast, slow)
    if constraint is not None:  # the constraint held after every update
        norms = np.sqrt(np.sum(np.square(fast[0].layers[0].kernel.value), axis=0))
        assert np.all(norms <= 0.5 + 1e-6)


@pytest.mark.parametrize(
    "shape_a,shape_b",
    [((4, 2), (2, 10)), ((4, 10), (10, 1)), ((1, 784), (784, 64)), ((128, 96), (96, 70))],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_products_are_bitwise_matmul_for_plain_and_transposed_operands(shape_a, shape_b, dtype):
    """The plan's `_product` (ndarray.dot below a size, matmul above) gives matmul's bits,
    also for the transposed views the backward pass multiplies."""
    rng = np.random.default_rng(7)
    a = rng.normal(size=shape_a).astype(dtype)
    b = rng.normal(size=shape_b).astype(dtype)
    a_t = np.ascontiguousarray(a.T).T  # the same values held transposed, as `inp.T` is
    b_t = np.ascontiguousarray(b.T).T
    for left, right in ((a, b), (a_t, b), (a, b_t)):
        got = dense_stack._product(left, right)
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, np.matmul(left, right))


def _batch_sources(x, y, batch_size):
    """The array path's batches (no shuffling) as a generator, a `Sequence` and a `Dataset`,
    each with the `fit` arguments it needs."""
    from minikeras.data import Dataset
    from minikeras.utils import Sequence

    starts = range(0, len(x), batch_size)

    def generator():
        while True:
            for i in starts:
                yield x[i : i + batch_size], y[i : i + batch_size]

    class Batches(Sequence):
        def __len__(self):
            return len(starts)

        def __getitem__(self, index):
            i = starts[index]
            return x[i : i + batch_size], y[i : i + batch_size]

    return {
        "generator": (generator, {"steps_per_epoch": len(starts)}),
        "sequence": (Batches, {"shuffle": False}),
        "dataset": (lambda: Dataset.from_tensor_slices((x, y)).batch(batch_size), {}),
    }


@pytest.mark.parametrize("kind", ["generator", "sequence", "dataset"])
def test_generator_sequence_and_dataset_batches_take_the_fused_step(kind, monkeypatch, fast_calls):
    x, y = _data(40, 5, 3, "categorical_crossentropy")
    epochs, batch_size = 3, 7

    def build():
        return Sequential(
            [
                layers.Input((5,)),
                layers.Dense(6, activation="relu"),
                layers.Dense(3, activation="softmax"),
            ]
        )

    make_data, fit_kwargs = _batch_sources(x, y, batch_size)[kind]
    fit_kwargs = (
        {**fit_kwargs, "validation_data": make_data()} if kind != "generator" else fit_kwargs
    )

    def train(data, fast, **kwargs):
        if not fast:
            monkeypatch.setattr(fused_step, "plan", lambda model: None)
        minikeras.utils.set_random_seed(3)
        model = build()
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(*data, epochs=epochs, verbose=0, **kwargs)
        monkeypatch.undo() if not fast else None
        return model, history

    arrays = train((x, y), True, batch_size=batch_size, shuffle=False)
    fast_calls["train"] = 0
    fused = train((make_data(),), True, **fit_kwargs)
    # Every batch but the first (which builds the compiled loss) took the fused step.
    assert fast_calls["train"] == epochs * len(range(0, len(x), batch_size)) - 1
    tape = train((make_data(),), False, **fit_kwargs)
    _assert_same(fused, tape)
    if kind == "generator":
        _assert_same(fused, arrays)
    else:
        assert arrays[1].history == {k: v for k, v in fused[1].history.items() if "val" not in k}
        for wa, wb in zip(arrays[0].get_weights(), fused[0].get_weights()):
            np.testing.assert_array_equal(wa, wb)


def test_batches_that_do_not_suit_the_plan_take_the_tape_step(fast_calls):
    """A generator's batches with sample weights run the tape step; the others still take
    the fused one."""
    x, y = _data(21, 4, 1, "mse")
    x, y = x.astype(np.float32), y.astype(np.float32)
    weights = np.linspace(0.5, 1.5, 7).astype(np.float32)

    def generator():
        while True:
            yield x[:7], y[:7]
            yield x[7:14], y[7:14], weights
            yield x[14:], y[14:]

    model = Sequential([layers.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(generator(), steps_per_epoch=3, epochs=2, verbose=0)
    # 6 batches: the first builds the loss (tape), the two weighted ones take the tape step.
    assert fast_calls["train"] == 3
