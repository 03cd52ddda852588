"""keras.io example "Bidirectional LSTM on IMDB" (Keras 3), scaled down to run in seconds.

Reads `keras.datasets.imdb.load_data()` from the Keras cache; offline, create a synthetic
`imdb.npz` first with `python compat/make_fake_keras_cache.py` (KERAS_HOME set to a
scratch folder). Sizes are smaller than the example's (128-unit embedding, 64-unit LSTMs,
200 words) so that it runs on NumPy in a few seconds.

Run: KERAS_HOME=/tmp/kh python -m minikeras compat/bidirectional_lstm_imdb.py
Real Keras 3: runs unchanged on the real IMDB file.
"""

import keras
from keras import layers

max_features = 5000  # Only consider the top 5k words
maxlen = 40  # Only consider the first 40 words of each movie review

# Input for variable-length sequences of integers
inputs = keras.Input(shape=(None,), dtype="int32")
# Embed each integer in a 16-dimensional vector
x = layers.Embedding(max_features, 16)(inputs)
# Add 2 bidirectional LSTMs
x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(16))(x)
# Add a classifier
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()

(x_train, y_train), (x_val, y_val) = keras.datasets.imdb.load_data(num_words=max_features)
print(len(x_train), "Training sequences")
print(len(x_val), "Validation sequences")
# Use pad_sequence to standardize sequence length:
# this will truncate sequences longer than maxlen and pad sequences shorter than maxlen.
x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=4, validation_data=(x_val, y_val), verbose=2)
loss, acc = model.evaluate(x_val, y_val, verbose=0)
print("Test accuracy:", acc)
