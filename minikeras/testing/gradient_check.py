"""Finite-difference gradient checking in float64 (as the seed article does)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from minikeras import ops
from minikeras.backend import autocast
from minikeras.backend.autodiff import GradientTape, value_of
from minikeras.backend.variable import Variable


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of scalar `f()` with respect to array `x` (in place).

    Args:
        f: Zero-argument function returning a scalar that reads `x`.
        x: float64 array; perturbed in place and restored.
        eps: Step size.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = float(value_of(f()))
        x[i] = old - eps
        fm = float(value_of(f()))
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad


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
    seed = (rng.standard_normal(np.shape(out)) if seed_gradient is None
            else np.asarray(seed_gradient, dtype=np.float64))

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
