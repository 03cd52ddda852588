"""Transfer learning & fine-tuning in the style of the Keras guide
(https://keras.io/guides/transfer_learning/): image folder -> dataset -> frozen
MobileNetV2 with ImageNet weights -> new head -> fit -> fine-tune -> save -> reload.

Offline, `compat/images/make_demo_data.py` writes a small image folder and a seeded
stand-in for the ImageNet weights file into $KERAS_HOME/models first.

Run: KERAS_HOME=/tmp/kh python -m minikeras compat/images/transfer_learning_guide.py
"""

import numpy as np

import keras
from keras import layers

train_ds, validation_ds = keras.utils.image_dataset_from_directory(
    "stripes",
    validation_split=0.25,
    subset="both",
    seed=1337,
    image_size=(96, 96),
    batch_size=8,
)
print("Classes:", train_ds.class_names)

base_model = keras.applications.MobileNetV2(
    weights="imagenet",  # Load weights pre-trained on ImageNet.
    input_shape=(96, 96, 3),
    alpha=0.35,
    include_top=False,
)  # Do not include the ImageNet classifier at the top.

# Freeze the base_model
base_model.trainable = False

# Create new model on top
inputs = keras.Input(shape=(96, 96, 3))
x = keras.applications.mobilenet_v2.preprocess_input(inputs)

# The base model contains batchnorm layers. We want to keep them in inference mode
# when we unfreeze the base model for fine-tuning, so we make sure that the
# base_model is running in inference mode here.
x = base_model(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
x = keras.layers.Dropout(0.2)(x)  # Regularize with dropout
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
model.summary()

model.compile(
    optimizer=keras.optimizers.Adam(1e-2),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
epochs = 4
print("Fitting the top layer of the model")
model.fit(train_ds, epochs=epochs, validation_data=validation_ds, verbose=2)

# Unfreeze the base_model; its BatchNormalization layers stay frozen, so they keep
# running in inference mode (a frozen BatchNormalization layer ignores training=True).
base_model.trainable = True
for layer in base_model.layers:
    if isinstance(layer, layers.BatchNormalization):
        layer.trainable = False

model.compile(
    optimizer=keras.optimizers.Adam(1e-5),  # Low learning rate
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
print("Fitting the end-to-end model")
model.fit(train_ds, epochs=1, validation_data=validation_ds, verbose=2)

loss, accuracy = model.evaluate(validation_ds, verbose=0)
print("Validation accuracy:", accuracy)

model.save("fine_tuned.keras")
reloaded = keras.models.load_model("fine_tuned.keras")
images = next(iter(validation_ds))[0]
print(
    "Reloaded predictions match:",
    bool(
        np.allclose(
            model.predict(images, verbose=0), reloaded.predict(images, verbose=0), atol=1e-5
        )
    ),
)
