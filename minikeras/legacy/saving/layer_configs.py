"""Layer configs written by Keras 1 (and Keras 2 / CuDNN) in today's terms.

`translate_layer(class_name, config, origin)` returns the class name and
config of the equivalent current layer. Renames follow the table Keras 2
applied itself when it read Keras 1 arguments; values change only where Keras
1 spelled them differently (`dim_ordering='th'`, `forget_bias_init='one'`,
regularizer dicts, ...). Keys that only steered training speed
(`consume_less`) are dropped; anything that changes results and has no
equivalent raises a ValueError naming the layer.
"""

from __future__ import annotations

CLASS_RENAMES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "AtrousConvolution1D": "Conv1D",
    "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose",
    "Deconvolution3D": "Conv3DTranspose",
    "SeparableConvolution2D": "SeparableConv2D",
    "CuDNNLSTM": "LSTM",
    "CuDNNGRU": "GRU",
}
RECURRENT = ("LSTM", "GRU", "SimpleRNN", "ConvLSTM2D")
# Layers only Keras 1 had: their configs always use Keras 1 argument names.
KERAS1_ONLY = ("Highway", "MaxoutDense", "TimeDistributedDense")
LOCALLY_CONNECTED = ("LocallyConnected1D", "LocallyConnected2D")
_SEQUENCE_INPUT = (*RECURRENT, "Conv1D", "LocallyConnected1D", "TimeDistributedDense")
CONV = (
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv2D",
)

# Keras 1 name -> current name, for every layer that has the current argument.
_COMMON = {
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "init": "kernel_initializer",
    "output_dim": "units",
    "border_mode": "padding",
    "nb_filter": "filters",
    "subsample": "strides",
    "subsample_length": "strides",
    "dim_ordering": "data_format",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "U_regularizer": "recurrent_regularizer",
    "U_constraint": "recurrent_constraint",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "pool_length": "pool_size",
    "stride": "strides",
    "atrous_rate": "dilation_rate",
    "filter_length": "kernel_size",
}
_PER_CLASS = {
    "Embedding": {
        "init": "embeddings_initializer",
        "W_regularizer": "embeddings_regularizer",
        "W_constraint": "embeddings_constraint",
        "output_dim": "output_dim",
    },
    "BatchNormalization": {"beta_init": "beta_initializer", "gamma_init": "gamma_initializer"},
    # Keras 1's `input_dtype` typed the input a layer created, never the layer itself.
    "InputLayer": {"input_dtype": "dtype"},
    "PReLU": {"init": "alpha_initializer"},
    "LeakyReLU": {"alpha": "negative_slope"},
    "Dropout": {"p": "rate"},
    "SpatialDropout1D": {"p": "rate"},
    "SpatialDropout2D": {"p": "rate"},
    "SpatialDropout3D": {"p": "rate"},
    "GaussianDropout": {"p": "rate"},
    "GaussianNoise": {"sigma": "stddev"},
    "SeparableConv2D": {"init": "depthwise_initializer"},
    "UpSampling1D": {"length": "size"},
}
# Keys with no effect on what a loaded model computes.
_DROPPED = (
    "input_dtype",
    "consume_less",
    "W_learning_rate_multiplier",
    "b_learning_rate_multiplier",
    "output_shape_type",
    "mode_type",
    "cache_enabled",
    "trainable_weights",
)
_DIM_ORDERING = {"th": "channels_first", "tf": "channels_last", "default": "channels_last"}
_INITIALIZERS = {
    "uniform": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05}},
    "normal": {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.05}},
    "zero": "zeros",
    "one": "ones",
}
_INIT_KEYS = (
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "embeddings_initializer",
    "alpha_initializer",
    "beta_initializer",
    "gamma_initializer",
    "depthwise_initializer",
    "pointwise_initializer",
)
_MERGE_MODES = {
    "concat": "Concatenate",
    "sum": "Add",
    "mul": "Multiply",
    "ave": "Average",
    "max": "Maximum",
    "dot": "Dot",
    "cos": "Dot",
}


def _regularizer(value):
    """Keras 1 `{"name": "WeightRegularizer", "l1": .., "l2": ..}` -> an `L1L2` config."""
    if isinstance(value, dict) and "name" in value and "class_name" not in value:
        return {
            "class_name": "L1L2",
            "config": {"l1": float(value.get("l1", 0.0)), "l2": float(value.get("l2", 0.0))},
        }
    return value


