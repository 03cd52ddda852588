"""TensorFlow's "basic text classification" tutorial (IMDB sentiment), restated.

The IMDB archive is replaced by a small generated folder of the same layout
(`aclImdb/{train,test}/{pos,neg,unsup}/*.txt`, reviews with `<br />` breaks and
punctuation); the rest follows the tutorial: `text_dataset_from_directory` with
a validation split, a custom standardization with `tf.strings`, a
`TextVectorization` layer adapted on a `tf.data` pipeline and mapped over it,
cache/prefetch, an Embedding + pooling model with logits, `tf.metrics`, and an
export model that takes raw strings. The script runs under TensorFlow too.
"""

import os
import re
import shutil
import string

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, losses

tf.keras.utils.set_random_seed(0)

# ---- a stand-in for the IMDB download, in the same folder layout
rng = np.random.default_rng(0)
POSITIVE = ["wonderful", "great", "superb", "moving", "brilliant", "loved"]
NEGATIVE = ["awful", "boring", "terrible", "dull", "worst", "hated"]
NEUTRAL = ["the", "a", "movie", "film", "plot", "actor", "scene", "and", "it", "was"]


def write_review(path, words):
    chosen = list(rng.choice(NEUTRAL, size=20)) + list(rng.choice(words, size=4))
    rng.shuffle(chosen)
    text = " ".join(chosen[:12]) + "!<br /><br />" + " ".join(chosen[12:]).capitalize() + "."
    with open(path, "w") as f:
        f.write(text)


dataset_dir = os.path.abspath("aclImdb_v1")
for split, count in (("train", 100), ("test", 40)):
    for label, words in (("pos", POSITIVE), ("neg", NEGATIVE), ("unsup", NEUTRAL)):
        if split == "test" and label == "unsup":
            continue
        folder = os.path.join(dataset_dir, "aclImdb", split, label)
        os.makedirs(folder, exist_ok=True)
        for i in range(count):
            write_review(os.path.join(folder, f"{i}_{7 if label == 'pos' else 2}.txt"), words)

train_dir = os.path.join(dataset_dir, "aclImdb", "train")
test_dir = os.path.join(dataset_dir, "aclImdb", "test")
assert sorted(os.listdir(train_dir)) == ["neg", "pos", "unsup"]
shutil.rmtree(os.path.join(train_dir, "unsup"))

# ---- the tutorial
batch_size = 32
seed = 42
raw_train_ds = tf.keras.utils.text_dataset_from_directory(
    train_dir, batch_size=batch_size, validation_split=0.2, subset="training", seed=seed
)
raw_val_ds = tf.keras.utils.text_dataset_from_directory(
    train_dir, batch_size=batch_size, validation_split=0.2, subset="validation", seed=seed
)
raw_test_ds = tf.keras.utils.text_dataset_from_directory(test_dir, batch_size=batch_size)
assert raw_train_ds.class_names == ["neg", "pos"]
for text_batch, label_batch in raw_train_ds.take(1):
    assert text_batch.dtype == tf.string and label_batch.dtype == tf.int32
    print("Review", text_batch.numpy()[0])
    print("Label", label_batch.numpy()[0])


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    punctuation = "[%s]" % re.escape(string.punctuation)  # noqa: UP031 - the tutorial's
    return tf.strings.regex_replace(stripped_html, punctuation, "")


cleaned = custom_standardization(tf.constant(["A <br />Great, GREAT movie!"]))
assert cleaned.numpy().tolist() == [b"a  great great movie"], cleaned

max_features = 100
sequence_length = 40
vectorize_layer = layers.TextVectorization(
    standardize=custom_standardization,
    max_tokens=max_features,
    output_mode="int",
    output_sequence_length=sequence_length,
)
train_text = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(train_text)
vocabulary = vectorize_layer.get_vocabulary()
print("Vocabulary size: {}".format(len(vocabulary)))  # noqa: UP032 - the tutorial's
assert vocabulary[:2] == ["", "[UNK]"]
assert len(vocabulary) == 2 + len(set(POSITIVE + NEGATIVE + NEUTRAL))
assert set(vocabulary[2:5]) <= set(NEUTRAL)  # the most frequent words come first


def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label


text_batch, label_batch = next(iter(raw_train_ds))
first_review, first_label = text_batch[0], label_batch[0]
vectorized, _ = vectorize_text(first_review, first_label)
assert tuple(vectorized.shape) == (1, sequence_length) and vectorized.dtype == tf.int64
words = custom_standardization(first_review).numpy().decode().split()
assert [vocabulary[i] for i in vectorized.numpy()[0][: len(words)]] == words

train_ds = raw_train_ds.map(vectorize_text)
val_ds = raw_val_ds.map(vectorize_text)
test_ds = raw_test_ds.map(vectorize_text)
AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)
test_ds = test_ds.cache().prefetch(buffer_size=AUTOTUNE)

embedding_dim = 16
model = tf.keras.Sequential(
    [
        layers.Embedding(max_features, embedding_dim),
        layers.Dropout(0.2),
        layers.GlobalAveragePooling1D(),
        layers.Dropout(0.2),
        layers.Dense(1),
    ]
)
model.compile(
    loss=losses.BinaryCrossentropy(from_logits=True),
    optimizer="adam",
    metrics=[tf.metrics.BinaryAccuracy(threshold=0.0)],
)
history = model.fit(train_ds, validation_data=val_ds, epochs=60, verbose=0)
history_dict = history.history
assert sorted(history_dict) == ["binary_accuracy", "loss", "val_binary_accuracy", "val_loss"]
loss, accuracy = model.evaluate(test_ds, verbose=0)
print("Loss: ", loss, "Accuracy: ", accuracy)
assert history_dict["loss"][-1] < history_dict["loss"][0]
assert accuracy > 0.9, accuracy

# A model that takes raw strings: the vectorizer inside, a sigmoid on the logits.
export_model = tf.keras.Sequential([vectorize_layer, model, layers.Activation("sigmoid")])
export_model.compile(
    loss=losses.BinaryCrossentropy(from_logits=False), optimizer="adam", metrics=["accuracy"]
)
_, export_accuracy = export_model.evaluate(raw_test_ds, verbose=0)
np.testing.assert_allclose(export_accuracy, accuracy, atol=1e-6)
examples = tf.constant(
    [
        "A wonderful, brilliant movie! Great actor, superb plot.",
        "The plot was dull<br />and boring, the worst, awful actor.",
        "Superb. Loved it, a great and moving film.",
    ]
)
scores = export_model.predict(examples, verbose=0)
print(scores)
assert scores.shape == (3, 1) and scores[0, 0] > 0.5 > scores[1, 0] and scores[2, 0] > 0.5
print("OK text classification")
