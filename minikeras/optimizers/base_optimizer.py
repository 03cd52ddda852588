"""`Optimizer`: the shared machinery of every optimizer (Keras 3 semantics).

Subclasses implement `build(var_list)` (create slot variables with
`add_variable_from_reference`) and `update_step(gradient, variable, lr)`.
Updates are done in place on the variables' NumPy buffers.
"""

from __future__ import annotations

import warnings

import numpy as np

from minikeras.backend.autodiff import value_of
from minikeras.backend.variable import Variable
from minikeras.ops.kernels import typed_scalar
from minikeras.optimizers.ema_accumulation import (
    accumulate_gradients,
    overwrite_with_moving_average,
    update_moving_average,
)
from minikeras.optimizers.gradient_clipping import clip_gradients
from minikeras.optimizers.update_program import UpdateProgram, run_now
from minikeras.utils.interrupt_guard import deferred_interrupts

_BASE_KEYS = (
    "name",
    "learning_rate",
    "weight_decay",
    "clipnorm",
    "global_clipnorm",
    "clipvalue",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
    "loss_scale_factor",
    "gradient_accumulation_steps",
)


class Optimizer:
    """Base optimizer.

    Args:
        learning_rate: A float or a `LearningRateSchedule`.
        weight_decay: Optional decoupled weight decay.
        clipnorm: Clip each gradient to this norm.
        clipvalue: Clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: Clip all gradients jointly to this global norm.
        name: Optimizer name.
        **kwargs: Legacy `lr` (→ `learning_rate`, with a DeprecationWarning) and
            `decay` (Keras 2 inverse-time decay of the learning rate per step).
    """

    _pending: UpdateProgram | None = None  # the program of the `apply` under way

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if "lr" in kwargs:
            warnings.warn(
                f"The `lr` argument is deprecated, use `learning_rate` instead. "
                f"{type(self).__name__}(lr={kwargs['lr']}) sets learning_rate={kwargs['lr']}.",
                DeprecationWarning,
                stacklevel=3,
            )
            learning_rate = kwargs.pop("lr")
        self.decay = float(kwargs.pop("decay", 0.0) or 0.0)
        if self.decay:
            warnings.warn(
                f"The `decay` argument is deprecated (Keras 3 removed it); use a "
                f"`LearningRateSchedule` such as `InverseTimeDecay` instead. "
                f"{type(self).__name__}(decay={self.decay}) applies the Keras 2 rule "
                "`learning_rate / (1 + decay * iterations)`.",
                DeprecationWarning,
                stacklevel=3,
            )
        kwargs.pop("jit_compile", None)
        kwargs.pop("is_legacy_optimizer", None)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
            )
        if gradient_accumulation_steps and (
            isinstance(gradient_accumulation_steps, bool)
            or not isinstance(gradient_accumulation_steps, (int, np.integer))
            or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. Received: "
                f"gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        from minikeras.utils.naming import to_snake_case

        self.name = name or to_snake_case(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.iterations = Variable(
            np.array(0, dtype=np.int64), dtype="int64", trainable=False, name="iteration"
        )
        from minikeras.optimizers.schedules import LearningRateSchedule

        if isinstance(learning_rate, LearningRateSchedule):
            self._schedule = learning_rate
            self._learning_rate = None
        else:
            if callable(learning_rate):
                self._schedule = learning_rate
                self._learning_rate = None
            else:
                if learning_rate is None or isinstance(learning_rate, bool):
                    raise ValueError(
                        "Argument `learning_rate` should be float, or an instance of "
                        "LearningRateSchedule, or a callable (that takes in the current "
                        f"iteration value and returns the corresponding learning rate value). "
                        f"Received instead: learning_rate={learning_rate!r}"
                    )
                self._schedule = None
                self._learning_rate = Variable(
                    np.array(float(learning_rate), np.float32),
                    trainable=False,
                    name="learning_rate",
                )
        self.built = False
        self._variables: list[Variable] = []
        self._var_index: dict[int, int] = {}

    # ------------------------------------------------------------------ learning rate

    @property
    def learning_rate(self):
        """The learning-rate `Variable` (as in Keras), or with a schedule the current rate.

        `float(optimizer.learning_rate)` reads it; assigning a float (or a schedule)
        replaces it. With the legacy `decay` argument this stays the base rate, as in
        Keras 2.
        """
        if self._schedule is None:
            return self._learning_rate
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        from minikeras.optimizers.schedules import LearningRateSchedule

        if isinstance(value, LearningRateSchedule) or (
            callable(value) and not isinstance(value, (Variable, np.ndarray))
        ):
            self._schedule = value
            return
        if isinstance(self._schedule, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, you should "
                "instantiate the optimizer with a float `learning_rate` argument."
            )
        self._schedule = None
        if self._learning_rate is None:
            self._learning_rate = Variable(
                np.array(0.0, np.float32), trainable=False, name="learning_rate"
            )
        self._learning_rate.assign(np.float32(value_of(value)))

    lr = learning_rate

    def _step_count(self) -> int:
        """Updates done so far: `iterations`, divided by `gradient_accumulation_steps`."""
        count = int(self.iterations.value)
        if self.gradient_accumulation_steps:
            count //= int(self.gradient_accumulation_steps)
        return count

    def _current_learning_rate(self) -> np.ndarray:
        if self._schedule is None and not self.decay:
            return self._learning_rate.value
        from minikeras.optimizers.schedules import LearningRateSchedule

        if isinstance(self._schedule, LearningRateSchedule):
            return np.asarray(value_of(self._schedule(self._step_count())), np.float32)
        if self._schedule is not None:  # a zero-argument callable, as Keras allows
            return np.asarray(value_of(self._schedule()), np.float32)
        lr = self._learning_rate.value
        if self.decay:
            return np.asarray(lr / (1.0 + self.decay * self._step_count()), np.float32)
        return lr

    # ------------------------------------------------------------------ variables

    def build(self, var_list) -> None:
        """Creates slot variables for `var_list` (subclasses extend this)."""
        self._var_index = {id(v): i for i, v in enumerate(var_list)}
        self._trainable_variables = list(var_list)
        self.built = True
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                var_list, "gradient_accumulator"
            )

    def add_variable_from_reference(
        self, reference_variable, name=None, initializer="zeros", *, out=None
    ):
        """A zero (or `initializer`) slot shaped like `reference_variable`.

        With `out` (an array shaped like the reference, e.g. a view of a flat slot
        buffer), the slot's value is `out` itself, filled with the initial value
        (constant initializers then need no full-size temporary).
        """
        shape, dtype = reference_variable.shape, reference_variable.dtype
        constant_shape = () if out is not None else shape
        if initializer in ("zeros", None):
            value = np.zeros(constant_shape, dtype=dtype)
        elif isinstance(initializer, (int, float)):
            value = np.full(constant_shape, initializer, dtype)
        else:
            from minikeras import initializers

            value = initializers.get(initializer)(shape, dtype)
        path = reference_variable.path.replace("/", "_")
        var = Variable(
            value, trainable=False, name=f"{path}_{name}", path=f"{self.name}/{path}_{name}"
        )
        if out is not None:
            out[...] = var.value
            var.value = out
        self._variables.append(var)
        return var

    def _index(self, variable) -> int:
        index = self._var_index.get(id(variable))
        if index is None:
            raise ValueError(
                f"Unknown variable: {variable.path} (shape {tuple(variable.shape)}). This "
                "optimizer can only be called for the variables it was originally built with. "
                "When working with a new set of variables, create a new optimizer instance."
            )
        return index

    @property
    def variables(self) -> list[Variable]:
        """iterations, learning_rate, then the slots in creation order (Keras 3 order)."""
        base = [self.iterations]
        if self._learning_rate is not None:
            base.append(self._learning_rate)
        return base + list(self._variables)

    # ------------------------------------------------------------------ applying

    def apply_gradients(self, grads_and_vars) -> None:
        """Applies `[(gradient, variable), ...]`."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def apply(self, grads, trainable_variables=None) -> None:
        """Applies one update step for `grads` to `trainable_variables`."""
        if trainable_variables is None:
            raise ValueError("`apply()` needs `trainable_variables` on the first call.")
        if not self.built and trainable_variables:
            self.build(list(trainable_variables))
        if (
            isinstance(grads, list)
            and isinstance(trainable_variables, list)
            and len(grads) == len(trainable_variables)
            and all(type(g) is np.ndarray for g in grads)
        ):
            # The trainers' case: nothing to filter or convert.
            grads, variables = list(grads), list(trainable_variables)
        else:
            pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
            grads = [np.asarray(value_of(g)) for g, _ in pairs]
            variables = [v for _, v in pairs]
        if not grads:
            return
        with deferred_interrupts():  # a Ctrl-C never leaves a half-applied update
            self._apply_update(grads, variables)

    def _apply_update(self, grads, variables) -> None:
        # The update is recorded (`UpdateProgram`) and committed in one go at the end,
        # so an exception arriving while it is computed leaves the previous step's
        # state. Parts that write at once (an `update_step` that does not record, the
        # constraints) run in the order shown here.
        program = UpdateProgram()
        self._pending = program
        try:
            if self.gradient_accumulation_steps:
                grads = accumulate_gradients(self, grads, variables, program.append)
            if grads is not None:
                self._before_update_steps()
                if self.clipnorm or self.global_clipnorm or self.clipvalue:
                    grads = self._clip(grads)
                lr = self._current_learning_rate()
                if self.weight_decay:
                    self._apply_weight_decay(variables, lr)
                self._update_steps(grads, variables, lr)
            if self.use_ema:
                update_moving_average(self, program.append)  # of the updated weights
            self._record_step_count(program.append)
        finally:
            self._pending = None
        program.run()
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v.value))

    def _record_step_count(self, record) -> None:
        """Records `iterations += 1`, the last write of an update."""
        counter = self.iterations.value
        record((np.add, counter, typed_scalar(1, counter.dtype), counter))

    def _recorder(self):
        """Where an update's calls go: the program of the `apply` under way (see
        `UpdateProgram`), else `run_now` (an `update_step` called on its own)."""
        return run_now if self._pending is None else self._pending.append

    def _update_steps(self, grads, variables, lr) -> None:
        """One `update_step` per variable (a fused optimizer overrides this)."""
        if self._pending is not None and not getattr(type(self).update_step, "records", False):
            self._pending.run()  # it writes at once: what was recorded comes first
        for g, v in zip(grads, variables):
            if g.dtype != v.dtype:
                g = g.astype(v.dtype)
            self.update_step(g, v, lr)

    def _before_update_steps(self) -> None:
        """Called once per real update, before the per-variable `update_step`s."""

    def finalize_variable_values(self, var_list) -> None:
        """At the end of `fit`: with `use_ema`, the model takes the moving averages."""
        if self.use_ema and self.built:
            overwrite_with_moving_average(self, var_list)

    def _apply_weight_decay(self, variables, lr) -> None:
        record = self._recorder()
        coef = np.float32(self.weight_decay) * lr
        for v in variables:
            if self._use_weight_decay(v):
                w = v.value
                decay = np.empty(w.shape, np.result_type(w, coef))
                record((np.multiply, w, coef, decay))  # `w -= w * (wd * lr)`
                record((np.subtract, w, decay, w))

    def _use_weight_decay(self, variable) -> bool:
        excluded = getattr(self, "_exclude_from_weight_decay", ())
        return not any(name in variable.path for name in excluded)

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Excludes variables (by object or name substring) from weight decay."""
        names = list(var_names or []) + [v.path for v in var_list or []]
        self._exclude_from_weight_decay = tuple(names)

    def _clip(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        return clip_gradients(grads, self.clipnorm, self.global_clipnorm, self.clipvalue)

    def update_step(self, gradient, variable, learning_rate) -> None:
        """Updates `variable` in place from `gradient` (implemented by each optimizer)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_step(gradient, variable, "
            "learning_rate)`."
        )

    def add_variable(self, shape, dtype="float32", initializer="zeros", name=None):
        """A free-standing optimizer variable (e.g. Adafactor's factored moments)."""
        value = np.zeros(shape, dtype=dtype)
        if initializer not in ("zeros", None):
            from minikeras import initializers

            value = np.asarray(initializers.get(initializer)(shape, dtype), dtype=dtype)
        var = Variable(value, trainable=False, name=name, path=f"{self.name}/{name}")
        self._variables.append(var)
        return var

    def add_optimizer_variables(self, var_list, name, initializer="zeros"):
        """One slot per variable of `var_list` (a list of lists when `name` is a list)."""
        if isinstance(name, (list, tuple)):
            inits = (
                initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(name)
            )
            out = [[] for _ in name]
            for v in var_list:
                for j, (n, init) in enumerate(zip(name, inits)):
                    out[j].append(self.add_variable_from_reference(v, n, init))
            return tuple(out)
        return [self.add_variable_from_reference(v, name, initializer) for v in var_list]

    def set_weights(self, weights) -> None:
        """Sets `variables` from a list of arrays (Keras order)."""
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(
                f"Optimizer `{self.name}` has {len(variables)} variables but "
                f"{len(weights)} weights were given."
            )
        for var, w in zip(variables, weights):
            var.assign(np.asarray(w, dtype=var.dtype).reshape(var.shape))

    def get_weights(self) -> list:
        """The values of `variables` as NumPy arrays."""
        return [np.array(v.value) for v in self.variables]

    # ------------------------------------------------------------------ config

    def get_config(self) -> dict:
        from minikeras.optimizers.schedules import LearningRateSchedule
        from minikeras.optimizers.schedules import serialize as serialize_schedule

        if isinstance(self._schedule, LearningRateSchedule):
            lr = serialize_schedule(self._schedule)
        elif self._learning_rate is not None:
            lr = float(self._learning_rate.value)
        else:
            lr = float(self._current_learning_rate())
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        if "lr" in config and "learning_rate" not in config:  # Keras <= 2.2 configs
            config["learning_rate"] = config.pop("lr")
        if isinstance(config.get("learning_rate"), dict):
            from minikeras.optimizers.schedules import deserialize as deserialize_schedule

            config["learning_rate"] = deserialize_schedule(config["learning_rate"])
        import inspect

        accepted = set(inspect.signature(cls.__init__).parameters) | set(_BASE_KEYS) | {"decay"}
        return cls(**{k: v for k, v in config.items() if k in accepted})
