"""`tf.config`: device queries answer "one CPU"; settings are accepted and change nothing."""

from __future__ import annotations

import types
from collections import namedtuple

from minikeras.tensorflow._convert import missing

PhysicalDevice = namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = namedtuple("LogicalDevice", ["name", "device_type"])

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_run_eagerly = [True]


def list_physical_devices(device_type=None):
    """The devices of `device_type` (None: all): one CPU, never a GPU or TPU."""
    return [_CPU] if device_type in (None, "CPU") else []


def list_logical_devices(device_type=None):
    """The logical devices of `device_type`: one CPU."""
    return [LogicalDevice("/device:CPU:0", "CPU")] if device_type in (None, "CPU") else []


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepted; minikeras always runs on the CPU."""


def run_functions_eagerly(run_eagerly):
    """Accepted: functions always run eagerly here."""
    _run_eagerly[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    return True


def set_soft_device_placement(enabled):
    """Accepted; there is only the CPU."""


def get_soft_device_placement() -> bool:
    return True


def _set_memory_growth(device, enable):
    """Accepted; NumPy allocates memory as needed."""


def _get_memory_growth(device) -> bool:
    return True


experimental = types.SimpleNamespace(
    set_memory_growth=_set_memory_growth,
    get_memory_growth=_get_memory_growth,
    list_physical_devices=list_physical_devices,
    list_logical_devices=list_logical_devices,
    set_visible_devices=set_visible_devices,
    get_visible_devices=get_visible_devices,
    enable_op_determinism=lambda: None,
    enable_tensor_float_32_execution=lambda enabled: None,
)
threading = types.SimpleNamespace(
    set_inter_op_parallelism_threads=lambda num_threads: None,
    set_intra_op_parallelism_threads=lambda num_threads: None,
    get_inter_op_parallelism_threads=lambda: 0,
    get_intra_op_parallelism_threads=lambda: 0,
)
optimizer = types.SimpleNamespace(set_jit=lambda enabled: None, get_jit=lambda: "")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise missing("tf.config", name)
