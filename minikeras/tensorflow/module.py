"""`tf.Module`: a named container that finds the variables and modules in its attributes."""

from __future__ import annotations

import contextlib
import functools
import re

from minikeras.backend.variable import Variable


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _leaves(value, seen: set):
    """Yields the Variables and Modules found in `value`, depth first."""
    if id(value) in seen:
        return
    if isinstance(value, (Variable, Module)):
        seen.add(id(value))
        yield value
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _leaves(value[key], seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item, seen)


class Module:
    """`tf.Module(name=None)`: the base of TensorFlow-style models written by hand.

    Attributes that are `tf.Variable`s, other modules, or lists, tuples and
    dicts of them are found by `variables`, `trainable_variables` and
    `submodules`, walked in attribute-name order as TensorFlow walks them
    (Keras layers are not modules: their weights are not listed, as in
    TensorFlow with Keras 3).
    A subclass need not call `super().__init__()`; its name then comes from the
    class name. Calls run eagerly, so `name_scope` only sets the name.

    Args:
        name: The module name (default: the class name in snake_case).

    Example:
        >>> class Scale(tf.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.w = tf.Variable(2.0)
        ...     def __call__(self, x):
        ...         return self.w * x
        >>> [v.numpy() for v in Scale().trainable_variables]
        [np.float32(2.0)]
    """

    def __init__(self, name: str | None = None):
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.-]*", name):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name)."
            )
        self._name = name

    @property
    def name(self) -> str:
        """The module's name."""
        return self.__dict__.get("_name") or _snake_case(type(self).__name__)

    @property
    def name_scope(self):
        """A context manager for the module's name (a no-op: there are no graphs)."""
        return contextlib.nullcontext(self.name + "/")

    def _flatten(self, predicate, seen: set | None = None) -> list:
        """What `predicate` picks here, then in each submodule in turn (as TensorFlow)."""
        seen = {id(self)} if seen is None else seen
        found, children = [], []
        attributes = vars(self)
        for key in sorted(attributes):
            for leaf in _leaves(attributes[key], seen):
                if predicate(leaf):
                    found.append(leaf)
                if isinstance(leaf, Module):
                    children.append(leaf)
        for child in children:
            found.extend(child._flatten(predicate, seen))
        return found

    @property
    def variables(self) -> tuple:
        """Every variable held by this module and its submodules."""
        return tuple(self._flatten(lambda v: isinstance(v, Variable)))

    @property
    def trainable_variables(self) -> tuple:
        """The trainable variables of `variables`."""
        return tuple(v for v in self.variables if v.trainable)

    @property
    def non_trainable_variables(self) -> tuple:
        """The variables of `variables` that are not trainable."""
        return tuple(v for v in self.variables if not v.trainable)

    @property
    def submodules(self) -> tuple:
        """Every module held by this one, directly or through other modules."""
        return tuple(self._flatten(lambda v: isinstance(v, Module)))

    @classmethod
    def with_name_scope(cls, method):
        """Decorator for methods run in the module's name scope (it returns them unchanged)."""

        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return wrapped
