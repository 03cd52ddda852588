"""Adam's (and SGD momentum's) update over flat slot buffers is bitwise the textbook one.

The reference below is Keras 3's Adam written out per variable with plain NumPy
expressions (no scratch buffers, no flat layout); the optimizer must produce exactly
the same bits, whatever the variables' shapes, dtypes, and grouping into runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from minikeras.backend.variable import Variable
from minikeras.optimizers import SGD, Adam, AdamW
from minikeras.optimizers.adam import MERGE_BELOW

LR, B1, B2, EPS = 0.01, 0.9, 0.999, 1e-7

# Shapes cover a 0-d variable, runs of small ones (merged into one run) and ones
# large enough to form runs of their own; two dtypes make two flat groups.
SPECS = [
    ((7, 5), np.float32),
    ((5,), np.float32),
    ((), np.float32),
    ((MERGE_BELOW // 100 + 3, 100), np.float32),
    ((3, 4, 2), np.float64),
    ((1,), np.float32),
    ((MERGE_BELOW + 17,), np.float64),
    ((4,), np.float64),
]


class Reference:
    """Textbook Adam, one variable at a time: `m, v, vh, w` as fresh arrays each step."""

    def __init__(self, weights, amsgrad):
        self.w = [w.copy() for w in weights]
        self.m = [np.zeros_like(w) for w in weights]
        self.v = [np.zeros_like(w) for w in weights]
        self.vh = [np.zeros_like(w) for w in weights]
        self.amsgrad = amsgrad
        self.step = 0

    def apply(self, grads):
        self.step += 1
        for k, g in enumerate(grads):
            if g is None:
                continue
            dt = self.w[k].dtype.type
            t = dt(self.step)
            alpha = (
                np.asarray(np.float32(LR), dt)
                * np.sqrt(1 - np.power(dt(B2), t))
                / (1 - np.power(dt(B1), t))
            )
            self.m[k] = self.m[k] + (g - self.m[k]) * dt(1 - B1)
            self.v[k] = self.v[k] + (np.square(g) - self.v[k]) * dt(1 - B2)
            v = self.v[k]
            if self.amsgrad:
                self.vh[k] = np.maximum(self.vh[k], self.v[k])
                v = self.vh[k]
            self.w[k] = self.w[k] - (self.m[k] * alpha) / (np.sqrt(v) + dt(EPS))


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(shape).astype(dt) for shape, dt in SPECS]
    variables = [
        Variable(w.copy(), dtype=np.dtype(dt).name, name=f"v{k}")
        for k, (w, (_, dt)) in enumerate(zip(weights, SPECS))
    ]
    return rng, weights, variables


def _grads(rng):
    return [(rng.standard_normal(shape) * 0.1).astype(dt) for shape, dt in SPECS]


def _assert_same(variables, opt, ref):
    for k, var in enumerate(variables):
        np.testing.assert_array_equal(var.value, ref.w[k], err_msg=f"weight {k}")
        np.testing.assert_array_equal(opt._momentums[k].value, ref.m[k], err_msg=f"m {k}")
        np.testing.assert_array_equal(opt._velocities[k].value, ref.v[k], err_msg=f"v {k}")
        if ref.amsgrad:
            np.testing.assert_array_equal(opt._velocity_hats[k].value, ref.vh[k])
        assert var.value.dtype == ref.w[k].dtype


@pytest.mark.parametrize("amsgrad", [False, True])
def test_flat_update_is_bitwise_the_textbook_update(amsgrad):
    rng, weights, variables = _setup()
    opt, ref = Adam(learning_rate=LR, amsgrad=amsgrad), Reference(weights, amsgrad)
    for step in range(6):
        grads = _grads(rng)
        if step == 2:  # the user assigns a weight between steps
            new = rng.standard_normal(SPECS[3][0]).astype(np.float32)
            variables[3].assign(new)
            ref.w[3] = new.copy()
        if step == 4:  # one variable without a gradient: left alone (m and v too)
            grads[1] = None
        snapshot = [None if g is None else g.copy() for g in grads]
        opt.apply(grads, variables)
        ref.apply(grads)
        for g, s in zip(grads, snapshot):  # gradients are never written to
            if g is not None:
                np.testing.assert_array_equal(g, s)
        _assert_same(variables, opt, ref)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_state_restored_with_set_weights_continues_bitwise(amsgrad):
    rng, weights, variables = _setup(1)
    opt, ref = Adam(learning_rate=LR, amsgrad=amsgrad), Reference(weights, amsgrad)
    for _ in range(3):
        grads = _grads(rng)
        opt.apply(grads, variables)
        ref.apply(grads)
    state = opt.get_weights()
    # A fresh optimizer on fresh variables holding the same values, then set_weights.
    restored_vars = [Variable(v.numpy(), dtype=v.dtype.name, name=v.name) for v in variables]
    restored = Adam(learning_rate=LR, amsgrad=amsgrad)
    restored.build(restored_vars)
    assert [tuple(v.shape) for v in restored.variables] == [tuple(s.shape) for s in state]
    restored.set_weights(state)
    for _ in range(3):
        grads = _grads(rng)
        restored.apply(grads, restored_vars)
        ref.apply(grads)
    _assert_same(restored_vars, restored, ref)


def test_a_slot_whose_value_is_rebound_is_taken_over():
    rng, weights, variables = _setup(2)
    opt, ref = Adam(learning_rate=LR), Reference(weights, False)
    grads = _grads(rng)
    opt.apply(grads, variables)
    ref.apply(grads)
    # Rebinding `.value` (not `assign`) must not detach the slot from the update.
    new_m = rng.standard_normal(SPECS[0][0]).astype(np.float32)
    opt._momentums[0].value = new_m.copy()
    ref.m[0] = new_m
    grads = _grads(rng)
    opt.apply(grads, variables)
    ref.apply(grads)
    _assert_same(variables, opt, ref)


def test_variables_order_names_and_shapes_are_keras_order():
    _, _, variables = _setup()
    opt = Adam(amsgrad=True)
    opt.build(variables)
    names = [v.name for v in opt.variables]
    expected = ["iteration", "learning_rate"]
    for k in range(len(SPECS)):
        expected += [f"v{k}_momentum", f"v{k}_velocity"]
    expected += [f"v{k}_velocity_hat" for k in range(len(SPECS))]
    assert names == expected
    shapes = [tuple(v.shape) for v in opt.variables[2:]]
    assert shapes == [s for s, _ in SPECS for _ in range(2)] + [s for s, _ in SPECS]
    for v in opt.variables[2:]:
        assert v.value.dtype == np.dtype(SPECS[int(v.name[1:].split("_")[0])][1])


def test_adamw_takes_the_flat_path_with_its_decay():
    rng, weights, variables = _setup(3)
    opt = AdamW(learning_rate=LR, weight_decay=0.05)
    ref = Reference(weights, False)
    for _ in range(3):
        grads = _grads(rng)
        opt.apply(grads, variables)
        for k, w in enumerate(ref.w):  # decoupled decay first, as Optimizer applies it
            ref.w[k] = w - w * (np.float32(0.05) * np.float32(LR))
        ref.apply(grads)
    _assert_same(variables, opt, ref)


def test_a_subclass_overriding_update_step_is_still_called():
    calls = []

    class Logged(Adam):
        def update_step(self, gradient, variable, learning_rate):
            calls.append(variable.name)
            super().update_step(gradient, variable, learning_rate)

    rng, weights, variables = _setup(4)
    opt, ref = Logged(learning_rate=LR), Reference(weights, False)
    grads = _grads(rng)
    opt.apply(grads, variables)
    ref.apply(grads)
    assert calls == [v.name for v in variables]
    _assert_same(variables, opt, ref)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_flat_update_is_bitwise_the_textbook_update(nesterov):
    rng, weights, variables = _setup(5)
    opt = SGD(learning_rate=LR, momentum=0.9, nesterov=nesterov)
    w = [x.copy() for x in weights]
    m = [np.zeros_like(x) for x in weights]
    for step in range(5):
        grads = _grads(rng)
        if step == 2:
            grads[0] = None  # no gradient: the variable and its momentum stay put
        if step == 3:  # restore the state into a fresh optimizer mid-way
            state = opt.get_weights()
            opt = SGD(learning_rate=LR, momentum=0.9, nesterov=nesterov)
            opt.build(variables)
            opt.set_weights(state)
        opt.apply(grads, variables)
        for k, g in enumerate(grads):
            if g is None:
                continue
            dt = w[k].dtype
            lr, mom = np.asarray(np.float32(LR), dt), np.asarray(0.9, dt)
            m[k] = m[k] * mom - g * lr
            w[k] = w[k] + (m[k] * mom - g * lr if nesterov else m[k])
    for k, var in enumerate(variables):
        np.testing.assert_array_equal(var.value, w[k], err_msg=f"weight {k}")
        np.testing.assert_array_equal(opt.momentums[k].value, m[k], err_msg=f"momentum {k}")
