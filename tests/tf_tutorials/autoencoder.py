"""TensorFlow's autoencoder tutorial, restated on generated images and ECG-like signals.

A subclassed dense autoencoder, a convolutional denoiser fed `tf.random.normal`
noise clipped with `tf.clip_by_value`, and anomaly detection by thresholding
the reconstruction error (`tf.keras.losses.mae`, `tf.math.less`).
"""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, losses
from tensorflow.keras.models import Model

tf.keras.utils.set_random_seed(0)  # reproducible runs (the tutorial is unseeded)

rng = np.random.default_rng(5)
blobs = rng.random((4, 12, 12)).astype("float32")
idx = rng.integers(0, 4, size=400)
x_train = np.clip(blobs[idx[:320]] + 0.05 * rng.random((320, 12, 12)), 0, 1).astype("float32")
x_test = np.clip(blobs[idx[320:]] + 0.05 * rng.random((80, 12, 12)), 0, 1).astype("float32")

latent_dim = 16


class Autoencoder(Model):
    def __init__(self, latent_dim, shape):
        super().__init__()
        self.latent_dim = latent_dim
        self.shape = shape
        self.encoder = tf.keras.Sequential(
            [
                layers.Flatten(),
                layers.Dense(latent_dim, activation="relu"),
            ]
        )
        self.decoder = tf.keras.Sequential(
            [
                layers.Dense(tf.math.reduce_prod(shape).numpy(), activation="sigmoid"),
                layers.Reshape(shape),
            ]
        )

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


shape = x_test.shape[1:]
autoencoder = Autoencoder(latent_dim, shape)
autoencoder.compile(optimizer="adam", loss=losses.MeanSquaredError())
history = autoencoder.fit(
    x_train, x_train, epochs=15, shuffle=True, validation_data=(x_test, x_test), verbose=0
)
encoded_imgs = autoencoder.encoder(x_test).numpy()
decoded_imgs = autoencoder.decoder(encoded_imgs).numpy()
assert encoded_imgs.shape == (80, latent_dim) and decoded_imgs.shape == (80, 12, 12)
print("reconstruction mse", history.history["val_loss"][-1])
assert history.history["val_loss"][-1] < history.history["val_loss"][0]

# Denoising with convolutions.
x_train_c = x_train[..., tf.newaxis]
x_test_c = x_test[..., tf.newaxis]
noise_factor = 0.2
x_train_noisy = x_train_c + noise_factor * tf.random.normal(shape=x_train_c.shape)
x_test_noisy = x_test_c + noise_factor * tf.random.normal(shape=x_test_c.shape)
x_train_noisy = tf.clip_by_value(x_train_noisy, clip_value_min=0.0, clip_value_max=1.0)
x_test_noisy = tf.clip_by_value(x_test_noisy, clip_value_min=0.0, clip_value_max=1.0)
assert float(tf.reduce_min(x_train_noisy)) >= 0.0 and float(tf.reduce_max(x_train_noisy)) <= 1


class Denoise(Model):
    def __init__(self):
        super().__init__()
        self.encoder = tf.keras.Sequential(
            [
                layers.Input(shape=(12, 12, 1)),
                layers.Conv2D(8, (3, 3), activation="relu", padding="same", strides=2),
                layers.Conv2D(4, (3, 3), activation="relu", padding="same", strides=2),
            ]
        )
        self.decoder = tf.keras.Sequential(
            [
                layers.Conv2DTranspose(
                    4, kernel_size=3, strides=2, activation="relu", padding="same"
                ),
                layers.Conv2DTranspose(
                    8, kernel_size=3, strides=2, activation="relu", padding="same"
                ),
                layers.Conv2D(1, kernel_size=(3, 3), activation="sigmoid", padding="same"),
            ]
        )

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


denoiser = Denoise()
denoiser.compile(optimizer="adam", loss=losses.MeanSquaredError())
denoiser.fit(
    x_train_noisy,
    x_train_c,
    epochs=3,
    shuffle=True,
    validation_data=(x_test_noisy, x_test_c),
    verbose=0,
)
encoded_imgs = denoiser.encoder(x_test_noisy).numpy()
decoded_imgs = denoiser.decoder(encoded_imgs).numpy()
assert encoded_imgs.shape == (80, 3, 3, 4) and decoded_imgs.shape == (80, 12, 12, 1)

# Anomaly detection on ECG-like rhythms: normal = smooth sine, abnormal = jagged.
t = np.linspace(0, 4 * np.pi, 140)
normal = np.sin(t)[None] + 0.05 * rng.normal(size=(300, 140))
abnormal = np.sign(np.sin(3 * t))[None] + 0.3 * rng.normal(size=(100, 140))
raw_data = np.concatenate([normal, abnormal])
raw_labels = np.concatenate([np.ones(300), np.zeros(100)])
order = rng.permutation(400)
raw_data, raw_labels = raw_data[order], raw_labels[order]
train_data, test_data = raw_data[:320], raw_data[320:]
train_labels, test_labels = raw_labels[:320], raw_labels[320:]

min_val = tf.reduce_min(train_data)
max_val = tf.reduce_max(train_data)
train_data = (train_data - min_val) / (max_val - min_val)
test_data = (test_data - min_val) / (max_val - min_val)
train_data = tf.cast(train_data, tf.float32)
test_data = tf.cast(test_data, tf.float32)
train_labels = train_labels.astype(bool)
test_labels = test_labels.astype(bool)
normal_train_data = train_data[train_labels]
normal_test_data = test_data[test_labels]
anomalous_test_data = test_data[~test_labels]


class AnomalyDetector(Model):
    def __init__(self):
        super().__init__()
        self.encoder = tf.keras.Sequential(
            [
                layers.Dense(32, activation="relu"),
                layers.Dense(16, activation="relu"),
                layers.Dense(8, activation="relu"),
            ]
        )
        self.decoder = tf.keras.Sequential(
            [
                layers.Dense(16, activation="relu"),
                layers.Dense(32, activation="relu"),
                layers.Dense(140, activation="sigmoid"),
            ]
        )

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


detector = AnomalyDetector()
detector.compile(optimizer="adam", loss="mae")
detector.fit(
    normal_train_data,
    normal_train_data,
    epochs=40,
    batch_size=64,
    validation_data=(test_data, test_data),
    shuffle=True,
    verbose=0,
)
reconstructions = detector.predict(normal_train_data, verbose=0)
train_loss = tf.keras.losses.mae(reconstructions, normal_train_data)
threshold = np.mean(train_loss) + np.std(train_loss)
print("Threshold: ", threshold)


def predict(model, data, threshold):
    reconstructions = model(data)
    loss = tf.keras.losses.mae(reconstructions, data)
    return tf.math.less(loss, threshold)


preds = predict(detector, test_data, threshold)
accuracy = float(np.mean(preds.numpy() == test_labels))
print("Accuracy =", accuracy)
# Every anomaly is flagged; the mean + one std threshold also flags some normal beats.
assert not np.any(preds.numpy()[~test_labels]) and accuracy > 0.75
print("OK autoencoder")
