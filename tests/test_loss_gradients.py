"""Float64 finite-difference checks of every loss's gradient with respect to `y_pred`."""

from __future__ import annotations

import numpy as np
import pytest

from minikeras import losses
from minikeras.testing.gradient_check import gradient_check

RNG = np.random.default_rng(5)
BIN_T = (RNG.random((4, 3)) > 0.5).astype("float64")
PROB = RNG.uniform(0.1, 0.9, (4, 3))
CAT_T = np.eye(3)[[0, 2, 1, 2]]
SPARSE = np.array([0, 2, 1, 2])
REG_T = RNG.uniform(0.5, 2.0, (4, 3))
REG_P = REG_T + RNG.choice([-1, 1], (4, 3)) * RNG.uniform(0.2, 1.5, (4, 3))
LOGITS = RNG.normal(size=(4, 3))

CASES = [
    ("mean_squared_error", {}, REG_T, REG_P),
    ("mean_absolute_error", {}, REG_T, REG_P),
    ("mean_absolute_percentage_error", {}, REG_T, REG_P),
    ("mean_squared_logarithmic_error", {}, REG_T, np.abs(REG_P) + 0.1),
    ("huber", {"delta": 0.5}, REG_T, REG_P),
    ("log_cosh", {}, REG_T, REG_P),
    ("kl_divergence", {}, CAT_T * 0.8 + 0.05, PROB),
    ("poisson", {}, REG_T, np.abs(REG_P) + 0.1),
    ("cosine_similarity", {}, REG_T, REG_P),
    ("hinge", {}, BIN_T, LOGITS * 0.3 + 0.1),
    ("squared_hinge", {}, BIN_T, LOGITS),
    ("categorical_hinge", {}, CAT_T, LOGITS),
    ("binary_crossentropy", {}, BIN_T, PROB),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.2}, BIN_T, LOGITS),
    ("binary_focal_crossentropy", {"apply_class_balancing": True}, BIN_T, PROB),
    ("binary_focal_crossentropy", {"from_logits": True, "gamma": 1.5}, BIN_T, LOGITS),
    ("categorical_crossentropy", {"label_smoothing": 0.1}, CAT_T, PROB),
    ("categorical_crossentropy", {"from_logits": True}, CAT_T, LOGITS),
    ("categorical_focal_crossentropy", {}, CAT_T, PROB),
    ("categorical_focal_crossentropy", {"from_logits": True}, CAT_T, LOGITS),
    ("sparse_categorical_crossentropy", {"from_logits": True}, SPARSE, LOGITS),
    ("sparse_categorical_crossentropy", {"ignore_class": 1}, SPARSE, PROB),
    ("categorical_generalized_cross_entropy", {"q": 0.5}, SPARSE, PROB),
    ("dice", {}, BIN_T, PROB),
    ("tversky", {"alpha": 0.3, "beta": 0.7}, BIN_T, PROB),
]


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_loss_gradient(name, kwargs, y_true, y_pred):
    fn = losses.get(name)
    gradient_check(lambda p: fn(y_true, p, **kwargs), [y_pred], rtol=1e-5, atol=1e-7)


def test_weighted_reduced_loss_gradient():
    sw = np.array([0.5, 2.0, 1.0, 0.0])
    loss = losses.Huber(delta=0.7, reduction="mean_with_sample_weight")
    gradient_check(lambda p: loss(REG_T, p, sample_weight=sw), [REG_P], rtol=1e-5)
