"""Lazy packages: `import minikeras` imports only what a script uses, and every public
name of a lazy package still resolves to the object its `TYPE_CHECKING` import names."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from minikeras.utils.lazy_imports import type_checking_imports
from tests.conftest import REPO

PACKAGE_ROOT = Path(REPO) / "minikeras"
LAZY_INITS = sorted(
    p for p in PACKAGE_ROOT.rglob("__init__.py") if "_lazy_imports(__name__" in p.read_text()
)


def _package_name(init: Path) -> str:
    return ".".join(init.parent.relative_to(REPO).parts)


def _imports_by_ast(init: Path) -> dict[str, tuple[str, str]]:
    """The same table read by Python's own parser (the independent reading)."""
    table = {}
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.dump(statement)
                for alias in statement.names:
                    table[alias.asname or alias.name] = (statement.module, alias.name)
    return table


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_lazy_packages_are_the_public_ones():
    names = {_package_name(p) for p in LAZY_INITS}
    assert {"minikeras", "minikeras.layers", "minikeras.backend", "minikeras.utils"} <= names


@pytest.mark.parametrize("init", LAZY_INITS, ids=_package_name)
def test_the_table_is_what_python_parses(init):
    table = type_checking_imports(str(init))
    assert table and table == _imports_by_ast(init)


@pytest.mark.parametrize("init", LAZY_INITS, ids=_package_name)
def test_every_name_resolves_to_its_import_even_beside_a_submodule(init):
    package = importlib.import_module(_package_name(init))
    for info in pkgutil.iter_modules(package.__path__):  # binds every submodule it can
        if not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    for name, (module_name, attribute) in type_checking_imports(str(init)).items():
        value = getattr(package, name)
        if module_name == package.__name__:
            expected = importlib.import_module(f"{module_name}.{attribute}")
        else:
            source = importlib.import_module(module_name)
            expected = getattr(source, attribute, None) or importlib.import_module(
                f"{module_name}.{attribute}"
            )
        # `minikeras.ops` keeps each op function wrapped for symbolic inputs.
        assert getattr(value, "__wrapped_op__", value) is expected, f"{package.__name__}.{name}"
        assert name in dir(package)


def test_names_that_are_also_submodules_give_the_keras_object():
    import minikeras.backend.variable  # noqa: F401 - binds the submodule `variable`
    import minikeras.optimizers.sgd  # noqa: F401 - binds the submodule `sgd`
    from minikeras import backend, optimizers

    assert isinstance(backend.variable, types.FunctionType)  # `K.variable(value)`
    assert optimizers.sgd is optimizers.SGD  # Keras 1/2 `optimizers.sgd(lr=0.01)`
    assert optimizers.get("sgd").__class__ is optimizers.SGD


def test_unknown_names_raise_attribute_error_naming_the_package():
    import minikeras

    with pytest.raises(AttributeError, match="'minikeras.layers' has no attribute 'Dnse'"):
        minikeras.layers.Dnse  # noqa: B018
    with pytest.raises(AttributeError, match="TensorBoard"):
        minikeras.callbacks.TensorBoard  # noqa: B018


def test_import_minikeras_imports_no_layer_model_or_callback():
    out = _run(
        "import sys, minikeras\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('minikeras')))"
    )
    loaded = set(out.split())
    assert "minikeras" in loaded and "minikeras.backend.blas_threads" in loaded
    for heavy in ("minikeras.layers", "minikeras.models", "minikeras.callbacks", "minikeras.ops"):
        assert heavy not in loaded
    assert len(loaded) < 20, sorted(loaded)


def test_the_model_and_op_namespaces_import_on_use():
    out = _run(
        "import sys\n"
        "from minikeras import models, ops\n"
        "print(sorted(m for m in sys.modules if m.startswith('minikeras.models.')))\n"
        "print('minikeras.ops.image' in sys.modules, 'minikeras.ops.linalg' in sys.modules)\n"
        "print(type(models.Sequential).__name__, ops.image.resize.__name__)\n"
        "print('minikeras.ops.image' in sys.modules)"
    )
    assert out.split("\n")[:4] == ["[]", "False False", "type resize", "True"]


def test_ops_star_import_gives_the_symbolic_aware_ops():
    namespace: dict = {}
    exec("from minikeras.ops import *", namespace)
    import minikeras

    assert {"relu", "mean", "image", "linalg", "conv", "dot_product_attention"} <= set(namespace)
    x = minikeras.Input((3,))
    y = namespace["mean"](x, axis=1)  # a graph node, as `keras.ops.mean` on a KerasTensor
    assert isinstance(y, minikeras.KerasTensor) and y.shape == (None,)
    assert namespace["relu"] is minikeras.ops.relu


def test_loading_and_predicting_imports_only_what_the_model_uses(tmp_path):
    path = tmp_path / "mlp.h5"
    _run(
        "import minikeras as k\n"
        "m = k.Sequential([k.Input((4,)), k.layers.Dense(3, activation='relu'),"
        " k.layers.Dense(2, activation='softmax')])\n"
        f"m.save({str(path)!r})\n"
    )
    out = _run(
        "import sys, numpy as np, minikeras as k\n"
        f"m = k.models.load_model({str(path)!r}, compile=False)\n"
        "p = m.predict(np.ones((1, 4), 'float32'), verbose=0)\n"
        "print(p.shape)\n"
        "print('\\n'.join(sys.modules))"
    )
    shape, *modules = out.split("\n")
    assert shape == "(1, 2)"
    for unused in (
        "minikeras.applications",
        "minikeras.layers.preprocessing",
        "minikeras.layers.rnn",
        "minikeras.layers.convolutional",
        "minikeras.layers.attention",
        "minikeras.saving.keras_archive",
        "minikeras.tensorflow",
        "numpy.random",  # the weights come from the file: no initializer draws
        "minikeras.ops.image",
        "minikeras.ops.conv",
        "minikeras.ops.linalg",
        "minikeras.ops.attention",
        "logging",  # only for progress messages sent to logging
    ):
        assert not [m for m in modules if m == unused or m.startswith(unused + ".")], unused


def test_star_import_gives_every_public_layer():
    namespace: dict = {}
    exec("from minikeras.layers import *", namespace)  # the spelling of a user script
    import minikeras.layers as layers

    assert set(layers.__all__) <= set(namespace)
    assert namespace["Dense"] is layers.Dense


def test_a_submodule_is_reachable_as_an_attribute_without_importing_it():
    out = _run("import minikeras as k\nprint(k.utils.file_utils.keras_home is not None)")
    assert out.strip() == "True"


def test_every_ops_module_can_be_the_first_one_imported():
    # A fresh import state per module, so an import cycle between two modules shows
    # whichever of them a user imports first.
    code = (
        "import importlib, pkgutil, sys\n"
        "import minikeras.ops\n"
        "names = [m.name for m in pkgutil.iter_modules(minikeras.ops.__path__, 'minikeras.ops.')]\n"
        "failed = []\n"
        "for name in names:\n"
        "    for k in [k for k in sys.modules if k.split('.')[0] == 'minikeras']:\n"
        "        del sys.modules[k]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        failed.append(f'{name}: {exc}')\n"
        "print(len(names))\n"
        "print(*failed, sep='\\n')\n"
    )
    out = _run(code).splitlines()
    assert int(out[0]) > 20
    assert out[1:] == [""] or out[1:] == []
