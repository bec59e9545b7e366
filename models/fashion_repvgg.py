"""A small RepVGG for 28x28 grayscale images (Fashion-MNIST), hostile to int8 the way RepVGG is on the RDK X5
(zoo: RepVGG_A0 72.41 -> 51.75 Top-1): trained with 3x3, 1x1 and identity branches, deployed with each block
fused into one 3x3 convolution (`reparameterize()`, which zooforge's `model.reparameterize: auto` calls). The fused
kernels add the branches' BatchNorm-scaled weights, so per-channel ranges differ widely."""

import torch
from torch import nn


def fuse_bn(kernel: torch.Tensor, bn: nn.BatchNorm2d):
    std = (bn.running_var + bn.eps).sqrt()
    t = bn.weight / std
    return kernel * t.reshape(-1, 1, 1, 1), bn.bias - bn.running_mean * t


class RepBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.cin, self.cout, self.stride = cin, cout, stride
        self.conv3 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.conv1 = nn.Conv2d(cin, cout, 1, stride=stride, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.identity = nn.BatchNorm2d(cout) if cin == cout and stride == 1 else None
        self.fused = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fused is not None:
            return torch.relu(self.fused(x))
        y = self.bn3(self.conv3(x)) + self.bn1(self.conv1(x))
        return torch.relu(y + self.identity(x) if self.identity is not None else y)

    @torch.no_grad()
    def reparameterize(self) -> None:
        """Fold the three branches into one 3x3 convolution with bias (the deployed form)."""
        k3, b3 = fuse_bn(self.conv3.weight, self.bn3)
        k1, b1 = fuse_bn(nn.functional.pad(self.conv1.weight, (1, 1, 1, 1)), self.bn1)
        kernel, bias = k3 + k1, b3 + b1
        if self.identity is not None:
            eye = torch.zeros(self.cout, self.cin, 3, 3)
            eye[torch.arange(self.cout), torch.arange(self.cin), 1, 1] = 1.0
            ki, bi = fuse_bn(eye, self.identity)
            kernel, bias = kernel + ki, bias + bi
        self.fused = nn.Conv2d(self.cin, self.cout, 3, stride=self.stride, padding=1, bias=True)
        self.fused.weight.copy_(kernel)
        self.fused.bias.copy_(bias)
        for name in ("conv3", "bn3", "conv1", "bn1", "identity"):
            delattr(self, name)
        self.identity = None


class FashionRepVGG(nn.Module):
    def __init__(self, num_classes: int = 10, in_chans: int = 1):
        super().__init__()
        widths, depths = (16, 32, 64), (2, 2, 3)
        blocks, cin = [RepBlock(in_chans, 16, 1)], 16
        for i, (w, d) in enumerate(zip(widths, depths)):
            for j in range(d):
                blocks.append(RepBlock(cin, w, 2 if j == 0 and i < 2 else 1))  # 28 -> 14 -> 7
                cin = w
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.blocks(x)), 1))


def fashion_repvgg(num_classes: int = 10, in_chans: int = 1) -> FashionRepVGG:
    """Factory named by `yaml/fashion_repvgg.yaml` (the checkpoint holds the training-time branches)."""
    return FashionRepVGG(num_classes=num_classes, in_chans=in_chans)
