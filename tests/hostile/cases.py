"""The hostile-input campaign: >= 100 cases built from code in a temporary directory.

Families: HDF5 tricks (external storage and links, virtual datasets, plugin filters,
declared-but-absent gigabytes, huge structures), configs that name private op functions
or ask for absurd sizes, zip and `.npz` bombs, exception types, and the memory guard.
Every case either loads (where loading is legitimate) or raises a `ValueError`,
`OSError` or `TypeError` naming the file (for file cases) and the problem, in a child
process limited to 2 s and 2 GB (`runner.run_isolated`). Nothing hostile is committed:
`build(tmp)` writes each file from the seeded XOR model.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import zipfile
from collections.abc import Callable

import h5py
import numpy as np

import minikeras
from minikeras import layers


@dataclasses.dataclass
class Case:
    """One hostile input: `build(tmp)` writes it and returns the call that loads it."""

    name: str
    family: str
    build: Callable[[pathlib.Path], tuple[Callable[[], object], str | None]]
    expect: str  # "refuse", "load" or "either"
    match: str = ""  # a substring the error message must contain (lower case)


def xor_model(compiled: bool = False):
    minikeras.utils.set_random_seed(0)
    model = minikeras.Sequential(
        [
            layers.Input((2,)),
            layers.Dense(10, name="dense"),
            layers.Activation("tanh"),
            layers.Dense(1, name="dense_1"),
        ]
    )
    if compiled:
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.zeros((4, 2), np.float32), np.zeros((4, 1), np.float32), verbose=0)
    return model


# Where each weights layout keeps the first kernel, and how it is loaded.
LAYOUTS = {
    "k3w": ("w.weights.h5", "layers/dense/vars", "0"),
    "k2w": ("w.h5", "dense", "dense/kernel:0"),
    "k2full": ("m.h5", "model_weights/dense", "dense/kernel:0"),
    "keras": ("m.keras", "layers/dense/vars", "0"),
}


def _save(tmp: pathlib.Path, layout: str, compiled: bool = False) -> pathlib.Path:
    model = xor_model(compiled)
    fname = LAYOUTS[layout][0]
    path = tmp / fname
    if layout in ("k3w", "k2w"):
        model.save_weights(path)
    else:
        model.save(path)
    return path


def _loader(layout: str, path: pathlib.Path) -> Callable[[], object]:
    if layout in ("k2full", "keras"):
        return lambda: minikeras.models.load_model(path)
    return lambda: xor_model().load_weights(path)


def _edit_h5(tmp: pathlib.Path, layout: str, edit, compiled: bool = False):
    """Saves the XOR model in `layout`, applies `edit(h5py_file, group, kernel_name)`."""
    path = _save(tmp, layout, compiled)
    _, group, kernel = LAYOUTS[layout]
    if layout == "keras":
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        inner = tmp / "inner.h5"
        inner.write_bytes(members["model.weights.h5"])
        with h5py.File(inner, "r+") as f:
            edit(f, f[group], kernel)
        members["model.weights.h5"] = inner.read_bytes()
        with zipfile.ZipFile(path, "w") as zf:
            for n, data in members.items():
                zf.writestr(n, data)
    else:
        with h5py.File(path, "r+") as f:
            edit(f, f[group], kernel)
    return _loader(layout, path), path.name


def h5_case(name, layout, edit, expect, match="", compiled=False) -> Case:
    return Case(
        f"{name}[{layout}]",
        "hdf5",
        lambda tmp: _edit_h5(tmp, layout, edit, compiled),
        expect,
        match,
    )


# ----------------------------------------------------------------------------- HDF5 edits


def _external_kernel(f, g, k):
    shape, dtype = g[k].shape, g[k].dtype
    del g[k]
    g.create_dataset(
        k,
        shape=shape,
        dtype=dtype,
        external=[("/etc/passwd", 0, int(np.prod(shape)) * dtype.itemsize)],
    )


def _external_unreferenced(f, g, k):
    f.create_dataset("notes", shape=(8,), dtype="u1", external=[("/etc/hostname", 0, 8)])


def _external_link_kernel(f, g, k):
    del g[k]
    g[k] = h5py.ExternalLink("/etc/other.h5", "/kernel")


def _external_link_group(f, g, k):
    parent, name = g.parent, g.name.rsplit("/", 1)[1]
    del parent[name]
    parent[name] = h5py.ExternalLink("other.h5", "/dense")


def _external_link_root(f, g, k):
    f["elsewhere"] = h5py.ExternalLink("/etc/secrets.h5", "/")


def _soft_link_out(f, g, k):
    f["gate"] = h5py.ExternalLink("other.h5", "/")
    del g[k]
    g[k] = h5py.SoftLink("/gate/kernel")


def _soft_link_inside(f, g, k):
    data = g[k][()]
    f.create_dataset("spare_kernel", data=data)
    del g[k]
    g[k] = h5py.SoftLink("/spare_kernel")


def _dangling_soft_unreferenced(f, g, k):
    f["nowhere"] = h5py.SoftLink("/does/not/exist")


def _virtual_kernel(f, g, k):
    shape, dtype = g[k].shape, g[k].dtype
    del g[k]
    layout = h5py.VirtualLayout(shape=shape, dtype=dtype)
    layout[...] = h5py.VirtualSource("/etc/other.h5", "kernel", shape=shape)
    g.create_virtual_dataset(k, layout, fillvalue=0)


def _plugin_filter_kernel(f, g, k):
    shape = g[k].shape
    del g[k]
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk(shape)
    dcpl.set_filter(307, h5py.h5z.FLAG_OPTIONAL, (1,))
    space = h5py.h5s.create_simple(shape)
    h5py.h5d.create(g.id, k.encode(), h5py.h5t.NATIVE_FLOAT, space, dcpl=dcpl)


def _huge_kernel(f, g, k):
    del g[k]
    g.create_dataset(k, shape=(20000, 40000), dtype="f4", chunks=(1000, 1000), compression="gzip")


def _huge_unreferenced(f, g, k):
    f.create_dataset(
        "spare", shape=(20000, 40000), dtype="f4", chunks=(1000, 1000), compression="gzip"
    )


def _chunk_bomb_kernel(f, g, k):
    data = g[k][()]
    del g[k]
    g.create_dataset(k, data=data, chunks=(2048, 2048), maxshape=(None, None), compression="gzip")


def _gzip_kernel(f, g, k):
    data = g[k][()]
    del g[k]
    g.create_dataset(k, data=data, chunks=True, compression="gzip", shuffle=True, fletcher32=True)


def _hard_cycle(f, g, k):
    f["loop"] = f["/"]
    spare = f.create_group("spare")
    spare["up"] = spare


def _nested_groups(n):
    def edit(f, g, k):
        node = f.create_group("extra")
        for i in range(n):
            node = node.create_group(f"g{i}")

    return edit


def _many_datasets(n):
    def edit(f, g, k):
        node = f.create_group("extra")
        for i in range(n):
            node.create_dataset(f"d{i}", data=np.float32(i))

    return edit


def _many_attributes(n):
    def edit(f, g, k):
        node = f.create_group("extra")
        for i in range(n):
            node.attrs[f"a{i}"] = i

    return edit


def _kernel_wrong_dtype_string(f, g, k):
    shape = g[k].shape
    del g[k]
    g.create_dataset(k, data=np.full(shape, "x", dtype="S1"))


def _kernel_scalar(f, g, k):
    del g[k]
    g.create_dataset(k, data=np.float32(1))


def hdf5_cases() -> list[Case]:
    cases = []
    for layout in LAYOUTS:
        cases += [
            h5_case("external_storage_kernel", layout, _external_kernel, "refuse", "external"),
            h5_case(
                "external_storage_unreferenced",
                layout,
                _external_unreferenced,
                "refuse",
                "external",
            ),
            h5_case(
                "external_link_kernel", layout, _external_link_kernel, "refuse", "external link"
            ),
            h5_case(
                "external_link_layer_group", layout, _external_link_group, "refuse", "external link"
            ),
            h5_case(
                "external_link_unreferenced", layout, _external_link_root, "refuse", "external link"
            ),
            h5_case("soft_link_leaving_file", layout, _soft_link_out, "refuse", "external"),
            h5_case("soft_link_inside_file", layout, _soft_link_inside, "load"),
            h5_case("dangling_soft_link_unreferenced", layout, _dangling_soft_unreferenced, "load"),
            h5_case("virtual_kernel", layout, _virtual_kernel, "refuse", "virtual"),
            h5_case(
                "plugin_filter_kernel",
                layout,
                _plugin_filter_kernel,
                "refuse",
                "user-defined hdf5 filter",
            ),
            h5_case("kernel_declares_3gb", layout, _huge_kernel, "refuse", "(20000, 40000)"),
            h5_case("unreferenced_declares_3gb", layout, _huge_unreferenced, "load"),
            h5_case("chunk_bomb_kernel", layout, _chunk_bomb_kernel, "refuse", "chunks"),
            h5_case("gzip_shuffle_fletcher_kernel", layout, _gzip_kernel, "load"),
            h5_case("hard_link_cycle", layout, _hard_cycle, "load"),
            h5_case("nested_groups_2000", layout, _nested_groups(2000), "load"),
            h5_case("small_datasets_3000", layout, _many_datasets(3000), "load"),
            h5_case("attributes_1000", layout, _many_attributes(1000), "load"),
            h5_case("kernel_of_strings", layout, _kernel_wrong_dtype_string, "refuse"),
            h5_case("kernel_scalar", layout, _kernel_scalar, "refuse", "shape"),
        ]
    return cases


# ----------------------------------------------------------------------------- configs


def functional_model():
    """`Input(4) -> Dense(3) -> ops.sum(axis=-1)`."""
    from minikeras import ops

    minikeras.utils.set_random_seed(0)
    x = layers.Input((4,), name="x")
    h = layers.Dense(3, name="dense")(x)
    y = ops.sum(h, axis=-1, keepdims=True)
    return minikeras.Model(x, y)


def functional_config() -> dict:
    """Keras 3 JSON of `functional_model()`, as a dict."""
    return json.loads(functional_model().to_json(keras_version=3))


def _tensor(name="dense"):
    return {
        "class_name": "__keras_tensor__",
        "config": {"shape": [None, 3], "dtype": "float32", "keras_history": [name, 0, 0]},
    }


def _with_op(cfg: dict, class_name: str, args: list, kwargs=None, config=None) -> dict:
    entry = cfg["config"]["layers"][2]
    entry["class_name"] = class_name
    entry["registered_name"] = class_name
    entry["config"] = {"name": entry["name"], **(config or {})}
    entry["inbound_nodes"] = [{"args": args, "kwargs": kwargs or {}}]
    return cfg


def _write_config(tmp: pathlib.Path, cfg: dict, container: str):
    """The config as JSON text (`model_from_json`) or inside a `.keras` archive."""
    if container == "json":
        text = json.dumps(cfg)
        return (lambda: minikeras.models.model_from_json(text)), None
    path = tmp / "m.keras"
    functional_model().save(path)
    replace_members(path, {"config.json": json.dumps(cfg).encode()})
    return (lambda: minikeras.models.load_model(path)), path.name


def replace_members(path: pathlib.Path, new: dict, compression=zipfile.ZIP_STORED) -> None:
    """Rewrites the zip at `path` with the members in `new` replaced or added."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members.update(new)
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


