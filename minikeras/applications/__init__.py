"""`minikeras.applications`: Keras's pretrained image architectures.

Each model function has Keras 3's arguments, layer names, weight order and parameter
counts; `weights="imagenet"` reads the file Keras would have downloaded from
`$KERAS_HOME/models/` (`~/.keras/models/`), and never downloads.
"""

from minikeras.applications import (
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    imagenet_utils,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    nasnet,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from minikeras.applications.convnext import (
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from minikeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from minikeras.applications.efficientnet import (
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from minikeras.applications.efficientnet_v2 import (
    EfficientNetV2B0,
    EfficientNetV2B1,
    EfficientNetV2B2,
    EfficientNetV2B3,
)
from minikeras.applications.inception_v3 import InceptionV3
from minikeras.applications.mobilenet import MobileNet
from minikeras.applications.mobilenet_v2 import MobileNetV2
from minikeras.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from minikeras.applications.nasnet import NASNetLarge, NASNetMobile
from minikeras.applications.resnet import ResNet50, ResNet101, ResNet152
from minikeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from minikeras.applications.vgg16 import VGG16
from minikeras.applications.vgg19 import VGG19
from minikeras.applications.xception import Xception

__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "convnext",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "InceptionV3",
    "NASNetLarge",
    "NASNetMobile",
    "nasnet",
    "MobileNetV3Large",
    "MobileNetV3Small",
    "Xception",
    "efficientnet",
    "efficientnet_v2",
    "inception_v3",
    "mobilenet_v3",
    "xception",
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
