"""Finite-difference gradient checking in float64 (as the seed article does)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from minikeras import ops
from minikeras.backend import autocast
from minikeras.backend.autodiff import GradientTape, value_of
from minikeras.backend.variable import Variable


def numerical_gradient(
    f: Callable[[], float], x: np.ndarray, eps: float = 1e-6, indices=None
) -> np.ndarray:
    """Central-difference gradient of scalar `f()` with respect to array `x` (in place).

    The one finite-difference routine of minikeras: `gradient_check`,
    `layer_gradient_check` and `run_layer_test` all probe through it.

    Args:
        f: Zero-argument function returning a scalar that reads `x`.
        x: float64 array; perturbed in place and restored.
        eps: Step size.
        indices: Flat indices of the entries to probe (all entries if None).

    Returns:
        The gradient, shaped like `x`; with `indices`, a 1-D array of the probed partials.
    """
    flat = range(x.size) if indices is None else indices
    partials = np.zeros(len(flat), dtype=np.float64)
    for k, i in enumerate(flat):
        idx = np.unravel_index(int(i), x.shape)
        old = x[idx]
        x[idx] = old + eps
        fp = float(value_of(f()))
        x[idx] = old - eps
        fm = float(value_of(f()))
        x[idx] = old
        partials[k] = (fp - fm) / (2 * eps)
    return partials.reshape(x.shape) if indices is None else partials


def gradient_check(
    fn: Callable,
    inputs: Sequence[np.ndarray],
    eps: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    seed_gradient: np.ndarray | None = None,
) -> float:
    """Compares the autodiff gradient of `fn` with float64 finite differences.

    `fn(*tensors)` may return any shape; it is reduced to a scalar by a dot
    product with a fixed random `seed_gradient`, which checks the full VJP.

    Args:
        fn: Function of the inputs composed from `minikeras.ops`.
        inputs: Arrays; they are cast to float64.
        eps: Finite-difference step.
        rtol, atol: Tolerances; an `AssertionError` names the worst entry.
        seed_gradient: Optional weights for reducing the output to a scalar.

    Returns:
        The largest relative error found.
    """
    with autocast.disabled():  # float64 probes must stay float64 through float32 layers
        return _gradient_check(fn, inputs, eps, rtol, atol, seed_gradient)


def _gradient_check(fn, inputs, eps, rtol, atol, seed_gradient) -> float:
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    variables = [Variable(a, dtype="float64") for a in arrays]
    for v, a in zip(variables, arrays):
        v.value = a  # share memory so the finite differences see the perturbations
    out = value_of(fn(*[v.value for v in variables]))
    rng = np.random.default_rng(0)
    seed = (
        rng.standard_normal(np.shape(out))
        if seed_gradient is None
        else np.asarray(seed_gradient, dtype=np.float64)
    )

    def scalar():
        return float(np.sum(np.asarray(value_of(fn(*arrays)), dtype=np.float64) * seed))

    with GradientTape() as tape:
        y = fn(*variables)
        total = ops.sum(ops.multiply(y, seed)) if hasattr(y, "parents") else None
    analytic = tape.gradient(total, variables) if total is not None else [None] * len(arrays)
    worst = 0.0
    for k, (a, g) in enumerate(zip(arrays, analytic)):
        num = numerical_gradient(scalar, a, eps)
        g = np.zeros_like(a) if g is None else np.asarray(g, dtype=np.float64)
        if g.shape != a.shape:
            raise AssertionError(f"input {k}: gradient shape {g.shape} != input shape {a.shape}")
        err = np.abs(g - num)
        tol = atol + rtol * np.maximum(np.abs(num), np.abs(g))
        denom = np.maximum(np.maximum(np.abs(num), np.abs(g)), 1e-12)
        rel = float(np.max(err / denom, initial=0.0)) if err.size else 0.0
        worst = rel if rel > worst else worst
        if np.any(err > tol):
            i = np.unravel_index(np.argmax(err - tol), err.shape)
            raise AssertionError(
                f"Gradient mismatch for input {k} at index {i}: autodiff {g[i]!r}, "
                f"finite differences {num[i]!r} (abs err {err[i]:.3g})"
            )
    return worst


def layer_gradient_check(layer, x, training=False, rtol=1e-5, atol=1e-7, seed=0) -> None:
    """Compares autodiff and float64 central differences for `sum(layer(x) * r)`.

    The layer must be built with float64 weights. Checks the gradient with respect to
    the input and every trainable weight, `r` being a fixed random cotangent.

    Args:
        layer: A built float64 layer.
        x: Input array (cast to float64).
        training: The `training` flag of the calls.
        rtol, atol: Tolerances.
        seed: Seed of the random cotangent.

    Raises:
        AssertionError: naming the first weight (or `input`) that disagrees.
    """
    xv = Variable(np.asarray(x, dtype="float64"), dtype="float64", name="input")
    y0 = np.asarray(value_of(layer(xv.value, training=training)))
    r = np.random.default_rng(seed).standard_normal(y0.shape)
    with GradientTape() as tape:
        loss = ops.sum(ops.multiply(layer(xv, training=training), r))
    targets = [xv, *layer.trainable_weights]
    grads = tape.gradient(loss, targets)

    def scalar():
        return float(np.sum(np.asarray(value_of(layer(xv.value, training=training))) * r))

    for var, g in zip(targets, grads):
        num = numerical_gradient(scalar, var.value)
        np.testing.assert_allclose(g, num, rtol=rtol, atol=atol, err_msg=var.name)
