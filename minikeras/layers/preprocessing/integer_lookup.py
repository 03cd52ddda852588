"""`IntegerLookup`: integers to vocabulary indices (or back)."""

from __future__ import annotations

from minikeras.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices through a vocabulary (Keras 3's `IntegerLookup`).

    Args:
        max_tokens: Maximum vocabulary size, including mask and OOV indices.
        num_oov_indices: Number of OOV indices (default 1); with more than one,
            OOV values go to `value % num_oov_indices` (`oov_method="floormod"`)
            or to a FarmHash bucket of their decimal text (`"farmhash"`).
        mask_token: Optional integer for index 0.
        oov_token: Integer returned for OOV indices with `invert=True` (-1).
        vocabulary: Optional list/array of integers.
        vocabulary_dtype: `"int64"` (default) or `"int32"`.
        idf_weights, invert, output_mode, pad_to_max_tokens, sparse: As in `StringLookup`.

    Example:
        >>> IntegerLookup(vocabulary=[12, 36, 1138, 42])(np.array([[12, 1138], [42, 7]]))
        array([[1, 3],
               [4, 0]])
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token=-1,
        vocabulary=None,
        vocabulary_dtype="int64",
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        name=None,
        **kwargs,
    ):
        if vocabulary_dtype not in ("int64", "int32"):
            raise ValueError(
                "`vocabulary_dtype` must be 'int64' or 'int32'. Received: "
                f"vocabulary_dtype={vocabulary_dtype}"
            )
        oov_method = kwargs.pop("oov_method", "floormod")
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary_dtype=vocabulary_dtype,
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
