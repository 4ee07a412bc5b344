# A small convolutional image classifier: Conv2d, BatchNorm2d, ReLU,
# MaxPool2d, AdaptiveAvgPool2d, Flatten, Dropout and Linear in an
# nn.Sequential, then log_softmax. Weights get a fixed pattern so the output
# is the same under wick and under PyTorch (`python3 cnn_classifier.py`);
# `wick run cnn_classifier.py --weights W.pt` runs weights trained in PyTorch.
import torch
import torch.nn as nn
import torch.nn.functional as F
from typing import List


class Classifier(nn.Module):
    def __init__(self, classes: int = 4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d((1, 1)),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(16, classes))

    def forward(self, images):
        return F.log_softmax(self.head(self.features(images)), dim=1)


def patterned(shape: List[int], phase: float):
    # Deterministic weights: a slow wave over the parameter's elements.
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + phase).reshape(shape) * 0.5


def images():
    # Four 12x12 pictures: vertical stripes, horizontal stripes, a square, a diagonal.
    x = torch.zeros(4, 1, 12, 12)
    x[0, 0, :, ::3] = 1.0
    x[1, 0, ::3, :] = 1.0
    x[2, 0, 3:9, 3:9] = 1.0
    for i in range(12):
        x[3, 0, i, i] = 1.0
    return x


def main():
    net = Classifier()
    with torch.no_grad():
        k = 0
        for p in net.parameters():
            p.copy_(patterned(list(p.shape), float(k)))
            k += 1
    net.eval()
    scores = net(images())
    best: List[int] = scores.argmax(dim=1).tolist()
    names = ["vertical", "horizontal", "square", "diagonal"]
    for i in range(4):
        print("image {}: class {} ({}), log-prob {:.4f}".format(i, best[i], names[best[i]], scores[i, best[i]].item()))


if __name__ == "__main__":
    main()
