"""`utils.plot_history` / `History.plot()` and the text fallback `utils.history_to_text`."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import minikeras as keras
from minikeras.utils import history_to_text, plot_history


def test_text_chart_layout_is_exact():
    text = history_to_text({"loss": [2.0, 1.0, 0.0]}, height=3)
    assert text.splitlines() == [
        "loss: 2 -> 0  (min 0, max 2, 3 epochs)",
        "         2 |*  ",
        "           | * ",
        "         0 |  *",
        "           +---",
    ]


def test_validation_curve_shares_its_metric_chart():
    text = history_to_text(
        {"loss": [1.0, 0.0], "val_loss": [1.0, 1.0], "acc": [0.5, 1.0]}, height=2
    )
    blocks = text.split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].splitlines()[0].startswith("loss: 1 -> 0  val_loss: 1 -> 1")
    assert blocks[0].splitlines()[1] == "         1 |oo"
    assert blocks[0].splitlines()[2] == "         0 | *"
    assert blocks[1].startswith("acc: 0.5 -> 1")


def test_long_histories_are_resampled_to_the_width():
    text = history_to_text({"loss": list(np.linspace(1, 0, 500))}, width=20, height=4)
    assert all(len(line) == 12 + 20 for line in text.splitlines()[1:])


def test_history_plot_to_txt_after_fit(tmp_path):
    x = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, x[:, :1], epochs=3, verbose=0, validation_split=0.25)
    out = history.plot(tmp_path / "curves.txt")
    text = (tmp_path / "curves.txt").read_text()
    assert out == tmp_path / "curves.txt"
    assert text.startswith("loss: ") and "val_loss: " in text and "3 epochs" in text


def test_bad_histories_are_explained():
    with pytest.raises(TypeError, match="Expected a `History`"):
        history_to_text([1, 2, 3])
    with pytest.raises(ValueError, match=r"No such entries in the history: \['acc'\]"):
        history_to_text({"loss": [1.0]}, keys=["acc"])
    with pytest.raises(ValueError, match="history is empty"):
        history_to_text({})


def test_missing_matplotlib_names_the_extra(monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install minikeras\[plot\]"):
        plot_history({"loss": [1.0, 0.5]}, tmp_path / "curves.png")
    assert not (tmp_path / "curves.png").exists()


def test_png_is_written_when_matplotlib_is_installed(tmp_path):
    pytest.importorskip(
        "matplotlib", reason="matplotlib (the optional `plot` extra) is not installed here"
    )
    history = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7], "accuracy": [0.4, 0.7, 0.9]}
    path = tmp_path / "curves.png"
    assert plot_history(history, path) == path
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    fig = plot_history(history)
    assert len(fig.axes) == 2
    assert [line.get_label() for line in fig.axes[0].lines] == ["loss", "val_loss"]
    assert list(fig.axes[0].lines[1].get_ydata()) == [1.1, 0.8, 0.7]
