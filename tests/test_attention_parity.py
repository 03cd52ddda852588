"""Attention layers, EinsumDense and ops.dot_product_attention against real Keras 3.

Fixtures from Keras 3.15 (JAX backend), written by
tests/fixtures/attention/make_attention_fixtures.py: same weights, same inputs,
outputs compared at 1e-5.
"""

import json
import os

import numpy as np
import pytest

from minikeras import layers, ops

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "attention")
with open(os.path.join(HERE, "cases.json")) as f:
    SPEC = json.load(f)
DATA = np.load(os.path.join(HERE, "cases.npz"))
CASES = {c["name"]: c for c in SPEC["cases"]}


def _resolve(v):
    if isinstance(v, list):
        return [_resolve(e) for e in v]
    return DATA[v] if isinstance(v, str) and v in DATA.files else v


def _make(case):
    ctor = dict(case["ctor"])
    if "Attention" in case["class"] and case["class"] not in ("Attention", "AdditiveAttention"):
        ctor["seed"] = 7
    return getattr(layers, case["class"])(**ctor)


def _run(layer, case):
    args = [_resolve(i) for i in case["inputs"]]
    kwargs = {k: _resolve(v) for k, v in case["call"].items()}
    if case["class"] != "EinsumDense":
        kwargs["training"] = False
    return layer(*args, **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_weights_same_outputs(name):
    case = CASES[name]
    layer = _make(case)
    _run(layer, case)  # builds
    assert [list(w.shape) for w in layer.weights] == case["weight_shapes"]
    keras_names = ["/".join(p.split("/")[1:]) for p in case["weight_paths"]]
    ours = [
        w.path.split("/", 1)[1] if w.path.startswith(layer.name + "/") else w.path
        for w in layer.weights
    ]
    assert ours == keras_names
    layer.set_weights([DATA[f"{name}/w{i}"] for i in range(len(layer.weights))])
    out = _run(layer, case)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    n_expected = len([k for k in DATA.files if k.startswith(f"{name}/out")])
    assert len(outs) == n_expected
    for i, o in enumerate(outs):
        np.testing.assert_allclose(
            np.asarray(o),
            DATA[f"{name}/out{i}"],
            atol=1e-5,
            rtol=1e-5,
            err_msg=f"{name} output {i}",
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_matches_keras_keys_and_round_trips(name):
    case = CASES[name]
    layer = _make(case)
    _run(layer, case)
    cfg = layer.get_config()
    keras_keys = set(case["config"]) - {
        "lora_rank",
        "lora_alpha",
        "quantization_config",
        "gptq_unpacked_column_size",
    }
    assert keras_keys <= set(cfg) | {"lora_rank", "lora_alpha"}
    clone = type(layer).from_config(case["config"])  # Keras' own config loads
    _run(clone, case)
    clone.set_weights(layer.get_weights())
    a, b = _run(layer, case), _run(clone, case)
    a = a[0] if isinstance(a, (list, tuple)) else a
    b = b[0] if isinstance(b, (list, tuple)) else b
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6)


def test_dot_product_attention_modes():
    q, k, v = DATA["dpa/q"], DATA["dpa/k"], DATA["dpa/v"]
    kk, vv = np.repeat(k, 2, axis=2), np.repeat(v, 2, axis=2)
    np.testing.assert_allclose(ops.dot_product_attention(q, kk, vv), DATA["dpa/plain"], atol=1e-5)
    np.testing.assert_allclose(ops.dot_product_attention(q, k, v), DATA["dpa/grouped"], atol=1e-5)
    np.testing.assert_allclose(
        ops.dot_product_attention(
            q, kk, vv, bias=DATA["dpa/bias"], mask=DATA["dpa/mask"], scale=0.3
        ),
        DATA["dpa/bias_mask_scale"],
        atol=1e-5,
    )
    np.testing.assert_allclose(
        ops.dot_product_attention(q, kk[:, :5], vv[:, :5], is_causal=True),
        DATA["dpa/causal"],
        atol=1e-5,
    )


def test_dot_product_attention_errors():
    q = np.zeros((2, 3, 4, 5), "float32")
    with pytest.raises(ValueError, match="4D"):
        ops.dot_product_attention(q[0], q[0], q[0])
    with pytest.raises(ValueError, match="divide"):
        ops.dot_product_attention(q, q[:, :, :3], q[:, :, :3])
    with pytest.raises(ValueError, match="Flash"):
        ops.dot_product_attention(q, q, q, flash_attention=True)
