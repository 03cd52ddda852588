"""`keras.Operation`: a user operation runs eagerly, becomes a node of a functional graph
on KerasTensors, records its constructor arguments as its config, and is saved and
loaded with the model. Expected values are those real Keras 3.15 printed for the same
script (and are hand-checkable: a ones kernel doubles `[1, 1]` to `[2, 2]`, times 3)."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras.ops.op_node import OpNode


class Scale(keras.Operation):
    def __init__(self, factor, name=None):
        super().__init__(name=name)
        self.factor = factor

    def call(self, x):
        return keras.ops.multiply(x, self.factor)

    def compute_output_spec(self, x):
        return keras.KerasTensor(x.shape, dtype=x.dtype)


def _model(op):
    inputs = keras.Input((2,))
    hidden = keras.layers.Dense(2, kernel_initializer="ones")(inputs)
    return keras.Model(inputs, op(hidden))


def test_layer_and_op_nodes_are_operations():
    assert issubclass(keras.Layer, keras.Operation)
    assert issubclass(OpNode, keras.Operation) and not issubclass(OpNode, keras.Layer)


def test_user_operation_eager_symbolic_and_in_a_model(tmp_path):
    op = Scale(3.0)
    assert op.name == "scale" and Scale(2.0).name == "scale_1"
    np.testing.assert_array_equal(op(np.ones((2, 2), "float32")), np.full((2, 2), 3.0))
    model = _model(op)
    assert [type(o).__name__ for o in model.operations] == ["InputLayer", "Dense", "Scale"]
    assert [type(o).__name__ for o in model.layers] == ["InputLayer", "Dense"]
    np.testing.assert_array_equal(model.predict(np.ones((1, 2), "float32"), verbose=0), [[6, 6]])
    assert op.get_config() == {"name": "scale", "factor": 3.0}
    model.save(tmp_path / "m.keras")
    again = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    assert [type(o).__name__ for o in again.operations] == ["InputLayer", "Dense", "Scale"]
    np.testing.assert_array_equal(again.predict(np.ones((1, 2), "float32"), verbose=0), [[6, 6]])


def test_operation_without_call_and_bad_names():
    class Empty(keras.Operation):
        pass

    with pytest.raises(NotImplementedError, match="Empty does not implement"):
        Empty()(np.ones(2))
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        keras.Operation(name="a/b")


def test_output_spec_inferred_from_call_when_not_given():
    class Twice(keras.Operation):
        def call(self, x):
            return keras.ops.concatenate([x, x], axis=-1)

    y = Twice()(keras.Input((3,)))
    assert y.shape == (None, 6) and y.dtype == "float32"