def _constraint(value):
    """Keras 1 `{"name": "MaxNorm", "m": 2, "axis": 0}` -> a current constraint config."""
    if not (isinstance(value, dict) and "name" in value and "class_name" not in value):
        return value
    name = value["name"]
    if name == "MaxNorm":
        return {
            "class_name": "MaxNorm",
            "config": {"max_value": value.get("m", 2), "axis": value.get("axis", 0)},
        }
    if name == "UnitNorm":
        return {"class_name": "UnitNorm", "config": {"axis": value.get("axis", 0)}}
    if name == "NonNeg":
        return {"class_name": "NonNeg", "config": {}}
    raise ValueError(f"Unknown Keras 1 constraint {value!r}: expected MaxNorm, UnitNorm or NonNeg.")


def _initializer(value, unknown: list):
    if isinstance(value, str):
        if value in _INITIALIZERS:
            return _INITIALIZERS[value]
        if not value.isidentifier():  # '<lambda>': a function no file can restore
            unknown.append(value)
            return None
    return value


def _input_shape(class_name: str, cfg: dict) -> None:
    """Keras 1 `input_dim`/`input_length` -> `batch_input_shape` where none is given."""
    input_dim = cfg.pop("input_dim", None) if class_name != "Embedding" else None
    input_length = cfg.pop("input_length", None)
    if cfg.get("batch_input_shape") is not None:
        return
    if class_name == "Embedding":
        if input_length is not None:
            cfg["batch_input_shape"] = [None, input_length]
    elif input_dim is not None:
        if class_name in _SEQUENCE_INPUT:
            cfg["batch_input_shape"] = [None, input_length, input_dim]
        else:
            cfg["batch_input_shape"] = [None, input_dim]


def _conv(cfg: dict) -> None:
    rows, cols = cfg.pop("nb_row", None), cfg.pop("nb_col", None)
    if rows is not None and cols is not None:
        cfg["kernel_size"] = [rows, cols]
    dims = [cfg.pop(f"kernel_dim{i}", None) for i in (1, 2, 3)]
    if all(d is not None for d in dims):
        cfg["kernel_size"] = dims
    cfg.pop("output_shape", None)  # Deconvolution2D: the layer computes it
    if cfg.get("padding") == "full":
        raise ValueError(
            f"Layer '{cfg.get('name')}': Keras 1 `border_mode='full'` has no "
            "equivalent in Keras 2 or 3 (use ZeroPadding before a 'valid' conv)."
        )


def _recurrent(class_name: str, cfg: dict, cudnn: bool) -> None:
    forget = cfg.pop("forget_bias_init", None)
    if forget is not None and class_name == "LSTM":
        cfg["unit_forget_bias"] = forget in ("one", "ones")
    if cudnn:  # CuDNN kernels: tanh and the exact sigmoid; CuDNNGRU resets after the product
        cfg.setdefault("activation", "tanh")
        cfg.setdefault("recurrent_activation", "sigmoid")
        if class_name == "GRU":
            cfg["reset_after"] = True
    if class_name == "GRU":
        cfg.setdefault("reset_after", False)  # the Keras 1/2 default, which files never wrote


def _merge(cfg: dict) -> tuple[str, dict]:
    mode = cfg.get("mode", "sum")
    name = cfg.get("name")
    if not isinstance(mode, str) or mode not in _MERGE_MODES:
        raise ValueError(
            f"Merge layer '{name}' uses mode={str(mode)[:40]!r}: a Python function, which "
            "minikeras never loads from a file. Rebuild that part of the model in code."
        )
    out = {"name": name, "trainable": cfg.get("trainable", True)}
    if mode == "concat":
        out["axis"] = cfg.get("concat_axis", -1)
    elif mode in ("dot", "cos"):
        out["axes"] = cfg.get("dot_axes", -1)
        out["normalize"] = mode == "cos"
    return _MERGE_MODES[mode], out


