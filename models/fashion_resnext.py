"""A small ResNeXt for 28x28 grayscale images (Fashion-MNIST): bottleneck blocks with grouped 3x3
convolutions (cardinality), BatchNorm, ReLU and residual shortcuts, as in ResNeXt50 but tiny."""

import torch
from torch import nn


class Bottleneck(nn.Module):
    def __init__(self, cin: int, cout: int, width: int, cardinality: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, groups=cardinality, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + shortcut)


class FashionResNeXt(nn.Module):
    def __init__(self, num_classes: int = 10, in_chans: int = 1):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_chans, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True)
        )
        self.layers = nn.Sequential(
            Bottleneck(32, 64, width=32, cardinality=8, stride=2),  # 28 -> 14
            Bottleneck(64, 128, width=64, cardinality=8, stride=2),  # 14 -> 7
            Bottleneck(128, 128, width=64, cardinality=8, stride=1),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.layers(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


def fashion_resnext(num_classes: int = 10, in_chans: int = 1) -> FashionResNeXt:
    """Factory named by `yaml/fashion_resnext.yaml` (`module: models/fashion_resnext.py:fashion_resnext`)."""
    return FashionResNeXt(num_classes=num_classes, in_chans=in_chans)
