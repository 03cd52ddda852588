"""Text of ``model.summary()`` in the Keras 2 (tf_keras) layout.

Example (lines are padded with spaces to the full line length)::

    Model: "sequential"
    _________________________________________________________________
     Layer (type)                Output Shape              Param #
    =================================================================
     dense (Dense)               (None, 10)                30

    =================================================================
    Total params: 30 (120.00 Byte)
    Trainable params: 30 (120.00 Byte)
    Non-trainable params: 0 (0.00 Byte)
    _________________________________________________________________

The model is duck-typed: it needs ``name``, ``layers``, ``built``,
``_is_graph_network``, ``trainable_weights`` and ``non_trainable_weights``.
Layers need ``name``, ``built``, ``count_params()``, ``output_shape`` and,
in functional models, ``_inbound_connections()``; the op nodes of a functional
model need only ``name`` and their graph nodes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

_LINE_BREAKS = ("),", "},", "],", "',")


def count_params(weights: Sequence[Any]) -> int:
    """Counts the scalars in a list of weights (each counted once).

    Args:
        weights: Objects with a ``shape`` tuple; ``None`` dims count as 0.

    Returns:
        The total number of scalars.
    """
    unique = {id(w): w for w in weights}.values()
    return int(sum(math.prod(0 if d is None else int(d) for d in w.shape) for w in unique))


def weight_memory_size(weights: Sequence[Any]) -> int:
    """Returns the memory used by a list of weights, in bytes.

    Args:
        weights: Objects with ``shape`` and ``dtype`` (float32 if missing).

    Returns:
        The number of bytes (each weight counted once).
    """
    unique = {id(w): w for w in weights}.values()
    total = 0
    for w in unique:
        size = math.prod(0 if d is None else int(d) for d in w.shape)
        total += size * np.dtype(getattr(w, "dtype", "float32")).itemsize
    return total


def readable_memory_size(size: float) -> str:
    """Formats a number of bytes like Keras 2: ``164.00 Byte``, ``1.01 KB``.

    Args:
        size: A number of bytes.

    Returns:
        The size with two decimals and a unit in Byte, KB, MB, GB, TB, PB.
    """
    units = ("Byte", "KB", "MB", "GB", "TB", "PB")
    for unit in units[:-1]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {units[-1]}"


def _layer_index_range(layers: Sequence[Any], layer_range: Sequence[str] | None) -> list[int]:
    """Turns ``layer_range`` (two name regexes) into ``[start, stop)`` indices."""
    if layer_range is None:
        return [0, len(layers)]
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not all(isinstance(x, str) for x in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(
            f"Passed layer_names do not match the layer names in the model. Received: {layer_range}"
        )
    if min(lower) > max(upper):
        return [min(upper), max(lower) + 1]
    return [min(lower), max(upper) + 1]


def _connections(layer: Any) -> list[str]:
    """Returns the ``['name[0][0]', ...]`` inbound list of a layer."""
    fn = getattr(layer, "_inbound_connections", None)
    return list(fn()) if fn is not None else []


def _is_sequential_like(model: Any) -> bool:
    """Whether a model prints in the 3-column (no ``Connected to``) layout.

    Keras 2 prints a functional model without the ``Connected to`` column
    when its graph is a plain chain: one input, no layer with several
    inputs, no branching and no shared layers.
    """
    if type(model).__name__ == "Sequential" or not getattr(model, "_is_graph_network", False):
        return True
    inputs = 0
    consumed: set[str] = set()
    for layer in getattr(model, "operations", model.layers):
        conns = _connections(layer)
        if not conns:
            inputs += 1
        if len(conns) > 1 or inputs > 1:
            return False
        for conn in conns:
            source = conn.split("[", 1)[0]
            if source in consumed:
                return False
            consumed.add(source)
    return True


def _output_shape(layer: Any) -> Any:
    """Returns the printable output shape of a layer (Keras 2 conventions)."""
    if not getattr(layer, "built", True):
        return "?"
    if not hasattr(type(layer), "output_shape"):  # an op node: its graph node's output
        outputs = layer._inbound_nodes[0].output_tensors
        return tuple(outputs.shape) if hasattr(outputs, "shape") else [t.shape for t in outputs]
    try:
        shape = layer.output_shape
    except AttributeError:
        return "multiple"
    except (ValueError, RuntimeError):
        return "?"
    if type(layer).__name__ == "InputLayer" and isinstance(shape, tuple):
        return [shape]
    return shape


def _param_count(layer: Any) -> Any:
    """Returns the layer's parameter count, or ``0 (unused)`` if unbuilt (tf_keras)."""
    if not getattr(layer, "built", True) and not getattr(layer, "_is_graph_network", False):
        return "0 (unused)"
    if not hasattr(layer, "count_params"):  # an op node has no weights
        return 0
    return layer.count_params()


def _build_as_keras2_would(model: Any) -> None:
    """Builds a Sequential that starts with an input-shape-less ``Embedding``.

    Keras 2's ``Embedding`` implied an input of shape ``(None, input_length)``,
    so ``Sequential([Embedding(10000, 32), SimpleRNN(32)]).summary()`` (Deep
    Learning with Python, 1st edition) printed a built model there.
    """
    layers = getattr(model, "layers", None)
    if not layers or type(layers[0]).__name__ != "Embedding" or not hasattr(model, "build"):
        return
    try:
        model.build((None, None))
    except (ValueError, TypeError):
        return


