"""A small MobileNetV3-style net for 28x28 grayscale images (Fashion-MNIST), built to be hostile to int8 the way
MobileNetV3 is on the RDK X5 (zoo: 74.75 -> 64.75 Top-1): depthwise convolutions (a few weights per channel, wide
per-channel ranges), squeeze-excite gates, and hard-swish activations (a long negative tail clipped at -0.375)."""

import torch
from torch import nn


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, reduced: int):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.reduce = nn.Conv2d(channels, reduced, 1)
        self.expand = nn.Conv2d(reduced, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = torch.relu(self.reduce(self.pool(x)))
        return x * nn.functional.hardsigmoid(self.expand(s))


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, expand: int, cout: int, kernel: int, stride: int, se: bool):
        super().__init__()
        self.expand = nn.Sequential(nn.Conv2d(cin, expand, 1, bias=False), nn.BatchNorm2d(expand), nn.Hardswish())
        self.depthwise = nn.Sequential(
            nn.Conv2d(expand, expand, kernel, stride=stride, padding=kernel // 2, groups=expand, bias=False),
            nn.BatchNorm2d(expand),
            nn.Hardswish(),
        )
        self.se = SqueezeExcite(expand, max(8, expand // 4)) if se else nn.Identity()
        self.project = nn.Sequential(nn.Conv2d(expand, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.residual else y


class FashionMobileNet(nn.Module):
    def __init__(self, num_classes: int = 10, in_chans: int = 1):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_chans, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.Hardswish())
        self.blocks = nn.Sequential(
            InvertedResidual(16, 16, 16, 3, 2, se=True),  # 28 -> 14
            InvertedResidual(16, 48, 24, 3, 1, se=False),
            InvertedResidual(24, 72, 32, 5, 2, se=True),  # 14 -> 7
            InvertedResidual(32, 96, 32, 5, 1, se=True),
            InvertedResidual(32, 128, 48, 5, 1, se=True),
        )
        self.head = nn.Sequential(
            nn.Conv2d(48, 144, 1, bias=False), nn.BatchNorm2d(144), nn.Hardswish(), nn.AdaptiveAvgPool2d(1)
        )
        self.classifier = nn.Sequential(nn.Linear(144, 192), nn.Hardswish(), nn.Linear(192, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.head(self.blocks(self.stem(x))), 1))


def fashion_mobilenet(num_classes: int = 10, in_chans: int = 1) -> FashionMobileNet:
    """Factory named by `yaml/fashion_mobilenet.yaml`."""
    return FashionMobileNet(num_classes=num_classes, in_chans=in_chans)
