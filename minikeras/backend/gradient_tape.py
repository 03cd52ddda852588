"""`GradientTape`: records operations so that gradients can be taken (the `tf.GradientTape` API).

The tape itself stores only its leaves (variables and watched arrays); the
graph lives in the `Tensor`s that ops return (see `autodiff.py`).
"""

from __future__ import annotations

import contextlib
import sys

import numpy as np

from minikeras.backend.autodiff import (
    EagerTensor,
    Tensor,
    _recorded_backward,
    _tape_stack,
    _watched_arrays,
    backward,
    value_of,
)
from minikeras.backend.variable import Variable


class GradientTape:
    """Records operations for automatic differentiation (the `tf.GradientTape` API).

    Trainable `Variable`s read inside the `with` block are watched
    automatically; `watch()` adds non-trainable variables or NumPy arrays.
    Tapes nest: an outer tape also sees what is computed under an inner one, and
    a gradient taken while a tape is active is recorded by it, so the outer tape
    gives second derivatives (for the ops listed in `ops/second_order.py`).

    Args:
        persistent: If False (default), `gradient()` may be called only once.
        watch_accessed_variables: If False, only `watch()`ed sources are tracked.

    Example:
        >>> v = Variable(np.array([1.0, 2.0]))
        >>> with GradientTape() as tape:
        ...     loss = ops.sum(ops.square(v))
        >>> tape.gradient(loss, [v])[0]
        array([2., 4.], dtype=float32)

    A custom training loop, as TensorFlow tutorials write it::

        with GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._leaves: dict[int, tuple[Variable, Tensor]] = {}
        self._arrays: dict[int, tuple[np.ndarray, Tensor]] = {}
        self.persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._used = False

    def __enter__(self) -> GradientTape:
        # An exception raised in here (one thrown in from another thread) means `with`
        # never calls `__exit__`: the tape must not stay active, recording every later op.
        self._entered_in = sys._getframe(1)  # the frame running the `with` (see `__exit__`)
        try:
            _tape_stack.append(self)
            for key, (_, node) in self._arrays.items():
                _watched_arrays[key] = node
            return self
        except BaseException:
            if self in _tape_stack:
                self.__exit__()
            raise

    def __exit__(self, *exc) -> None:
        self._entered_in = None  # (the frame holds this tape: no cycle left behind)
        _tape_stack.remove(self)
        for key in self._arrays:
            _watched_arrays.pop(key, None)
        for tape in _tape_stack:  # re-expose arrays still watched by outer tapes
            for key, (_, node) in tape._arrays.items():
                _watched_arrays[key] = node

    def leaf(self, var: Variable) -> Tensor:
        """Returns the tape's leaf tensor for `var`, creating it on first use."""
        entry = self._leaves.get(id(var))
        if entry is None:
            entry = (var, Tensor(var.value))
            self._leaves[id(var)] = entry
        return entry[1]

    def watch(self, x) -> None:
        """Tracks `x`: a Variable (trainable or not), a NumPy array, or a list of them.

        Raises:
            ValueError: for anything else (e.g. a Python number), which has no identity
                to track; convert it with `np.asarray(..., dtype="float32")` first.
        """
        if isinstance(x, (list, tuple)):
            for e in x:
                self.watch(e)
            return
        if isinstance(x, Variable):
            self.leaf(x)
            return
        if isinstance(x, Tensor):
            return  # already recorded
        if type(x) is np.ndarray or type(x) is EagerTensor:
            entry = self._arrays.get(id(x))
            if entry is None:
                entry = (x, Tensor(value_of(x)))
                self._arrays[id(x)] = entry
            if self in _tape_stack:
                _watched_arrays[id(x)] = entry[1]
            return
        raise ValueError(
            "`GradientTape.watch` expects a Variable or a NumPy array (or a tensor, or a list "
            "of them). "
            f"Received: {x!r} of type {type(x).__name__}"
        )

    def jacobian(self, target, sources, unconnected_gradients="none"):
        """Full Jacobian of `target` with respect to each source (one backward pass per entry).

        Args:
            target: A Tensor computed under this tape.
            sources: A Variable/Tensor/watched array or a list of them.
            unconnected_gradients: `"none"` or `"zero"`, as in `gradient()`.

        Returns:
            Arrays of shape `target.shape + source.shape`, in the structure of `sources`.
        """
        single = not isinstance(sources, (list, tuple))
        srcs = [sources] if single else list(sources)
        shape = tuple(np.shape(value_of(target)))
        rows: list[list] = [[] for _ in srcs]
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients. Create it with `GradientTape(persistent=True)` to call "
                "`jacobian()` after `gradient()`."
            )
        persistent = self.persistent
        self.persistent = True  # one backward pass per target entry
        try:
            for index in np.ndindex(*shape):
                seed = np.zeros(shape, dtype=np.asarray(value_of(target)).dtype)
                seed[index] = 1
                grads = self.gradient(
                    target, srcs, output_gradients=seed, unconnected_gradients="zero"
                )
                for row, g in zip(rows, grads):
                    row.append(g)
        finally:
            self.persistent = persistent
            self._used = True  # a non-persistent tape is spent by its jacobian
        out = []
        for s, row in zip(srcs, rows):
            src_shape = tuple(np.shape(value_of(s)))
            jac = np.stack(row).reshape(shape + src_shape) if row else np.zeros(shape + src_shape)
            connected = self._node_of(s) is not None and isinstance(target, Tensor)
            out.append(jac if connected or unconnected_gradients == "zero" else None)
        return out[0] if single else out

    @contextlib.contextmanager
    def stop_recording(self):
        """Within this block, operations are not recorded by this tape."""
        if self not in _tape_stack:
            raise ValueError(
                "`stop_recording()` needs the tape to be active (inside its `with` block)."
            )
        index = _tape_stack.index(self)
        _tape_stack.remove(self)
        try:
            yield
        finally:
            _tape_stack.insert(index, self)

    def reset(self) -> None:
        """Forgets everything recorded so far (the tape stays usable)."""
        self._leaves.clear()
        for key in self._arrays:
            _watched_arrays.pop(key, None)
        self._arrays.clear()
        self._used = False

    def watched_variables(self) -> list[Variable]:
        """The variables this tape has recorded, in the order first read."""
        return [v for v, _ in self._leaves.values()]

    def _records_own_gradient(self) -> bool:
        """Whether an active tape could differentiate this gradient: another tape, or
        this one if persistent (a spent non-persistent tape cannot, so it is not recorded)."""
        return any(t is not self for t in _tape_stack) or self.persistent

    def _node_of(self, s):
        if isinstance(s, Variable):
            entry = self._leaves.get(id(s))
            return entry[1] if entry else None
        if isinstance(s, Tensor):
            return s
        if type(s) is np.ndarray or type(s) is EagerTensor:
            entry = self._arrays.get(id(s))
            return entry[1] if entry else None
        return None

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradients of `target` with respect to `sources`.

        Args:
            target: A Tensor computed under this tape (non-scalar targets are
                summed, as in TensorFlow), or a list of them (their gradients add).
            sources: A Variable, Tensor or watched array, or a list/tuple/dict of them.
            output_gradients: Optional seed gradient with `target`'s shape.
            unconnected_gradients: `"none"` (default) gives `None` for a source the
                target does not depend on; `"zero"` gives zeros.

        Returns:
            Gradient arrays in the structure of `sources`.

        Raises:
            RuntimeError: on a second call to a non-persistent tape.
        """
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(
                "Unknown value for unconnected_gradients: "
                f"{unconnected_gradients!r}. Expected 'none' or 'zero'."
            )
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients. Create it with `GradientTape(persistent=True)` to call "
                "`gradient()` several times."
            )
        self._used = True
        if isinstance(sources, dict):
            keys = list(sources)
            grads = self.gradient(
                target, [sources[k] for k in keys], output_gradients, unconnected_gradients
            )
            return dict(zip(keys, grads))
        single = not isinstance(sources, (list, tuple))
        srcs = [sources] if single else list(sources)
        nodes = [self._node_of(s) for s in srcs]
        targets = list(target) if isinstance(target, (list, tuple)) else [target]
        grads = [None] * len(srcs)
        keep = {id(n) for n in nodes if n is not None}
        run_backward = backward
        if _tape_stack and _recorded_backward and self._records_own_gradient():
            # Taken inside a tape: the gradient computation is recorded in turn, so
            # that the active tape can differentiate it (higher-order gradients).
            run_backward = _recorded_backward[0]
        for t in targets:
            if not isinstance(t, Tensor) or not keep:
                continue
            seed = (
                None
                if output_gradients is None
                else np.broadcast_to(value_of(output_gradients), t.shape).astype(t.dtype)
            )
            kept = run_backward(t, seed, keep)
            for i, n in enumerate(nodes):
                g = kept.get(id(n)) if n is not None else None
                if g is not None:
                    grads[i] = g if grads[i] is None else grads[i] + g
        seen: set[int] = set()
        for i, g in enumerate(grads):
            if g is None or isinstance(g, Tensor):  # a recorded gradient stays as it is
                continue
            # Each gradient: a writable array of its source's float dtype, never shared.
            sv = value_of(srcs[i])
            if type(sv) is not np.ndarray:
                sv = np.asarray(sv)
            dtype = sv.dtype
            dtype = dtype if dtype.kind == "f" else g.dtype
            if g.dtype != dtype or id(g) in seen or not g.flags.writeable or g.shape != sv.shape:
                g = np.array(np.broadcast_to(g, sv.shape), dtype=dtype)
                grads[i] = g
            seen.add(id(g))
        if unconnected_gradients == "zero":
            grads = [np.zeros_like(value_of(s)) if g is None else g for s, g in zip(srcs, grads)]
        return grads[0] if single else (tuple(grads) if isinstance(sources, tuple) else grads)
