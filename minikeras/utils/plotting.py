"""Training curves: `plot_history` (PNG via matplotlib) and `history_to_text` (no dependency).

matplotlib is an optional extra (`pip install minikeras[plot]`); minikeras never
needs it to train. Without it, `history_to_text` draws the same curves as text.
"""

from __future__ import annotations

import math
import os

_INSTALL_HINT = (
    "plot_history() draws with matplotlib, which is not installed. Install the optional "
    "extra with `pip install minikeras[plot]` (or `pip install matplotlib`), or use "
    "`minikeras.utils.history_to_text(history)` / a path ending in '.txt' for a text chart."
)


def _history_dict(history) -> dict[str, list[float]]:
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(
            "Expected a `History` (the object `model.fit()` returns) or a dict of lists such "
            f"as `history.history`. Received: {type(history).__name__}"
        )
    out = {}
    for key, values in logs.items():
        try:
            out[str(key)] = [float(v) for v in values]
        except (TypeError, ValueError):
            raise TypeError(
                f"History entry '{key}' must be a list of numbers. Received: {values!r}"
            ) from None
    return out


def _groups(logs: dict, keys) -> list[list[str]]:
    """One group per metric: `[name, "val_" + name]` when both are present."""
    if keys is None:
        keys = [k for k in logs if not k.startswith("val_")]
        keys += [k for k in logs if k.startswith("val_") and k[4:] not in logs]
    missing = [k for k in keys if k not in logs]
    if missing:
        raise ValueError(f"No such entries in the history: {missing}. Available: {list(logs)}")
    if not keys:
        raise ValueError("The history is empty: nothing to plot (was `fit()` run?).")
    groups = []
    for k in keys:
        group = [k]
        val = "val_" + k
        if not k.startswith("val_") and val in logs and val not in keys:
            group.append(val)
        groups.append(group)
    return groups


def plot_history(history, path=None, keys=None):
    """Draws loss and metric curves of a `fit()` run, one panel per metric.

    The validation curve (`val_<name>`) shares its metric's panel.

    Args:
        history: The `History` returned by `model.fit()`, or its `.history` dict.
        path: Where to write the picture. A path ending in `.txt` writes the text
            chart of `history_to_text` (no matplotlib needed); any other path is
            written by matplotlib (PNG for `.png`). If None, nothing is written.
        keys: Metric names to draw (default: every recorded metric).

    Returns:
        `path` when a file was written, else the matplotlib `Figure`.

    Raises:
        ImportError: if matplotlib is needed and not installed, saying how to install it.

    Example:
        >>> history = model.fit(x, y, epochs=10, validation_split=0.2)
        >>> plot_history(history, "curves.png")
    """
    logs = _history_dict(history)
    groups = _groups(logs, keys)
    if path is not None and os.fspath(path).endswith(".txt"):
        text = history_to_text(logs, keys=keys)
        with open(path, "w", encoding="utf8") as f:
            f.write(text + "\n")
        return path
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise ImportError(_INSTALL_HINT) from None
    fig = Figure(figsize=(5.0 * len(groups), 3.6))
    FigureCanvasAgg(fig)
    for i, group in enumerate(groups):
        ax = fig.add_subplot(1, len(groups), i + 1)
        for name in group:
            values = logs[name]
            ax.plot(
                range(1, len(values) + 1),
                values,
                marker="o" if len(values) < 30 else None,
                label=name,
            )
        ax.set_title(group[0])
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    if path is None:
        return fig
    fig.savefig(path)
    return path


def history_to_text(history, keys=None, width: int = 60, height: int = 10) -> str:
    """The curves of a `fit()` run as a text chart (no matplotlib needed).

    Args:
        history: A `History` or its `.history` dict.
        keys: Metric names to draw (default: every recorded metric, validation
            curves beside their metric).
        width: Columns of each chart (epochs are resampled to fit).
        height: Rows of each chart.

    Returns:
        A multi-line string: per metric, a title with first/last/min/max values and
        a chart where `*` marks the metric and `o` its validation curve.
    """
    logs = _history_dict(history)
    blocks = []
    for group in _groups(logs, keys):
        series = [logs[name] for name in group]
        finite = [v for s in series for v in s if math.isfinite(v)]
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
        span = (hi - lo) or 1.0
        n = max(len(s) for s in series)
        cols = min(width, n) or 1
        grid = [[" "] * cols for _ in range(height)]
        for mark, s in zip("*o", series):
            for c in range(cols):
                v = s[min(len(s) - 1, c * len(s) // cols)]
                if math.isfinite(v):
                    r = height - 1 - int(round((v - lo) / span * (height - 1)))
                    grid[r][c] = mark
        title = "  ".join(f"{name}: {logs[name][0]:.4g} -> {logs[name][-1]:.4g}" for name in group)
        lines = [f"{title}  (min {lo:.4g}, max {hi:.4g}, {n} epochs)"]
        for r, row in enumerate(grid):
            label = hi if r == 0 else lo if r == height - 1 else None
            prefix = f"{label:>10.4g} |" if label is not None else " " * 10 + " |"
            lines.append(prefix + "".join(row))
        lines.append(" " * 10 + " +" + "-" * cols)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
