"""`print_summary` against real Keras 2 (tf_keras) `model.summary()` output."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import minikeras as keras
from minikeras.utils.summary_utils import print_summary, readable_memory_size

SUMMARIES = Path(__file__).parent / "fixtures" / "summaries"


class FakeWeight:
    """A weight: only `shape` and `dtype` are used by the summary."""

    def __init__(self, *shape: int, dtype: type = np.float32) -> None:
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)


class FakeLayer:
    """A duck-typed layer; subclasses give the printed class name."""

    def __init__(
        self,
        name: str,
        output_shape,
        trainable=(),
        non_trainable=(),
        inbound=(),
        built=True,
    ) -> None:
        self.name = name
        self._shape = output_shape
        self.trainable_weights = list(trainable)
        self.non_trainable_weights = list(non_trainable)
        self._inbound = list(inbound)
        self.built = built
        self.trainable = True

    @property
    def output_shape(self):
        if isinstance(self._shape, Exception):
            raise self._shape
        return self._shape

    def count_params(self) -> int:
        weights = self.trainable_weights + self.non_trainable_weights
        return sum(math.prod(w.shape) for w in weights)

    def _inbound_connections(self) -> list[str]:
        return list(self._inbound)


def _layer_class(name: str) -> type:
    return type(name, (FakeLayer,), {})


Dense = _layer_class("Dense")
Activation = _layer_class("Activation")
Dropout = _layer_class("Dropout")
Conv2D = _layer_class("Conv2D")
MaxPooling2D = _layer_class("MaxPooling2D")
Flatten = _layer_class("Flatten")
Embedding = _layer_class("Embedding")
GlobalAveragePooling1D = _layer_class("GlobalAveragePooling1D")
BatchNormalization = _layer_class("BatchNormalization")
InputLayer = _layer_class("InputLayer")
Concatenate = _layer_class("Concatenate")


def dense(name, n_in, n_out, inbound=()):
    return Dense(name, (None, n_out), [FakeWeight(n_in, n_out), FakeWeight(n_out)], inbound=inbound)


class FakeModel:
    """A duck-typed model built from fake layers."""

    def __init__(self, name, layers, graph=False, built=True) -> None:
        self.name = name
        self.layers = layers
        self._is_graph_network = graph
        self.built = built

    @property
    def trainable_weights(self):
        return [w for layer in self.layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        return [w for layer in self.layers for w in layer.non_trainable_weights]


def p1_xor():
    return FakeModel(
        "sequential",
        [
            dense("dense", 2, 10),
            Activation("activation", (None, 10)),
            dense("dense_1", 10, 1),
            Activation("activation_1", (None, 1)),
        ],
    )


def p2_mlp_mnist():
    return FakeModel(
        "sequential",
        [dense("dense", 784, 64), Dropout("dropout", (None, 64)), dense("dense_1", 64, 10)],
    )


def p3_cnn():
    conv = Conv2D("conv2d", (None, 26, 26, 8), [FakeWeight(3, 3, 1, 8), FakeWeight(8)])
    return FakeModel(
        "sequential",
        [
            conv,
            MaxPooling2D("max_pooling2d", (None, 13, 13, 8)),
            Flatten("flatten", (None, 1352)),
            dense("dense", 1352, 10),
        ],
    )


def p4_embedding():
    return FakeModel(
        "sequential",
        [
            Embedding("embedding", (None, 10, 8), [FakeWeight(100, 8)]),
            GlobalAveragePooling1D("global_average_pooling1d", (None, 8)),
            dense("dense", 8, 1),
        ],
    )


def p5_batchnorm_mlp():
    bn = BatchNormalization(
        "batch_normalization",
        (None, 16),
        [FakeWeight(16), FakeWeight(16)],
        [FakeWeight(16), FakeWeight(16)],
    )
    return FakeModel(
        "sequential",
        [dense("dense", 8, 16), bn, Activation("activation", (None, 16)), dense("dense_1", 16, 3)],
    )


def p6_func_two_inputs():
    return FakeModel(
        "two_input_model",
        [
            InputLayer("in_a", (None, 4)),
            InputLayer("in_b", (None, 3)),
            dense("dense_a", 4, 6, ["in_a[0][0]"]),
            dense("dense_b", 3, 5, ["in_b[0][0]"]),
            Concatenate("concat", (None, 11), inbound=["dense_a[0][0]", "dense_b[0][0]"]),
            dense("out", 11, 1, ["concat[0][0]"]),
        ],
        graph=True,
    )


MODELS = {
    "p1_xor": p1_xor,
    "p2_mlp_mnist": p2_mlp_mnist,
    "p3_cnn": p3_cnn,
    "p4_embedding": p4_embedding,
    "p5_batchnorm_mlp": p5_batchnorm_mlp,
    "p6_func_two_inputs": p6_func_two_inputs,
}


def summary_lines(model, **kwargs) -> list[str]:
    lines: list[str] = []
    print_summary(model, print_fn=lines.append, **kwargs)
    return lines


@pytest.mark.parametrize("name", sorted(MODELS))
def test_matches_keras2_fixture(name):
    expected = (SUMMARIES / f"{name}_tfk.txt").read_text(encoding="utf-8")
    assert expected.endswith("\n")
    assert summary_lines(MODELS[name]()) == expected[:-1].split("\n")


def test_default_print_fn_writes_stdout(capsys):
    print_summary(p3_cnn())
    expected = (SUMMARIES / "p3_cnn_tfk.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().out == expected


def test_print_fn_called_once_per_line():
    calls = []
    print_summary(p1_xor(), print_fn=lambda line: calls.append(line))
    assert all("\n" not in line for line in calls)
    assert len(calls) == 17


def test_lines_padded_to_line_length():
    for line in summary_lines(p5_batchnorm_mlp())[1:13]:
        assert len(line) == 65
    lines = summary_lines(p6_func_two_inputs(), line_length=120)
    assert lines[1] == "_" * 120
    assert all(len(line) == 120 for line in lines[2:4])


def test_unbuilt_models_print_keras3_or_build_as_keras2():
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    lines = []
    print_summary(model, print_fn=lines.append)
    assert [ln.split()[:4] for ln in lines if "(Dense)" in ln] == [
        ["dense", "(Dense)", "?", "0"],
        ["dense_1", "(Dense)", "?", "0"],
    ]
    # Deep Learning with Python, 1st edition: Keras 2 built this from Embedding's (None, None)
    book = keras.Sequential([keras.layers.Embedding(10000, 32), keras.layers.SimpleRNN(32)])
    lines = []
    book.summary(print_fn=lines.append)
    assert book.built
    assert "Total params: 322080 (1.23 MB)" in lines
    assert any(
        ln.split()[:5] == ["embedding", "(Embedding)", "(None,", "None,", "32)"] for ln in lines
    )


def test_positions_fractions_and_absolute_agree():
    a = summary_lines(p1_xor(), positions=[0.45, 0.85, 1.0])
    b = summary_lines(p1_xor(), positions=[29, 55, 65])
    assert a == b == summary_lines(p1_xor())
    narrow = summary_lines(p1_xor(), line_length=40, positions=[0.5, 0.8, 1.0])
    assert narrow[1] == "_" * 40
    assert narrow[2:4] == [
        " Layer (type)       Output Sh   Param # ",
        "                    ape" + " " * 17,
    ]
    assert narrow[8:10] == [
        " activation (Activ  (None, 10   0       ",
        " ation)             )" + " " * 19,
    ]


def test_layer_range():
    lines = summary_lines(p1_xor(), layer_range=("dense_1", "activation_1"))
    rows = [line.split()[0] for line in lines[4:-5] if line.strip()]
    assert rows == ["dense_1", "activation_1"]
    # Totals still cover the whole model.
    assert lines[-4] == "Total params: 41 (164.00 Byte)"
    with pytest.raises(ValueError, match="do not match"):
        summary_lines(p1_xor(), layer_range=("nope", "dense"))


def test_show_trainable_adds_column():
    model = p1_xor()
    model.layers[2].trainable = False
    lines = summary_lines(model, show_trainable=True)
    assert lines[1] == "_" * 76
    assert lines[2].rstrip().endswith("Param #   Trainable")
    assert lines[4].rstrip().endswith("Y")
    assert lines[8].rstrip().endswith("N")


def test_unbuilt_and_unknown_shapes():
    model = FakeModel(
        "sub",
        [
            Dense("dense", None, built=False),
            Dense("dense_1", AttributeError("several shapes")),
            Dense("dense_2", ValueError("unknown")),
        ],
    )
    lines = summary_lines(model)
    assert lines[4] == " dense (Dense)               ?                         0 (unused)"
    assert lines[6].split()[2:] == ["multiple", "0"]
    assert lines[8].split()[2:] == ["?", "0"]


def test_linear_functional_model_uses_sequential_layout():
    model = FakeModel(
        "model",
        [
            InputLayer("input_1", (None, 4)),
            dense("dense", 4, 2, ["input_1[0][0]"]),
            dense("dense_1", 2, 1, ["dense[0][0]"]),
        ],
        graph=True,
    )
    lines = summary_lines(model)
    assert lines[1] == "_" * 65
    assert lines[4] == " input_1 (InputLayer)        [(None, 4)]               0         "
    assert lines[-4] == "Total params: 13 (52.00 Byte)"


def test_multiple_output_shapes_wrap():
    layer = Dense("split", [(None, 2), (None, 3)])
    lines = summary_lines(FakeModel("m", [layer]))
    assert lines[4].rstrip() == " split (Dense)               [(None, 2),               0"
    assert lines[5].rstrip() == "                              (None, 3)]"


def test_expand_nested():
    inner = FakeModel("inner", [dense("d1", 2, 3), dense("d2", 3, 1)])
    Sequential = _layer_class("Sequential")
    outer_layer = Sequential("inner", (None, 1), inner.trainable_weights)
    outer_layer.layers = inner.layers
    lines = summary_lines(FakeModel("outer", [outer_layer]), expand_nested=True)
    assert lines[5] == "|" + "¯" * 63 + "|"
    assert lines[6].startswith("| d1 (Dense)") and lines[6].endswith("|")
    assert len(lines[6]) == 65
    assert lines[9] == "¯" * 65


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0.00 Byte"),
        (164, "164.00 Byte"),
        (1023, "1023.00 Byte"),
        (1024, "1.00 KB"),
        (1036, "1.01 KB"),
        (203560, "198.79 KB"),
        (5 * 1024**2, "5.00 MB"),
        (3 * 1024**3, "3.00 GB"),
    ],
)
def test_readable_memory_size(size, text):
    assert readable_memory_size(size) == text
