"""Every loss and metric against real Keras 3 on mismatched shapes (issue 20, item 10).

`fixtures/shape_contract/keras_shape_contract.json` records, for 3,380 calls (17 losses
and 28 metrics x 20 target/prediction shape pairs x their `sample_weight` shapes), whether
Keras 3.15 (JAX) refuses the call or the value it returns; `generate.py` there made it.
minikeras must agree, apart from the deliberate differences each test below names:
it refuses every shape pair that only NumPy broadcasting would join (Keras's regression
losses broadcast them), and it reads a few shapes Keras refuses the way Keras's own losses
read them. The same file records 663 calls on targets and predictions of other dtypes
than float32 (integer, boolean, float16, float64).
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pytest

import minikeras

HERE = pathlib.Path(__file__).parent / "fixtures" / "shape_contract"
sys.path.insert(0, str(HERE))
import cases  # noqa: E402

sys.path.remove(str(HERE))

RECORDED = json.loads((HERE / "keras_shape_contract.json").read_text())
KERAS = RECORDED["outcomes"]
KERAS_DTYPES = RECORDED["dtype_outcomes"]
OUR_MESSAGES = (
    "Arguments `target` and `output` must have the same shape",
    "must have the same shape for a confusion-matrix metric",
    "`sample_weight` must give one weight per sample",
    "cannot weight a metric value that has no sample axis left",
)


def run(name, kind, ts, ps, ws, y_true=None, weights=None, shape=None):
    """`("ok", value)` or `("error", exception)` for one call of a minikeras loss/metric
    on the case's data (`y_true`/`weights` replaced when given; targets and predictions
    reshaped to `shape` when given)."""
    t, p, w = cases.data(name, ts, ps, ws)
    t = t if y_true is None else y_true
    if shape is not None:
        t, p = t.reshape(shape), p.reshape(shape)
    w = w if weights is None else weights
    try:
        return "ok", cases.value(minikeras, kind, name, t, p, w)
    except Exception as e:  # the outcome is what the tests compare
        return "error", e


OURS = {key: run(name, kind, ts, ps, ws) for key, kind, name, ts, ps, ws in cases.cases()}
CASES = {key: (kind, name, ts, ps, ws) for key, kind, name, ts, ps, ws in cases.cases()}


def trailing_one_apart(ts, ps) -> bool:
    return ts + (1,) == ps or ps + (1,) == ts


def broadcast_only(name, ts, ps) -> bool:
    """True when the shapes agree only under NumPy broadcasting (minikeras refuses)."""
    if cases.is_sparse(name):
        return ts not in (ps[:-1], ps[:-1] + (1,))
    return ts != ps and not trailing_one_apart(ts, ps)


def test_the_fixture_covers_every_case():
    assert set(KERAS) == set(CASES)
    assert len(KERAS) == 3380


def test_every_refusal_is_a_value_error_in_keras_style():
    """No call ends in NumPy's own broadcasting or reshape errors."""
    bad = {
        key: f"{type(out).__name__}: {out}"
        for key, (status, out) in OURS.items()
        if status == "error"
        and not (type(out) is ValueError and any(m in str(out) for m in OUR_MESSAGES))
    }
    assert not bad, bad


def test_values_match_keras_where_both_compute():
    differ = {}
    for key, (status, value) in OURS.items():
        kind, name, ts, ps, ws = CASES[key]
        if status != "ok" or KERAS[key][0] != "ok":
            continue
        if kind == "metric" and trailing_one_apart(ts, ps) and not cases.is_sparse(name):
            continue  # Keras's metric functions broadcast these (next tests)
        if not np.isclose(value, KERAS[key][1], rtol=2e-4, atol=2e-5):
            differ[key] = (value, KERAS[key][1])
    assert not differ, differ
    assert sum(1 for k in OURS if OURS[k][0] == "ok" == KERAS[k][0]) > 600


def test_refuses_what_keras_refuses_but_for_the_named_differences():
    accepted = {
        key for key, (status, _) in OURS.items() if status == "ok" and KERAS[key][0] == "error"
    }
    named = set()
    for key in accepted:
        kind, name, ts, ps, ws = CASES[key]
        if ws == (8,) and len(ps) == 3:
            named.add(key)  # per-sample weights of temporal values (next test)
        elif trailing_one_apart(ts, ps):
            named.add(key)  # a trailing size-1 axis squeezed (tests below)
    assert accepted == named
    assert len(named) > 50


