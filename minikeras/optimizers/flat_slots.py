"""`FlatSlots`: an optimizer's per-variable slots as views of one flat buffer per dtype.

Element-wise optimizer updates cost one NumPy call per operation *per variable*;
with the slots of all variables of one dtype laid end to end in one contiguous
buffer, the passes that read only slots and scratch can run as one call over a
run of neighbouring variables (Adam: 9 of its 12 calls per variable). Per
element the arithmetic is unchanged (same float ops, same order), so results
are bitwise those of the per-variable update.

The slot `Variable`s stay what users, `get_weights`/`set_weights` and saving
see (same names, order, shapes): each is created on its stretch of the flat
buffer (`add_variable_from_reference(..., out=view)`) and `Variable.assign`
copies into it. Should a slot's `.value` be rebound to another array, `sync()`
copies that array back into the buffer and re-binds the view. Model variables
are never moved: their `.value` arrays stay the user's.
"""

from __future__ import annotations

import numpy as np

MERGE_BELOW = 1 << 15
"""Neighbouring variables are updated together until a run holds this many elements."""


class FlatGroup:
    """The variables of one dtype: their offsets and flat slot buffers.

    Attributes:
        dtype: The common dtype.
        positions: Indices of the group's variables in the optimizer's var list.
        shapes: Their shapes.
        offsets: Start of each variable in the flat buffers (plus the total at the end).
        slots: `{slot name: flat buffer}`.
        views: `{slot name: [per-variable views, shaped like the variables]}`.
        plan: The cached `runs` (None until first asked for).
    """

    def __init__(self, dtype, positions, shapes):
        self.dtype = np.dtype(dtype)
        self.positions = list(positions)
        self.shapes = [tuple(s) for s in shapes]
        sizes = [int(np.prod(s, dtype=np.int64)) for s in self.shapes]
        self.offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(int).tolist()
        self.size = self.offsets[-1]
        self.slots: dict[str, np.ndarray] = {}
        self.views: dict[str, list[np.ndarray]] = {}
        self.plan = None

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per-variable views of a flat buffer of this group."""
        o = self.offsets
        return [flat[o[k] : o[k + 1]].reshape(shape) for k, shape in enumerate(self.shapes)]

    def runs(self, min_size: int, n_scratch: int) -> list[Run]:
        """Consecutive variables gathered into runs of at least `min_size` elements.

        A large variable forms a run of its own (its working set stays as
        cache-friendly as one per-variable update); neighbouring small ones share
        a run, so one call covers them all. Built once and cached.

        Args:
            min_size: A run is closed once it holds this many elements.
            n_scratch: Scratch buffers to provide, each as long as the longest run
                (shared by all runs).
        """
        if self.plan is not None and self.plan[0] == (min_size, n_scratch):
            return self.plan[1]
        bounds, members = [], []
        for k in range(len(self.shapes)):
            members.append(k)
            if (
                self.offsets[k + 1] - self.offsets[members[0]] >= min_size
                or k == len(self.shapes) - 1
            ):
                bounds.append(members)
                members = []
        longest = max((self.offsets[m[-1] + 1] - self.offsets[m[0]] for m in bounds), default=0)
        scratch = [np.empty(longest, self.dtype) for _ in range(n_scratch)]
        runs = [Run(self, members, scratch) for members in bounds]
        self.plan = ((min_size, n_scratch), runs)
        return runs


class Run:
    """Views of one run of consecutive variables of a `FlatGroup`.

    Attributes:
        positions: The run's variables, as indices in the optimizer's var list.
        slots: `{slot name: flat view over the run}`.
        slot_parts: `{slot name: [views shaped like each variable of the run]}`.
        scratch: Flat scratch views over the run.
        scratch_parts: Per scratch buffer, its views shaped like each variable.
    """

    def __init__(self, group: FlatGroup, members: list[int], scratch: list[np.ndarray]):
        lo, hi = group.offsets[members[0]], group.offsets[members[-1] + 1]
        self.dtype = group.dtype
        self.positions = [group.positions[k] for k in members]
        self.slots = {name: flat[lo:hi] for name, flat in group.slots.items()}
        self.slot_parts = {name: [views[k] for k in members] for name, views in group.views.items()}
        self.scratch = [buf[: hi - lo] for buf in scratch]
        self.scratch_parts = [
            [
                buf[group.offsets[k] - lo : group.offsets[k + 1] - lo].reshape(group.shapes[k])
                for k in members
            ]
            for buf in scratch
        ]

    def gradients(self, grads) -> list[np.ndarray]:
        """The run's gradients out of the optimizer's list, in the run's dtype."""
        return [
            grads[i] if grads[i].dtype == self.dtype else grads[i].astype(self.dtype)
            for i in self.positions
        ]


