import torch
from torch import Tensor
import torch.nn.functional as F
from torch.nn import init
from typing import List, Union


class LayerNorm(torch.nn.Module):
    __constants__ = ['normalized_shape', 'eps', 'elementwise_affine']

    # PyTorch keeps normalized_shape as a tuple of any length; a static type
    # needs a length, so the prelude keeps a List[int] (same values, and
    # torch.jit.script turns a list constant into a tuple anyway).
    def __init__(self, normalized_shape: Union[int, List[int]], eps: float = 1e-5,
                 elementwise_affine: bool = True) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            shape = [normalized_shape]
        else:
            shape = list(normalized_shape)
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = torch.nn.Parameter(torch.empty(shape))
            self.bias = torch.nn.Parameter(torch.empty(shape))
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        weight = self.weight
        bias = self.bias
        if weight is not None:
            init.ones_(weight)
        if bias is not None:
            init.zeros_(bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)


class GroupNorm(torch.nn.Module):
    __constants__ = ['num_groups', 'num_channels', 'eps', 'affine']

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError('num_channels must be divisible by num_groups')
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if affine:
            self.weight = torch.nn.Parameter(torch.empty([num_channels]))
            self.bias = torch.nn.Parameter(torch.empty([num_channels]))
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        weight = self.weight
        bias = self.bias
        if weight is not None:
            init.ones_(weight)
        if bias is not None:
            init.zeros_(bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)
