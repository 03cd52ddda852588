"""Writes the list of public Keras / tf_keras / TensorFlow names that the support table covers.

Run ONCE against real Keras (never needed by minikeras or its tests):

    KERAS_BACKEND=jax /opt/kvenv/bin/python scripts/support/dump_keras_names.py

It writes `minikeras/cli/data/keras_names.tsv`, one name a line:
`<dotted name>\t<kind>\t<source>\t<arguments>` where kind is module / class / function /
object, source is `keras3` (public in Keras 3), `tf_keras` (public in tf_keras 2.x only, under
its `keras.` spelling) or `tensorflow` (a `tf.*` name in the modules minikeras stands in for),
and arguments are the named arguments of a class's constructor or a function (comma-separated;
`?` when Python cannot tell), which the support table compares with minikeras's.
The result is committed; `scripts/support/make_support_table.py` reads it.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pathlib
import sys
import types

OUT = pathlib.Path(__file__).resolve().parents[2] / "minikeras" / "cli" / "data" / "keras_names.tsv"

# The TensorFlow modules whose names a Keras-style script commonly uses (tf.raw_ops,
# tf.compat and the like are out of scope).
TF_MODULES = (
    "",
    "math",
    "nn",
    "random",
    "data",
    "config",
    "linalg",
    "image",
    "io",
    "train",
    "losses",
    "keras",
    "experimental.numpy",
    "autodiff",
    "dtypes",
    "errors",
    "saved_model",
    "signal",
    "sparse",
    "strings",
    "summary",
    "test",
    "types.experimental",
)


def kind_of(obj) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "object"


def arguments(obj) -> str:
    """Named arguments of a function, or of a class's constructor (following **kwargs up)."""
    if not callable(obj) or isinstance(obj, types.ModuleType):
        return ""
    targets = []
    if inspect.isclass(obj):
        targets = [
            k.__dict__["__init__"]
            for k in obj.__mro__
            if "__init__" in k.__dict__ and k is not object
        ]
    else:
        targets = [obj]
    names: list[str] = []
    for target in targets:
        try:
            params = list(inspect.signature(target).parameters.values())
        except (TypeError, ValueError):
            return "?" if not names else ",".join(names)
        more = False
        for i, p in enumerate(params):
            if inspect.isclass(obj) and i == 0:
                continue  # self
            if p.kind is p.VAR_KEYWORD:
                more = True
            elif p.kind is not p.VAR_POSITIONAL and p.name not in names:
                names.append(p.name)
        if not more:
            break
    return ",".join(names)


def walk(module, public_prefix: str, internal_roots: tuple, out: dict, seen: set) -> None:
    """Public names of `module` (spelled `public_prefix.name`), recursing into API submodules."""
    if id(module) in seen:
        return
    seen.add(id(module))
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        try:
            obj = getattr(module, name)
        except Exception:  # noqa: BLE001 - a lazily failing attribute is still a public name
            out.setdefault(f"{public_prefix}.{name}", ("object", ""))
            continue
        full = f"{public_prefix}.{name}"
        kind = kind_of(obj)
        if kind == "module":
            mod_name = getattr(obj, "__name__", "")
            if not any(mod_name == r or mod_name.startswith(r + ".") for r in internal_roots):
                continue  # e.g. `keras.ops.numpy` re-exporting numpy itself
            if any(part in ("src", "python") for part in mod_name.split(".")[1:2]):
                continue
        out[full] = (kind, arguments(obj))
        if kind == "module":
            walk(obj, full, internal_roots, out, seen)


def keras3_names() -> dict:
    import keras

    out: dict = {}
    walk(keras, "keras", ("keras",), out, set())
    return out


def tf_keras_names() -> dict:
    import tf_keras

    out: dict = {}
    walk(tf_keras, "keras", ("tf_keras", "keras"), out, set())
    return out


def tensorflow_names() -> dict:
    import tensorflow as tf

    out: dict = {}
    for sub in TF_MODULES:
        module = tf
        prefix = "tensorflow"
        for part in filter(None, sub.split(".")):
            module = getattr(module, part, None)
            prefix += "." + part
        if module is None:
            continue
        if sub:
            out[prefix] = ("module", "")
        for name in sorted(dir(module)):
            if name.startswith("_"):
                continue
            try:
                obj = getattr(module, name)
            except Exception:  # noqa: BLE001
                out[f"{prefix}.{name}"] = ("object", "")
                continue
            kind = kind_of(obj)
            if kind == "module" and (not sub or sub == "keras"):
                continue  # submodules are listed by their own entry in TF_MODULES
            out[f"{prefix}.{name}"] = (kind, arguments(obj))
    return out


def main() -> None:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    k3 = keras3_names()
    k3["keras"] = ("module", "")
    import keras

    rows = [(n, k, "keras3") for n, k in k3.items()]
    tfk = tf_keras_names()
    rows += [(n, k, "tf_keras") for n, k in tfk.items() if n not in k3]
    rows += [(n, k, "tensorflow") for n, k in tensorflow_names().items()]
    import tensorflow as tf
    import tf_keras

    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Public names of keras {keras.__version__}, tf_keras {tf_keras.__version__} "
        f"(2.x-only names) and tensorflow {tf.__version__} (stand-in modules).\n"
        "# Written by scripts/support/dump_keras_names.py; do not edit by hand.\n"
        "# name\tkind\tsource\targuments\n"
    )
    body = "".join(f"{n}\t{k}\t{s}\t{a}\n" for n, (k, a), s in sorted(rows))
    OUT.write_text(header + body, encoding="utf8")
    print(f"wrote {OUT}: {len(rows)} names", file=sys.stderr)


if __name__ == "__main__":
    importlib.invalidate_caches()
    main()