OP_NODES = [
    ("op_setattr", "__setattr__", ["dense", 42], None, None, "unknown op"),
    ("op_delattr", "__delattr__", ["relu"], None, None, "unknown op"),
    ("op_getattribute", "__getattribute__", ["__dict__"], None, None, "unknown op"),
    ("op_class", "__class__", [_tensor()], None, None, "unknown op"),
    ("op_module_np", "Np", [_tensor()], None, None, "unknown op"),
    ("op_submodule", "Image", [_tensor()], None, None, "unknown op"),
    ("op_private_helper", "_resolve", [_tensor()], None, None, "unknown op"),
    ("op_custom_gradient", "CustomGradient", [_tensor()], None, None, "unknown op"),
    ("op_convert_to_numpy", "ConvertToNumpy", [_tensor()], None, None, "unknown op"),
    ("op_while_loop", "WhileLoop", [_tensor()], None, None, "unknown op"),
    ("op_key_injection", "Sum", [_tensor()], None, {"op": "__setattr__"}, ""),
    ("op_ones_no_tensor", "Ones", [[25000, 25000]], None, None, "25000"),
    ("op_zeros_small_no_tensor", "Zeros", [[2, 2]], None, None, "no tensor input"),
    ("op_broadcast_huge", "BroadcastTo", [_tensor(), [25000, 25000]], None, None, "625000000"),
    ("op_tile_huge", "Tile", [_tensor(), [100000, 100000]], None, None, "elements"),
    ("op_repeat_huge", "Repeat", [_tensor(), 10**9], None, None, "elements"),
    ("op_one_hot_huge", "OneHot", [_tensor()], {"num_classes": 10**9}, None, "elements"),
    ("op_full_kwargs_huge", "Full", [[30000, 30000], 1.0], None, None, "elements"),
    ("op_reshape_huge", "Reshape", [_tensor(), [2**40, 2]], None, None, "elements"),
    ("op_unknown_history", "Sum", [_tensor("nope")], None, None, "nope"),
    ("op_valid_mean", "Mean", [_tensor()], {"axis": -1, "keepdims": True}, None, ""),
]


