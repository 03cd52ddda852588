"""`python -m minikeras check script.py [more.py | notebook.ipynb ...]`: which Keras names a
script uses, and whether minikeras has them, without running the script.

The scripts are parsed (Python's `ast`; a notebook's code cells), every `keras.*`,
`tf.keras.*`, `tensorflow.*`, `tf_keras.*` (and `minikeras.*`) name, every
`from keras... import ...` and every Keras 1/2 keyword argument given to one of them
(`SGD(lr=...)`, `model.fit(nb_epoch=...)`) is collected with its line, and each is looked up exactly as `python -m minikeras` would
resolve it at run time (`minikeras.cli.keras_alias`). A name is

- **supported** when minikeras has it,
- **deprecated** when minikeras has it but Keras 3 no longer does (a Keras 1/2 name such as
  `keras.layers.Convolution2D`, `keras.utils.np_utils`, `model.predict_classes`),
- **missing** when minikeras lacks it; the nearest name it does have is suggested.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import importlib
import json
import os
import warnings

from minikeras.cli import keras_alias
from minikeras.cli.loading import CLIError

ROOTS = ("keras", "tf_keras", "tensorflow", "minikeras")
# Methods of a Keras 2 model that Keras 3 removed; minikeras keeps them.
LEGACY_METHODS = {
    "predict_classes": "use np.argmax(model.predict(x), axis=-1) or (model.predict(x) > 0.5)",
    "predict_proba": "use model.predict(x)",
    "fit_generator": "use model.fit(generator)",
    "evaluate_generator": "use model.evaluate(generator)",
    "predict_generator": "use model.predict(generator)",
}
# Keras 1/2 keyword arguments that minikeras translates and Keras 3 refuses: {old: new}.
LEGACY_KEYWORDS = {
    "lr": "learning_rate",
    "nb_epoch": "epochs",
    "output_dim": "units",
    "init": "kernel_initializer",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "U_regularizer": "recurrent_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "nb_filter": "filters",
    "nb_row": "kernel_size",
    "nb_col": "kernel_size",
    "border_mode": "padding",
    "subsample": "strides",
    "dim_ordering": "data_format",
    "samples_per_epoch": "steps_per_epoch",
    "nb_val_samples": "validation_steps",
    "input_length": "(remove it; give the input shape)",
    "decay": "(a learning-rate schedule)",
}
# Model methods whose Keras 1/2 keywords are reported whatever the model's variable is called.
_TRAINING_METHODS = (
    "fit",
    "evaluate",
    "predict",
    "fit_generator",
    "evaluate_generator",
    "predict_generator",
    "compile",
)
SUPPORTED, DEPRECATED, MISSING = "supported", "deprecated", "missing"


@dataclasses.dataclass(frozen=True)
class Use:
    """One use of a Keras/TensorFlow name in a file."""

    path: str
    line: int
    name: str
    cell: int | None = None  # notebook cell number (1-based), None for a script

    @property
    def where(self) -> str:
        if self.cell is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}: cell {self.cell}, line {self.line}"


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What minikeras makes of one name."""

    status: str
    note: str = ""


# ----------------------------------------------------------------------------- reading


def _is_ours(dotted: str) -> bool:
    return dotted.split(".")[0] in ROOTS


