import math
import torch
from torch import Tensor
import torch.nn.functional as F
from torch.nn import init
from typing import List, Optional, Tuple, Union


# Arguments that PyTorch accepts as an int or a tuple (kernel_size, stride,
# padding, dilation) are typed Union[int, Tuple[int, ...]] and normalized to
# tuples here, as torch.nn.modules.utils._single/_pair do.

def _single(x: Union[int, Tuple[int]]) -> Tuple[int]:
    if isinstance(x, int):
        return (x,)
    return x


def _pair(x: Union[int, Tuple[int, int]]) -> Tuple[int, int]:
    if isinstance(x, int):
        return (x, x)
    return x


def _check_conv_args(in_channels: int, out_channels: int, groups: int, padding_mode: str) -> None:
    if groups <= 0:
        raise ValueError('groups must be a positive integer')
    if in_channels % groups != 0:
        raise ValueError('in_channels must be divisible by groups')
    if out_channels % groups != 0:
        raise ValueError('out_channels must be divisible by groups')
    if padding_mode != 'zeros':
        raise ValueError("padding_mode '{}' is not supported here; only 'zeros' is".format(padding_mode))


def _check_padding_string(padding: str, stride: List[int]) -> None:
    if padding != 'same' and padding != 'valid':
        raise ValueError("Invalid padding string '{}', should be one of {{'valid', 'same'}}".format(padding))
    if padding == 'same':
        for s in stride:
            if s != 1:
                raise ValueError("padding='same' is not supported for strided convolutions")


def _reversed_padding(padding: List[int]) -> List[int]:
    # (p0, p1) -> [p1, p1, p0, p0]: F.pad's order, last dimension first.
    out: List[int] = []
    for i in range(len(padding)):
        p = padding[len(padding) - 1 - i]
        out.append(p)
        out.append(p)
    return out


def _reversed_padding_same(kernel_size: List[int], dilation: List[int], same: bool) -> List[int]:
    # padding='valid' pads nothing; 'same' pads d * (k - 1) in total, the odd
    # element on the right, last dimension first.
    n = len(kernel_size)
    out = [0, 0] * n
    if same:
        for j in range(n):
            i = n - 1 - j
            total_padding = dilation[j] * (kernel_size[j] - 1)
            left_pad = total_padding // 2
            out[2 * i] = left_pad
            out[2 * i + 1] = total_padding - left_pad
    return out


def _reset_conv_parameters(weight: Tensor, bias: Optional[Tensor]) -> None:
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        if fan_in != 0:
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(bias, -bound, bound)


