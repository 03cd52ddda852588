"""Impossible weight sizes are refused with a clear error before NumPy tries to allocate."""

from __future__ import annotations

import pytest

import minikeras
from minikeras.backend.memory import check_weight_allocation, physical_memory_bytes


def test_weight_larger_than_memory_is_refused_with_sizes():
    with pytest.raises(
        ValueError,
        match=r"'dense/kernel' of shape \(2, 1000000000000\) "
        r"\(float32\) needs 7\.3 TiB, more than",
    ):
        minikeras.Sequential([minikeras.layers.Input((2,)), minikeras.layers.Dense(10**12)])


def test_negative_dimension_is_refused():
    with pytest.raises(ValueError, match="negative dimension"):
        check_weight_allocation("layer/kernel", (3, -1), "float32")


def test_weights_that_fit_are_allowed():
    assert physical_memory_bytes() > 2**20
    check_weight_allocation("layer/kernel", (1024, 256), "float32")
