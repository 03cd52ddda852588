"""The `*_dataset_from_directory` functions refuse bad label arguments in Keras's words."""

import pytest

from minikeras.utils import image_dataset_from_directory, text_dataset_from_directory

FUNCTIONS = [
    (image_dataset_from_directory, "image files", "images"),
    (text_dataset_from_directory, "text files", "text samples"),
]


@pytest.mark.parametrize("function, files, samples", FUNCTIONS)
def test_labels_must_be_inferred_none_or_a_list(tmp_path, function, files, samples):
    with pytest.raises(ValueError, match=f"number of {files} in the target directory") as info:
        function(str(tmp_path), labels="from_names")
    assert f"only contains {samples} (no labels)" in str(info.value)
    assert "Received: labels=from_names" in str(info.value)


@pytest.mark.parametrize("function, files, samples", FUNCTIONS)
def test_class_names_only_with_inferred_labels(tmp_path, function, files, samples):
    with pytest.raises(ValueError, match='only pass `class_names` if `labels="inferred"`'):
        function(str(tmp_path), labels=[0, 1], class_names=["a", "b"])


@pytest.mark.parametrize("function, files, samples", FUNCTIONS)
def test_label_mode_is_one_of_keras_modes(tmp_path, function, files, samples):
    with pytest.raises(ValueError, match="Received: label_mode=sparse"):
        function(str(tmp_path), label_mode="sparse")
