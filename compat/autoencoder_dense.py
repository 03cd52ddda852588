"""The Keras blog's "simplest possible autoencoder" (Keras 3 functional API).

An encoder model and a decoder model are cut out of the trained autoencoder, as in the
post. Synthetic 784-pixel images built from a few smooth patterns replace MNIST.

Run: python -m minikeras compat/autoencoder_dense.py
Real Keras 3: runs unchanged.
"""

import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(1)  # the run-to-run spread of this tutorial is large

# This is the size of our encoded representations
encoding_dim = 32  # 32 floats -> compression of factor 24.5, assuming the input is 784 floats

# This is our input image
input_img = keras.Input(shape=(784,))
# "encoded" is the encoded representation of the input
encoded = layers.Dense(encoding_dim, activation="relu")(input_img)
# "decoded" is the lossy reconstruction of the input
decoded = layers.Dense(784, activation="sigmoid")(encoded)

# This model maps an input to its reconstruction
autoencoder = keras.Model(input_img, decoded)
# This model maps an input to its encoded representation
encoder = keras.Model(input_img, encoded)
# This is our encoded (32-dimensional) input
encoded_input = keras.Input(shape=(encoding_dim,))
# Retrieve the last layer of the autoencoder model
decoder_layer = autoencoder.layers[-1]
# Create the decoder model
decoder = keras.Model(encoded_input, decoder_layer(encoded_input))

autoencoder.compile(optimizer="adam", loss="binary_crossentropy")

rng = np.random.default_rng(0)
patterns = rng.uniform(0, 1, (6, 784))
codes = rng.uniform(0, 1, (1200, 6))
images = (codes @ patterns) / codes.sum(axis=1, keepdims=True)
x_train, x_test = images[:1000].astype("float32"), images[1000:].astype("float32")

autoencoder.fit(
    x_train,
    x_train,
    epochs=30,
    batch_size=64,
    shuffle=True,
    validation_data=(x_test, x_test),
    verbose=0,
)

encoded_imgs = encoder.predict(x_test, verbose=0)
decoded_imgs = decoder.predict(encoded_imgs, verbose=0)
print("Encoded shape:", encoded_imgs.shape)
mse = float(np.mean((decoded_imgs - x_test) ** 2))
baseline = float(np.mean((x_test - x_train.mean(axis=0)) ** 2))
print("Reconstruction MSE: %.5f (mean-image baseline %.5f)" % (mse, baseline))
print("Test loss:", mse / baseline)
