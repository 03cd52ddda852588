"""Generates `docs/support.md`, the name-by-name support table, from minikeras itself.

    python scripts/support/make_support_table.py            # rewrite docs/support.md
    python scripts/support/make_support_table.py --check    # exit 1 if it is out of date

Every public name of Keras 3 (`keras.*`), every tf_keras 2.x-only name and every TensorFlow
name of the modules minikeras stands in for (the committed list
`minikeras/cli/data/keras_names.tsv`, written once against real Keras by
`dump_keras_names.py`) is looked up exactly as `python -m minikeras` resolves it for a
script, and marked:

- **supported**: minikeras has the name, and a callable accepts every named argument the
  Keras one has;
- **partial**: minikeras has the name but its callable lacks some of Keras's named arguments
  (listed);
- **not supported**: minikeras lacks the name.

It also lists every public name minikeras exports in a Keras module that Keras 3 and tf_keras
do not have (older Keras spellings, minikeras additions), so that no export is left out.
`tests/test_support_table.py` regenerates the table and fails when the committed one differs.
"""

from __future__ import annotations

import argparse
import inspect
import os
import pathlib
import sys
import types
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "support.md"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The table describes the core install (numpy + h5py): the optional extras are made
# unimportable, so it comes out the same with or without them.
OPTIONAL_PACKAGES = (
    "PIL",
    "matplotlib",
    "pandas",
    "scipy",
    "keras",
    "tensorflow",
    "jax",
    "torch",
    "tf_keras",
)
if __name__ == "__main__":
    for _name in OPTIONAL_PACKAGES:
        sys.modules.setdefault(_name, None)  # type: ignore[arg-type]

from minikeras.cli import check, keras_alias, support_data  # noqa: E402

# Keras arguments that are plumbing of its own implementation or of hardware minikeras does not
# have; their absence is not a missing feature.
IGNORED_ARGUMENTS = {
    "cell",
    "autocast",
    "use_cudnn",
    "input_dtype",
    "kwargs",
    "args",
    "pool_dimensions",
    "rank",
}
STATUS = {"supported": "supported", "partial": "partial", "missing": "not supported"}
SECTIONS = [
    (
        "keras3",
        "Keras 3 (`keras.*`)",
        "Every public name of Keras {keras}. A script reaches them as `keras.x`, "
        "`tf.keras.x` or `from keras.x import y`.",
    ),
    (
        "tf_keras",
        "Keras 2 only (tf_keras)",
        "Public names of tf_keras {tf_keras} that Keras 3 no longer has, in their `keras.` "
        "spelling: what Keras 2 tutorials use.",
    ),
    (
        "tensorflow",
        "TensorFlow names (`tf.*` under `python -m minikeras`)",
        "The `tf.*` names of TensorFlow {tensorflow} in the modules a Keras-style script commonly "
        "uses, against the `tensorflow` that `python -m minikeras` gives a script "
        "(`{tf_module}`).",
    ),
]


