"""Keras 3's optional optimizer extras: gradient accumulation and weight EMA.

`gradient_accumulation_steps=N`: gradients are summed over N `apply` calls and the
update uses their mean on every N-th call (`iterations` still counts every call).
`use_ema=True`: a moving average of each trained variable is kept
(`ema_momentum`, no averaging on the very first step); every
`ema_overwrite_frequency` steps, and at the end of `fit`, the model's variables take
the averaged values.
"""

from __future__ import annotations

import numpy as np


def accumulate_gradients(opt, grads, variables, record):
    """Adds `grads` to the accumulators; returns the mean gradients on an update step,
    else `None`. The writes to the accumulators go to `record` (see `UpdateProgram`)."""
    steps = opt.gradient_accumulation_steps
    accs = [opt._accumulated_gradients[opt._index(v)].value for v in variables]
    if (int(opt.iterations.value) + 1) % steps != 0:
        for acc, g in zip(accs, grads):
            record((np.add, acc, g, acc))
        return None
    out = [(g + acc) / np.asarray(steps, dtype=acc.dtype) for g, acc in zip(grads, accs)]
    for acc in accs:
        record((np.positive, np.zeros((), acc.dtype), acc))  # acc[...] = 0
    return out


def update_moving_average(opt, record) -> None:
    """`average = m * average + (1 - m) * variable` (m = 0 on the first step), of the
    variables as the update leaves them: the calls go to `record` after the update's."""
    for var, avg in zip(opt._trainable_variables, opt._model_variables_moving_average):
        dt = var.value.dtype.type
        momentum = dt(opt.ema_momentum) if opt._step_count() != 0 else dt(0)
        a, w = avg.value, var.value
        kept, taken = np.empty_like(a), np.empty(w.shape, np.result_type(dt(1), w))
        record((np.multiply, momentum, a, kept))
        record((np.multiply, dt(1) - momentum, w, taken))
        record((np.add, kept, taken, a))
    freq = opt.ema_overwrite_frequency
    if freq and (opt._step_count() + 1) % freq == 0:
        overwrite_with_moving_average(opt, opt._trainable_variables, record)


def overwrite_with_moving_average(opt, var_list, record=None) -> None:
    """Copies each moving average into its model variable: at once, or, with `record`,
    as a call recorded after the update's (see `UpdateProgram`).

    Raises:
        ValueError: if `var_list` does not match the variables the optimizer was built on.
    """
    averages = opt._model_variables_moving_average
    if len(var_list) != len(averages):
        raise ValueError(
            f"The length of model variables ({len(var_list)}) to override does not match "
            f"the length of model variables stored in the optimizer ({len(averages)}). "
            "Please check if the optimizer was called on your model."
        )
    for var, avg in zip(var_list, averages):
        if record is None:
            var.assign(avg.value)
        else:
            record((np.positive, avg.value, var.value))  # `var.assign(avg.value)`, deferred
