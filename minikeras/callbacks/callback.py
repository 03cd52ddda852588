"""`Callback`: hooks called by `fit`, `evaluate` and `predict`."""

from __future__ import annotations


class Callback:
    """Base class for callbacks; override any `on_*` hook.

    Attributes:
        model: The model being trained (set by `set_model`).
        params: Dict with `epochs`, `steps`, `verbose`.
    """

    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...

    def on_train_end(self, logs=None): ...

    def on_epoch_begin(self, epoch, logs=None): ...

    def on_epoch_end(self, epoch, logs=None): ...

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        """Keras 2 alias of `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Keras 2 alias of `on_train_batch_end`."""

    def on_test_begin(self, logs=None): ...

    def on_test_end(self, logs=None): ...

    def on_test_batch_begin(self, batch, logs=None): ...

    def on_test_batch_end(self, batch, logs=None): ...

    def on_predict_begin(self, logs=None): ...

    def on_predict_end(self, logs=None): ...

    def on_predict_batch_begin(self, batch, logs=None): ...

    def on_predict_batch_end(self, batch, logs=None): ...


_HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


class CallbackList:
    """Calls a hook on every callback in order; batch hooks only on callbacks that define them."""

    def __init__(self, callbacks=None, model=None, **params):
        self.callbacks = list(callbacks or [])
        self.model = model
        self.params = params
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)
        self._active = {}
        for hook in _HOOKS:
            fns = [getattr(cb, hook) for cb in self.callbacks if _overrides(cb, hook)]
            self._active[hook] = fns
            # Bound once here, not looked up per call: fit calls some hooks every step.
            indexed = "batch" in hook or "epoch" in hook
            setattr(self, hook, _dispatcher(fns, indexed) if fns else _no_op)

    def has_batch_hooks(self, mode="train") -> bool:
        return bool(self._active[f"on_{mode}_batch_begin"] or self._active[f"on_{mode}_batch_end"])


def _no_op(*args, **kwargs) -> None:
    """A hook no callback of the list overrides."""


def _dispatcher(fns, indexed: bool):
    """Calls each of `fns` with the hook's index (epoch or batch, if `indexed`) and a
    logs dict: Keras never hands a callback `logs=None`."""
    if indexed:

        def call_indexed(index, logs=None):
            logs = {} if logs is None else logs
            for fn in fns:
                fn(index, logs)

        return call_indexed

    def call(logs=None):
        logs = {} if logs is None else logs
        for fn in fns:
            fn(logs)

    return call


def _overrides(cb, hook) -> bool:
    inst = getattr(cb, "__dict__", {})
    if hook in inst:  # e.g. LambdaCallback sets hooks on the instance
        return True
    if hook == "on_train_batch_begin" and "on_batch_begin" in inst:
        return True
    if hook == "on_train_batch_end" and "on_batch_end" in inst:
        return True
    cls = type(cb)
    if getattr(cls, hook) is not getattr(Callback, hook):
        return True
    if hook == "on_train_batch_begin":
        return cls.on_batch_begin is not Callback.on_batch_begin
    if hook == "on_train_batch_end":
        return cls.on_batch_end is not Callback.on_batch_end
    return False
