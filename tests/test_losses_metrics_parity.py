"""Losses and metrics against values computed by Keras 3.15.1.

Expected values come from `fixtures/keras_generated/gen_losses_metrics.py` (run with real
Keras 3.15.1 / JAX); inputs are in `losses_metrics.npz`.
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest

from minikeras import losses, metrics
from tests.conftest import FIXTURES

GEN = FIXTURES / "keras_generated"
DATA = dict(np.load(GEN / "losses_metrics.npz"))
SPEC = json.loads((GEN / "losses_metrics.json").read_text())


def _id(e):
    return e["class_name"] + "-" + "-".join(f"{k}={v}" for k, v in e["kwargs"].items())


def _np(x):
    return np.asarray(getattr(x, "value", x), dtype=np.float64)


@pytest.mark.parametrize("entry", SPEC["losses"], ids=[_id(e) for e in SPEC["losses"]])
def test_loss_matches_keras(entry):
    cls = getattr(losses, entry["class_name"])
    yt, yp, sw = DATA[entry["y_true"]], DATA[entry["y_pred"]], DATA["sw"]
    kw = entry["kwargs"]
    tol = dict(rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(_np(cls(reduction="none", **kw)(yt, yp)), entry["none"], **tol)
    np.testing.assert_allclose(_np(cls(**kw)(yt, yp)), entry["default"], **tol)
    np.testing.assert_allclose(_np(cls(**kw)(yt, yp, sample_weight=sw)), entry["weighted"], **tol)
    np.testing.assert_allclose(
        _np(cls(reduction="sum", **kw)(yt, yp, sample_weight=sw)), entry["sum"], **tol
    )
    np.testing.assert_allclose(
        _np(cls(reduction="mean_with_sample_weight", **kw)(yt, yp, sample_weight=sw)),
        entry["mean_with_sample_weight"],
        **tol,
    )
    # our config round-trips; Keras' own config deserializes (Keras 3.15 drops Huber's
    # `delta` from its config, so only configs carrying every argument are compared)
    ours = losses.deserialize(losses.serialize(cls(**kw)))
    np.testing.assert_allclose(_np(ours(yt, yp)), entry["default"], **tol)
    clone = losses.deserialize({"class_name": entry["class_name"], "config": entry["config"]})
    assert clone.get_config()["name"] == entry["config"]["name"]
    if all(k in entry["config"] for k in kw):
        np.testing.assert_allclose(_np(clone(yt, yp)), entry["default"], **tol)


@pytest.mark.parametrize("entry", SPEC["metrics"], ids=[_id(e) for e in SPEC["metrics"]])
def test_metric_matches_keras(entry):
    m = getattr(metrics, entry["class_name"])(**entry["kwargs"])
    # Keras uniquifies auto-generated names across the session (auc, auc_1, ...)
    assert m.name == re.sub(r"_\d+$", "", entry["name"])
    yt, yp, sw = DATA[entry["y_true"]], DATA[entry["y_pred"]], DATA["sw"]
    tol = dict(rtol=2e-5, atol=2e-6)
    m.update_state(yt[:5], yp[:5])
    np.testing.assert_allclose(_np(m.result()), entry["after_first"], **tol)
    swb = sw[5:]
    if entry["class_name"] == "BinaryIoU":
        swb = np.broadcast_to(swb[:, None], yt[5:].shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # IoU: float weights on an int metric
        m.update_state(yt[5:], yp[5:], sample_weight=swb)
    np.testing.assert_allclose(_np(m.result()), entry["after_weighted"], **tol)
    m.reset_state()
    m.update_state(yt, yp)
    np.testing.assert_allclose(_np(m.result()), entry["after_reset_full"], **tol)
    clone = metrics.deserialize({"class_name": entry["class_name"], "config": entry["config"]})
    clone.update_state(yt, yp)
    np.testing.assert_allclose(_np(clone.result()), entry["after_reset_full"], **tol)
