"""Finite-difference check of a layer's gradients (input and trainable weights)."""

from __future__ import annotations

import numpy as np

from minikeras import ops
from minikeras.backend.autodiff import GradientTape
from minikeras.backend.variable import Variable
from minikeras.testing.gradient_check import numerical_gradient


def layer_gradient_check(layer, x, training=False, rtol=1e-5, atol=1e-7, seed=0) -> None:
    """Compares autodiff and float64 central differences for `sum(layer(x) * r)`.

    The layer must be built with float64 weights. Checks the gradient with
    respect to the input and every trainable weight.

    Raises:
        AssertionError: naming the first weight (or `input`) that disagrees.
    """
    xv = Variable(np.asarray(x, dtype="float64"), dtype="float64", name="input")
    y0 = np.asarray(layer(xv.value, training=training))
    r = np.random.default_rng(seed).standard_normal(y0.shape)
    with GradientTape() as tape:
        loss = ops.sum(ops.multiply(layer(xv, training=training), r))
    targets = [xv, *layer.trainable_weights]
    grads = tape.gradient(loss, targets)

    def scalar():
        return float(np.sum(np.asarray(layer(xv.value, training=training)) * r))

    for var, g in zip(targets, grads):
        num = numerical_gradient(scalar, var.value)
        np.testing.assert_allclose(g, num, rtol=rtol, atol=atol, err_msg=var.name)
