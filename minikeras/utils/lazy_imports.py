"""Package attributes that are imported on first use (PEP 562 module `__getattr__`).

A lazy package lists its public names once, as ordinary import statements inside
`if TYPE_CHECKING:`: type checkers and editors read them there, and at run time the first
lookup of a name (`minikeras.layers.Dense`, `from minikeras.layers import Dense`) imports
the module that defines it. `import minikeras` then costs only the modules a script uses,
which is most of a cold start on top of NumPy's own import.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Callable

# `from a.b import c, d as e` or `from a.b import (\n c,\n d as e,\n)`, as `ruff format` writes.
_FROM_IMPORT = re.compile(r"^\s+from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]*)", re.M)


def _type_checking_block(source: str) -> str:
    """The indented body of the module-level `if TYPE_CHECKING:` (empty when there is none)."""
    start = re.search(r"^if TYPE_CHECKING:[^\n]*\n", source, re.M)
    if start is None:
        return ""
    end = re.search(r"^\S", source[start.end() :], re.M)
    return source[start.end() : start.end() + end.start()] if end else source[start.end() :]


def type_checking_imports(path: str) -> dict[str, tuple[str, str]]:
    """`{bound name: (module, attribute)}` of the `from m import a` under `if TYPE_CHECKING:`.

    Args:
        path: The package's `__init__.py` (formatted by `ruff format`).

    Returns:
        One entry per imported name (its `as` name when it has one); an attribute that
        is a submodule (`from minikeras.applications import vgg16`) is found at lookup.
    """
    with open(path, encoding="utf8") as f:
        block = _type_checking_block(f.read())
    table: dict[str, tuple[str, str]] = {}
    for module, names in _FROM_IMPORT.findall(block):
        for item in re.sub(r"#[^\n]*", "", names).strip("()").split(","):
            parts = item.split()
            if parts:
                table[parts[-1]] = (module, parts[0])  # `a` or `a as b`
    return table


class _LazyPackage(types.ModuleType):
    """A package whose names, not its submodules, answer to names they share.

    Importing `minikeras.backend.variable` binds the submodule as the package attribute
    `variable`, where Keras's `keras.backend.variable` is a function: a binding like that
    is skipped, so that the lookup reaches the package's `__getattr__`.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == f"{self.__name__}.{name}":
            entry = self.__dict__["_lazy_table"]().get(name)
            if entry is not None and entry != (self.__name__, name):
                return
        super().__setattr__(name, value)


def lazy_imports(
    package_name: str,
    missing: Callable[[str], object] | None = None,
    transform: Callable[[str, object], object] | None = None,
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`(__getattr__, __dir__)` for a package whose `TYPE_CHECKING` imports load on use.

    Args:
        package_name: The package's `__name__`.
        missing: Called with a name the package does not have; returns a value or raises
            (default: Python's `AttributeError`).
        transform: Called as `transform(name, value)` on each listed name's first lookup;
            the package keeps what it returns (default: the value itself).

    Returns:
        The two module-level functions, to be bound as `__getattr__, __dir__ = ...`.
    """
    package = sys.modules[package_name]
    table: dict[str, tuple[str, str]] = {}

    def names() -> dict[str, tuple[str, str]]:
        if not table:
            table.update(type_checking_imports(package.__file__))
        return table

    def __getattr__(name: str) -> object:
        entry = names().get(name)
        if entry is None and name.isidentifier() and not name.startswith("__"):
            try:  # a submodule used as an attribute (`keras.utils.file_utils`) is imported
                return importlib.import_module(f"{package_name}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package_name}.{name}":
                    raise
        if entry is None:
            if missing is not None:
                return missing(name)
            raise AttributeError(f"module {package_name!r} has no attribute {name!r}")
        module_name, attribute = entry
        if module_name == package_name:  # `from package import submodule`
            value = importlib.import_module(f"{module_name}.{attribute}")
        else:
            module = importlib.import_module(module_name)
            try:
                value = getattr(module, attribute)
            except AttributeError:
                value = importlib.import_module(f"{module_name}.{attribute}")
        if transform is not None:
            value = transform(name, value)
        types.ModuleType.__setattr__(package, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(package)) | set(names()))

    package._lazy_table = names
    package.__class__ = _LazyPackage
    return __getattr__, __dir__


def listed_names(package_name: str) -> list[str]:
    """The names a lazy package lists under `TYPE_CHECKING`, sorted (for its `__all__`)."""
    return sorted(sys.modules[package_name]._lazy_table())
