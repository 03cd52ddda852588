"""`Progbar` against real Keras 2 (tf_keras) progress bar transcripts."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from minikeras.utils import progbar as progbar_mod
from minikeras.utils.progbar import Progbar

TRANSCRIPTS = Path(__file__).parent / "fixtures" / "transcripts"


def read_sections(filename: str) -> dict[str, str]:
    """Splits a transcript into `### ` sections (header line -> raw body)."""
    raw = (TRANSCRIPTS / filename).read_bytes().decode("utf-8")
    names = ("fit", "fit_verbose2", "evaluate", "predict")
    chunks = raw.split("### ")[1:]
    assert len(chunks) == len(names)
    return {name: chunk.partition("\n")[2] for name, chunk in zip(names, chunks, strict=True)}


RAW = read_sections("tfk_progbar.txt")
RENDERED = read_sections("tfk_progbar.rendered.txt")


class FakeClock:
    """Replaces the `time` module of progbar: `time()` returns `t`."""

    def __init__(self) -> None:
        self.t = 0.0

    def time(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_mod, "time", fake)
    return fake


@pytest.fixture(params=[True, False], ids=["dynamic", "pipe"])
def dynamic(request, monkeypatch):
    monkeypatch.setattr(Progbar, "dynamic_display", request.param)
    return request.param


def expected_output(section: str, dynamic: bool) -> str:
    """The raw bytes (terminal) or the rendered lines (pipe) of a section."""
    text = RAW[section] if dynamic else RENDERED[section]
    # Drop the printed return values (`[0.63, 0.73]`, `(40, 1)`).
    return re.sub(r"(?m)^[\[(].*\n", "", text)


# Logs of the transcript run (the values are printed with 4 decimals).
FIT_EPOCHS = [
    {
        "step1": {"loss": 0.6196, "accuracy": 0.6875},
        "end": {"loss": 0.6803, "accuracy": 0.5625, "val_loss": 0.6238, "val_accuracy": 0.8125},
        "times": (0.4, 0.582),  # -> "ETA: 0s", then "1s 91ms/step"
    },
    {
        "step1": {"loss": 0.6286, "accuracy": 0.7500},
        "end": {"loss": 0.6726, "accuracy": 0.6667, "val_loss": 0.6271, "val_accuracy": 0.8125},
        "times": (0.01, 0.032),  # -> "0s 11ms/step"
    },
]


def run_fit_epoch(clock: FakeClock, epoch: dict, verbose: int = 1) -> None:
    """Drives a bar the way Keras 2's ProgbarLogger does for one epoch."""
    clock.t = 0.0
    names = list(epoch["step1"])
    bar = Progbar(3, verbose=verbose, stateful_metrics=names + ["val_loss", "val_accuracy"])
    t1, t_end = epoch["times"]
    clock.t = t1
    bar.update(1, list(epoch["step1"].items()), finalize=False)
    for step, t in ((2, t1 + 0.01), (3, t1 + 0.02)):  # throttled (< interval)
        clock.t = t
        bar.update(step, [(k, epoch["end"][k]) for k in names], finalize=False)
    clock.t = t_end
    bar.update(3, list(epoch["end"].items()), finalize=True)


def test_fit_verbose1_matches_transcript(clock, dynamic, capsys):
    for i, epoch in enumerate(FIT_EPOCHS):
        print(f"Epoch {i + 1}/2")
        run_fit_epoch(clock, epoch)
    out = capsys.readouterr().out
    assert out == expected_output("fit", dynamic)
    if not dynamic:
        assert "\r" not in out and "\b" not in out


