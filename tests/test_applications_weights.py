"""`weights="imagenet"` / `weights=<path>` loading, the missing-file error, `decode_predictions`
and transfer learning, for `minikeras.applications`.

`mobilenet_2_5_tiny_no_top.h5` was written by tf_keras 2 (`make_applications.py
legacy_h5`) in the layout of Keras's downloadable weight files, with seeded weights; its
`_out.npy` holds tf_keras's output for `seeded_input`."""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pytest
from conftest import FIXTURES

from minikeras import applications, layers, losses, models, optimizers
from minikeras.applications import imagenet_utils

HERE = FIXTURES / "applications"
sys.path.insert(0, str(HERE))
from seeded import seeded_input  # noqa: E402

TINY = HERE / "mobilenet_2_5_tiny_no_top.h5"
TINY_OUT = np.load(HERE / "mobilenet_2_5_tiny_no_top_out.npy")


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


def test_imagenet_weights_read_from_keras_cache(keras_home):
    (keras_home / "models").mkdir()
    # The exact name Keras downloads MobileNet alpha=0.25, 128x128, no top to.
    shutil.copy(TINY, keras_home / "models" / "mobilenet_2_5_128_tf_no_top.h5")
    model = applications.MobileNet(input_shape=(128, 128, 3), alpha=0.25, include_top=False)
    small = applications.MobileNet(
        input_shape=(32, 32, 3), alpha=0.25, include_top=False, weights=None
    )
    small.set_weights(model.get_weights())
    got = small.predict(seeded_input((32, 32, 3)), verbose=0)[:, :2, :2, :8]
    np.testing.assert_allclose(got, TINY_OUT, rtol=1e-4, atol=1e-5)


def test_weights_path_loads_file():
    model = applications.MobileNet(
        input_shape=(32, 32, 3), alpha=0.25, include_top=False, weights=str(TINY)
    )
    got = model.predict(seeded_input((32, 32, 3)), verbose=0)[:, :2, :2, :8]
    np.testing.assert_allclose(got, TINY_OUT, rtol=1e-4, atol=1e-5)


def test_missing_imagenet_file_names_file_url_and_folder(keras_home):
    with pytest.raises(FileNotFoundError) as info:
        applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, include_top=False)
    message = str(info.value)
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    assert name in message
    assert (
        "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/" + name
    ) in message
    assert str(keras_home / "models" / name) in message


@pytest.mark.parametrize(
    "build, file_name",
    [
        (lambda: applications.VGG16(), "vgg16_weights_tf_dim_ordering_tf_kernels.h5"),
        (
            lambda: applications.ResNet50(include_top=False),
            "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
        ),
        (
            lambda: applications.ResNet50V2(include_top=False),
            "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
        ),
        (
            lambda: applications.DenseNet121(include_top=False),
            "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5",
        ),
        (lambda: applications.EfficientNetB0(include_top=False), "efficientnetb0_notop.h5"),
        (
            lambda: applications.InceptionV3(include_top=False),
            "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        ),
        (
            lambda: applications.Xception(include_top=False),
            "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
        ),
        (
            lambda: applications.MobileNetV3Small(input_shape=(224, 224, 3), include_top=False),
            "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5",
        ),
        (lambda: applications.MobileNet(), "mobilenet_1_0_224_tf.h5"),
        (lambda: applications.NASNetMobile(), "nasnet_mobile.h5"),
        (lambda: applications.NASNetMobile(include_top=False), "nasnet_mobile_no_top.h5"),
        (lambda: applications.NASNetLarge(include_top=False), "nasnet_large_no_top.h5"),
        (lambda: applications.ConvNeXtBase(include_top=False), "convnext_base_notop.h5"),
        (lambda: applications.ConvNeXtXLarge(), "convnext_xlarge.h5"),
    ],
)
def test_imagenet_file_names_are_keras(keras_home, build, file_name):
    with pytest.raises(FileNotFoundError, match=file_name.replace(".", r"\.")):
        build()


def test_bad_arguments_are_keras_errors():
    with pytest.raises(ValueError, match="weights"):
        applications.VGG16(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="classes"):
        applications.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        applications.MobileNetV2(input_shape=(16, 16, 3), include_top=False, weights=None)
    with pytest.raises(ValueError, match="alpha"):
        applications.MobileNet(alpha=0.3, weights="imagenet")


def test_decode_predictions_reads_class_index_from_cache(keras_home, monkeypatch):
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)
    with pytest.raises(FileNotFoundError, match="imagenet_class_index.json"):
        applications.mobilenet_v2.decode_predictions(np.ones((1, 1000)))
    (keras_home / "models").mkdir()
    index = {str(i): [f"n{i:08d}", f"label_{i}"] for i in range(1000)}
    (keras_home / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    preds = np.zeros((2, 1000), "float32")
    preds[0, [3, 7, 9]] = [0.2, 0.5, 0.3]
    preds[1, 999] = 1.0
    top = applications.resnet.decode_predictions(preds, top=2)
    assert [t[:2] for t in top[0]] == [("n00000007", "label_7"), ("n00000009", "label_9")]
    assert top[0][0][2] == pytest.approx(0.5)
    assert top[1][0][:2] == ("n00000999", "label_999")
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        applications.vgg16.decode_predictions(np.ones((2, 10)))
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)


def test_preprocess_input_symbolic_matches_numpy():
    pixels = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    for module in (applications.vgg16, applications.mobilenet_v2, applications.densenet):
        inputs = layers.Input((4, 4, 3))
        model = models.Model(inputs, module.preprocess_input(inputs))
        np.testing.assert_allclose(
            model.predict(pixels, verbose=0),
            module.preprocess_input(pixels.copy()),
            rtol=1e-6,
            atol=1e-4,
        )


def test_transfer_learning_frozen_base_then_fine_tune_with_bn_in_inference():
    base = applications.MobileNet(
        input_shape=(32, 32, 3), alpha=0.25, include_top=False, weights=str(TINY)
    )
    base.trainable = False
    inputs = layers.Input((32, 32, 3))
    x = applications.mobilenet.preprocess_input(inputs)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(1)(x)
    model = models.Model(inputs, outputs)
    assert len(model.trainable_weights) == 2
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (16, 32, 32, 3)).astype("float32")
    labels = (images.mean(axis=(1, 2, 3)) > 127).astype("float32")
    frozen = [w.copy() for w in base.get_weights()]
    model.compile(optimizer=optimizers.Adam(1e-2), loss=losses.BinaryCrossentropy(from_logits=True))
    model.fit(images, labels, epochs=1, batch_size=8, verbose=0)
    for before, after in zip(frozen, base.get_weights()):
        np.testing.assert_array_equal(before, after)
    # Fine-tuning: unfreeze the base but keep its BatchNormalization layers frozen, which
    # runs them in inference mode. (As in Keras 3.15, the model's `training=True` from
    # `fit` reaches the nested base despite `base(x, training=False)`; a frozen BN layer
    # ignores it.)
    base.trainable = True
    for layer in base.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
    model.compile(optimizer=optimizers.Adam(1e-3), loss=losses.BinaryCrossentropy(from_logits=True))
    bn = base.get_layer("conv1_bn")
    moving = [w.copy() for w in bn.get_weights()[2:]]
    kernel = base.get_layer("conv1").get_weights()[0].copy()
    model.fit(images, labels, epochs=1, batch_size=8, verbose=0)
    for before, after in zip(moving, bn.get_weights()[2:]):
        np.testing.assert_array_equal(before, after)
    assert not np.array_equal(kernel, base.get_layer("conv1").get_weights()[0])
