"""A Keras 1 era iris tutorial: `output_dim`, `init`, `nb_epoch`, `np_utils`, `predict_classes`.

Synthetic iris-like data (three Gaussian clusters, four features) replaces the CSV.

Run: python -m minikeras compat/iris_keras1.py
Real Keras 3: fails (Keras 1 argument names and `keras.utils.np_utils` were removed).
"""

import numpy
from keras.models import Sequential
from keras.layers import Dense
from keras.optimizers import SGD
from keras.utils import np_utils

# fix random seed for reproducibility
seed = 7
numpy.random.seed(seed)

# load dataset (synthetic: 50 flowers per species)
centers = numpy.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
X = numpy.concatenate([c + 0.3 * numpy.random.randn(50, 4) for c in centers])
encoded_Y = numpy.repeat([0, 1, 2], 50)
order = numpy.random.permutation(150)
X, encoded_Y = X[order], encoded_Y[order]
# convert integers to dummy variables (i.e. one hot encoded)
dummy_y = np_utils.to_categorical(encoded_Y)

# create model
model = Sequential()
model.add(Dense(output_dim=8, input_dim=4, init="normal", activation="relu"))
model.add(Dense(output_dim=3, init="normal", activation="softmax"))
# Compile model
model.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.05), metrics=["accuracy"])
# Fit the model
model.fit(X, dummy_y, nb_epoch=60, batch_size=5, verbose=0)
# evaluate the model
scores = model.evaluate(X, dummy_y, verbose=0)
print("%s: %.2f%%" % (model.metrics_names[1], scores[1] * 100))
classes = model.predict_classes(X)
print("Test accuracy:", numpy.mean(classes == encoded_Y))
