"""Custom loss and metric written with the Keras 2 backend (`K.sqrt`, `K.mean`, ...).

The classic Stack Overflow RMSE loss and R^2 metric, on synthetic regression data.

Run: python -m minikeras compat/custom_loss_backend.py
Real Keras 3: fails (`keras.backend` no longer has `sqrt`, `mean`, `square`, `sum`).
"""

import numpy as np
from keras import backend as K
from keras.models import Sequential
from keras.layers import Dense


def root_mean_squared_error(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def coeff_determination(y_true, y_pred):
    SS_res = K.sum(K.square(y_true - y_pred))
    SS_tot = K.sum(K.square(y_true - K.mean(y_true)))
    return 1 - SS_res / (SS_tot + K.epsilon())


np.random.seed(0)
X = np.random.uniform(-1, 1, (600, 5))
y = (X @ np.array([1.5, -2.0, 0.5, 0.0, 1.0]) + 0.5 * np.sin(3 * X[:, 0]))[:, None]
X_train, X_test, y_train, y_test = X[:500], X[500:], y[:500], y[500:]

model = Sequential()
model.add(Dense(32, input_dim=5, activation="relu"))
model.add(Dense(1))
model.compile(optimizer="adam", loss=root_mean_squared_error, metrics=[coeff_determination])
model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0)
loss, r2 = model.evaluate(X_test, y_test, verbose=0)
print("Test RMSE:", loss)
print("Test R2:", r2)