def config_cases() -> list[Case]:
    cases = []
    for container in ("json", "keras"):
        for name, cls, args, kwargs, config, match in OP_NODES:

            def build(tmp, cls=cls, args=args, kwargs=kwargs, config=config, container=container):
                cfg = _with_op(functional_config(), cls, args, kwargs, config)
                return _write_config(tmp, cfg, container)

            expect = "load" if name in ("op_valid_mean", "op_key_injection") else "refuse"
            cases.append(Case(f"{name}[{container}]", "config", build, expect, match))
    return cases


# ----------------------------------------------------------------------------- layer configs


def _sequential_json(layer: dict, batch_shape=(None, 4)) -> str:
    return json.dumps(
        {
            "class_name": "Sequential",
            "config": {
                "name": "s",
                "layers": [
                    {
                        "class_name": "InputLayer",
                        "config": {
                            "batch_input_shape": list(batch_shape),
                            "dtype": "float32",
                            "name": "i",
                        },
                    },
                    layer,
                ],
            },
        }
    )


def _dense(**config):
    return {"class_name": "Dense", "config": {"units": 2, **config}}


LAYER_CONFIGS = [
    (
        "units_1e400",
        _sequential_json(_dense(units=1.0)).replace('"units": 1.0', '"units": 1e400'),
        "units",
    ),
    (
        "batch_dim_1e400",
        _sequential_json(_dense(), (7, 4)).replace("[7, 4]", "[1e400, 4]"),
        "input shape",
    ),
    (
        "random_uniform_1e308",
        _sequential_json(
            _dense(
                kernel_initializer={
                    "class_name": "RandomUniform",
                    "config": {"minval": -1e308, "maxval": 1e308},
                }
            )
        ),
        "randomuniform",
    ),
    (
        "group_norm_zero_groups",
        _sequential_json({"class_name": "GroupNormalization", "config": {"groups": 0}}),
        "groups",
    ),
    ("batch_shape_1M_dims", _sequential_json(_dense(), [None] + [1] * 1_000_000), "dimensions"),
    (
        "conv1d_kernel_size_string",
        _sequential_json(
            {"class_name": "Conv1D", "config": {"filters": 2, "kernel_size": "3"}}, (None, 8, 4)
        ),
        "kernel_size",
    ),
    (
        "conv2d_strides_mixed",
        _sequential_json(
            {"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, "3"]}},
            (None, 8, 8, 1),
        ),
        "kernel_size",
    ),
    ("dense_dtype_object", _sequential_json(_dense(dtype="object")), "dtype"),
    ("dense_dtype_void", _sequential_json(_dense(dtype="V8")), "dtype"),
    (
        "embedding_12gb",
        _sequential_json(
            {"class_name": "Embedding", "config": {"input_dim": 3_000_000_000, "output_dim": 1}}
        ),
        "memory",
    ),
    ("dense_units_1e12", _sequential_json(_dense(units=10**12)), "memory"),
    ("units_negative", _sequential_json(_dense(units=-3)), "units"),
    ("units_fraction", _sequential_json(_dense(units=2.5)), "units"),
    ("units_string", _sequential_json(_dense(units="2")), "units"),
    ("input_dim_negative", _sequential_json(_dense(), (None, -4)), "input shape"),
    ("input_dim_string", _sequential_json(_dense(), (None, "4")), "input shape"),
    ("input_dim_nan", _sequential_json(_dense(), (None, 4.0)).replace("4.0", "NaN"), "input shape"),
    ("valid_dense", _sequential_json(_dense()), ""),
]


def layer_config_cases() -> list[Case]:
    cases = []
    for name, text, match in LAYER_CONFIGS:

        def build(tmp, text=text):
            return (lambda: minikeras.models.model_from_json(text)), None

        expect = "load" if name.startswith("valid") else "refuse"
        cases.append(Case(name, "layer_config", build, expect, match))
    return cases


# ----------------------------------------------------------------------------- zip and npz


def _npy_bytes(shape, dtype="<f4", payload=b"", fortran=False) -> bytes:
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": dtype, "fortran_order": fortran, "shape": tuple(shape)}
    )
    return buf.getvalue() + payload


