"""Reference timing of real Keras (JAX backend, jit) for the same LSTM workload.

Not part of minikeras (which never imports keras); run it with a Keras install:
    KERAS_BACKEND=jax /tmp/kvenv/bin/python benchmarks/keras_reference_lstm.py
Times forward + backward (jax.grad of sum(square(y)) w.r.t. the weights) of
LSTM/GRU/SimpleRNN(64, return_sequences=True) on a (32, 50, 16) batch.
"""

import os
import statistics
import time

import jax
import jax.numpy as jnp
import keras
import numpy as np

x = np.random.default_rng(0).standard_normal((32, 50, 16)).astype("float32")
print(f"keras {keras.__version__}, jax {jax.__version__}, load average {os.getloadavg()[0]:.1f}")
for cls in (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN):
    layer = cls(64, return_sequences=True)
    layer.build(x.shape)
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]

    def loss(tv, layer=layer, ntv=ntv):
        y, _ = layer.stateless_call(tv, ntv, x)
        return jnp.sum(jnp.square(y))

    grad = jax.jit(jax.grad(loss))
    jax.block_until_ready(grad(tv))
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        jax.block_until_ready(grad(tv))
        times.append(time.perf_counter() - t0)
    print(
        f"{cls.__name__:9s} keras-jax jit: {statistics.median(times) * 1e3:7.2f} ms "
        f"(min {min(times) * 1e3:6.2f})"
    )