class Conv1d(torch.nn.Module):
    __constants__ = ['stride', 'padding', 'dilation', 'groups', 'padding_mode', 'output_padding',
                     'in_channels', 'out_channels', 'kernel_size']
    bias: Optional[Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Union[int, Tuple[int]],
                 stride: Union[int, Tuple[int]] = 1, padding: Union[str, int, Tuple[int]] = 0,
                 dilation: Union[int, Tuple[int]] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = 'zeros') -> None:
        super().__init__()
        _check_conv_args(in_channels, out_channels, groups, padding_mode)
        kernel_size_ = _single(kernel_size)
        stride_ = _single(stride)
        dilation_ = _single(dilation)
        padding_: Union[str, Tuple[int]] = 'valid'
        if isinstance(padding, str):
            _check_padding_string(padding, [stride_[0]])
            padding_ = padding
            reversed_padding = _reversed_padding_same([kernel_size_[0]], [dilation_[0]], padding == 'same')
        else:
            p = _single(padding)
            padding_ = p
            reversed_padding = _reversed_padding([p[0]])
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size_
        self.stride = stride_
        self.padding = padding_
        self.dilation = dilation_
        self.transposed = False
        self.output_padding = (0,)
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = reversed_padding
        self.weight = torch.nn.Parameter(torch.empty([out_channels, in_channels // groups, kernel_size_[0]]))
        if bias:
            self.bias = torch.nn.Parameter(torch.empty([out_channels]))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_conv_parameters(self.weight, self.bias)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor:
        return F.conv1d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv2d(torch.nn.Module):
    __constants__ = ['stride', 'padding', 'dilation', 'groups', 'padding_mode', 'output_padding',
                     'in_channels', 'out_channels', 'kernel_size']
    bias: Optional[Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Union[int, Tuple[int, int]],
                 stride: Union[int, Tuple[int, int]] = 1, padding: Union[str, int, Tuple[int, int]] = 0,
                 dilation: Union[int, Tuple[int, int]] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = 'zeros') -> None:
        super().__init__()
        _check_conv_args(in_channels, out_channels, groups, padding_mode)
        kernel_size_ = _pair(kernel_size)
        stride_ = _pair(stride)
        dilation_ = _pair(dilation)
        padding_: Union[str, Tuple[int, int]] = 'valid'
        if isinstance(padding, str):
            _check_padding_string(padding, [stride_[0], stride_[1]])
            padding_ = padding
            reversed_padding = _reversed_padding_same([kernel_size_[0], kernel_size_[1]],
                                                      [dilation_[0], dilation_[1]], padding == 'same')
        else:
            p = _pair(padding)
            padding_ = p
            reversed_padding = _reversed_padding([p[0], p[1]])
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size_
        self.stride = stride_
        self.padding = padding_
        self.dilation = dilation_
        self.transposed = False
        self.output_padding = (0, 0)
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = reversed_padding
        self.weight = torch.nn.Parameter(torch.empty([out_channels, in_channels // groups,
                                                      kernel_size_[0], kernel_size_[1]]))
        if bias:
            self.bias = torch.nn.Parameter(torch.empty([out_channels]))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_conv_parameters(self.weight, self.bias)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor:
        return F.conv2d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class ConvTranspose2d(torch.nn.Module):
    __constants__ = ['stride', 'padding', 'dilation', 'groups', 'padding_mode', 'output_padding',
                     'in_channels', 'out_channels', 'kernel_size']
    bias: Optional[Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Union[int, Tuple[int, int]],
                 stride: Union[int, Tuple[int, int]] = 1, padding: Union[int, Tuple[int, int]] = 0,
                 output_padding: Union[int, Tuple[int, int]] = 0, groups: int = 1, bias: bool = True,
                 dilation: Union[int, Tuple[int, int]] = 1, padding_mode: str = 'zeros') -> None:
        super().__init__()
        _check_conv_args(in_channels, out_channels, groups, padding_mode)
        kernel_size_ = _pair(kernel_size)
        padding_ = _pair(padding)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size_
        self.stride = _pair(stride)
        self.padding = padding_
        self.dilation = _pair(dilation)
        self.transposed = True
        self.output_padding = _pair(output_padding)
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = _reversed_padding([padding_[0], padding_[1]])
        self.weight = torch.nn.Parameter(torch.empty([in_channels, out_channels // groups,
                                                      kernel_size_[0], kernel_size_[1]]))
        if bias:
            self.bias = torch.nn.Parameter(torch.empty([out_channels]))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_conv_parameters(self.weight, self.bias)

    def _output_padding(self, input: Tensor, output_size: Optional[List[int]], stride: List[int],
                        padding: List[int], kernel_size: List[int], num_spatial_dims: int,
                        dilation: Optional[List[int]] = None) -> List[int]:
        if output_size is None:
            return [self.output_padding[0], self.output_padding[1]]
        has_batch_dim = input.dim() == num_spatial_dims + 2
        num_non_spatial_dims = 2 if has_batch_dim else 1
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError('ConvTranspose{}D: for {}D input, output_size must have {} or {} elements (got {})'.format(
                num_spatial_dims, input.dim(), num_spatial_dims, num_non_spatial_dims + num_spatial_dims,
                len(output_size)))
        min_sizes: List[int] = []
        max_sizes: List[int] = []
        for d in range(num_spatial_dims):
            dilation_d = 1
            if dilation is not None:
                dilation_d = dilation[d]
            dim_size = ((input.size(d + num_non_spatial_dims) - 1) * stride[d] - 2 * padding[d] +
                        dilation_d * (kernel_size[d] - 1) + 1)
            min_sizes.append(dim_size)
            max_sizes.append(min_sizes[d] + stride[d] - 1)
        for i in range(len(output_size)):
            size = output_size[i]
            if size < min_sizes[i] or size > max_sizes[i]:
                raise ValueError('requested an output size of {}, but valid sizes range from {} to {} (for an input of {})'.format(
                    output_size, min_sizes, max_sizes, input.size()[2:]))
        res: List[int] = []
        for d in range(num_spatial_dims):
            res.append(output_size[d] - min_sizes[d])
        return res

    def forward(self, input: Tensor, output_size: Optional[List[int]] = None) -> Tensor:
        output_padding = self._output_padding(
            input, output_size, [self.stride[0], self.stride[1]], [self.padding[0], self.padding[1]],
            [self.kernel_size[0], self.kernel_size[1]], 2, [self.dilation[0], self.dilation[1]])
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)
