"""`minikeras.applications`: Keras's pretrained image architectures.

Each model function has Keras 3's arguments, layer names, weight order and parameter
counts; `weights="imagenet"` reads the file Keras would have downloaded from
`$KERAS_HOME/models/` (`~/.keras/models/`), and never downloads.
"""

from minikeras.applications import (
    densenet,
    imagenet_utils,
    mobilenet,
    mobilenet_v2,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
)
from minikeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from minikeras.applications.mobilenet import MobileNet
from minikeras.applications.mobilenet_v2 import MobileNetV2
from minikeras.applications.resnet import ResNet50, ResNet101, ResNet152
from minikeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from minikeras.applications.vgg16 import VGG16
from minikeras.applications.vgg19 import VGG19

__all__ = [
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "MobileNet",
    "MobileNetV2",
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "ResNet50V2",
    "ResNet101V2",
    "ResNet152V2",
    "VGG16",
    "VGG19",
    "densenet",
    "imagenet_utils",
    "mobilenet",
    "mobilenet_v2",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
]