def _accepted_arguments(obj) -> set[str] | None:
    """Named arguments `obj` (a class's constructor, or a function) accepts; None = any."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    names = set()
    open_ended = False
    for p in signature.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            open_ended = True
        elif p.kind is not p.VAR_POSITIONAL:
            names.add(p.name)
    if open_ended and inspect.isclass(obj):
        for klass in obj.__mro__[1:]:
            init = klass.__dict__.get("__init__")
            if init is None or klass is object:
                continue
            try:
                params = list(inspect.signature(init).parameters.values())[1:]
            except (TypeError, ValueError):
                return None
            names |= {p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
            if klass.__module__ == "minikeras.layers.layer" and klass.__name__ == "Layer":
                break  # Layer's `**kwargs` takes the Keras 2 base arguments (added below)
            if not any(p.kind is p.VAR_KEYWORD for p in params):
                open_ended = False
                break
        if open_ended:
            names |= {"input_shape", "batch_input_shape", "input_dim", "batch_size", "weights"}
    elif open_ended:
        return None  # a function taking **kwargs: cannot tell
    return names


def status_of(row: support_data.KerasName) -> tuple[str, str]:
    """`(status, note)` of one Keras name in minikeras."""
    obj, why = check.find_object(row.name)
    if obj is check._NOT_FOUND:
        return "missing", ""
    if row.kind in ("class", "function") and row.arguments and row.arguments != ("?",):
        accepted = _accepted_arguments(obj)
        if accepted is not None:
            lacking = [a for a in row.arguments if a not in accepted and a not in IGNORED_ARGUMENTS]
            if lacking:
                return "partial", "lacks " + ", ".join(f"`{a}`" for a in lacking)
    return "supported", ""


def _minikeras_extras(keras_rows) -> list[str]:
    """Public names minikeras exports in a Keras module that no Keras list has."""
    known = {r.name for r in keras_rows}
    modules = sorted(
        r.name for r in keras_rows if r.kind == "module" and r.source in ("keras3", "tf_keras")
    )
    extras = set()
    for module_name in modules:
        obj, _ = check.find_object(module_name)
        if not isinstance(obj, types.ModuleType):
            continue
        for name in dir(obj):  # a lazy package lists its names in `__dir__`
            if name.startswith("_"):
                continue
            value = getattr(obj, name)
            full = f"{module_name}.{name}"
            if full in known or _is_plumbing(value, obj):
                continue
            extras.add(full)
    return sorted(extras)


def _is_plumbing(value, module) -> bool:
    """Module-level names that are not API: imported modules, `__future__` features, typing."""
    if isinstance(value, types.ModuleType):
        # A sub-package of this module is listed when Keras has it; others are internals.
        return True
    kind = type(value).__module__
    if kind in ("__future__", "typing", "typing_extensions"):
        return True
    return value is getattr(__import__("typing"), "TYPE_CHECKING", None) and isinstance(value, bool)


def render() -> str:
    """The whole of `docs/support.md`."""
    rows = support_data.keras_names()
    header = support_data.header()
    versions = dict(keras="?", tf_keras="?", tensorflow="?")
    for word, key in (
        ("keras ", "keras"),
        ("tf_keras ", "tf_keras"),
        ("tensorflow ", "tensorflow"),
    ):
        if word in header:
            versions[key] = header.split(word, 1)[1].split(" ")[0].rstrip(",")
    tf_module = keras_alias.resolve("tensorflow")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        verdicts = {r.name: status_of(r) for r in rows}
    out = [
        "# Support table",
        "",
        "<!-- Generated by `python scripts/support/make_support_table.py`; do not edit. -->",
        "",
        "Every public Keras name, looked up in minikeras exactly as `python -m minikeras` "
        "resolves it for a script. **supported**: minikeras has it (and a callable accepts "
        "every named argument Keras's has); **partial**: it lacks the named arguments listed; "
        "**not supported**: minikeras lacks it. `python -m minikeras check script.py` "
        "applies the same lookup to the names one script uses.",
        "",
        "Regenerate after adding or removing a public name (a test compares):",
        "",
        "```",
        "python scripts/support/make_support_table.py",
        "```",
        "",
        "## Summary",
        "",
        "| names | supported | partial | not supported |",
        "|---|---|---|---|",
    ]
    for source, title, _ in SECTIONS:
        sub = [verdicts[r.name][0] for r in rows if r.source == source]
        out.append(
            f"| {title} | {sub.count('supported')} | {sub.count('partial')} | "
            f"{sub.count('missing')} |"
        )
    for source, title, blurb in SECTIONS:
        out += ["", f"## {title}", "", blurb.format(tf_module=tf_module, **versions)]
        module = None
        for r in (r for r in rows if r.source == source):
            parent = r.name.rsplit(".", 1)[0] if "." in r.name else r.name
            if parent != module:
                module = parent
                out += [
                    "",
                    f"### `{module}`",
                    "",
                    "| name | kind | status | notes |",
                    "|---|---|---|---|",
                ]
            status, note = verdicts[r.name]
            out.append(f"| `{r.name}` | {r.kind} | {STATUS[status]} | {note} |")
    extras = _minikeras_extras(rows)
    out += [
        "",
        "## minikeras names that Keras 3 and tf_keras do not have",
        "",
        "Exported by minikeras in a Keras module: older Keras 1/2 spellings (reported as "
        "*deprecated* by `check`) and minikeras additions.",
        "",
        "| name |",
        "|---|",
    ]
    out += [f"| `{name}` |" for name in extras]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 when docs/support.md is out of date",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    text = render()
    if args.check:
        current = TABLE.read_text(encoding="utf8") if TABLE.exists() else ""
        if current != text:
            old, new = set(current.splitlines()), set(text.splitlines())
            changed = sorted(new - old)[:15] + [f"(was) {line}" for line in sorted(old - new)[:15]]
            print(
                f"{TABLE} is out of date with minikeras: run\n"
                "    python scripts/support/make_support_table.py\n"
                "and commit the result. Differences:\n" + "\n".join(changed),
                file=sys.stderr,
            )
            return 1
        return 0
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(text, encoding="utf8")
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
