"""`legacy.renamed_argument`: one wording for every Keras 1/2 argument name, and an error
when both the old and the new name are given."""

from __future__ import annotations

import numpy as np
import pytest

import minikeras as keras
from minikeras.legacy.arguments import renamed_argument

WORDING = r"argument `{old}` is the Keras 1/2 name of `{new}`; use `{new}=` instead"


def test_old_name_is_taken_with_the_one_warning():
    kwargs = {"nb_epoch": 3}
    with pytest.warns(DeprecationWarning, match=WORDING.format(old="nb_epoch", new="epochs")):
        assert renamed_argument(kwargs, "nb_epoch", "epochs", 1, default=1, owner="fit()") == 3
    assert kwargs == {}
    assert renamed_argument({}, "nb_epoch", "epochs", 7, default=1) == 7


def test_both_names_raise():
    with pytest.raises(ValueError, match="both `nb_epoch`.*and `epochs`"):
        renamed_argument({"nb_epoch": 3}, "nb_epoch", "epochs", 5, default=1, owner="fit()")
    with pytest.raises(ValueError, match="both `init`"):
        renamed_argument(
            {"init": "zeros", "kernel_initializer": "ones"}, "init", "kernel_initializer"
        )


@pytest.mark.parametrize(
    "make,old,new",
    [
        (lambda: keras.layers.Dense(output_dim=2), "output_dim", "units"),
        (lambda: keras.layers.Dense(2, init="zeros"), "init", "kernel_initializer"),
        (lambda: keras.layers.Conv2D(4, 3, border_mode="same"), "border_mode", "padding"),
        (lambda: keras.layers.MaxPooling1D(pool_length=2), "pool_length", "pool_size"),
        (lambda: keras.layers.LeakyReLU(alpha=0.1), "alpha", "negative_slope"),
    ],
)
def test_layers_use_the_one_wording(make, old, new):
    with pytest.warns(DeprecationWarning, match=WORDING.format(old=old, new=new)):
        make()


def test_layers_reject_both_names():
    with pytest.raises(ValueError, match="both `output_dim`"):
        keras.layers.Dense(3, output_dim=2)
    with pytest.raises(ValueError, match="both `alpha`"):
        keras.layers.LeakyReLU(negative_slope=0.2, alpha=0.1)


def test_fit_nb_epoch():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.zeros((4, 2), np.float32)
    with pytest.warns(DeprecationWarning, match=WORDING.format(old="nb_epoch", new="epochs")):
        history = model.fit(x, x[:, :1], nb_epoch=2, verbose=0)
    assert len(history.history["loss"]) == 2
    with pytest.raises(ValueError, match="both `nb_epoch`"):
        model.fit(x, x[:, :1], epochs=3, nb_epoch=2, verbose=0)
