"""The recipes in CONTRIBUTING.md work as written."""

from __future__ import annotations

import re

import numpy as np

from minikeras import initializers, ops
from minikeras.layers import Layer
from minikeras.ops import numpy as ops_numpy
from minikeras.testing import gradient_check, run_layer_test
from tests.conftest import REPO

TEXT = (REPO / "CONTRIBUTING.md").read_text(encoding="utf8")
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)


def test_the_op_recipe_defines_a_correct_op():
    recipe = next(b for b in BLOCKS if "def cbrt" in b)
    namespace = dict(vars(ops_numpy))
    exec(recipe, namespace)
    cbrt = namespace["cbrt"]
    x = np.random.default_rng(0).uniform(0.5, 2.0, (3, 4))
    np.testing.assert_allclose(cbrt(x), np.cbrt(x))
    assert gradient_check(cbrt, [x]) < 1e-6
    test = next(b for b in BLOCKS if "def test_cbrt_gradient" in b)
    test_ns = {"np": np, "ops": type("ops", (), {"cbrt": staticmethod(cbrt)})}
    exec(test.replace("from minikeras import ops\n", ""), test_ns)
    test_ns["test_cbrt_gradient"]()


def test_the_layer_recipe_passes_run_layer_test():
    recipe = next(b for b in BLOCKS if "class Scale(Layer)" in b)
    namespace = {"Layer": Layer, "initializers": initializers, "ops": ops}
    exec(recipe, namespace)
    scale = namespace["Scale"]
    test = next(b for b in BLOCKS if "def test_scale" in b)
    test_ns = {"Scale": scale, "run_layer_test": run_layer_test}
    exec(test, test_ns)
    from minikeras.saving.object_registration import custom_object_scope

    with custom_object_scope({"Scale": scale}):
        test_ns["test_scale"]()
