"""Where the saving modules call the legacy translation: configs in, weights in.

`model_from_config` builds a model from any Keras 1/2/3 serialized model and
remembers its origin on the model (a JSON architecture and its weights file are
often separate, and only the JSON says Keras 1). `weight_converter` returns the
per-layer conversion for one weights group.
"""

from __future__ import annotations

import warnings

from minikeras.legacy.saving import model_configs, origin, weight_layouts
from minikeras.legacy.saving.origin import FileOrigin


def model_from_config(config: dict, custom_objects=None, keras_version=None, backend=None):
    """Translates `config` for the Keras that wrote it, then instantiates it."""
    from minikeras.saving.serialization import deserialize_keras_object

    found = model_configs.origin_of(config, keras_version, backend)
    th_ordering = found.keras1 and model_configs.uses_th_ordering(config)
    guesses = []
    translated = model_configs.translate_model(config, found, guesses)
    if guesses:
        warnings.warn(
            f"Functions named in the file cannot be restored, layer defaults used instead "
            f"({', '.join(guesses[:3])}{', ...' if len(guesses) > 3 else ''}); loaded weights "
            "are unaffected.",
            UserWarning,
            stacklevel=4,
        )
    model = deserialize_keras_object(translated, custom_objects=custom_objects)
    model._legacy_origin = found
    model._legacy_th_ordering = th_ordering
    return model


def _attr(group, key):
    return origin.text(group.attrs.get(key)) if group is not None else None


def _conv_layer_names(layers) -> list[str]:
    out = []
    for layer in layers:
        inner = [layer]
        for attr in ("layer", "forward_layer", "backward_layer"):
            if getattr(layer, attr, None) is not None:
                inner.append(getattr(layer, attr))
        inner += list(getattr(layer, "layers", []) or [])
        if any(type(x).__name__ in origin.FLIPPED_KERNEL_LAYERS for x in inner):
            out.append(layer.name)
    return out


def weight_converter(group, model, weight_names, legacy_backend=None, root=None):
    """`convert(layer, arrays) -> arrays` for the weights stored in `group`.

    Args:
        group: The HDF5 group with `layer_names` (its attributes may say
            `keras_version` and `backend`).
        model: The model receiving the weights (it may carry the origin of its JSON).
        weight_names: Every weight dataset name in the group.
        legacy_backend: The caller's choice of backend, overriding the file.
        root: The file's root group, whose attributes are read when `group` lacks them.
    """
    legacy_backend = origin.check_backend_argument(legacy_backend)
    tagged = getattr(model, "_legacy_origin", None) or FileOrigin()
    found = FileOrigin(
        keras_version=_attr(group, "keras_version")
        or _attr(root, "keras_version")
        or tagged.keras_version,
        backend=_attr(group, "backend") or _attr(root, "backend") or tagged.backend,
        keras1=tagged.keras1,
    )
    if found.major == 1:
        found.keras1 = True
    backend = origin.resolve_backend(
        found,
        weight_names,
        _conv_layer_names(model.layers),
        getattr(model, "_legacy_th_ordering", False),
        legacy_backend,
    )

    def convert(layer, arrays):
        return weight_layouts.convert_weights(layer, arrays, backend, found.keras1)

    return convert
