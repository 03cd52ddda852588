"""Text progress bar in the Keras 2 (tf_keras) format.

The bar looks exactly like the one printed by ``tf_keras`` 2.x::

    1/3 [=========>....................] - ETA: 0s - loss: 0.6196
    3/3 [==============================] - 1s 91ms/step - loss: 0.6803
    7/7 - 0s - loss: 0.6579 - accuracy: 0.6875 - 204ms/epoch - 29ms/step

One deliberate difference: Keras always redraws the bar in place with
``\\b`` and ``\\r``, even when stdout is a pipe or a file. Here the in-place
redraw is only used when ``sys.stdout`` is a terminal; otherwise each bar
prints its final line once, with no control characters.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from minikeras.utils import io_utils


def stream_is_terminal(stream: Any) -> bool:
    """Returns whether ``stream`` is an interactive terminal.

    Args:
        stream: A file-like object (usually ``sys.stdout``).

    Returns:
        ``True`` when ``stream.isatty()`` exists and returns a true value.
    """
    isatty = getattr(stream, "isatty", None)
    if isatty is None:
        return False
    try:
        return bool(isatty())
    except (ValueError, OSError):  # e.g. a closed stream
        return False


def _write(message: str) -> None:
    """Writes ``message`` to ``sys.stdout`` (or to logging, see ``io_utils``)."""
    io_utils.print_msg(message, line_break=False)


def _format_value(avg: Any) -> str:
    """Formats a metric value like Keras 2 (``%.4f``, or ``%.4e`` if tiny)."""
    if abs(avg) > 1e-3:
        return f" {avg:.4f}"
    return f" {avg:.4e}"


def _format_time(seconds: float, unit_name: str) -> str:
    """Formats a duration per unit the Keras 2 way (``s``, ``ms`` or ``us``).

    Args:
        seconds: Duration of one unit, in seconds.
        unit_name: Name of the unit, e.g. ``"step"`` or ``"epoch"``.

    Returns:
        A string with a leading space, e.g. ``" 91ms/step"``.
    """
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    """Formats a remaining time as ``12s``, ``1:05`` or ``1:00:05``."""
    if eta > 3600:
        return f"{int(eta // 3600)}:{int((eta % 3600) // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """Displays a progress bar.

    Args:
        target: Total number of steps expected, ``None`` if unknown.
        width: Progress bar width on screen.
        verbose: Verbosity mode, 0 (silent), 1 (bar) or 2 (one line at the
            end).
        interval: Minimum visual progress update interval (in seconds) for
            the in-place bar on a terminal.
        stateful_metrics: Iterable of metric names that should *not* be
            averaged over time; their last value is displayed as-is. All
            other metrics are averaged over the steps seen.
        unit_name: Display name for a step (``"step"``, ``"sample"``...).

    Attributes:
        dynamic_display: Class-level (or instance-level) override of the
            display mode: ``None`` (default) redraws in place only when
            ``sys.stdout`` is a terminal at construction time; ``True`` or
            ``False`` forces the mode (useful in tests).
    """

    dynamic_display: bool | None = None

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()

        if self.dynamic_display is None:
            self._dynamic = stream_is_terminal(sys.stdout)
        else:
            self._dynamic = bool(self.dynamic_display)

        self._total_width = 0
        self._seen_so_far = 0
        self._values: dict[str, list[Any]] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = float("-inf")  # the first update is always shown
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end: float | None = None
        self._time_after_first_step: float | None = None

    def update(
        self,
        current: int,
        values: Iterable[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Updates the progress bar.

        Args:
            current: Index of the current step.
            values: List of ``(name, value_for_last_step)`` tuples. Values
                whose name is in ``stateful_metrics`` are displayed as-is;
                the others are averaged over the steps, weighted by the
                number of steps each update covers.
            finalize: Whether this is the last update for the bar. ``None``
                means ``current >= target`` (never, if the target is unknown).
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target

        if values:
            self._accumulate(current, values)
        self._seen_so_far = current

        if not finalize and not (self.verbose == 1 and self._dynamic):
            # Nothing is shown for this step: keep it cheap (no formatting),
            # but remember the timing points the final line needs.
            if current == 1 and self._time_after_first_step is None:
                self._time_after_first_step = time.time()
            if current == self.target:
                self._time_at_epoch_end = time.time()
            return

        now = time.time()
        if current == self.target:
            self._time_at_epoch_end = now
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            self._show_bar(current, now, finalize)
        elif self.verbose == 2 and finalize:
            self._show_line(current, now)
        self._last_update = now

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advances the bar by ``n`` steps.

        Args:
            n: Number of steps to add to the current position.
            values: See `update`.
        """
        self.update(self._seen_so_far + n, values)

    def _accumulate(self, current: int, values: Iterable[tuple[str, Any]]) -> None:
        """Records metric values reported for the steps up to ``current``."""
        for k, v in values:
            if k not in self._values:
                self._values_order.append(k)
            if k in self.stateful_metrics:
                self._values[k] = [v, 1]
                continue
            # At least 1, so that a repeated `current` still counts.
            base = max(current - self._seen_so_far, 1)
            entry = self._values.get(k)
            if entry is None:
                self._values[k] = [v * base, base]
            else:
                entry[0] += v * base
                entry[1] += base

    def _metrics_text(self) -> str:
        """Returns `` - name: value`` for every metric seen so far."""
        parts = []
        for k in self._values_order:
            total, count = self._values[k]
            avg = np.mean(total / max(1, count))
            parts.append(f" - {k}:{_format_value(avg)}")
        return "".join(parts)

    def _bar_text(self, current: int) -> str:
        """Returns the ``3/10 [======>.......]`` part of the bar."""
        if self.target is None:
            return f"{int(current):7d}/Unknown"
        bar = self._count_text(current) + " ["
        prog_width = int(self.width * (float(current) / self.target)) if self.target else 0
        if prog_width > 0:
            bar += "=" * (prog_width - 1)
            bar += ">" if current < self.target else "="
        bar += "." * (self.width - prog_width)
        return bar + "]"

    def _count_text(self, current: int) -> str:
        """Returns ``current/target``, right-aligned to the target's width."""
        if self.target is None:
            return f"{int(current)}"
        target = int(self.target)
        return f"{int(current):{len(str(target))}d}/{target}"

    def _estimate_step_duration(self, current: int, now: float) -> float:
        """Estimates the duration of one step, ignoring the first step."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit

    def _show_bar(self, current: int, now: float, finalize: bool) -> None:
        """Prints the ``verbose=1`` bar (in place on a terminal)."""
        bar = self._bar_text(current)
        per_unit = self._estimate_step_duration(current, now)
        if self.target is None or finalize:
            info = f" - {now - self._start:.0f}s" + _format_time(per_unit, self.unit_name)
        else:
            info = " - ETA: " + _format_eta(per_unit * (self.target - current))
        info += self._metrics_text()

        if not self._dynamic:
            _write(bar + info + "\n")
            return
        prev_total_width = self._total_width
        self._total_width = len(bar) + len(info)
        if prev_total_width > self._total_width:
            info += " " * (prev_total_width - self._total_width)
        if finalize:
            info += "\n"
        _write("\b" * prev_total_width + "\r" + bar + info)

    def _show_line(self, current: int, now: float) -> None:
        """Prints the single ``verbose=2`` line of a finished bar."""
        info = self._count_text(current) + f" - {now - self._start:.0f}s" + self._metrics_text()
        if self._time_at_epoch_end is not None and self.target:
            time_per_epoch = self._time_at_epoch_end - self._time_at_epoch_start
            self._time_at_epoch_start = now
            self._time_at_epoch_end = None
            info += " -" + _format_time(time_per_epoch, "epoch")
            info += " -" + _format_time(time_per_epoch / self.target, self.unit_name)
        _write(info + "\n")

    def _update_stateful_metrics(self, stateful_metrics: Iterable[str]) -> None:
        """Adds names to the set of metrics displayed without averaging."""
        self.stateful_metrics = self.stateful_metrics.union(stateful_metrics)
