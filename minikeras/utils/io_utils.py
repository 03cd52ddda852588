"""Where progress messages go: the terminal, or Python logging (Keras' interactive logging)."""

from __future__ import annotations

import sys

_INTERACTIVE = True


def enable_interactive_logging() -> None:
    """Progress bars and fit messages are written to `sys.stdout` (the default)."""
    global _INTERACTIVE
    _INTERACTIVE = True


def disable_interactive_logging() -> None:
    """Progress bars and fit messages go to the `"minikeras"` logger at INFO level instead."""
    global _INTERACTIVE
    _INTERACTIVE = False


def is_interactive_logging_enabled() -> bool:
    """Whether messages are written to `sys.stdout` (True) or to logging (False)."""
    return _INTERACTIVE


def print_msg(message: str, line_break: bool = True) -> None:
    """Writes `message` to stdout, or logs it when interactive logging is disabled."""
    if _INTERACTIVE:
        stream = sys.stdout
        stream.write(message + "\n" if line_break else message)
        stream.flush()
    else:
        text = message.replace("\b", "").strip("\r\n")
        if text:
            import logging  # only here: a program that never turns logging on never loads it

            logging.getLogger("minikeras").info(text)
