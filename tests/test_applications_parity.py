"""`minikeras.applications` against Keras 3 (fixture from tests/fixtures/applications/,
written by its `make_applications.py` with Keras 3.15): equal parameter counts, layer
names/classes/weight shapes in order, and, with the same seeded weights, equal outputs."""

from __future__ import annotations

import gzip
import json
import re
import sys

import numpy as np
import pytest
from conftest import FIXTURES

from minikeras import applications
from minikeras.utils.naming import reset_names

HERE = FIXTURES / "applications"
sys.path.insert(0, str(HERE))
from seeded import seeded_input, seeded_weights  # noqa: E402

with gzip.open(HERE / "applications.json.gz", "rt") as _f:
    META = json.load(_f)
CASES = META["cases"]
OUTPUTS = np.load(HERE / "outputs.npz")
# Deep members whose parameter count and layer table are checked, but whose build
# (tens of millions of weights) is slow on two shared cores.
SLOW = {
    "resnet101",
    "resnet152",
    "resnet101v2",
    "resnet152v2",
    "vgg16_top",
    "densenet201",
    "vgg19",
    "densenet169",
    "efficientnetb4",
    "efficientnetb5",
    "efficientnetb6",
    "efficientnetb7",
    "inception_v3_top",
    "xception_top",
    "efficientnetv2b3",
    "convnext_small",
    "convnext_base",
    "convnext_large",
    "convnext_xlarge",
    "nasnet_large",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _build(case):
    reset_names()
    module = getattr(applications, case["module"])
    kwargs = dict(case["kwargs"])
    kwargs["input_shape"] = tuple(kwargs["input_shape"])
    return getattr(module, case["function"])(weights=None, **kwargs)


def _table(model):
    return [
        [
            layer.name,
            layer.__class__.__name__,
            [[w.name.split("/")[-1].split(":")[0], list(w.shape)] for w in layer.weights],
        ]
        for layer in model.layers
    ]


def _params(case_id):
    return pytest.param(case_id, marks=pytest.mark.slow) if case_id in SLOW else case_id


@pytest.mark.parametrize("case_id", [_params(c) for c in CASES])
def test_architecture_matches_keras(case_id):
    case = CASES[case_id]
    model = _build(case)
    assert model.count_params() == case["count_params"]
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == case["trainable"]
    assert model.name == case["name"]
    if "output_shape" in case:
        assert list(model.output_shape) == case["output_shape"]
    ours = _table(model)
    assert len(ours) == len(case["layers"])
    for (name, cls, weights), (k_name, k_cls, k_weights) in zip(ours, case["layers"]):
        assert cls == k_cls, (name, k_name)
        if re.fullmatch(rf"{_snake(k_cls)}(_\d+)?", k_name):  # auto-named in both
            assert re.fullmatch(rf"{_snake(k_cls)}(_\d+)?", name), (name, k_name)
        else:
            assert name == k_name
        assert [list(map(int, s)) for _, s in weights] == [s for _, s in k_weights], name
    if case["outputs"]:
        specs = [(cls, weights) for _, cls, weights in case["layers"]]
        for layer, arrays in zip(model.layers, seeded_weights(specs)):
            if arrays:
                layer.set_weights(arrays)
        got = model.predict(seeded_input(tuple(case["kwargs"]["input_shape"])), verbose=0)
        want = OUTPUTS[case_id]
        assert got.shape == want.shape
        scale = max(1.0, float(np.abs(want).max()))
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * scale)


FAMILIES = [
    k[len("preprocess_") :]
    for k in OUTPUTS.files
    if k.startswith("preprocess_") and k != "preprocess_pixels"
]


@pytest.mark.parametrize("family", FAMILIES)
def test_preprocess_input_matches_keras(family):
    pixels = OUTPUTS["preprocess_pixels"]
    got = getattr(applications, family).preprocess_input(pixels.copy())
    np.testing.assert_allclose(got, OUTPUTS[f"preprocess_{family}"], rtol=1e-6, atol=1e-5)