def _npz_case(name, members, expect, match="", compression=zipfile.ZIP_STORED) -> Case:
    """An `.npz` for the XOR model: `members(weights) -> {member name: bytes}`."""

    def build(tmp):
        weights = xor_model().get_weights()
        path = tmp / "w.npz"
        with zipfile.ZipFile(path, "w", compression=compression) as zf:
            for member, data in members(weights).items():
                zf.writestr(member, data)
        return (lambda: xor_model().load_weights(path)), path.name

    return Case(name, "npz", build, expect, match)


def _valid_npz(weights):
    import io

    out = {}
    for i, w in enumerate(weights):
        buf = io.BytesIO()
        np.save(buf, w)
        out[f"arr_{i}.npy"] = buf.getvalue()
    return out


def _npz_with_first(data):
    def members(weights):
        out = _valid_npz(weights)
        out["arr_0.npy"] = data
        return out

    return members


def _keras_zip_case(name, edit, expect, match="") -> Case:
    """A `.keras` archive of the compiled XOR model changed by `edit(path)`."""

    def build(tmp):
        path = tmp / "m.keras"
        xor_model(compiled=True).save(path)
        edit(path)
        return (lambda: minikeras.models.load_model(path)), path.name

    return Case(name, "zip", build, expect, match)


def _deflated_weights_padded(nbytes: int, every: int):
    """The weights member deflated, padded with `nbytes` of mostly zeros (ratio ~`every`)."""

    def edit(path):
        with zipfile.ZipFile(path) as zf:
            weights = zf.read("model.weights.h5")
        pad = np.zeros(nbytes, np.uint8)
        pad[::every] = np.random.default_rng(0).integers(0, 256, len(pad[::every]))
        replace_members(
            path, {"model.weights.h5": weights + pad.tobytes()}, compression=zipfile.ZIP_DEFLATED
        )

    return edit


