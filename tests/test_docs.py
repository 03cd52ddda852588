"""The offline API documentation is generated from minikeras's docstrings (and builds with
MkDocs when the `docs` extra is installed)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest

import minikeras
from tests.conftest import REPO


@pytest.fixture(scope="module")
def build_docs():
    spec = importlib.util.spec_from_file_location(
        "build_docs", REPO / "scripts" / "docs" / "build_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_pages_cover_every_public_layer_with_its_signature(build_docs):
    pages = build_docs.api_pages()
    layers = pages["keras.layers.md"]
    for name in minikeras.layers.__all__:
        obj = getattr(minikeras.layers, name)
        if callable(obj) and not name.startswith("_"):
            assert f"## `keras.layers.{name}`" in layers, name
    assert "keras.layers.LSTM(units, activation='tanh'" in layers
    assert "keras.layers.Dense(units: 'int | None' = None" in layers
    models = pages["keras.models.md"]
    assert "load_model(filepath: 'str | os.PathLike'" in models


def test_nav_lists_every_generated_page_and_formats_come_from_the_readme(build_docs):
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf8")
    for name in build_docs.api_pages():
        assert f"api/{name}" in nav, name
    formats = build_docs.formats_page()
    assert formats.startswith("# File formats\n")
    assert "| Keras 3 `.keras` zip archive | yes | yes |" in formats
    for page in ("support.md", "moving-to-keras.md", "index.md"):
        assert (REPO / "docs" / page).is_file() and page in nav


@pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None,
    reason='MkDocs is not installed (pip install "minikeras[docs]")',
)
def test_mkdocs_builds_the_site(build_docs, tmp_path):
    shutil.copytree(REPO / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("api"))
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    build_docs.write_pages(tmp_path / "docs")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "site" / "api" / "keras.layers.html").is_file()
    assert "keras.layers.Conv2D" in (tmp_path / "site" / "support.html").read_text("utf8")
