"""`tf.version`: the TensorFlow version the stand-in follows."""

VERSION = "2.16.1"
GIT_VERSION = "minikeras"
COMPILER_VERSION = "none"
GRAPH_DEF_VERSION = 0
