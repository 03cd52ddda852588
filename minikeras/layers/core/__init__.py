"""Core layers (also importable as the legacy `keras.layers.core`)."""
