# Module containers and module-typed attributes in scripts, checked against
# PyTorch by tests/harness/nn_vs_torch.py (same weights, same outputs).
import torch
import torch.nn as nn
import torch.nn.functional as F
from typing import Dict, List, Optional


class Stack(nn.Module):
    # ModuleList built in a loop, indexing with constants, enumerate, len.
    def __init__(self, width: int = 4, depth: int = 3):
        super().__init__()
        self.blocks = nn.ModuleList()
        for i in range(depth):
            self.blocks.append(nn.Linear(width, width, bias=i % 2 == 0))
        self.norms = nn.ModuleList([nn.LayerNorm(width) for _ in range(depth)])
        self.out = nn.Linear(width, 2)

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            x = x + F.gelu(block(x)) * (i + 1)
        for norm in self.norms:
            x = norm(x)
        x = self.blocks[-1](x) + self.blocks[0](x)
        return self.out(x) * len(self.blocks)


class Branches(nn.Module):
    # ModuleDict iterated by items(), indexed by a constant key; an optional
    # submodule decided while compiling; Sequential inside Sequential.
    def __init__(self, width: int = 4, gate: bool = False):
        super().__init__()
        self.paths = nn.ModuleDict({
            "relu": nn.Sequential(nn.Linear(width, width), nn.ReLU()),
            "tanh": nn.Sequential(nn.Linear(width, width), nn.Sequential(nn.Tanh(), nn.Identity())),
        })
        self.gate: Optional[nn.Linear] = nn.Linear(width, width) if gate else None
        self.scale = nn.Parameter(torch.ones(width) * 0.5)
        self.register_buffer("offset", torch.arange(width, dtype=torch.float32) / 10)

    def forward(self, x):
        total = torch.zeros_like(x)
        for name, path in self.paths.items():
            total = total + path(x)
        if self.gate is not None:
            total = total * torch.sigmoid(self.gate(x))
        return total * self.scale + self.offset + self.paths["relu"](x)


class Shared(nn.Module):
    # One submodule reachable under two names; training mode (dropout p=0,
    # batch norm with batch statistics); an exported method.
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.again = self.proj
        self.bn = nn.BatchNorm1d(4)
        self.drop = nn.Dropout(0.0)

    def forward(self, x):
        return self.drop(self.bn(self.again(self.proj(x))))

    @torch.jit.export
    def twice(self, x):
        return self.forward(self.forward(x))