class FlatSlots:
    """One zeroed buffer per dtype and slot name, and per-variable views into it.

    Create the slot variables on those views (`add_variable_from_reference(...,
    out=flat.view(name, i))`), then hand them over with `attach`.

    Args:
        var_list: The variables the optimizer is built with.
        names: The slot names (e.g. `["momentum", "velocity"]`).
    """

    def __init__(self, var_list, names):
        self.var_list = list(var_list)
        self._ids = [id(v) for v in self.var_list]
        self.slot_vars: dict = {}
        by_dtype: dict = {}
        for i, v in enumerate(self.var_list):
            by_dtype.setdefault(np.dtype(v.dtype), []).append(i)
        self.groups = []
        self._where = {}
        for dtype, positions in by_dtype.items():
            group = FlatGroup(dtype, positions, [self.var_list[i].shape for i in positions])
            for name in names:
                group.slots[name] = np.zeros(group.size, dtype)
                group.views[name] = group.split(group.slots[name])
            for k, i in enumerate(positions):
                self._where[i] = (group, k)
            self.groups.append(group)

    def view(self, name: str, index: int) -> np.ndarray:
        """The stretch of slot `name`'s buffer that belongs to variable `index`."""
        group, k = self._where[index]
        return group.views[name][k]

    def attach(self, name: str, slot_vars) -> None:
        """Registers the slot variables of `name` (one per variable, each on its view)."""
        self.slot_vars[name] = list(slot_vars)
        self.sync()

    def covers(self, variables) -> bool:
        """Whether `variables` is exactly the built list, in order (all have gradients)."""
        if len(variables) != len(self._ids):
            return False
        for v, i in zip(variables, self._ids):
            if id(v) != i:
                return False
        return True

    def sync(self) -> None:
        """Re-binds any slot whose `.value` was replaced (its new value is kept)."""
        for group in self.groups:
            for name, svars in self.slot_vars.items():
                for view, i in zip(group.views[name], group.positions):
                    var = svars[i]
                    if var.value is not view:
                        view[...] = var.value
                        var.value = view


def scratch_pair(optimizer, variable) -> tuple[np.ndarray, np.ndarray]:
    """Two reusable buffers shaped like `variable` (views of one flat pair kept on the
    optimizer, grown to the largest variable), for in-place update passes."""
    n = variable.value.size
    bufs = getattr(optimizer, "_scratch_bufs", None)
    if bufs is None or bufs[0].size < n or bufs[0].dtype != variable.dtype:
        bufs = (np.empty(n, variable.dtype), np.empty(n, variable.dtype))
        optimizer._scratch_bufs = bufs
    shape = variable.value.shape
    return bufs[0][:n].reshape(shape), bufs[1][:n].reshape(shape)


def usable_flat_slots(optimizer, variables, own_update_step) -> FlatSlots | None:
    """The optimizer's synced `FlatSlots` when the fused path applies, else None.

    It applies when the slots were built flat, `update_step` is the class's own (a
    subclass or a patch replacing it is honoured by the per-variable path) and
    `variables` is exactly the built list, in order.
    """
    flat = getattr(optimizer, "_flat", None)
    if (
        flat is None
        or type(optimizer).update_step is not own_update_step
        or not flat.covers(variables)
    ):
        return None
    flat.sync()
    return flat


def add_flat_slots(optimizer, flat: FlatSlots, var_list, names) -> list[list]:
    """`optimizer.add_optimizer_variables(var_list, names)` with every slot created on
    its stretch of `flat` (same names and order: per variable, one slot per name), then
    attached to `flat`. Returns one list of slot variables per name."""
    out = [[] for _ in names]
    for i, v in enumerate(var_list):
        for slots, name in zip(out, names):
            slots.append(optimizer.add_variable_from_reference(v, name, out=flat.view(name, i)))
    for name, slots in zip(names, out):
        flat.attach(name, slots)
    return out
