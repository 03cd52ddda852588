"""Keras 2 `examples/reuters_mlp.py` style: `Tokenizer` bag-of-words + a dense classifier.

Synthetic one-line "newswires" about three topics replace the Reuters dataset.

Run: python -m minikeras compat/text_tokenizer_mlp.py
Real Keras 3: fails (`keras.preprocessing.text` was removed; use tf_keras).
"""

from __future__ import print_function

import numpy as np
import keras
from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation
from keras.preprocessing.text import Tokenizer

max_words = 60
batch_size = 16
epochs = 8

topics = [
    "oil crude barrel opec price energy",
    "wheat grain corn harvest crop farm",
    "bank rate interest money loan credit",
]
filler = "the a of to in said it for on with year reuters".split()
rng = np.random.RandomState(0)


def newswire(topic):
    words = topics[topic].split()
    return " ".join(rng.choice(words + filler * 2, size=rng.randint(6, 14)))


labels = rng.randint(0, 3, 400)
texts = [newswire(t) for t in labels]

print("Vectorizing sequence data...")
tokenizer = Tokenizer(num_words=max_words)
tokenizer.fit_on_texts(texts[:300])
x_train = tokenizer.texts_to_matrix(texts[:300], mode="binary")
x_test = tokenizer.texts_to_matrix(texts[300:], mode="binary")
print("x_train shape:", x_train.shape)

num_classes = np.max(labels) + 1
y_train = keras.utils.to_categorical(labels[:300], num_classes)
y_test = keras.utils.to_categorical(labels[300:], num_classes)

print("Building model...")
model = Sequential()
model.add(Dense(64, input_shape=(max_words,)))
model.add(Activation("relu"))
model.add(Dropout(0.5))
model.add(Dense(num_classes))
model.add(Activation("softmax"))

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

history = model.fit(
    x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0, validation_split=0.1
)
score = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
print("Test score:", score[0])
print("Test accuracy:", score[1])