def _deflate_all(path):
    replace_members(path, {}, compression=zipfile.ZIP_DEFLATED)


def _flip_weight_byte(path):
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("model.weights.h5")
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + info.file_size // 2] ^= 0x40
    path.write_bytes(bytes(data))


def _cut_weights_member(path):
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("model.weights.h5")
    data = path.read_bytes()
    path.write_bytes(data[: info.header_offset + 100])


def _config_bomb(path):
    replace_members(path, {"config.json": b" " * (40 * 2**20)}, compression=zipfile.ZIP_DEFLATED)


def zip_cases() -> list[Case]:
    return [
        _npz_case("npz_valid", _valid_npz, "load"),
        _npz_case("npz_valid_deflated", _valid_npz, "load", compression=zipfile.ZIP_DEFLATED),
        _npz_case(
            "npz_header_23000_squared",
            _npz_with_first(_npy_bytes((23000, 23000))),
            "refuse",
            "(23000, 23000)",
        ),
        _npz_case(
            "npz_header_2pow40", _npz_with_first(_npy_bytes((2**40, 2))), "refuse", "shape mismatch"
        ),
        _npz_case(
            "npz_header_object_dtype",
            _npz_with_first(_npy_bytes((2, 10), "|O")),
            "refuse",
            "allow_pickle",
        ),
        _npz_case(
            "npz_header_garbage",
            _npz_with_first(b"\x93NUMPY\x01\x00\x10\x00{garbage}"),
            "refuse",
            "header",
        ),
        _npz_case(
            "npz_truncated_data",
            _npz_with_first(_npy_bytes((2, 10), payload=b"12")),
            "refuse",
            "truncated",
        ),
        _npz_case(
            "npz_deflate_bomb",
            _npz_with_first(_npy_bytes((2, 10)) + bytes(64 * 2**20)),
            "refuse",
            "zip bomb",
            compression=zipfile.ZIP_DEFLATED,
        ),
        _npz_case(
            "npz_fortran_order",
            _npz_with_first(
                _npy_bytes((2, 10), payload=np.arange(20, dtype="<f4").tobytes(), fortran=True)
            ),
            "load",
        ),
        _npz_case(
            "npz_big_endian",
            _npz_with_first(
                _npy_bytes((2, 10), ">f8", payload=np.arange(20, dtype=">f8").tobytes())
            ),
            "load",
        ),
        _keras_zip_case("keras_valid_stored", lambda path: None, "load"),
        _keras_zip_case("keras_valid_deflated", _deflate_all, "load"),
        _keras_zip_case(
            "keras_weights_64mb_deflated",
            _deflated_weights_padded(64 * 2**20, 16),
            "refuse",
            "zip bomb",
        ),
        _keras_zip_case(
            "keras_weights_ratio_bomb",
            _deflated_weights_padded(256 * 2**20, 10**9),
            "refuse",
            "zip bomb",
        ),
        _keras_zip_case("keras_weights_bit_flip", _flip_weight_byte, "refuse", "crc"),
        _keras_zip_case("keras_weights_cut", _cut_weights_member, "refuse", ""),
        _keras_zip_case("keras_config_bomb", _config_bomb, "refuse", "zip bomb"),
    ]


