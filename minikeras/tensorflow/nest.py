"""`tf.nest`: nested lists, tuples and dicts of tensors (lists are structure here)."""

from __future__ import annotations


def is_nested(structure) -> bool:
    return isinstance(structure, (list, tuple, dict))


def flatten(structure, expand_composites=False) -> list:
    """The leaves in order (dict values by sorted key, as TensorFlow orders them)."""
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [leaf for e in structure for leaf in flatten(e)]
    return [structure]


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """`flat_sequence` rebuilt in the shape of `structure`."""
    it = iter(flat_sequence)

    def build(s):
        if isinstance(s, dict):
            built = {k: build(s[k]) for k in sorted(s)}
            return type(s)((k, built[k]) for k in s)
        if isinstance(s, (list, tuple)):
            items = [build(e) for e in s]
            if hasattr(s, "_fields"):
                return type(s)(*items)
            return type(s)(items)
        return next(it)

    return build(structure)


def map_structure(func, *structure, **kwargs):
    """`func` applied to the corresponding leaves of one or more structures."""
    flats = [flatten(s) for s in structure]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError("The structures don't have the same number of elements.")
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flats)])


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raises ValueError when the two structures nest differently."""

    def skeleton(s):
        if isinstance(s, dict):
            return ("dict", tuple((k, skeleton(s[k])) for k in sorted(s)))
        if isinstance(s, (list, tuple)):
            kind = type(s).__name__ if check_types else "seq"
            return (kind, tuple(skeleton(e) for e in s))
        return None

    if skeleton(nest1) != skeleton(nest2):
        raise ValueError(
            f"The two structures don't have the same nested structure.\n\nFirst structure: "
            f"{nest1}\n\nSecond structure: {nest2}"
        )