def test_per_sample_weights_of_temporal_values_weigh_each_sample():
    """Keras 3 refuses weights of shape (batch,) for values of shape (batch, steps);
    tf.keras and minikeras weigh every value of a sample with its weight."""
    for key, (status, value) in OURS.items():
        kind, name, ts, ps, ws = CASES[key]
        if not (status == "ok" and KERAS[key][0] == "error" and ws == (8,) and len(ps) == 3):
            continue
        if trailing_one_apart(ts, ps):
            continue  # the next test's case
        w = cases.data(name, ts, ps, ws)[2]
        if kind == "loss":  # values (8, 5): the same weights as (8, 1) (Keras takes those)
            as_column = run(name, kind, ts, ps, (8, 1))
            assert as_column == ("ok", pytest.approx(value, rel=1e-5, abs=1e-6)), key
            keras_column = KERAS[key.replace("/(8,)", "/(8, 1)")]
            if keras_column[0] == "ok":
                assert np.isclose(value, keras_column[1], rtol=2e-4, atol=2e-5), key
        else:  # confusion-matrix metrics: one weight per prediction
            full = np.broadcast_to(w[:, None, None], ps).copy()
            expected = ("ok", pytest.approx(value, rel=1e-5, abs=1e-6))
            assert run(name, kind, ts, ps, None, weights=full) == expected, key


def test_a_trailing_size_one_axis_is_squeezed_as_keras_losses_do():
    """Where target and prediction differ by a trailing size-1 axis, minikeras's metrics
    squeeze it as Keras's `Loss.__call__` does; Keras's metric functions refuse it or
    broadcast (8, 1) against (8,) into (8, 8). The value equals the call on targets
    squeezed to the lower rank (expanded to rank 2 from rank 1), as Keras's losses do."""
    checked = 0
    for key, (status, value) in OURS.items():
        kind, name, ts, ps, ws = CASES[key]
        if not trailing_one_apart(ts, ps) or cases.is_sparse(name) or status != "ok":
            continue
        lower, higher = sorted((ts, ps), key=len)
        same = run(name, kind, ts, ps, ws, shape=lower if len(lower) > 1 else higher)
        assert same == ("ok", pytest.approx(value, rel=1e-5, abs=1e-6)), key
        checked += 1
    assert checked > 100


def test_sparse_labels_for_a_one_class_output():
    """Labels (8, 5) for an output (8, 5, 1): one class, so every label is 0 and every
    prediction right (Keras 3's loss squeezes the output and refuses; its metrics agree)."""
    for kind, name, perfect in (
        ("loss", "SparseCategoricalCrossentropy", 0.0),
        ("metric", "SparseCategoricalCrossentropy", 0.0),
        ("metric", "SparseCategoricalAccuracy", 1.0),
        ("metric", "SparseTopKCategoricalAccuracy", 1.0),
    ):
        assert run(name, kind, (8, 5), (8, 5, 1), None) == ("ok", pytest.approx(perfect, abs=1e-6))


def test_weights_that_fit_no_sample_are_refused():
    """Weights for 4 samples in a batch of 8, or (8, 3) weights for per-sample loss
    values of shape (8,): a clear error, not NumPy's broadcasting message (a scalar loss,
    from rank-1 targets, takes any weights, as in Keras)."""
    checked = 0
    for key, (status, out) in OURS.items():
        kind, name, ts, ps, ws = CASES[key]
        if ws not in ((4,), (8, 3)) or ps[0] != 8 or broadcast_only(name, ts, ps):
            continue
        if kind == "loss" and len(ps) == 1:
            continue
        assert status == "error" and "`sample_weight`" in str(out), (key, out)
        checked += 1
    assert checked > 300


def test_keras_computes_but_minikeras_refuses_only_broadcast_shapes():
    refused = {
        key: CASES[key]
        for key, (status, _) in OURS.items()
        if status == "error" and KERAS[key][0] == "ok"
    }
    for key, (_, name, ts, ps, _) in refused.items():
        msg = str(OURS[key][1])
        if broadcast_only(name, ts, ps):
            assert "same shape" in msg, key
        else:  # a sparse label for a rank-1 output, or weights for a reduced value
            assert cases.is_sparse(name) or "sample_weight" in msg, (key, msg)
    assert len(refused) > 300


def test_rank_one_accuracy_counts_every_entry():
    """Keras 3: `Accuracy`/`BinaryAccuracy` on rank-1 targets weigh each entry, and a
    second, smaller batch adds its entries (not one batch mean)."""
    m = minikeras.metrics.BinaryAccuracy()
    m.update_state([1, 0, 1, 1], [0.9, 0.2, 0.4, 0.8], sample_weight=[1, 2, 1, 1])
    assert float(m.result()) == pytest.approx(4 / 5)  # hits 1, 1, 0, 1 weighted 1, 2, 1, 1
    m = minikeras.metrics.Accuracy()
    m.update_state([1, 2, 3, 4], [1, 2, 0, 0])
    m.update_state([5], [5])
    assert float(m.result()) == pytest.approx(3 / 5)


