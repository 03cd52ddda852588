"""Keras 2 `examples/imdb_lstm.py` on synthetic reviews (word-index sequences).

Reviews are random word indices; positive ones contain more "positive" words.
`sequence.pad_sequences` + `Embedding` + `LSTM` as in the original.

Run: python -m minikeras compat/imdb_lstm_synthetic.py
Real Keras 3: runs unchanged.
"""

from __future__ import print_function

import numpy as np

from keras.preprocessing import sequence
from keras.models import Sequential
from keras.layers import Dense, Embedding
from keras.layers import LSTM

max_features = 200
maxlen = 20  # cut texts after this number of words (among top max_features most common words)
batch_size = 32

print("Loading data...")
rng = np.random.RandomState(3)


def fake_reviews(n):
    labels = rng.randint(0, 2, n)
    reviews = []
    for label in labels:
        length = rng.randint(5, 30)
        words = rng.randint(10, max_features, length)
        marks = rng.rand(length) < 0.3
        words[marks] = rng.randint(2, 6, marks.sum()) + (4 if label else 0)
        reviews.append(list(words))
    return reviews, labels


(x_train, y_train), (x_test, y_test) = fake_reviews(600), fake_reviews(200)
print(len(x_train), "train sequences")
print(len(x_test), "test sequences")

print("Pad sequences (samples x time)")
x_train = sequence.pad_sequences(x_train, maxlen=maxlen)
x_test = sequence.pad_sequences(x_test, maxlen=maxlen)
print("x_train shape:", x_train.shape)
print("x_test shape:", x_test.shape)

print("Build model...")
model = Sequential()
model.add(Embedding(max_features, 16))
model.add(LSTM(16, dropout=0.2, recurrent_dropout=0.2))
model.add(Dense(1, activation="sigmoid"))

model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])

print("Train...")
model.fit(
    x_train, y_train, batch_size=batch_size, epochs=6, verbose=2, validation_data=(x_test, y_test)
)
score, acc = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
print("Test score:", score)
print("Test accuracy:", acc)
