# named_parameters(), named_buffers() and state_dict() in a script: the names
# PyTorch gives (nested modules, containers, parameters before buffers), in
# its order. Run with the samples (tests/harness/run_samples.py); expected from PyTorch.
import torch
import torch.nn as nn
from typing import Dict, List, Tuple


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, bias=False)
        self.bn = nn.BatchNorm2d(3)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(Block(), nn.ReLU(), Block())
        self.heads = nn.ModuleDict({"a": nn.Linear(3, 2), "b": nn.Linear(3, 1, bias=False)})
        self.register_buffer("steps", torch.zeros(1))
        self.scale = nn.Parameter(torch.ones(2))


def main():
    net = Net()
    names: List[str] = []
    for name, p in net.named_parameters():
        names.append(name + ":" + str(p.numel()))
    print(" ".join(names))
    print(" ".join([n for n, b in net.named_buffers()]))
    sd: Dict[str, torch.Tensor] = net.state_dict()
    print(len(sd), " ".join(sd.keys()))
    count = 0
    for p in net.parameters():
        count += 1
    for b in net.buffers():
        count += 100
    print(count)


if __name__ == "__main__":
    main()
