"""`fit(..., sample_weight=..., class_weight=...)`: the two multiply per sample, as in
tf.keras (`fixtures/class_weight`, made with tf_keras 2.21; Keras 3 refuses the pair)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import minikeras

FIXTURE = json.loads(
    (
        pathlib.Path(__file__).parent / "fixtures" / "class_weight" / "tf_keras_class_weight.json"
    ).read_text()
)
X = np.asarray(FIXTURE["x"], "float32")
LABELS = np.asarray(FIXTURE["labels"])
WEIGHTS = np.asarray(FIXTURE["sample_weight"], "float32")
CLASS_WEIGHT = {int(k): v for k, v in FIXTURE["class_weight"].items()}


def fit(loss, y, sample_weight, class_weight=CLASS_WEIGHT, epochs=2):
    model = minikeras.Sequential(
        [minikeras.layers.Input((4,)), minikeras.layers.Dense(3, activation="softmax")]
    )
    model.layers[-1].set_weights([np.asarray(FIXTURE["kernel"], "float32"), np.zeros(3)])
    model.compile(optimizer=minikeras.optimizers.SGD(0.1), loss=loss)
    history = model.fit(
        X,
        y,
        sample_weight=sample_weight,
        class_weight=class_weight,
        epochs=epochs,
        batch_size=8,
        shuffle=False,
        verbose=0,
    )
    return history.history["loss"], model.layers[-1].get_weights()[0]


TARGETS = {
    "sparse_categorical_crossentropy": LABELS.astype("float32"),
    "categorical_crossentropy": np.eye(3, dtype="float32")[LABELS],
}


@pytest.mark.parametrize("loss", sorted(TARGETS))
@pytest.mark.parametrize("weight_shape", [(8,), (8, 1)])
def test_class_and_sample_weights_multiply_as_in_tf_keras(loss, weight_shape):
    """tf_keras's numbers for weights of shape (8,); weights of shape (8, 1) are the same
    weights (tf_keras broadcast them against its (8,) class weights into (8, 8) and failed)."""
    losses, kernel = fit(loss, TARGETS[loss], WEIGHTS.reshape(weight_shape))
    expected = FIXTURE["runs"][loss]
    np.testing.assert_allclose(losses, expected["loss"], rtol=1e-5)
    np.testing.assert_allclose(kernel, expected["kernel"], rtol=1e-5, atol=1e-6)


def test_the_product_is_the_sample_weight_it_stands_for():
    """Hand-made truth: class weights folded into the sample weights by hand, no
    `class_weight`, give the same training."""
    folded = WEIGHTS * np.array([CLASS_WEIGHT[c] for c in LABELS], "float32")
    y = TARGETS["sparse_categorical_crossentropy"]
    by_hand = fit("sparse_categorical_crossentropy", y, folded, class_weight=None)
    both = fit("sparse_categorical_crossentropy", y, WEIGHTS)
    np.testing.assert_allclose(both[0], by_hand[0], rtol=1e-6)
    np.testing.assert_allclose(both[1], by_hand[1], rtol=1e-6)


def test_class_weight_refuses_targets_with_several_labels_a_sample():
    """Targets (8, 3, 1) hold three labels a sample; one class weight per sample would
    silently use the first."""
    y = np.zeros((8, 3, 1), "float32")
    model = minikeras.Sequential([minikeras.layers.Input((3, 2)), minikeras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"3\+ dimensional targets.*\(8, 3, 1\)"):
        model.fit(np.zeros((8, 3, 2)), y, class_weight={0: 1.0}, verbose=0)


def test_sample_weights_of_another_length_name_the_sizes():
    with pytest.raises(ValueError, match="'y' sizes: 8\n'sample_weight' sizes: 4"):
        fit(
            "sparse_categorical_crossentropy",
            TARGETS["sparse_categorical_crossentropy"],
            WEIGHTS[:4],
        )
