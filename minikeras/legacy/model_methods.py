"""Keras 2 `Model` methods removed in Keras 3, kept so old tutorials run (deprecated)."""

from __future__ import annotations

import warnings


class LegacyModelMethods:
    """`predict_classes`, `predict_proba` and the `*_generator` methods, mixed into `Model`."""

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 2 `Sequential.predict_classes`: arg-max classes, or 0/1 for one output unit.

        Deprecated in Keras 2.6 and removed in Keras 3; kept so old tutorials run.
        """
        warnings.warn(
            "`model.predict_classes()` is deprecated. Please use instead: "
            "`np.argmax(model.predict(x), axis=-1)` (multi-class) or "
            "`(model.predict(x) > 0.5).astype('int32')` (binary).",
            DeprecationWarning,
            stacklevel=2,
        )
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 2 `Sequential.predict_proba`: same as `predict` (deprecated)."""
        warnings.warn(
            "`model.predict_proba()` is deprecated. Please use `model.predict()`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def fit_generator(
        self,
        generator,
        steps_per_epoch=None,
        epochs=1,
        verbose=1,
        callbacks=None,
        validation_data=None,
        validation_steps=None,
        class_weight=None,
        initial_epoch=0,
        shuffle=True,
        **kwargs,
    ):
        """Keras 2 alias of `fit` for generators (deprecated)."""
        warnings.warn(
            "`Model.fit_generator` is deprecated. Please use `Model.fit`, which "
            "supports generators.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.fit(
            generator,
            steps_per_epoch=steps_per_epoch,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            validation_data=validation_data,
            validation_steps=validation_steps,
            class_weight=class_weight,
            initial_epoch=initial_epoch,
            shuffle=shuffle,
            **kwargs,
        )

    def evaluate_generator(self, generator, steps=None, verbose=0, **kwargs):
        """Keras 2 alias of `evaluate` for generators (deprecated)."""
        warnings.warn(
            "`Model.evaluate_generator` is deprecated. Please use `Model.evaluate`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.evaluate(generator, steps=steps, verbose=verbose, **kwargs)

    def predict_generator(self, generator, steps=None, verbose=0, **kwargs):
        """Keras 2 alias of `predict` for generators (deprecated)."""
        warnings.warn(
            "`Model.predict_generator` is deprecated. Please use `Model.predict`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.predict(generator, steps=steps, verbose=verbose, **kwargs)
