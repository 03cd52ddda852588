"""Keras 2 backend tricks: `K.function` for intermediate outputs, `K.set_value` on the LR.

The FAQ's "How can I obtain the output of an intermediate layer?", with the learning
phase as an input, and lowering the learning rate between two `fit` calls.

Run: python -m minikeras compat/k_function_features.py
Real Keras 3: fails (`K.function`, `K.learning_phase` and `K.set_value` were removed).
"""

import numpy as np
from keras import backend as K
from keras.models import Sequential
from keras.layers import Dense, Dropout
from keras.optimizers import SGD

np.random.seed(1)
X = np.random.randn(400, 3)
y = (X[:, 0] * X[:, 1] > 0).astype("float32")

model = Sequential()
model.add(Dense(16, input_dim=3, activation="relu"))
model.add(Dropout(0.1))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer=SGD(lr=0.5), metrics=["accuracy"])
model.fit(X, y, epochs=30, batch_size=16, verbose=0)
print("Learning rate before:", K.get_value(model.optimizer.lr))
K.set_value(model.optimizer.lr, 0.05)
print("Learning rate after:", K.get_value(model.optimizer.lr))
model.fit(X, y, epochs=10, batch_size=16, verbose=0)

get_hidden = K.function([model.layers[0].input, K.learning_phase()], [model.layers[0].output])
hidden_test = get_hidden([X[:5], 0])[0]
print(
    "Hidden layer output shape:",
    hidden_test.shape,
    "int_shape:",
    K.int_shape(model.layers[0].output),
)
w, b = model.layers[0].get_weights()
print(
    "Matches manual ReLU(xW + b):",
    np.allclose(hidden_test, np.maximum(X[:5] @ w + b, 0), atol=1e-5),
)
print("Test accuracy:", model.evaluate(X, y, verbose=0)[1])
