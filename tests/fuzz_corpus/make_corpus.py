"""Builds the hand-crafted hostile files in `crafted/` from the real-Keras seeds in `seeds/`.

Run once (`python tests/fuzz_corpus/make_corpus.py`); the outputs are committed. The seeds
are the XOR model saved by real Keras 3.15 and tf_keras 2.21. Each crafted file targets a
known class of loader bug (Keras CVEs included): code in Lambda layers, module injection in
configs, path traversal and symlinks in `.keras` archives, zip bombs, huge declared shapes,
wrong dtypes, missing attributes and pathological JSON.
"""

from __future__ import annotations

import base64
import json
import marshal
import pathlib
import shutil
import stat
import zipfile

import h5py
import numpy as np

HERE = pathlib.Path(__file__).parent
SEEDS = HERE / "seeds"
OUT = HERE / "crafted"


def _k3_config() -> dict:
    return json.loads((SEEDS / "model.json").read_text())


def _write_json(name: str, obj) -> None:
    (OUT / name).write_text(obj if isinstance(obj, str) else json.dumps(obj))


def _keras_zip(
    name: str,
    members: dict[str, bytes],
    symlinks: dict[str, str] | None = None,
    compress: bool = False,
) -> None:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(OUT / name, "w", method) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
        for member, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(member)
            info.create_system = 3  # unix
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)


def _seed_members() -> dict[str, bytes]:
    with zipfile.ZipFile(SEEDS / "model.keras") as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _lambda_config() -> dict:
    code = base64.b64encode(marshal.dumps((lambda x: x).__code__)).decode()
    cfg = _k3_config()
    cfg["config"]["layers"].insert(
        2,
        {
            "module": "keras.layers",
            "class_name": "Lambda",
            "registered_name": None,
            "config": {
                "name": "evil",
                "trainable": True,
                "dtype": "float32",
                "function": {
                    "class_name": "__lambda__",
                    "config": {"code": code, "defaults": None, "closure": None},
                },
                "output_shape": None,
                "arguments": {},
            },
        },
    )
    return cfg


def _legacy_lambda_config() -> dict:
    cfg = json.loads((SEEDS / "tfk_model.json").read_text())
    code = base64.b64encode(marshal.dumps((lambda x: x).__code__)).decode()
    cfg["config"]["layers"].insert(
        1,
        {
            "class_name": "Lambda",
            "config": {
                "name": "evil",
                "trainable": True,
                "dtype": "float32",
                "function": [code, None, None],
                "function_type": "lambda",
                "module": "__main__",
                "output_shape": None,
                "arguments": {},
            },
        },
    )
    return cfg


def _h5_copy(src: str, name: str, edit) -> None:
    shutil.copy(SEEDS / src, OUT / name)
    (OUT / name).chmod(0o644)
    with h5py.File(OUT / name, "r+") as f:
        edit(f)


def _huge_kernel(f) -> None:
    del f["layers/dense/vars/0"]
    f.create_dataset("layers/dense/vars/0", shape=(2**31, 2**20), dtype="float32", chunks=(1, 1024))


def _string_kernel(f) -> None:
    del f["layers/dense/vars/0"]
    f["layers/dense/vars/0"] = np.array([b"x" * 8] * 20).reshape(2, 10)


def _wrong_shape_kernel(f) -> None:
    del f["dense/dense/kernel:0"]
    f["dense/dense/kernel:0"] = np.zeros((10, 2), "float32")


