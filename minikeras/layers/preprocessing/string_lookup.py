"""`StringLookup`: strings to vocabulary indices (or back)."""

from __future__ import annotations

from minikeras.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary (Keras 3's `StringLookup`).

    Runs on Python and NumPy (Keras needs TensorFlow for this layer).

    Args:
        max_tokens: Maximum vocabulary size, including mask and OOV indices.
        num_oov_indices: Number of OOV indices (default 1); with more than one,
            OOV strings are spread by FarmHash Fingerprint64 (SipHash with `salt`).
        mask_token: Optional token for index 0 (padding).
        oov_token: Token returned for OOV indices with `invert=True` (`"[UNK]"`).
        vocabulary: Optional list/array of strings.
        idf_weights: IDF weights for `output_mode="tf_idf"`.
        invert: Map indices to strings instead.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        pad_to_max_tokens: Encoded outputs have `max_tokens` entries.
        sparse: Only False.
        encoding: Text encoding of bytes inputs (UTF-8).

    Example:
        >>> layer = StringLookup(vocabulary=["a", "b", "c"])
        >>> layer([["a", "c"], ["d", "b"]])
        array([[1, 3],
               [0, 2]])
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token="[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        pad_to_max_tokens=False,
        sparse=False,
        encoding="utf-8",
        name=None,
        **kwargs,
    ):
        kwargs.pop("vocabulary_dtype", None)
        oov_method = kwargs.pop("oov_method", "floormod")  # strings are always hashed
        self.encoding = encoding
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary_dtype="string",
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            name=name,
            **kwargs,
        )

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["encoding"] = self.encoding
        cfg.pop("vocabulary_dtype")
        return cfg
