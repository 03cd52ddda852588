"""`plot_model` and `model_to_dot`: the layer graph as Graphviz DOT.

The DOT text is written by minikeras itself; rendering to an image needs the
Graphviz `dot` program. Without it, `plot_model` raises with the ways out
(install Graphviz, or save `.dot` text).
"""

from __future__ import annotations

import os
import shutil
import subprocess


def _edges(model) -> list[tuple]:
    from minikeras.backend.keras_tensor import KerasTensor

    nodes = getattr(model, "_nodes", None)
    if nodes is None:  # Sequential or subclassed: a chain of layers
        layers = model.layers
        return list(zip(layers, layers[1:]))
    edges = []
    for node in nodes:
        for t in getattr(node, "flat_inputs", []):
            if isinstance(t, KerasTensor) and t._keras_history:
                edges.append((t._keras_history[0], node.layer))
    return edges


def _label(layer, show_shapes, show_dtype, show_layer_names) -> str:
    name = f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__
    parts = [name]
    if show_shapes:
        try:
            parts.append(f"in: {layer.input_shape}  out: {layer.output_shape}")
        except (AttributeError, ValueError, RuntimeError):
            pass
    if show_dtype and hasattr(layer, "dtype"):  # op nodes have no dtype
        parts.append(f"dtype: {layer.dtype}")
    return "\\n".join(p.replace('"', '\\"') for p in parts)


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    **kwargs,
) -> str:
    """The model's layer graph as Graphviz DOT source text.

    Args:
        model: A built model.
        show_shapes: Add input/output shapes to each box.
        show_dtype: Add each layer's dtype.
        show_layer_names: Show layer names (else only class names).
        rankdir: `"TB"` (vertical) or `"LR"` (horizontal).
        dpi: Image resolution.
    """
    lines = [
        f'digraph "{model.name}" {{',
        f"  graph [rankdir={rankdir}, dpi={dpi}];",
        "  node [shape=record];",
    ]
    layers = list(model.layers)
    for layer in layers:
        label = _label(layer, show_shapes, show_dtype, show_layer_names)
        lines.append(f'  "{id(layer)}" [label="{label}"];')
    seen = set()
    for a, b in _edges(model):
        key = (id(a), id(b))
        if key not in seen and a in layers and b in layers:
            seen.add(key)
            lines.append(f'  "{id(a)}" -> "{id(b)}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    **kwargs,
):
    """Draws the model's layer graph to `to_file` (needs Graphviz unless it ends in `.dot`).

    Raises:
        ImportError: when an image is asked for and Graphviz's `dot` program is missing.
    """
    source = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        dpi=dpi,
    )
    ext = os.path.splitext(to_file)[1].lstrip(".").lower() or "png"
    if ext in ("dot", "gv"):
        with open(to_file, "w", encoding="utf8") as f:
            f.write(source)
        return None
    dot = shutil.which("dot")
    if dot is None:
        raise ImportError(
            "You must install Graphviz (the `dot` program, e.g. `apt-get install graphviz`) "
            f"for `plot_model` to write {to_file!r}. Without it, write the graph as text with "
            "`plot_model(model, to_file='model.dot')` or print `model.summary()`."
        )
    subprocess.run([dot, f"-T{ext}", "-o", to_file], input=source.encode(), check=True)
    return None
