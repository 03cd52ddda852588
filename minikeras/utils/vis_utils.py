"""Keras 2 `keras.utils.vis_utils`: `plot_model` and `model_to_dot`."""

from minikeras.utils.model_visualization import model_to_dot, plot_model

__all__ = ["model_to_dot", "plot_model"]
