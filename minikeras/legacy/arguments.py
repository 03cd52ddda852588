"""`renamed_argument`: the one translation of a renamed Keras 1/2 argument."""

from __future__ import annotations

import warnings

_MISSING = object()


def renamed_argument(
    kwargs: dict,
    old: str,
    new: str,
    current=None,
    *,
    default=_MISSING,
    owner: str = "This function",
    stacklevel: int = 3,
):
    """Takes the Keras 1/2 argument `old` out of `kwargs` as the value of `new`.

    Every Keras 1/2 name that minikeras accepts goes through here, so the warning reads
    the same everywhere:
    ``DeprecationWarning: fit(): argument `nb_epoch` is the Keras 1/2 name of `epochs`;
    use `epochs=` instead.``

    Args:
        kwargs: The caller's `**kwargs`; `old` is removed from it.
        old: The Keras 1/2 name.
        new: The current Keras name.
        current: The value the caller has for `new` (its argument, or its default).
        default: `new`'s default: a `current` different from it means the caller also
            passed `new`. Without it, only `new` inside `kwargs` counts as passed.
        owner: What received the arguments, for the messages (`"Dense"`, `"fit()"`).
        stacklevel: Passed to `warnings.warn` (3: the caller of the caller).

    Returns:
        The old argument's value if it was given, else `current`.

    Raises:
        ValueError: if both `old` and `new` were given.

    Example:
        >>> def fit(epochs=1, **kwargs):
        ...     return renamed_argument(kwargs, "nb_epoch", "epochs", epochs, default=1,
        ...                             owner="fit()")
    """
    value = kwargs.pop(old, _MISSING)
    if value is _MISSING:
        return current
    both = new in kwargs or (
        default is not _MISSING and current is not default and _differs(current, default)
    )
    if both:
        raise ValueError(
            f"{owner} received both `{old}` (the Keras 1/2 name) and `{new}` for one argument. "
            f"Pass only `{new}`. Received: {old}={value!r}, "
            f"{new}={kwargs.get(new, current)!r}"
        )
    warnings.warn(
        f"{owner}: argument `{old}` is the Keras 1/2 name of `{new}`; use `{new}=` instead.",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
    return value


def _differs(a, b) -> bool:
    try:
        return bool(a != b)
    except (TypeError, ValueError):  # arrays: compared by identity only
        return True
