"""Legacy `keras.layers.convolutional`: convolution, up-sampling, padding and cropping layers."""

from minikeras.layers._legacy_paths import forwarder

NAMES = (
    "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D",
    "SeparableConv2D", "DepthwiseConv2D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
    "Cropping3D", "Convolution1D", "Convolution2D", "Convolution3D", "Deconvolution2D",
    "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
)

__getattr__, __dir__ = forwarder(__name__, NAMES)
