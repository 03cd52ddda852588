"""Higher-order gradients: a gradient taken inside a tape is recorded by that tape.

Checked against real TensorFlow's answers to the same code
(`tests/fixtures/tf_higher_order/`, made by `make_higher_order.py`), and in
float64 against finite differences of the first-order gradient.
"""

import os
import sys

import numpy as np
import pytest

import minikeras.tensorflow as tf
from minikeras import ops
from minikeras.backend import GradientTape, Variable

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_higher_order")
sys.path.insert(0, HERE)
from higher_order_cases import CASES  # noqa: E402

sys.path.remove(HERE)
FIXTURE = np.load(os.path.join(HERE, "higher_order.npz"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    got = CASES[name](tf)
    expected = {k.split("/", 1)[1]: FIXTURE[k] for k in FIXTURE.files if k.startswith(name + "/")}
    assert set(got) == set(expected)
    for key, want in expected.items():
        value = np.asarray(got[key])
        assert value.shape == want.shape, key
        if want.dtype == bool:
            np.testing.assert_array_equal(value, want, err_msg=key)
        else:
            np.testing.assert_allclose(value, want, rtol=2e-4, atol=2e-5, err_msg=key)


def _second_derivative(f, x0):
    """The derivative of `f`'s gradient, by a tape inside a tape (float64)."""
    x = Variable(np.array(x0, dtype="float64"), dtype="float64")
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = f(x)
        g = inner.gradient(y, x)
        s = ops.sum(g * np.cos(np.arange(np.size(x0)).reshape(np.shape(x0))))
    return g, outer.gradient(s, x)


def _gradient(f, x0):
    x = Variable(np.array(x0, dtype="float64"), dtype="float64")
    with GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)


FUNCTIONS = {
    "arithmetic": lambda x: ops.sum(x * x * x / (1.0 + x * x) - 2.0 * x**3 + ops.square(x)),
    "elementwise": lambda x: ops.sum(
        ops.exp(0.3 * x) * ops.tanh(x) + ops.log(2.0 + x) * ops.sqrt(3.0 + x) + ops.sigmoid(x)
    ),
    "activations": lambda x: ops.sum(ops.elu(x) ** 2 + ops.relu(x) * x + ops.abs(x) * x),
    "reductions": lambda x: (
        ops.mean(ops.reshape(x, (2, 3)) ** 3, axis=0)[1]
        + ops.sum(ops.transpose(ops.reshape(x, (2, 3))) ** 2)
    ),
    "matmul": lambda x: ops.sum(
        ops.matmul(ops.reshape(x, (2, 3)), np.arange(12.0).reshape(3, 4) / 10.0) ** 3
    ),
    "softmax": lambda x: (
        ops.sum(ops.softmax(ops.reshape(x, (2, 3))) * np.arange(6.0).reshape(2, 3))
        + ops.sum(ops.log_softmax(ops.reshape(x, (3, 2)), axis=0) ** 2)
        + ops.sum(ops.softplus(x) ** 2)
    ),
    "dense": lambda x: ops.sum(
        ops.dense(
            np.linspace(-1, 1, 8).reshape(4, 2),
            ops.reshape(x[:4], (2, 2)),
            x[4:],
            ops.tanh,
        )
        ** 2
    ),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_second_derivative_matches_finite_differences(name):
    f = FUNCTIONS[name]
    x0 = np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.9])
    _, hv = _second_derivative(f, x0)
    weights = np.cos(np.arange(6))
    eps = 1e-6
    numeric = np.zeros(6)
    for i in range(6):
        step = np.zeros(6)
        step[i] = eps
        up = np.sum(np.asarray(_gradient(f, x0 + step)) * weights)
        down = np.sum(np.asarray(_gradient(f, x0 - step)) * weights)
        numeric[i] = (up - down) / (2 * eps)
    np.testing.assert_allclose(np.asarray(hv), numeric, rtol=1e-6, atol=1e-7)


def test_first_order_values_are_unchanged_inside_a_tape():
    f = FUNCTIONS["elementwise"]
    x0 = np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.9])
    g_inside, _ = _second_derivative(f, x0)
    np.testing.assert_allclose(np.asarray(g_inside), _gradient(f, x0), rtol=1e-12)


def test_an_op_without_a_second_order_rule_refuses_instead_of_a_wrong_answer():
    x = Variable(np.array([0.5, 1.5]))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = ops.sum(ops.softsign(x))
        g = inner.gradient(y, x)
    np.testing.assert_allclose(np.asarray(g), 1 / (1 + np.array([0.5, 1.5])) ** 2)
    with pytest.raises(NotImplementedError, match="Second-order gradients through `softsign`"):
        outer.gradient(ops.sum(g), x)


def test_a_gradient_outside_every_tape_is_plain_numpy():
    x = Variable(np.array([1.0, 2.0]))
    with GradientTape() as tape:
        y = ops.sum(x * x)
    g = tape.gradient(y, x)
    assert type(g) is np.ndarray


def test_a_persistent_tape_differentiates_its_own_gradient():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as t:
        y = x**3
        g = t.gradient(y, x)
    assert g.numpy() == 12.0 and t.gradient(g, x).numpy() == 12.0  # TensorFlow: 12.0, 12.0


def test_a_spent_tape_inside_its_block_is_not_recorded():
    # Nothing could differentiate it: the plain (fast) backward pass is used.
    x = Variable(np.array([1.0, 2.0]))
    with GradientTape() as tape:
        y = ops.sum(x * x)
        g = tape.gradient(y, x)
    assert type(g) is np.ndarray
    np.testing.assert_array_equal(g, [2.0, 4.0])
