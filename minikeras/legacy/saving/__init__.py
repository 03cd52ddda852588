"""Reading files written by Keras 1, Keras 2 (TensorFlow, Theano, CuDNN) and odd writers.

`origin` tells which Keras and backend wrote a file, `layer_configs` and
`model_configs` translate configs, `weight_layouts` converts weight arrays.
"""
