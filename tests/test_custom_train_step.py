"""Overriding `train_step`/`test_step` as Keras' "Customizing what happens in fit()" teaches.

Each pattern is checked against an independent truth: a custom step that does what the
built-in one does must give bit for bit the weights and history of the built-in `fit`;
trackers must hold exactly one epoch's batches; GAN-style models must update only the
sub-model each optimizer owns.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from minikeras.backend import GradientTape
from minikeras.utils import unpack_x_y_sample_weight


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x @ rng.normal(size=(6, 1))).astype(np.float32)
    return x, y


def _graph():
    inputs = keras.Input((6,))
    hidden = layers.Dense(5, activation="tanh")(inputs)
    return inputs, layers.Dense(1)(hidden)


def _fit(model, x, y, **kwargs):
    return model.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False, **kwargs)


def _reference(x, y, **fit_kwargs):
    """The built-in step on the same seeded graph: what the custom steps must reproduce."""
    keras.utils.set_random_seed(1)
    model = keras.Model(*_graph())
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model, _fit(model, x, y, **fit_kwargs)


def _assert_same_training(a, b):
    (ma, ha), (mb, hb) = a, b
    for wa, wb in zip(ma.get_weights(), mb.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert ha.history == hb.history


class Keras3StyleModel(keras.Model):
    """The built-in step written out with the Keras 3 names."""

    def train_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss, sample_weight=len(x))
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


def test_subclass_built_functionally_is_a_functional_model_of_its_class():
    model = Keras3StyleModel(*_graph())
    assert type(model) is Keras3StyleModel
    assert isinstance(model, keras.Model) and len(model.layers) == 3
    assert model(np.zeros((2, 6), np.float32)).shape == (2, 1)
    kw = Keras3StyleModel(inputs=model.inputs[0], outputs=model.outputs[0])
    assert type(kw) is Keras3StyleModel and kw.layers[1] is model.layers[1]


def test_keras3_style_train_step_trains_as_the_builtin_step():
    x, y = _data()
    keras.utils.set_random_seed(1)
    model = Keras3StyleModel(*_graph())
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    custom = (model, _fit(model, x, y))
    # As in Keras 3: the step's nested `compile_metrics` entry sorts before `loss`.
    assert list(custom[1].history) == ["mae", "loss"]
    _assert_same_training(custom, _reference(x, y))


def test_sample_weights_reach_a_custom_step_as_a_third_element():
    x, y = _data()
    sw = np.linspace(0.5, 2.0, len(x)).astype(np.float32)
    seen = []

    class Weighted(keras.Model):
        def train_step(self, data):
            seen.append(len(data))
            x, y, sample_weight = unpack_x_y_sample_weight(data)
            with GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self._loss_tracker.update_state(loss, sample_weight=len(x))
            return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    keras.utils.set_random_seed(1)
    model = Weighted(*_graph())
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    custom = (model, _fit(model, x, y, sample_weight=sw))
    assert set(seen) == {3}
    _assert_same_training(custom, _reference(x, y, sample_weight=sw))


def test_tf_keras_style_step_with_compiled_loss_and_compiled_metrics():
    x, y = _data()

    class TFStyle(keras.Model):
        def train_step(self, data):
            x, y = data
            with GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    keras.utils.set_random_seed(1)
    model = TFStyle(*_graph())
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    custom = (model, _fit(model, x, y))
    _assert_same_training(custom, _reference(x, y))


def test_own_loss_and_trackers_without_compiled_loss_reset_each_epoch():
    x, y = _data(n=24)
    batch_losses = []

    class OwnLoss(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = ops.mean(ops.square(y_pred - y))
            self.optimizer.apply(
                tape.gradient(loss, self.trainable_weights), self.trainable_weights
            )
            batch_losses.append(float(loss))
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    model = OwnLoss(*_graph())
    model.compile(optimizer=keras.optimizers.SGD(0.01))  # no loss: the step computes it
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    assert list(history.history) == ["loss", "mae"]
    # Reset at each epoch start: the second epoch's figure is the mean of its 3 batches only.
    assert history.history["loss"][1] == pytest.approx(np.mean(batch_losses[3:]), rel=1e-6)
    assert model.loss_tracker.count == 3


def test_custom_test_step_is_what_evaluate_runs():
    x, y = _data()

    class CustomEval(keras.Model):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            self._loss_tracker.update_state(loss, sample_weight=len(x))
            return self.compute_metrics(x, y, y_pred)

    keras.utils.set_random_seed(1)
    model = CustomEval(*_graph())
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    pred = model.predict(x, verbose=0)
    assert logs["mae"] == pytest.approx(float(np.mean(np.abs(pred - y))), rel=1e-5)
    assert logs["loss"] == pytest.approx(float(np.mean((pred - y) ** 2)), rel=1e-5)


def test_gan_style_compile_with_two_optimizers_trains_each_side():
    rng = np.random.default_rng(0)
    real = rng.normal(loc=2.0, size=(32, 4)).astype(np.float32)

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            n = real_images.shape[0]
            z = np.random.default_rng(n).normal(size=(n, self.latent_dim)).astype(np.float32)
            fake = np.asarray(self.generator(z))
            both = np.concatenate([fake, real_images])
            labels = np.concatenate([np.ones((n, 1)), np.zeros((n, 1))]).astype(np.float32)
            with GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(both))
            d_vars = self.discriminator.trainable_weights
            self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
            with GradientTape() as tape:
                g_loss = self.loss_fn(
                    np.zeros((n, 1), np.float32), self.discriminator(self.generator(z))
                )
            g_vars = self.generator.trainable_weights
            self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    keras.utils.set_random_seed(0)
    disc = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    gen = keras.Sequential([keras.Input((3,)), layers.Dense(4)])
    gan = GAN(disc, gen, latent_dim=3)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-2),
        g_optimizer=keras.optimizers.Adam(1e-2),
        loss_fn=keras.losses.BinaryCrossentropy(),
    )
    before = [w.copy() for w in disc.get_weights() + gen.get_weights()]
    history = gan.fit(real, epochs=2, batch_size=16, verbose=0)
    assert list(history.history) == ["d_loss", "g_loss"]
    assert all(len(v) == 2 and np.isfinite(v).all() for v in history.history.values())
    after = disc.get_weights() + gen.get_weights()
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))
    assert gan.d_loss_tracker.count == 2  # reset at the second epoch's start


def test_make_train_function_chooses_once_and_only_for_default_steps():
    from minikeras.trainers.fused_step import FusedTrainFunction

    x, y = _data()
    plain = keras.Sequential(
        [keras.Input((6,)), layers.Dense(4, activation="relu"), layers.Dense(1)]
    )
    plain.compile("sgd", "mse")
    _fit(plain, x, y)
    first = plain.make_train_function()
    assert isinstance(first, FusedTrainFunction)
    assert plain.make_train_function() is first
    plain.layers[0].trainable = False  # a model change: chosen again
    assert plain.make_train_function() is not first
    custom = Keras3StyleModel(*_graph())
    custom.compile("sgd", "mse")
    _fit(custom, x, y)
    assert custom.make_train_function() == custom.train_step


def test_fused_and_tape_steps_stay_bitwise_with_the_step_contract():
    x, y = _data()

    def run(custom):
        keras.utils.set_random_seed(2)
        cls = Keras3StyleModel if custom else keras.Model
        inputs = keras.Input((6,))
        outputs = layers.Dense(1)(layers.Dense(4, activation="relu")(inputs))
        model = cls(inputs, outputs)
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        return model, _fit(model, x, y)

    fused, tape = run(False), run(True)
    assert isinstance(
        fused[0].train_function,
        __import__("minikeras.trainers.fused_step", fromlist=["x"]).FusedTrainFunction,
    )
    _assert_same_training(fused, tape)


def test_train_on_batch_and_test_on_batch_use_the_custom_steps():
    x, y = _data(n=8)
    calls = []

    class Counting(keras.Model):
        def train_step(self, data):
            calls.append("train")
            return super().train_step(data)

        def test_step(self, data):
            calls.append("test")
            return super().test_step(data)

    model = Counting(*_graph())
    model.compile("sgd", "mse", metrics=["mae"])
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "mae"}
    assert model.test_on_batch(x, y) == pytest.approx(
        list(model.evaluate(x, y, verbose=0, return_dict=True).values())
    )
    assert calls[:2] == ["train", "test"]


def test_tf_keras_script_with_gradient_tape_runs_under_python_m_minikeras(tmp_path):
    script = tmp_path / "tf_custom_fit.py"
    script.write_text(
        textwrap.dedent("""
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras

        class CustomModel(keras.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
                gradients = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
                self.compiled_metrics.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}

        inputs = keras.Input(shape=(32,))
        outputs = keras.layers.Dense(1)(inputs)
        model = CustomModel(inputs, outputs)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        x = np.random.random((64, 32))
        y = np.random.random((64, 1))
        history = model.fit(x, y, epochs=2, verbose=0)
        print(sorted(history.history), len(history.history["loss"]))
    """)
    )
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(__file__)))
    out = subprocess.run(
        [sys.executable, "-m", "minikeras", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "['loss', 'mae'] 2"
