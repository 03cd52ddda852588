"""`fit`/`evaluate`/`predict` on a `Dataset` and on any iterable of batches."""

import sys

import numpy as np
import pytest

import minikeras as keras
from minikeras.data import Dataset


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.layers.Input((4,)),
            keras.layers.Dense(6, activation="tanh"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, :1] + x[:, 1:2] > 0).astype("float32")
    return x, y


class StepCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps = []

    def on_epoch_begin(self, epoch, logs=None):
        self.steps.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.steps[-1] += 1


def test_fit_on_a_dataset_equals_fit_on_the_same_arrays():
    x, y = _data()
    a, b = _model(), _model()
    ha = a.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    hb = b.fit(Dataset.from_tensor_slices((x, y)).batch(8), epochs=3, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert ha.history == hb.history
    ds = Dataset.from_tensor_slices((x, y)).batch(8)
    assert a.evaluate(x, y, batch_size=8, verbose=0) == b.evaluate(ds, verbose=0)
    np.testing.assert_array_equal(a.predict(x, batch_size=8, verbose=0), b.predict(ds, verbose=0))
    np.testing.assert_array_equal(
        a.predict(x, verbose=0), b.predict(Dataset.from_tensor_slices(x).batch(8), verbose=0)
    )


def test_fit_on_a_repeated_dataset_honours_steps_per_epoch():
    x, y = _data()
    counter = StepCounter()
    ds = Dataset.from_tensor_slices((x, y)).shuffle(40, seed=1).batch(8).repeat()
    _model().fit(ds, epochs=3, steps_per_epoch=7, verbose=0, callbacks=[counter])
    assert counter.steps == [7, 7, 7]


def test_steps_per_epoch_carries_one_iterator_across_epochs():
    x, y = _data(30)
    seen = []

    def note(xb, yb):
        seen.append(xb[0, 0])
        return xb, yb

    counter = StepCounter()
    ds = Dataset.from_tensor_slices((x, y)).batch(10).map(note)  # 3 batches a pass
    _model().fit(ds, epochs=2, steps_per_epoch=2, verbose=0, callbacks=[counter])
    assert counter.steps == [2, 2]
    # Epoch 2 continues where epoch 1 stopped (batch 3), then a new pass starts.
    np.testing.assert_array_equal(seen, [x[0, 0], x[10, 0], x[20, 0], x[0, 0]])


def test_infinite_dataset_without_steps_is_an_error():
    x, y = _data()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        _model().fit(Dataset.from_tensor_slices((x, y)).batch(8).repeat(), verbose=0)


def test_dataset_with_y_or_validation_split_is_an_error():
    x, y = _data()
    ds = Dataset.from_tensor_slices((x, y)).batch(8)
    with pytest.raises(ValueError, match="y"):
        _model().fit(ds, y, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        _model().fit(ds, validation_split=0.2, verbose=0)


def test_validation_data_as_a_dataset_matches_arrays():
    x, y = _data()
    ds = Dataset.from_tensor_slices((x, y)).batch(8)
    ha = _model().fit(x, y, batch_size=8, shuffle=False, validation_data=(x, y), verbose=0)
    hb = _model().fit(ds, validation_data=ds, verbose=0)
    assert ha.history == hb.history


def test_dict_inputs_and_sample_weights_from_a_dataset():
    x, y = _data()
    inp = keras.Input((4,), name="feat")
    model = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(inp))
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    w = np.zeros(40, dtype="float32")
    before = [v.copy() for v in model.get_weights()]
    ds = Dataset.from_tensor_slices(({"feat": x}, y, w)).batch(10)
    model.fit(ds, epochs=1, verbose=0)  # zero weights: no update
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.predict(ds, verbose=0).shape == (40, 1)


class FakeTensor:
    """Stands for a torch tensor: converted through `.detach().cpu().numpy()`."""

    def __init__(self, value):
        self.value = value

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.value


class FakeLoader:
    """Iterable of `[x, y]` lists with a length, as a torch DataLoader."""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __iter__(self):
        for lo in range(0, len(self.x), self.batch_size):
            hi = lo + self.batch_size
            yield [FakeTensor(self.x[lo:hi]), FakeTensor(self.y[lo:hi])]


def test_any_iterable_of_batches_trains_like_arrays_without_importing_torch():
    x, y = _data()
    had_torch = "torch" in sys.modules
    a, b = _model(), _model()
    a.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    counter = StepCounter()
    b.fit(FakeLoader(x, y, 8), epochs=2, verbose=0, callbacks=[counter])
    assert counter.steps == [5, 5]
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert ("torch" in sys.modules) == had_torch