# ----------------------------------------------------------------------------- CLI


def _cli(argv: list[str]):
    """Runs `python -m minikeras ARGV` in-process: an error exit becomes a ValueError
    carrying its stderr (which must be one line)."""
    import contextlib
    import io

    from minikeras.cli.main import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    if code != 0:
        raise ValueError(err.getvalue().strip())


def _cli_case(name, command, layer_config, expect, match="", data=None) -> Case:
    def build(tmp):
        path = tmp / "model.json"
        path.write_text(layer_config)
        argv = [command, str(path)]
        if data is not None:
            data_path = tmp / "x.npz"
            with zipfile.ZipFile(data_path, "w") as zf:
                zf.writestr("x.npy", data)
            argv.append(str(data_path))
        return (lambda: _cli(argv)), ("model.json" if data is None else "x.npz")

    return Case(f"cli_{command}_{name}", "cli", build, expect, match)


def cli_cases() -> list[Case]:
    cases = []
    for name, text, match in LAYER_CONFIGS[:10]:
        cases.append(_cli_case(name, "summary", text, "refuse", match))
    valid = _sequential_json(_dense())
    cases += [
        _cli_case("valid", "summary", valid, "load"),
        _cli_case("npz_2pow40", "predict", valid, "refuse", "memory", data=_npy_bytes((2**40, 2))),
        _cli_case(
            "npz_wrong_width",
            "predict",
            valid,
            "refuse",
            "shape",
            data=_npy_bytes((3, 5), payload=bytes(60)),
        ),
    ]
    return cases


def full_size_cases() -> list[Case]:
    """The issue's sizes (slower to build and parse): for `scripts/hostile_campaign.py`."""

    def ten_million_dims(tmp):
        text = _sequential_json(_dense(), [None] + [1] * 10_000_000)
        return (lambda: minikeras.models.model_from_json(text)), None

    return [
        h5_case("small_datasets_20000", "k3w", _many_datasets(20000), "load"),
        h5_case("attributes_30000", "k3w", _many_attributes(30000), "load"),
        h5_case("nested_groups_10000", "k3w", _nested_groups(10000), "load"),
        Case("batch_shape_10M_dims", "layer_config", ten_million_dims, "refuse", "dimensions"),
    ]


def all_cases(full_size: bool = False) -> list[Case]:
    """Every case; `full_size` adds the issue's big structures."""
    cases = (
        hdf5_cases()
        + config_cases()
        + layer_config_cases()
        + zip_cases()
        + cli_cases()
        + memory_cases()
    )
    return cases + (full_size_cases() if full_size else [])


# ----------------------------------------------------------------------------- memory guard


def _parallel_dense_archive(branches: int, units: int):
    """A `.keras` archive whose config asks for `branches` parallel Dense(units) kernels,
    written from a small model by editing `units` (the weights member stays small)."""

    def build(tmp):
        x = layers.Input((1,), name="x")
        outs = [layers.Dense(1, name=f"d{i}")(x) for i in range(branches)]
        model = minikeras.Model(x, layers.Concatenate(name="cat")(outs))
        path = tmp / "m.keras"
        model.save(path)
        with zipfile.ZipFile(path) as zf:
            cfg = json.loads(zf.read("config.json"))
        for entry in cfg["config"]["layers"]:
            if entry["class_name"] == "Dense":
                entry["config"]["units"] = units
        replace_members(path, {"config.json": json.dumps(cfg).encode()})
        return (lambda: minikeras.models.load_model(path)), path.name

    return build


def memory_cases() -> list[Case]:
    return [
        Case(
            "parallel_dense_30x80mb",
            "memory",
            _parallel_dense_archive(30, 20_000_000),
            "refuse",
            "memory",
        ),
        Case(
            "parallel_dense_4x1mb_shape_mismatch",
            "memory",
            _parallel_dense_archive(4, 300_000),
            "refuse",
            "shape",
        ),
    ]
