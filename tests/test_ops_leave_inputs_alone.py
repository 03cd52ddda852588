"""No `keras.ops` function writes into the arrays it is given (Keras's ops are pure).

A NumPy ufunc takes a second positional argument as its `out`: `ops.floor(x, y)` used to
write the floor of `x` into the caller's `y`. Every public function of `minikeras.ops`
and its submodules is called here with arrays in the usual argument patterns (most calls
fail on arguments that make no sense for them: only the arrays' contents are checked).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from minikeras import ops

MODULES = {
    "ops": ops,
    "ops.nn": ops.nn,
    "ops.numpy": ops.numpy,
    "ops.math": ops.math,
    "ops.linalg": ops.linalg,
    "ops.image": ops.image,
    "ops.core": ops.core,
}
SKIPPED = {"vectorized_map", "map", "scan", "fori_loop", "while_loop", "cond", "switch"}


def arrays():
    rng = np.random.default_rng(0)
    return {
        "x": rng.normal(size=(3, 4)).astype("float32"),
        "y": rng.normal(size=(3, 4)).astype("float32"),
        "z": rng.normal(size=(3, 4)).astype("float32"),
        "v": rng.normal(size=(4,)).astype("float32"),
        "i": rng.integers(0, 3, size=(3, 4)).astype("int32"),
        "j": rng.integers(0, 3, size=(3, 4)).astype("int32"),
        "m": rng.normal(size=(4, 4)).astype("float32"),
        "n": rng.normal(size=(4, 4)).astype("float32"),
        "img": rng.uniform(size=(1, 6, 6, 3)).astype("float32"),
    }


PATTERNS = [
    ("x",),
    ("x", "y"),
    ("x", "y", "z"),
    ("x", "v"),
    ("i",),
    ("i", "j"),
    ("x", "i"),
    ("m",),
    ("m", "n"),
    ("img",),
    ("img", "x"),
]


def public_functions():
    for module_name, module in MODULES.items():
        for name in sorted(dir(module)):
            fn = getattr(module, name)
            if name.startswith("_") or name in SKIPPED or not callable(fn):
                continue
            if isinstance(fn, type):
                continue
            yield f"{module_name}.{name}", fn


def test_no_op_writes_into_its_arguments():
    mutated, called = [], 0
    for qualname, fn in public_functions():
        for pattern in PATTERNS:
            given = arrays()
            before = {k: a.copy() for k, a in given.items()}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    fn(*[given[k] for k in pattern])
                    called += 1
                except Exception:  # arguments that make no sense for this function
                    pass
            for k in pattern:
                if not np.array_equal(given[k], before[k], equal_nan=True):
                    mutated.append((qualname, pattern, k))
    assert not mutated, mutated
    assert called > 500


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "isinf"])
def test_one_argument_element_wise_ops_take_one_argument(name):
    with pytest.raises(TypeError):
        getattr(ops, name)(np.ones(3, "float32"), np.zeros(3, "float32"))
