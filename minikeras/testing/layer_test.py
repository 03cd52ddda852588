"""`run_layer_test`: the checks every layer must pass (as Keras' `TestCase.run_layer_test`).

One call checks a layer class end to end: its config round trip (and that the
config is JSON-friendly), building and weight counts, symbolic and eager output
shapes/dtypes, a float64 finite-difference check of the gradients with respect
to the trainable weights and the input, one training step, and serialization of
a model holding the layer (JSON architecture plus HDF5 weights).
"""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np

from minikeras.backend.autodiff import GradientTape, value_of
from minikeras.backend.variable import Variable
from minikeras.saving.object_registration import custom_object_scope
from minikeras.testing.gradient_check import numerical_gradient


def _fail(layer_cls, what: str) -> AssertionError:
    return AssertionError(f"run_layer_test({layer_cls.__name__}): {what}")


def _make_input(input_shape, input_dtype, rng) -> np.ndarray:
    if np.dtype(input_dtype).kind in "iu":
        return rng.integers(0, 10, size=input_shape).astype(input_dtype)
    if np.dtype(input_dtype).kind == "b":
        return rng.random(input_shape) > 0.5
    return rng.standard_normal(input_shape).astype(input_dtype)


def _check_config(layer_cls, layer, custom_objects) -> None:
    from minikeras import layers as layers_mod

    config = layer.get_config()
    try:
        json.dumps(config)
    except TypeError as exc:
        raise _fail(layer_cls, f"get_config() is not JSON-serializable ({exc}): {config}") from None
    with custom_object_scope(custom_objects or {}):
        revived = layer_cls.from_config(config)
        if revived.get_config() != config:
            raise _fail(
                layer_cls,
                "from_config(get_config()) changed the config:\n"
                f"  before: {config}\n  after:  {revived.get_config()}",
            )
        again = layers_mod.deserialize(json.loads(json.dumps(layers_mod.serialize(layer))))
    if type(again) is not layer_cls or again.get_config() != config:
        raise _fail(
            layer_cls,
            "layers.deserialize(layers.serialize(layer)) did not give back an equal layer",
        )


def _check_revived_output(
    layer_cls, layer, data, call_kwargs, value, custom_objects, atol, rtol
) -> None:
    """A layer rebuilt from the config, with the same weights, computes the same output."""
    with custom_object_scope(custom_objects or {}):
        revived = layer_cls.from_config(layer.get_config())
    revived(data, **call_kwargs)
    revived.set_weights(layer.get_weights())
    again = np.asarray(value_of(revived(data, **call_kwargs)))
    if again.shape != value.shape or not np.allclose(again, value, atol=atol, rtol=rtol):
        raise _fail(
            layer_cls,
            "a layer re-created by from_config(get_config()) with the same "
            "weights computes a different output: get_config() misses an argument",
        )


def _check_counts(layer_cls, layer, trainable, non_trainable) -> None:
    if trainable is not None and len(layer.trainable_weights) != trainable:
        raise _fail(
            layer_cls,
            f"expected {trainable} trainable weights, found "
            f"{len(layer.trainable_weights)}: {[w.path for w in layer.trainable_weights]}",
        )
    if non_trainable is not None and len(layer.non_trainable_weights) != non_trainable:
        raise _fail(
            layer_cls,
            f"expected {non_trainable} non-trainable weights, found "
            f"{len(layer.non_trainable_weights)}",
        )


def _check_shape(layer_cls, where: str, got, expected) -> None:
    if expected is not None and tuple(got) != tuple(expected):
        raise _fail(
            layer_cls, f"{where}: expected output shape {tuple(expected)}, got {tuple(got)}"
        )


def _float64_twin(layer_cls, layer, data, call_kwargs, custom_objects):
    config = dict(layer.get_config(), dtype="float64")
    with custom_object_scope(custom_objects or {}):
        twin = layer_cls.from_config(config)
    twin(data.astype(np.float64), **call_kwargs)
    twin.set_weights(
        [
            np.asarray(w, dtype=np.float64) if np.asarray(w).dtype.kind == "f" else w
            for w in layer.get_weights()
        ]
    )
    return twin


