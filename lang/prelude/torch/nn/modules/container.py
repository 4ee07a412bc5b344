# The containers' compiled side. wick builds their instances itself (a
# module's __init__ fills `_modules`; building gives each submodule its own
# attribute, "0", "1", ... or the dict's keys), so only the methods live here.
# Iterating a container is unrolled, as in TorchScript.
import torch


class Sequential(torch.nn.Module):
    def forward(self, input):
        for module in self:
            input = module(input)
        return input


class ModuleList(torch.nn.Module):
    pass


class ModuleDict(torch.nn.Module):
    pass
