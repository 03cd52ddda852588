"""`SeedGenerator`: the state that makes `keras.random` draws stateful."""

from __future__ import annotations

import itertools

import numpy as np

from minikeras.backend import config
from minikeras.backend.variable import Variable


class SeedGenerator:
    """Hands out a new seed at each draw, so repeated calls give new values.

    The state is a non-trainable `uint32` variable `[seed, counter]`; each draw
    reads it and advances the counter. Integer seeds passed directly to
    `keras.random` functions are stateless (same seed, same values).

    Args:
        seed: Initial integer seed; a random one is drawn from the global
            generator (`keras.utils.set_random_seed`) when None.
        name: Optional name.

    Example:
        >>> gen = SeedGenerator(seed=42)
        >>> a = normal((2, 3), seed=gen)
        >>> b = normal((2, 3), seed=gen)   # different values from `a`
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or _auto_name()
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        self.state = Variable(
            np.array([int(seed) % 2**32, 0], dtype=np.uint32),
            shape=(2,),
            dtype="uint32",
            trainable=False,
            name="seed_generator_state",
            path=f"{self.name}/seed_generator_state",
        )

    def next(self, ordered: bool = True) -> np.ndarray:
        """Returns the current state and advances it."""
        value = self.state.value.copy()
        if ordered:
            self.state.assign(value + np.array([0, 1], dtype=np.uint32))
        else:
            self.state.assign((value.astype(np.uint64) + 1) * 5387 % 933199)
        return value

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)


_counter = itertools.count()


def _auto_name() -> str:
    n = next(_counter)
    return "seed_generator" if n == 0 else f"seed_generator_{n}"


def make_default_seed() -> int:
    """A random seed from the global generator (reproducible after `set_random_seed`)."""
    return int(config.rng().integers(1, 10**9))


def draw_generator(seed) -> np.random.Generator:
    """The NumPy generator for one draw with `seed` (None, an int or a `SeedGenerator`).

    Raises:
        ValueError: for any other kind of seed.
    """
    if seed is None:
        return config.rng()
    if isinstance(seed, SeedGenerator):
        state = seed.next()
        return np.random.default_rng([int(state[0]), int(state[1])])
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng([int(seed) % 2**32, 0])
    if isinstance(seed, (tuple, list, np.ndarray)) and len(seed) == 2:
        return np.random.default_rng([int(s) % 2**32 for s in seed])
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed} (of type {type(seed)})"
    )