def _gradient_errors(
    layer_cls, layer, data, call_kwargs, custom_objects, rng, eps, max_entries
) -> dict[str, float]:
    """Autodiff vs. central differences in float64 for weights and (float) input."""
    twin = _float64_twin(layer_cls, layer, data, call_kwargs, custom_objects)
    sources = list(twin.trainable_weights)
    x = data.astype(np.float64) if data.dtype.kind == "f" else data
    x_var = Variable(x, dtype="float64", name="input") if data.dtype.kind == "f" else None
    if x_var is not None:
        sources.append(x_var)
    if not sources:
        return {}
    out_shape = np.shape(value_of(twin(x, **call_kwargs)))
    seed = rng.standard_normal(out_shape)

    def scalar() -> float:
        inp = x_var.value if x_var is not None else x
        return float(np.sum(np.asarray(value_of(twin(inp, **call_kwargs))) * seed))

    with GradientTape() as tape:
        if x_var is not None:
            tape.watch(x_var)
        y = twin(x_var if x_var is not None else x, **call_kwargs)
        from minikeras import ops

        total = ops.sum(ops.multiply(y, seed))
    grads = tape.gradient(total, sources)
    errors = {}
    for var, g in zip(sources, grads):
        g = np.zeros(var.shape) if g is None else np.asarray(g, dtype=np.float64)
        if g.shape != tuple(var.shape):
            raise _fail(
                layer_cls,
                f"gradient of '{var.path}' has shape {g.shape}, expected {tuple(var.shape)}",
            )
        flat = np.arange(var.value.size)
        if flat.size > max_entries:
            flat = np.sort(rng.choice(flat, size=max_entries, replace=False))
        num = numerical_gradient(scalar, var.value, eps, indices=flat)
        ana = g.reshape(-1)[flat]
        denom = max(np.linalg.norm(num) + np.linalg.norm(ana), 1e-12)
        errors[var.path] = float(np.linalg.norm(num - ana) / denom)
    return errors


def _single_layer_model(layer, input_shape, input_dtype):
    from minikeras.layers.core.input_layer import Input
    from minikeras.models.sequential import Sequential

    model = Sequential([Input(shape=tuple(input_shape[1:]), dtype=input_dtype), layer])
    return model


