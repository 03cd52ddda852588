"""Output masks in losses and metrics, as Keras 3 applies them.

A model whose output carries a mask (e.g. `Embedding(mask_zero=True)` followed by a
sequence-returning RNN) excludes masked timesteps: the loss is the mean over valid
entries only, and mean metrics (accuracy, MSE, ...) count only valid entries.
"""

from __future__ import annotations

import numpy as np

from minikeras.backend import config
from minikeras.backend.autodiff import value_of
from minikeras.losses.loss import match_weight_rank


def apply_mask(sample_weight, mask, reduction: str = "sum_over_batch_size", dtype=None):
    """Combines an output `mask` into `sample_weight` (Keras 3's `apply_mask`).

    For mean reductions, valid entries are weighted `total / valid` so that the usual
    division by the number of entries yields the mean over valid entries.

    Args:
        sample_weight: Per-sample weights or None.
        mask: Boolean mask over the output's leading axes, or None.
        reduction: The loss reduction (`"sum_over_batch_size"`, `"sum"`, ...).
        dtype: Dtype of the result (default floatx).

    Returns:
        The combined sample weight (None when both are None).
    """
    if mask is None:
        return sample_weight
    dtype = dtype or config.floatx()
    m = np.asarray(value_of(mask)).astype(dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        valid = float(m.sum())
        m = m * np.asarray(m.size / (valid + config.epsilon()), dtype=dtype)
    if sample_weight is None:
        return m
    sw = np.asarray(value_of(sample_weight), dtype=dtype)
    ndim = max(m.ndim, sw.ndim)  # (batch,) weights against a (batch, steps) mask: expand
    return match_weight_rank(sw, ndim) * match_weight_rank(m, ndim)