class _Collector(ast.NodeVisitor):
    """Collects the dotted Keras/TensorFlow names a module uses, with their lines."""

    def __init__(self):
        self.aliases: dict[str, str] = {}  # shared by a notebook's cells, as at run time
        self.found: list[tuple[int, str]] = []

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not _is_ours(alias.name):
                continue
            self.found.append((node.lineno, alias.name))
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                root = alias.name.split(".")[0]
                self.aliases[root] = root

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not _is_ours(module):
            return
        for alias in node.names:
            if alias.name == "*":
                self.found.append((node.lineno, module))
                continue
            full = f"{module}.{alias.name}"
            self.found.append((node.lineno, full))
            self.aliases[alias.asname or alias.name] = full

    def visit_Call(self, node: ast.Call) -> None:
        legacy = [k.arg for k in node.keywords if k.arg in LEGACY_KEYWORDS]
        if legacy:
            callee = None
            chain = _dotted(node.func)
            if chain is not None:
                head, _, rest = chain.partition(".")
                if head in self.aliases:
                    callee = self.aliases[head] + (f".{rest}" if rest else "")
            if (
                callee is None
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _TRAINING_METHODS
            ):
                callee = f"Model.{node.func.attr}"
            if callee is not None:
                for arg in legacy:
                    self.found.append((node.lineno, f"{callee}({arg}=)"))
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = _dotted(node)
        if chain is not None:
            head, _, rest = chain.partition(".")
            if head in self.aliases:
                self.found.append((node.lineno, f"{self.aliases[head]}.{rest}"))
                return  # the inner attributes are prefixes of this one
        if node.attr in LEGACY_METHODS:
            self.found.append((node.lineno, f"Model.{node.attr}"))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases and isinstance(node.ctx, ast.Load):
            self.found.append((node.lineno, self.aliases[node.id]))


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _dedupe(found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drops a use that is a prefix of a longer one on the same line (`keras` of
    `keras.layers`), keeping the first line each name appears on per line."""
    names_by_line: dict[int, set[str]] = {}
    for line, name in found:
        names_by_line.setdefault(line, set()).add(name)
    out = []
    for line in sorted(names_by_line):
        names = names_by_line[line]
        for name in sorted(names):
            if not any(other.startswith(name + ".") for other in names):
                out.append((line, name))
    return out


def uses_in_source(
    source: str, path: str, cell: int | None = None, collector: _Collector | None = None
) -> list[Use]:
    """The Keras/TensorFlow names `source` uses.

    Args:
        source: Python source.
        path: Its file name, for the report.
        cell: The notebook cell number it comes from, if any.
        collector: Carries the import aliases from earlier cells of the same notebook.

    Raises:
        SyntaxError: if `source` is not valid Python.
    """
    collector = collector or _Collector()
    collector.found = []
    collector.visit(ast.parse(source, filename=path))
    return [Use(path, line, name, cell) for line, name in _dedupe(collector.found)]


def _notebook_cells(path: str) -> list[str]:
    try:
        with open(path, encoding="utf8") as f:
            nb = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CLIError(f"Could not read notebook '{path}': {exc}") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise CLIError(f"'{path}' is not a Jupyter notebook (no 'cells' list).")
    out = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            out.append("")
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        # IPython magics and shell escapes are not Python; keep their lines empty.
        out.append(
            "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
        )
    return out


def uses_in_file(path: str) -> list[Use]:
    """The Keras/TensorFlow names a `.py` script or an `.ipynb` notebook uses.

    Raises:
        CLIError: if the file cannot be read or parsed.
    """
    if not os.path.isfile(path):
        raise CLIError(f"No such file: '{path}'")
    if path.lower().endswith(".ipynb"):
        uses, collector = [], _Collector()
        for number, source in enumerate(_notebook_cells(path), start=1):
            if not source.strip():
                continue
            try:
                uses += uses_in_source(source, path, cell=number, collector=collector)
            except SyntaxError as exc:
                raise CLIError(
                    f"{path}: cell {number}, line {exc.lineno}: cannot parse: {exc.msg}"
                ) from None
        return uses
    try:
        with open(path, "rb") as f:
            source = f.read()
        return uses_in_source(source.decode("utf8"), path)
    except UnicodeDecodeError as exc:
        raise CLIError(f"'{path}' is not UTF-8 text: {exc}") from None
    except SyntaxError as exc:
        raise CLIError(f"{path}:{exc.lineno}: cannot parse: {exc.msg}") from None


# ----------------------------------------------------------------------------- resolving


@functools.lru_cache(maxsize=4)
def _names_of(source: str) -> frozenset:
    from minikeras.cli import support_data

    return frozenset(row.name for row in support_data.keras_names() if row.source == source)


def keras3_names() -> frozenset:
    """The public names of Keras 3 (from the committed list), spelled `keras.x.y`."""
    return _names_of("keras3")


def _keras_spelling(name: str) -> str | None:
    """`tf.keras.layers.Dense` -> `keras.layers.Dense`; None for non-Keras names."""
    for root in ("tensorflow.keras", "tensorflow.python.keras", "tf_keras", "minikeras", "keras"):
        if name == root or name.startswith(root + "."):
            return "keras" + name[len(root) :]
    return None


def _import(module_name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(module_name)


def _public_names(obj) -> list[str]:
    try:
        return [n for n in dir(obj) if not n.startswith("_")]
    except Exception:  # noqa: BLE001 - a hostile __dir__ just gives no suggestion
        return []


_NOT_FOUND = object()


def find_object(name: str) -> tuple[object, str]:
    """The object `python -m minikeras` gives a script for the dotted `name`, or
    `(_NOT_FOUND, why)`: the longest importable module prefix, then attributes."""
    parts = name.split(".")
    obj, found = _NOT_FOUND, 0
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        target = prefix if parts[0] == "minikeras" else keras_alias.resolve(prefix)
        if target is None:
            return _NOT_FOUND, "not a Keras or TensorFlow name"
        try:
            obj = _import(target)
        except Exception:  # noqa: BLE001 - any import failure means "not this module"
            continue
        found = i
        break
    if obj is _NOT_FOUND:
        return _NOT_FOUND, f"minikeras has no module for '{parts[0]}'"
    for i in range(found, len(parts)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                obj = getattr(obj, parts[i])
        except Exception:  # noqa: BLE001 - AttributeError, or a stand-in refusing
            prefix = ".".join(parts[:i])
            close = difflib.get_close_matches(parts[i], _public_names(obj), n=1, cutoff=0.6)
            hint = f"; nearest: {prefix}.{close[0]}" if close else ""
            return _NOT_FOUND, f"minikeras has no '{parts[i]}' in {prefix}{hint}"
    return obj, ""


def exists(name: str) -> bool:
    """Whether minikeras has the dotted Keras/TensorFlow `name`."""
    return find_object(name)[0] is not _NOT_FOUND


@functools.lru_cache(maxsize=4096)
def resolve(name: str) -> Verdict:
    """The verdict on one dotted name (`keras.layers.Dense`, `tensorflow.reduce_sum`)."""
    if name.endswith("=)"):
        callee, _, arg = name[:-2].rpartition("(")
        if not callee.startswith("Model.") and not exists(callee):
            return resolve(callee)
        return Verdict(
            DEPRECATED, f"a Keras 1/2 argument Keras 3 refuses; use {LEGACY_KEYWORDS[arg]}"
        )
    if name.startswith("Model."):
        method = name.split(".", 1)[1]
        return Verdict(DEPRECATED, f"removed in Keras 3; {LEGACY_METHODS[method]}")
    obj, why = find_object(name)
    if obj is _NOT_FOUND:
        return Verdict(MISSING, why)
    if any(part.startswith("__") for part in name.split(".")):
        return Verdict(SUPPORTED)  # module dunders (`keras.__version__`) are not API names
    keras_name = _keras_spelling(name)
    if keras_name is not None and keras3_names() and keras_name not in keras3_names():
        if keras_name in _names_of("tf_keras"):
            return Verdict(DEPRECATED, "a Keras 2 (tf_keras) name that Keras 3 removed")
        return Verdict(DEPRECATED, "not in Keras 3: a Keras 1 spelling or a minikeras addition")
    return Verdict(SUPPORTED)


# ----------------------------------------------------------------------------- reporting


def check_files(paths: list[str]) -> list[tuple[Use, Verdict]]:
    """Every Keras/TensorFlow name the files use, with minikeras' verdict."""
    return [(use, resolve(use.name)) for path in paths for use in uses_in_file(path)]


def format_report(results: list[tuple[Use, Verdict]], show_supported: bool = True) -> str:
    lines = []
    for use, verdict in results:
        if verdict.status == SUPPORTED and not show_supported:
            continue
        note = f" ({verdict.note})" if verdict.note else ""
        lines.append(f"{use.where}: {verdict.status:<10} {use.name}{note}")
    counts = {s: sum(v.status == s for _, v in results) for s in (SUPPORTED, DEPRECATED, MISSING)}
    lines.append(
        f"{len(results)} Keras/TensorFlow names: {counts[SUPPORTED]} supported, "
        f"{counts[DEPRECATED]} deprecated, {counts[MISSING]} missing."
    )
    return "\n".join(lines)


def warning_block(path: str) -> str | None:
    """The short warning `python -m minikeras script.py` prints before running a script
    that uses names minikeras lacks, or None when everything is there (or unreadable)."""
    try:
        results = check_files([path])
    except Exception:  # noqa: BLE001 - the check must never stop a script from running
        return None
    missing = [(u, v) for u, v in results if v.status == MISSING]
    if not missing:
        return None
    shown = [f"  {u.where}: {u.name} ({v.note})" for u, v in missing[:8]]
    if len(missing) > 8:
        shown.append(f"  ... and {len(missing) - 8} more")
    return (
        "minikeras: warning: this script uses names minikeras does not have; it will "
        "fail when it reaches them:\n"
        + "\n".join(shown)
        + "\n(`python -m minikeras check SCRIPT` lists every name; `--no-check` skips this.)"
    )


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="list the Keras names scripts/notebooks use and whether minikeras has them",
        description="Reads .py scripts and .ipynb notebooks without running them and reports "
        "every keras / tf.keras / tensorflow name they use: supported, deprecated "
        "(a Keras 1/2 name) or missing (with the nearest name minikeras has). "
        "Exit status 0 when every name is supported, 1 otherwise.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a .py script or .ipynb notebook")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="list only deprecated and missing names"
    )
    p.set_defaults(run=run)


def run(args) -> int:
    results = check_files(args.files)
    print(format_report(results, show_supported=not args.quiet))
    return 1 if any(v.status == MISSING for _, v in results) else 0
