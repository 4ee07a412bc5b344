# Module constants (`__constants__`) decide `if`s and conditional expressions
# while forward compiles, so their branches may return different types;
# instances whose constants differ are different classes. Checked against
# PyTorch by tests/harness/nn_vs_torch.py.
import torch
import torch.nn as nn
from torch import Tensor
from typing import Final


class Scale(nn.Module):
    __constants__ = ["pair", "factor", "mode"]

    def __init__(self, pair: bool, factor: float, mode: str):
        super().__init__()
        self.pair = pair
        self.factor = factor
        self.mode = mode

    def forward(self, x: Tensor):
        y = x * self.factor if self.mode == "mul" else x + self.factor
        if not self.pair:
            return y
        return y, -y


class Flagged(nn.Module):
    shift: Final[bool] = True

    def forward(self, x: Tensor):
        return (x + 1.0, x) if self.shift else x


class Constants(nn.Module):
    def __init__(self):
        super().__init__()
        self.single = Scale(False, 2.0, "mul")
        self.paired = Scale(True, 0.5, "add")
        self.flagged = Flagged()
        self.pool = nn.MaxPool2d(2, return_indices=True)
        self.plain = nn.MaxPool2d(2)

    def forward(self, x: Tensor):
        a = self.single(x)
        b, c = self.paired(x)
        d, e = self.flagged(x)
        p, idx = self.pool(x)
        return a + b * c + d * e, p, idx, self.plain(x)
