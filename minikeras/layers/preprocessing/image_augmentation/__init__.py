"""Image augmentation layers: random in training, identity at inference."""
