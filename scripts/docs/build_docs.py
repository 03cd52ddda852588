"""Builds the offline API documentation (MkDocs) from minikeras's docstrings.

    python3 -m pip install -e ".[docs]"
    python3 scripts/docs/build_docs.py            # writes site/ (open site/index.html)
    python3 scripts/docs/build_docs.py --pages-only   # only the generated Markdown pages

The API pages (`docs/api/*.md`) and the file-format page are generated here on every build,
from the docstrings and from the README's format table, so they never drift; the support
table (`docs/support.md`) is generated and committed by
`scripts/support/make_support_table.py`.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pathlib
import re
import subprocess
import sys
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# (module, title): the Keras namespaces a user browses.
MODULES = [
    ("minikeras", "keras"),
    ("minikeras.models", "keras.models"),
    ("minikeras.layers", "keras.layers"),
    ("minikeras.optimizers", "keras.optimizers"),
    ("minikeras.optimizers.schedules", "keras.optimizers.schedules"),
    ("minikeras.losses", "keras.losses"),
    ("minikeras.metrics", "keras.metrics"),
    ("minikeras.activations", "keras.activations"),
    ("minikeras.initializers", "keras.initializers"),
    ("minikeras.regularizers", "keras.regularizers"),
    ("minikeras.constraints", "keras.constraints"),
    ("minikeras.callbacks", "keras.callbacks"),
    ("minikeras.ops", "keras.ops"),
    ("minikeras.backend", "keras.backend"),
    ("minikeras.utils", "keras.utils"),
    ("minikeras.datasets", "keras.datasets"),
    ("minikeras.saving", "keras.saving"),
    ("minikeras.preprocessing", "keras.preprocessing"),
]


def _public(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    out = []
    for name in names:
        obj = getattr(module, name, None)
        if obj is None or inspect.ismodule(obj) or name == "annotations":
            continue
        if inspect.isclass(obj) or callable(obj):
            out.append(name)
    return sorted(set(out), key=str.lower)


def _signature(obj) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def _entry(title: str, name: str, obj) -> list[str]:
    kind = "class" if inspect.isclass(obj) else "function"
    doc = inspect.getdoc(obj) or "(no docstring)"
    summary, _, rest = doc.partition("\n")
    lines = [
        f"## `{title}.{name}`",
        "",
        "```python",
        f"{title}.{name}{_signature(obj)}",
        "```",
        "",
        f"*{kind}*: {summary.strip()}",
        "",
    ]
    if rest.strip():
        lines += ["```text", rest.strip("\n"), "```", ""]
    if inspect.isclass(obj):
        methods = [
            m
            for m, v in vars(obj).items()
            if not m.startswith("_") and callable(v) and inspect.getdoc(v)
        ]
        for method in sorted(methods):
            value = getattr(obj, method)
            mdoc = (inspect.getdoc(value) or "").split("\n")[0]
            lines.append(f"- `{method}{_signature(value)}`: {mdoc}")
        if methods:
            lines.append("")
    return lines


def api_pages() -> dict[str, str]:
    """`{file name: Markdown}` for every module in `MODULES`."""
    pages = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module_name, title in MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            text = [f"# `{title}`", "", (inspect.getdoc(module) or "").split("\n\n")[0], ""]
            names = _public(module)
            text += ["| name | summary |", "|---|---|"]
            for name in names:
                summary = (inspect.getdoc(getattr(module, name)) or "").split("\n")[0]
                summary = summary.replace("|", "&#124;")
                text.append(f"| [`{name}`](#{_anchor(title, name)}) | {summary} |")
            text.append("")
            for name in names:
                text += _entry(title, name, getattr(module, name))
            pages[f"{title}.md"] = "\n".join(text) + "\n"
    return pages


def _anchor(title: str, name: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", f"{title}.{name}".lower().replace(".", ""))


def formats_page() -> str:
    """The README's file-format section, as a page of its own."""
    readme = (ROOT / "README.md").read_text(encoding="utf8")
    match = re.search(r"^## Reading and writing Keras files\n(.*?)(?=^## )", readme, re.S | re.M)
    body = match.group(1).strip() if match else "See the README."
    return "# File formats\n\n" + body + "\n"


def write_pages(docs: pathlib.Path = DOCS) -> list[pathlib.Path]:
    """Writes the generated pages into the `docs` folder; returns their paths."""
    api = docs / "api"
    api.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in api_pages().items():
        (api / name).write_text(text, encoding="utf8")
        written.append(api / name)
    (docs / "formats.md").write_text(formats_page(), encoding="utf8")
    written.append(docs / "formats.md")
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="write the generated Markdown pages, do not run MkDocs",
    )
    parser.add_argument("--site-dir", default=str(ROOT / "site"))
    args = parser.parse_args(argv)
    pages = write_pages()
    print(f"wrote {len(pages)} generated pages under {DOCS}")
    if args.pages_only:
        return 0
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        print('MkDocs is not installed: pip install "minikeras[docs]"', file=sys.stderr)
        return 1
    return subprocess.call(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--quiet",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            args.site_dir,
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