def test_fit_verbose2_matches_transcript(clock, dynamic, capsys):
    epochs = [
        ({"loss": 0.6579, "accuracy": 0.6875}, 0.204),
        ({"loss": 0.6497, "accuracy": 0.7188}, 0.009),
    ]
    for i, (logs, t_end) in enumerate(epochs):
        print(f"Epoch {i + 1}/2")
        clock.t = 0.0
        bar = Progbar(7, verbose=2, stateful_metrics=list(logs))
        for step in range(1, 8):
            clock.t = t_end * step / 7
            bar.update(step, list(logs.items()), finalize=False)
        bar.update(7, list(logs.items()), finalize=True)
    # Keras prints verbose=2 lines without control characters in both modes.
    assert RAW["fit_verbose2"] == RENDERED["fit_verbose2"]
    assert capsys.readouterr().out == RENDERED["fit_verbose2"]


def test_evaluate_and_predict_match_transcript(clock, dynamic, capsys):
    clock.t = 0.0
    bar = Progbar(4, stateful_metrics=["loss", "accuracy"])
    clock.t = 0.001
    bar.update(1, [("loss", 0.6129), ("accuracy", 0.75)])
    clock.t = 0.003
    bar.update(2, [("loss", 0.62), ("accuracy", 0.74)])
    clock.t = 0.007
    bar.update(4, [("loss", 0.6379), ("accuracy", 0.7344)])  # finalize: current >= target
    assert capsys.readouterr().out == expected_output("evaluate", dynamic)

    clock.t = 0.0
    bar = Progbar(3)
    clock.t = 0.001
    bar.update(1)
    clock.t = 0.005
    bar.update(3)
    assert capsys.readouterr().out == expected_output("predict", dynamic)


def test_dynamic_backspaces_equal_previous_visible_length(clock, monkeypatch, capsys):
    monkeypatch.setattr(Progbar, "dynamic_display", True)
    clock.t = 0.0
    bar = Progbar(10, interval=0.05)
    clock.t = 0.1
    bar.update(1, [("loss", 0.5)])
    clock.t = 0.2
    bar.update(5, [("loss", 0.5)])
    clock.t = 0.21  # throttled
    bar.update(6, [("loss", 0.5)])
    clock.t = 0.3
    bar.update(10, [("loss", 0.5)])
    out = capsys.readouterr().out
    frames = out.split("\r")
    assert frames[0] == ""
    assert len(frames) == 4
    for prev, cur in zip(frames[1:], frames[2:], strict=False):
        visible = prev.rstrip("\b")
        assert prev == visible + "\b" * len(visible)
        assert "\b" not in cur.rstrip("\b")
    assert frames[2].startswith(" 5/10 [==============>...............] - ETA: 0s - loss: 0.5000")
    assert frames[3].startswith(
        "10/10 [==============================] - 0s 22ms/step - loss: 0.5000"
    )
    assert out.endswith("\n") and out.count("\n") == 1


def test_dynamic_pads_shorter_line_with_spaces(clock, monkeypatch, capsys):
    monkeypatch.setattr(Progbar, "dynamic_display", True)
    clock.t = 0.0
    bar = Progbar(1000)
    clock.t = 10.0
    bar.update(1, [("a", 0.5)])  # ETA: 2:46:30
    clock.t = 10.06
    bar.update(2, [("a", 0.5)])  # ETA: 59s
    first, second = capsys.readouterr().out.split("\r")[1:]
    visible = first.rstrip("\b")
    assert " - ETA: 2:46:30 - " in visible and " - ETA: 59s - " in second
    assert len(first) == 2 * len(visible)
    assert second.endswith("0.5000    ")  # padded to the previous length
    assert len(second) == len(visible)


def test_pipe_skips_intermediate_updates(clock, monkeypatch, capsys):
    monkeypatch.setattr(Progbar, "dynamic_display", False)

    def forbidden(*args, **kwargs):
        raise AssertionError("formatting on a non-final step")

    bar = Progbar(100, interval=0.0)
    for name in ("_bar_text", "_metrics_text", "_show_bar", "_show_line"):
        monkeypatch.setattr(bar, name, forbidden)
    for step in range(1, 100):
        clock.t = step * 0.01
        bar.update(step, [("loss", 1.0)])
    assert capsys.readouterr().out == ""