def _row_lines(fields: Sequence[Any], positions: Sequence[int], nested_level: int = 0) -> list[str]:
    """Lays out one table row, wrapping long fields inside their column.

    Args:
        fields: One value per column; each is printed with ``str()``.
        positions: End position (exclusive) of each column.
        nested_level: Nesting depth, drawn as ``|`` on both sides.

    Returns:
        The lines of the row, each padded to ``positions[-1]`` characters.
    """
    left = [str(x) for x in fields]
    last = len(positions) - 1
    lines = []
    while any(left):
        line = ""
        for col, text in enumerate(left):
            start = positions[col - 1] if col > 0 else 0
            space = 2 if col != last else 0
            cutoff = positions[col] - start - space
            if col != last:
                cutoff -= 1  # the leading space of the row / column
            if col == 0:
                cutoff -= nested_level
            piece = text[:cutoff]
            # Prefer breaking right after the end of a tuple/list element.
            breaks = [piece.find(s) + len(s) for s in _LINE_BREAKS if piece.find(s) >= 0]
            if breaks:
                cutoff = min(breaks)
                piece = piece[:cutoff]
            if col == 0:
                line += "|" * nested_level + " "
            line += piece + " " * space
            left[col] = text[cutoff:]
            pad_to = positions[col] - (nested_level if nested_level and col == last else 0)
            line += " " * (pad_to - len(line))
        lines.append(line + "|" * nested_level)
    return lines


def print_summary(
    model: Any,
    line_length: int | None = None,
    positions: Sequence[float] | None = None,
    print_fn: Callable[[str], Any] | None = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: Sequence[str] | None = None,
) -> None:
    """Prints a summary of a model, in the Keras 2 (tf_keras) layout.

    Args:
        model: The model (see the module docstring for what it must have).
        line_length: Total length of printed lines. Defaults to 65, or 98
            with the ``Connected to`` column.
        positions: End positions of the columns, as fractions of
            ``line_length`` (all ≤ 1) or absolute character counts.
            Defaults to ``[0.45, 0.85, 1.0]`` or ``[0.3, 0.6, 0.7, 1.0]``.
        print_fn: Called once with each line. Defaults to ``print``.
        expand_nested: Whether to list the layers of nested models.
        show_trainable: Whether to add a ``Trainable`` (Y/N) column.
        layer_range: Two name regexes; only the layers from the first match
            of the first to the last match of the second are listed.

    An unbuilt model whose first layer is an ``Embedding`` is built for
    ``(None, None)`` inputs (Keras 2 did so); other unbuilt models print Keras 3's
    unbuilt summary (``?`` shapes, no parameters) instead of raising.

    Raises:
        ValueError: If ``layer_range`` is invalid.
    """
    if not getattr(model, "built", True):
        _build_as_keras2_would(model)
    if print_fn is None:
        print_fn = print

    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = list(positions or [0.45, 0.85, 1.0])
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = list(positions or [0.3, 0.6, 0.70, 1.0])
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    positions = [int(p) for p in positions]
    if show_trainable:
        line_length += 11
        positions.append(line_length)
        headers.append("Trainable")

    start, stop = _layer_index_range(getattr(model, "operations", model.layers), layer_range)

    def emit_row(fields: list[Any], nested_level: int = 0) -> None:
        for line in _row_lines(fields, positions, nested_level):
            print_fn(line)

    def emit_layer(layer: Any, nested_level: int = 0, is_nested_last: bool = False) -> None:
        fields = [
            f"{layer.name} ({type(layer).__name__})",
            _output_shape(layer),
            _param_count(layer),
        ]
        if not sequential_like:
            fields.append(_connections(layer))
        if show_trainable:
            fields.append("Y" if getattr(layer, "trainable", True) else "N")
        emit_row(fields, nested_level)

        sublayers = getattr(layer, "layers", None) if expand_nested else None
        if sublayers:
            print_fn(
                "|" * (nested_level + 1)
                + "¯" * (line_length - 2 * nested_level - 2)
                + "|" * (nested_level + 1)
            )
            for i, sub in enumerate(sublayers):
                emit_layer(sub, nested_level + 1, i == len(sublayers) - 1)
            print_fn(
                "|" * nested_level + "¯" * (line_length - 2 * nested_level) + "|" * nested_level
            )
        if not is_nested_last:
            print_fn(
                "|" * nested_level + " " * (line_length - 2 * nested_level) + "|" * nested_level
            )

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    emit_row(headers)
    print_fn("=" * line_length)
    for layer in getattr(model, "operations", model.layers)[start:stop]:
        emit_layer(layer)
    print_fn("=" * line_length)

    trainable = list(model.trainable_weights)
    non_trainable = list(model.non_trainable_weights)
    trainable_count = count_params(trainable)
    non_trainable_count = count_params(non_trainable)
    trainable_size = weight_memory_size(trainable)
    non_trainable_size = weight_memory_size(non_trainable)
    total_count = trainable_count + non_trainable_count
    total_size = trainable_size + non_trainable_size
    print_fn(f"Total params: {total_count} ({readable_memory_size(total_size)})")
    print_fn(f"Trainable params: {trainable_count} ({readable_memory_size(trainable_size)})")
    print_fn(
        f"Non-trainable params: {non_trainable_count} ({readable_memory_size(non_trainable_size)})"
    )
    print_fn("_" * line_length)