def _huge_legacy_kernel(f) -> None:
    del f["model_weights/dense/dense/kernel:0"]
    f.create_dataset(
        "model_weights/dense/dense/kernel:0", shape=(2**40,), dtype="float64", chunks=(4096,)
    )


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    members = _seed_members()
    config = json.loads(members["config.json"])

    # --- JSON configs ---
    _write_json("deep_nesting.json", "[" * 200_000 + "]" * 200_000)
    _write_json("deep_dict_nesting.json", '{"a":' * 50_000 + "1" + "}" * 50_000)
    unknown = _k3_config()
    unknown["config"]["layers"][1]["class_name"] = "EvilLayer"
    _write_json("unknown_class.json", unknown)
    module_inj = _k3_config()
    module_inj["config"]["layers"][1].update(
        module="os", class_name="system", registered_name="os>system"
    )
    _write_json("module_injection.json", module_inj)
    top_inj = {"module": "subprocess", "class_name": "Popen", "config": {"args": ["true"]}}
    _write_json("top_level_injection.json", top_inj)
    _write_json("lambda_bytecode.json", _lambda_config())
    _write_json("legacy_lambda_bytecode.json", _legacy_lambda_config())
    bad_units = _k3_config()
    bad_units["config"]["layers"][1]["config"]["units"] = 10**12
    _write_json("huge_units.json", bad_units)
    neg_units = _k3_config()
    neg_units["config"]["layers"][1]["config"]["units"] = -3
    _write_json("negative_units.json", neg_units)
    str_units = _k3_config()
    str_units["config"]["layers"][1]["config"]["units"] = "ten"
    _write_json("string_units.json", str_units)
    huge_batch = _k3_config()
    huge_batch["config"]["layers"][0]["config"]["batch_shape"] = [None, 2**40]
    huge_batch["config"]["build_input_shape"] = [None, 2**40]
    huge_batch["config"]["layers"][1]["build_config"] = {"input_shape": [None, 2**40]}
    _write_json("huge_input_shape.json", huge_batch)
    _write_json("not_a_model.json", [1, 2, 3])
    _write_json("empty.json", "")
    _write_json("nan_literal.json", '{"class_name": NaN}')

    # --- .keras archives ---
    _keras_zip("zip_slip.keras", {**members, "../../evil.txt": b"pwned"})
    _keras_zip("absolute_path.keras", {**members, "/tmp/minikeras_evil.txt": b"pwned"})
    slip_weights = dict(members)
    slip_weights["../model.weights.h5"] = slip_weights.pop("model.weights.h5")
    _keras_zip("weights_outside.keras", slip_weights)
    no_weights = {k: v for k, v in members.items() if k != "model.weights.h5"}
    _keras_zip("symlink_weights.keras", no_weights, symlinks={"model.weights.h5": "/etc/passwd"})
    _keras_zip("missing_config.keras", {k: v for k, v in members.items() if k != "config.json"})
    _keras_zip("config_not_json.keras", {**members, "config.json": b"\x00\xff not json"})
    lam = dict(members)
    lam["config.json"] = json.dumps(_lambda_config()["config"] and _lambda_config()).encode()
    _keras_zip("lambda_bytecode.keras", lam)
    inj = dict(members)
    inj["config.json"] = json.dumps({**config, "module": "os", "class_name": "system"}).encode()
    _keras_zip("module_injection.keras", inj)
    bomb = dict(members)
    bomb["config.json"] = b" " * (512 * 1024 * 1024)  # 512 MiB of spaces, ~0.5 MiB deflated
    _keras_zip("zip_bomb_config.keras", bomb, compress=True)
    (OUT / "not_a_zip.keras").write_bytes(b"PK\x03\x04" + b"\x00" * 100)

    # --- HDF5 weights and models ---
    _h5_copy("model.weights.h5", "huge_shape.weights.h5", _huge_kernel)
    _h5_copy("model.weights.h5", "string_dtype.weights.h5", _string_kernel)
    _h5_copy(
        "model.weights.h5", "missing_layer.weights.h5", lambda f: f.__delitem__("layers/dense_1")
    )
    _h5_copy("tfk_w.h5", "wrong_shape_w.h5", _wrong_shape_kernel)
    _h5_copy("tfk_w.h5", "missing_layer_names_w.h5", lambda f: f.attrs.__delitem__("layer_names"))
    _h5_copy(
        "tfk_w.h5",
        "missing_weight_names_w.h5",
        lambda f: f["dense"].attrs.__delitem__("weight_names"),
    )
    _h5_copy(
        "tfk_w.h5",
        "int_layer_names_w.h5",
        lambda f: f.attrs.__setitem__("layer_names", np.arange(4)),
    )
    _h5_copy("tfk_full.h5", "huge_shape_full.h5", _huge_legacy_kernel)
    _h5_copy(
        "tfk_full.h5", "missing_model_config_full.h5", lambda f: f.attrs.__delitem__("model_config")
    )
    _h5_copy(
        "tfk_full.h5",
        "deep_model_config_full.h5",
        lambda f: f.attrs.__setitem__("model_config", "[" * 200_000 + "]" * 200_000),
    )
    _h5_copy(
        "tfk_full.h5",
        "lambda_full.h5",
        lambda f: f.attrs.__setitem__("model_config", json.dumps(_legacy_lambda_config())),
    )
    _h5_copy(
        "tfk_full.h5",
        "bad_training_config_full.h5",
        lambda f: f.attrs.__setitem__(
            "training_config", '{"loss": {"class_name": "EvilLoss"}, "optimizer_config": 7}'
        ),
    )


if __name__ == "__main__":
    main()
