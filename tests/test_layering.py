"""Imports point one way: backend <- ops <- layers <- models <- trainers.

Every module under `minikeras/` is parsed (not imported) and every import statement in
it, at module level or inside a function, is checked: a module of a lower layer may not
import a higher one. Packages beside the chain (saving, utils, legacy, cli, ...) are not
ranked. The few edges that remain are listed in `ALLOWED`, each with its reason.
"""

from __future__ import annotations

import ast
import pathlib

import minikeras

PACKAGE = pathlib.Path(minikeras.__file__).parent

# Rank of each top-level package of the chain; a module may import only its own rank or
# lower. Activations, initializers, regularizers, constraints, losses, metrics and
# optimizers compose `ops` and are used by layers and trainers.
RANKS = {
    "backend": 0,
    "ops": 1,
    "activations": 2,
    "initializers": 2,
    "regularizers": 2,
    "constraints": 2,
    "losses": 2,
    "metrics": 2,
    "optimizers": 2,
    "layers": 3,
    "models": 4,
    "callbacks": 5,
    "trainers": 5,
}

# (importing module, imported module or package): why the upward edge is there.
ALLOWED = {
    # Keras' own lazy edge: KerasTensor and Variable operators (`x + y`) call `ops`
    # inside the operator methods (keras/src/backend/common/keras_tensor.py does too).
    ("minikeras.backend.operators", "minikeras.ops"): "operators call ops lazily",
    # The same edge for KerasTensor operators, which record an op node of the graph.
    ("minikeras.backend.keras_tensor", "minikeras.ops.op_node"): "operators call ops lazily",
    # `Model` inherits the trainer mixin, as keras/src/models/model.py inherits its
    # backend's Trainer; trainers reach models only through that class.
    ("minikeras.models.model", "minikeras.trainers.numpy_trainer"): "Model(Trainer, Layer)",
}


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: pathlib.Path):
    """`(line, imported module)` for every import in the file, function-level included."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from minikeras import layers` imports a package
                yield node.lineno, f"{target}.{alias.name}"


def _rank(module: str):
    parts = module.split(".")
    if parts[0] != "minikeras" or len(parts) < 2:
        return None
    return RANKS.get(parts[1])


def upward_imports() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _module_name(path)
        src_rank = _rank(source)
        if src_rank is None:
            continue
        for line, target in _imports(path):
            dst_rank = _rank(target)
            if dst_rank is None or dst_rank <= src_rank:
                continue
            if any(source == a and (target == b or target.startswith(b + ".")) for a, b in ALLOWED):
                continue
            found.append(
                f"{source} (line {line}) imports {target}: "
                f"{source.split('.')[1]} may not depend on {target.split('.')[1]}"
            )
    return sorted(set(found))


def test_no_module_imports_a_higher_layer():
    found = upward_imports()
    assert not found, "upward imports:\n" + "\n".join(found)


def test_every_allowed_edge_still_exists():
    """An allow-list entry whose import is gone must be removed from the list."""
    present = set()
    for path in PACKAGE.rglob("*.py"):
        source = _module_name(path)
        for _, target in _imports(path):
            for a, b in ALLOWED:
                if source == a and (target == b or target.startswith(b + ".")):
                    present.add((a, b))
    assert present == set(ALLOWED), sorted(set(ALLOWED) - present)
