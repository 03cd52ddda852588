"""`predict` is batch-size invariant: batch_size 1, 7 and 32 give the same outputs."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minikeras
from minikeras import layers

ACTIVATIONS = ["relu", "sigmoid", "tanh", "softmax", "elu", "gelu", "linear", "swish"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widths=st.lists(st.integers(1, 12), min_size=1, max_size=3),
    acts=st.lists(st.sampled_from(ACTIVATIONS), min_size=3, max_size=3),
    n=st.integers(1, 40),
    features=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    dropout=st.booleans(),
)
def test_sequential_predict_is_batch_size_invariant(widths, acts, n, features, seed, dropout):
    minikeras.utils.set_random_seed(seed)
    stack = [layers.Input((features,))]
    for w, a in zip(widths, acts):
        stack.append(layers.Dense(w, activation=a))
        if dropout:
            stack.append(layers.Dropout(0.5))  # inactive in predict
    model = minikeras.Sequential(stack)
    x = np.random.default_rng(seed).normal(size=(n, features)).astype("float32")
    outs = [model.predict(x, batch_size=b, verbose=0) for b in (1, 7, 32)]
    assert outs[0].shape == (n, widths[-1]) and outs[0].dtype == np.float32
    for other in outs[1:]:
        np.testing.assert_allclose(other, outs[0], rtol=1e-5, atol=1e-6)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_functional_two_output_predict_is_batch_size_invariant(n, seed):
    minikeras.utils.set_random_seed(seed)
    a, b = layers.Input((3,)), layers.Input((2,))
    h = layers.Dense(5, activation="tanh")(a)
    out1 = layers.Dense(2, activation="softmax")(h)
    out2 = layers.Dense(1)(layers.Dense(4, activation="relu")(b))
    model = minikeras.Model([a, b], [out1, out2])
    rng = np.random.default_rng(seed)
    xs = [rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 2)).astype("float32")]
    outs = [model.predict(xs, batch_size=bs, verbose=0) for bs in (1, 7, 32)]
    for other in outs[1:]:
        for got, want in zip(other, outs[0]):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