def test_auto_detection_uses_isatty(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert Progbar.dynamic_display is None
    tty = Tty()
    with contextlib.redirect_stdout(tty):
        bar = Progbar(2)
        bar.update(1)
        bar.update(2)
    assert tty.getvalue().startswith("\r1/2 [") and "\b" in tty.getvalue()

    pipe = io.StringIO()
    with contextlib.redirect_stdout(pipe):
        bar = Progbar(2)
        bar.update(1)
        bar.update(2)
    assert re.fullmatch(r"2/2 \[=+\] - 0s \d+(us|ms|s)/step\n", pipe.getvalue())


def test_stream_looked_up_at_write_time(monkeypatch):
    monkeypatch.setattr(Progbar, "dynamic_display", False)
    bar = Progbar(1)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        bar.update(1)
    assert buf.getvalue().startswith("1/1 [")


def test_real_clock_pipe_output_matches_modulo_timings(capsys):
    """No forcing, no fake clock: capsys is not a terminal."""
    for i, epoch in enumerate(FIT_EPOCHS):
        print(f"Epoch {i + 1}/2")
        bar = Progbar(3, stateful_metrics=list(epoch["end"]))
        for step in (1, 2, 3):
            bar.update(step, list(epoch["step1"].items()), finalize=False)
        bar.update(3, list(epoch["end"].items()), finalize=True)
    out = capsys.readouterr().out

    def norm(text: str) -> str:
        text = re.sub(r"\d+(us|ms|s)/step", "T/step", text)
        return re.sub(r" - \d+s ", " - Ts ", text)

    assert norm(out) == norm(RENDERED["fit"])


def test_values_averaged_weighted_by_steps(clock, capsys):
    bar = Progbar(4, verbose=2, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.1)])
    bar.update(4, [("loss", 3.0), ("acc", 0.9)])  # covers 3 steps
    line = capsys.readouterr().out
    # (1 * 1 + 3 * 3) / 4 = 2.5; stateful "acc" shows its last value.
    assert " - loss: 2.5000 - acc: 0.9000 - " in line


def test_add_and_small_values(clock, capsys):
    bar = Progbar(2, verbose=2)
    bar.add(1, [("lr", 0.0001), ("neg", -0.5)])
    bar.add(1, [("lr", 0.0001), ("neg", -0.5)])
    line = capsys.readouterr().out
    assert "lr: 1.0000e-04" in line
    assert "neg: -0.5000" in line


def test_unknown_target(clock, dynamic, capsys):
    bar = Progbar(None)
    clock.t = 0.5
    bar.update(5, [("loss", 0.25)])
    clock.t = 1.0
    bar.update(5, finalize=True)
    out = capsys.readouterr().out
    final = "      5/Unknown - 1s 200ms/step - loss: 0.2500\n"
    assert out.endswith("\r" + final if dynamic else final)
    if not dynamic:
        assert out == final


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, " 0s/step"),
        (2.4, " 2s/step"),
        (1.0, " 1s/step"),
        (0.091, " 91ms/step"),
        (0.001, " 1ms/step"),
        (0.0009, " 900us/step"),
        (0.0000004, " 0us/step"),
    ],
)
def test_time_units(seconds, text):
    assert progbar_mod._format_time(seconds, "step") == text


@pytest.mark.parametrize(
    ("eta", "text"), [(0.8, "0s"), (59.9, "59s"), (61, "1:01"), (3725, "1:02:05")]
)
def test_eta_format(eta, text):
    assert progbar_mod._format_eta(eta) == text


def test_verbose0_prints_nothing(clock, dynamic, capsys):
    bar = Progbar(3, verbose=0)
    for step in (1, 2, 3):
        bar.update(step, [("loss", 1.0)])
    assert capsys.readouterr().out == ""