def test_confusion_metrics_refuse_targets_of_another_layout():
    """Targets (3, 8) for predictions (8, 3) hold as many entries, but reshaping them
    would pair each prediction with another sample's label."""
    with pytest.raises(ValueError, match=r"confusion-matrix metric.*\(3, 8\).*\(8, 3\)"):
        minikeras.metrics.AUC().update_state(np.zeros((3, 8)), np.full((8, 3), 0.5))
    m = minikeras.metrics.Precision()  # a size-1 axis apart: still read as one layout
    m.update_state(np.array([[1], [0], [1]]), np.array([0.9, 0.8, 0.1]))
    assert float(m.result()) == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    "make, y_true, y_pred",
    [
        (lambda: minikeras.metrics.R2Score(), np.eye(8, 2), np.eye(8, 2)),
        (lambda: minikeras.metrics.F1Score(), np.eye(8, 2), np.eye(8, 2)),
        (lambda: minikeras.metrics.MeanIoU(num_classes=3), np.zeros(8), np.zeros(8)),
        (lambda: minikeras.metrics.AUC(), np.eye(8, 1), np.full((8, 1), 0.5)),
    ],
)
def test_other_metrics_refuse_weights_that_fit_no_sample(make, y_true, y_pred):
    for weights in (np.ones(4, "int32"), np.ones((8, 3), "int32")):
        with pytest.raises(ValueError, match=r"`sample_weight`.*Received: sample_weight"):
            make().update_state(y_true, y_pred, sample_weight=weights)
    make().update_state(y_true, y_pred, sample_weight=np.ones((8, 1), "int32"))


def test_mean_iou_refuses_label_and_prediction_counts_that_differ():
    with pytest.raises(ValueError, match=r"y_true.shape=\(8,\) and y_pred.shape=\(4,\)"):
        minikeras.metrics.MeanIoU(num_classes=3).update_state(np.zeros(8), np.zeros(4))


def test_sum_weighs_each_value_once():
    """Weights of shape (8, 1) for values (8,): one weight each (not an (8, 8) outer
    product); weights for one scalar value scale it by their sum."""
    total = minikeras.metrics.Sum()
    total.update_state(np.ones(8), sample_weight=np.arange(8.0)[:, None])
    assert float(total.result()) == 28.0
    total = minikeras.metrics.Sum()
    total.update_state(np.float32(2), sample_weight=np.arange(8.0))
    assert float(total.result()) == 56.0


def dtype_run(kind, name, target, prediction):
    try:
        y_true, y_pred = cases.dtype_data(name, target, prediction)
        return "ok", cases.value(minikeras, kind, name, y_true, y_pred, None)
    except Exception as e:  # the outcome is what the test compares
        return "error", e


def test_other_dtypes_give_keras_values():
    """Integer, boolean and float16 targets or predictions give Keras's values: half and
    integer predictions are computed in float32 (as Keras's `Loss.__call__` casts them;
    a KL divergence of integer predictions was NaN), boolean labels are cast before the
    hinge losses map 0/1 to -1/1 (they stayed boolean, so -1 became True). Named
    differences: Keras's metrics compute float16 predictions in float16, where the
    percentage error overflows to inf; on integer predictions they raise in some
    functions, give NaN for the percentage error, compute `log_cosh` in integer arithmetic
    and bucket the AUC's predictions above 1; minikeras computes all of them in float32."""
    differ, compared = {}, 0
    for key, kind, name, target, prediction in cases.dtype_cases():
        status, value = dtype_run(kind, name, target, prediction)
        assert status == "ok", (key, value)
        keras = KERAS_DTYPES[key]
        if kind == "metric" and prediction == "int32":
            continue  # the named differences
        assert keras[0] == "ok", key
        if not np.isfinite(keras[1]):  # float16 arithmetic in Keras's metric overflowed
            assert kind == "metric" and prediction == "float16" and np.isfinite(value), key
            continue
        compared += 1
        if not np.isclose(value, keras[1], rtol=2e-3, atol=2e-3):
            differ[key] = (value, keras[1])
    assert not differ, differ
    assert compared > 500


def test_integer_predictions_in_metrics_are_computed_in_float():
    """Where Keras's metric functions fail on integer predictions, or compute `log_cosh` in
    integers, minikeras gives the float32 value: the same as float32 predictions of those
    integer values."""
    for key, kind, name, target, prediction in cases.dtype_cases():
        if kind != "metric" or prediction != "int32":
            continue
        y_true, y_pred = cases.dtype_data(name, target, prediction)
        expected = cases.value(minikeras, kind, name, y_true, y_pred.astype("float32"), None)
        assert dtype_run(kind, name, target, prediction) == ("ok", pytest.approx(expected)), key
        keras = KERAS_DTYPES[key]
        if keras[0] == "ok" and np.isfinite(keras[1]) and name not in ("LogCoshError", "AUC"):
            assert keras[1] == pytest.approx(expected, rel=2e-3, abs=2e-3), key