def _check_training(layer_cls, config, input_shape, data, custom_objects) -> None:
    """One epoch of SGD on the layer inside a model must change its weights, finitely."""
    from minikeras.optimizers.sgd import SGD

    with custom_object_scope(custom_objects or {}):
        layer = layer_cls.from_config(dict(config, name=config.get("name", "layer") + "_fit"))
    model = _single_layer_model(layer, input_shape, data.dtype.name)
    if not model.trainable_weights:
        return
    before = [w.copy() for w in model.get_weights()]
    target = np.zeros_like(np.asarray(model.predict(data, verbose=0)), dtype=np.float32)
    target += np.random.default_rng(1).standard_normal(target.shape).astype(np.float32)
    model.compile(optimizer=SGD(learning_rate=0.01), loss="mse")
    model.fit(data, target, batch_size=max(1, len(data) // 2), epochs=1, verbose=0, shuffle=False)
    after = model.get_weights()
    if not all(np.all(np.isfinite(w)) for w in after if np.asarray(w).dtype.kind == "f"):
        raise _fail(layer_cls, "a training step produced non-finite weights")
    if all(np.array_equal(a, b) for a, b in zip(before, after)):
        raise _fail(layer_cls, "a training step on the layer's trainable weights changed none")


def _check_serialization(layer_cls, config, input_shape, data, custom_objects, atol, rtol) -> None:
    """JSON architecture + HDF5 weights round trip of a model holding the layer."""
    from minikeras.models import model_from_json

    with custom_object_scope(custom_objects or {}):
        layer = layer_cls.from_config(config)
        model = _single_layer_model(layer, input_shape, data.dtype.name)
        expected = np.asarray(model.predict(data, verbose=0))
        revived = model_from_json(model.to_json())
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "layer_test_weights.h5")
        model.save_weights(path)
        revived.load_weights(path)
    got = np.asarray(revived.predict(data, verbose=0))
    if got.shape != expected.shape or not np.allclose(got, expected, atol=atol, rtol=rtol):
        raise _fail(
            layer_cls,
            "a model reloaded from to_json() + save_weights() predicts "
            f"differently (max abs diff {np.max(np.abs(got - expected)):.3g})",
        )


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_shape=None,
    input_dtype="float32",
    input_data=None,
    call_kwargs=None,
    expected_output_shape=None,
    expected_output_dtype=None,
    expected_output=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    expected_num_losses=None,
    supports_masking=None,
    custom_objects=None,
    run_gradient_check=True,
    run_training_check=True,
    run_serialization_check=True,
    gradient_tolerance=1e-6,
    max_gradient_entries=64,
    atol=1e-6,
    rtol=1e-6,
    seed=0,
) -> dict:
    """Runs the standard battery of checks on a layer class; raises `AssertionError` on failure.

    Mirrors Keras' `testing.TestCase.run_layer_test`. Checks, in order: the config
    round trip (`from_config(get_config())` and `layers.serialize`/`deserialize`,
    config JSON-friendly); weight counts after `build`; the symbolic output shape
    (`keras.Input` → layer); the eager output shape, dtype and values; the number
    of losses; autodiff gradients against float64 central differences for every
    trainable weight and the input (norm-relative error below `gradient_tolerance`;
    at most `max_gradient_entries` probed per weight); one SGD epoch changing the
    weights; and a model holding the layer reloaded from `to_json()` plus HDF5
    weights predicting the same. The gradient check calls the layer repeatedly, so a
    layer that is random in the mode given by `call_kwargs` (e.g. `Dropout` with
    `training=True`) needs `run_gradient_check=False`.

    Args:
        layer_cls: The layer class.
        init_kwargs: Constructor arguments.
        input_shape: Input shape including the batch axis, e.g. `(2, 3)`.
        input_dtype: Dtype of generated input data.
        input_data: Explicit input array (overrides `input_shape`).
        call_kwargs: Extra arguments to the layer call (e.g. `{"training": False}`).
        expected_output_shape: Output shape including the batch axis.
        expected_output_dtype: Output dtype name, e.g. `"float32"`.
        expected_output: Exact expected output for `input_data`.
        expected_num_trainable_weights: Number of trainable weights after build.
        expected_num_non_trainable_weights: Number of non-trainable weights after build.
        expected_num_losses: Number of losses (`layer.losses`) after a call.
        supports_masking: Expected value of `layer.supports_masking`.
        custom_objects: Custom objects needed to deserialize the layer.
        run_gradient_check: Whether to compare gradients with finite differences.
        run_training_check: Whether to train one epoch inside a model.
        run_serialization_check: Whether to round-trip a model holding the layer.
        gradient_tolerance: Largest accepted norm-relative gradient error.
        max_gradient_entries: Entries probed by finite differences per weight.
        atol, rtol: Tolerances for `expected_output` and the serialization check.
        seed: Seed of the generated data and of the probed entries.

    Returns:
        A report dict: `{"output_shape", "gradient_errors": {path: error}}`.

    Example:
        >>> run_layer_test(Dense, {"units": 4}, input_shape=(2, 3),
        ...                expected_output_shape=(2, 4), expected_num_trainable_weights=2)
    """
    from minikeras.layers.core.input_layer import Input

    call_kwargs = dict(call_kwargs or {})
    rng = np.random.default_rng(seed)
    if input_data is None:
        if input_shape is None:
            raise ValueError(
                "run_layer_test needs `input_shape` or `input_data`. Received neither."
            )
        input_data = _make_input(tuple(input_shape), input_dtype, rng)
    data = np.asarray(input_data)
    input_shape = data.shape

    with custom_object_scope(custom_objects or {}):
        layer = layer_cls(**init_kwargs)
    if supports_masking is not None and bool(layer.supports_masking) != supports_masking:
        raise _fail(
            layer_cls, f"supports_masking is {layer.supports_masking}, expected {supports_masking}"
        )
    _check_config(layer_cls, layer, custom_objects)

    built = layer_cls(**init_kwargs)
    built.build(input_shape)
    _check_counts(
        layer_cls, built, expected_num_trainable_weights, expected_num_non_trainable_weights
    )

    symbolic = layer_cls(**init_kwargs)
    out_sym = symbolic(Input(batch_shape=input_shape, dtype=data.dtype.name), **call_kwargs)
    _check_shape(layer_cls, "symbolic call", out_sym.shape, expected_output_shape)

    out = layer(data, **call_kwargs)
    value = np.asarray(value_of(out))
    _check_shape(layer_cls, "eager call", value.shape, expected_output_shape)
    _check_counts(
        layer_cls, layer, expected_num_trainable_weights, expected_num_non_trainable_weights
    )
    if expected_output_dtype is not None and value.dtype.name != expected_output_dtype:
        raise _fail(
            layer_cls, f"expected output dtype {expected_output_dtype}, got {value.dtype.name}"
        )
    if expected_output is not None and not np.allclose(
        value, expected_output, atol=atol, rtol=rtol
    ):
        raise _fail(
            layer_cls,
            f"output differs from expected_output (max abs diff "
            f"{np.max(np.abs(value - np.asarray(expected_output))):.3g})",
        )
    if expected_num_losses is not None and len(layer.losses) != expected_num_losses:
        raise _fail(layer_cls, f"expected {expected_num_losses} losses, found {len(layer.losses)}")
    if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
        raise _fail(layer_cls, "the eager output contains NaN or inf")

    _check_revived_output(layer_cls, layer, data, call_kwargs, value, custom_objects, atol, rtol)

    report = {"output_shape": value.shape, "gradient_errors": {}}
    if run_gradient_check:
        errors = _gradient_errors(
            layer_cls, layer, data, call_kwargs, custom_objects, rng, 1e-6, max_gradient_entries
        )
        bad = {k: v for k, v in errors.items() if not v <= gradient_tolerance}
        if bad:
            raise _fail(
                layer_cls,
                f"autodiff and float64 finite-difference gradients "
                f"disagree (norm-relative error > {gradient_tolerance}): {bad}",
            )
        report["gradient_errors"] = errors
    config = layer.get_config()
    if run_training_check:
        _check_training(layer_cls, config, input_shape, data, custom_objects)
    if run_serialization_check:
        _check_serialization(layer_cls, config, input_shape, data, custom_objects, atol, rtol)
    return report