def _time_distributed_dense(cfg: dict) -> tuple[str, dict]:
    """Keras 1 `TimeDistributedDense` -> `TimeDistributed(Dense)` (the same weights)."""
    outer = {
        key: cfg.pop(key)
        for key in ("name", "trainable", "batch_input_shape", "dtype")
        if key in cfg
    }
    inner = {"name": f"{outer.get('name', 'time_distributed_dense')}_dense", **cfg}
    return "TimeDistributed", {**outer, "layer": {"class_name": "Dense", "config": inner}}


def translate_layer(
    class_name: str,
    config: dict,
    keras1: bool,
    pre_keras3: bool,
    guesses: list | None = None,
    keras2_hard_sigmoid: bool = True,
) -> tuple[str, dict]:
    """`(class_name, config)` of the current layer equivalent to an old layer entry.

    Args:
        class_name: The class the file names (`Convolution2D`, `CuDNNLSTM`, ...).
        config: Its config (not modified).
        keras1: Whether Keras 1 argument names are to be translated.
        pre_keras3: Whether Keras 1/2 definitions apply (`hard_sigmoid`, GRU defaults).
        guesses: Receives `"<layer>: <what>"` for each value replaced by a default.
        keras2_hard_sigmoid: Whether a pre-Keras 3 `hard_sigmoid` is Keras 2's (False
            only when the file says otherwise).
    """
    guesses = [] if guesses is None else guesses
    cfg = dict(config)
    if class_name == "Merge":
        class_name, cfg = _merge(cfg)
    cudnn = class_name in ("CuDNNLSTM", "CuDNNGRU")
    class_name = CLASS_RENAMES.get(class_name, class_name)
    if keras1 or cudnn or class_name in KERAS1_ONLY:
        renames = {**_COMMON, **_PER_CLASS.get(class_name, {})}
        for old, new in renames.items():
            if old in cfg and (new not in cfg or old == new):
                cfg[new] = cfg.pop(old)
        for key in _DROPPED:
            cfg.pop(key, None)
        _input_shape(class_name, cfg)
        if "data_format" in cfg and cfg["data_format"] in _DIM_ORDERING:
            cfg["data_format"] = _DIM_ORDERING[cfg["data_format"]]
        for key in [k for k in cfg if k.endswith("_regularizer")]:
            cfg[key] = _regularizer(cfg[key])
        for key in [k for k in cfg if k.endswith("_constraint")]:
            cfg[key] = _constraint(cfg[key])
        for key in _INIT_KEYS:
            if key in cfg:
                unknown = []
                cfg[key] = _initializer(cfg[key], unknown)
                if unknown:
                    guesses.append(f"{cfg.get('name')}: {key}={unknown[0]!r}")
                    del cfg[key]
        if class_name in CONV or class_name in LOCALLY_CONNECTED:
            _conv(cfg)
        if class_name == "SeparableConv2D" and "depthwise_initializer" in cfg:
            cfg.setdefault("pointwise_initializer", cfg["depthwise_initializer"])
        if class_name == "Embedding":
            cfg.pop("dropout", None)
        if class_name == "BatchNormalization":
            mode = cfg.pop("mode", 0)
            if mode != 0:
                raise ValueError(
                    f"BatchNormalization '{cfg.get('name')}' uses Keras 1 mode={mode} "
                    "(normalising with the statistics of each batch, also at inference), "
                    "which Keras 2 and 3 dropped; only mode=0 files can be loaded."
                )
    if class_name == "TimeDistributedDense":
        class_name, cfg = _time_distributed_dense(cfg)
    if class_name in RECURRENT:
        _recurrent(class_name, cfg, cudnn)
    if pre_keras3 and keras2_hard_sigmoid:
        for key in ("activation", "recurrent_activation"):
            if cfg.get(key) == "hard_sigmoid":
                cfg[key] = "hard_sigmoid_keras2"
    for key in ("layer", "backward_layer"):  # TimeDistributed / Bidirectional
        inner = cfg.get(key)
        if isinstance(inner, dict) and "class_name" in inner:
            inner_cls, inner_cfg = translate_layer(
                inner["class_name"],
                inner.get("config") or {},
                keras1,
                pre_keras3,
                guesses,
                keras2_hard_sigmoid,
            )
            cfg[key] = {**inner, "class_name": inner_cls, "config": inner_cfg}
    return class_name, cfg
