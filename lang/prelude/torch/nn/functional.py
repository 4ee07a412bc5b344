# torch.nn.functional where its signature is not the aten op's: argument
# order (batch_norm, embedding), defaults (dropout), reductions spelled as
# strings (the losses). Everything else in F resolves to aten::<name>.
import torch
from torch import Tensor
from typing import List, Optional


def _reduction(reduction: str) -> int:
    # at::Reduction: None = 0, Mean = 1, Sum = 2
    if reduction == 'none':
        return 0
    if reduction == 'mean':
        return 1
    if reduction == 'sum':
        return 2
    raise ValueError(reduction + " is not a valid value for reduction")


def batch_norm(input: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
               weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    return torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, False)


def embedding(input: Tensor, weight: Tensor, padding_idx: Optional[int] = None, max_norm: Optional[float] = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    index = -1
    if padding_idx is not None:
        index = padding_idx
        if index < 0:
            index = weight.size(0) + index
    return torch.embedding(weight, input, index, scale_grad_by_freq, sparse)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    if p < 0.0 or p > 1.0:
        raise ValueError("dropout probability has to be between 0 and 1, but got {}".format(p))
    if inplace:
        return torch.dropout_(input, p, training)
    return torch.dropout(input, p, training)


def _softmax_dim(ndim: int) -> int:
    # PyTorch's legacy choice when no dim is given.
    if ndim == 0 or ndim == 1 or ndim == 3:
        return 0
    return 1


def softmax(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Optional[int] = None) -> Tensor:
    d = _softmax_dim(input.dim()) if dim is None else dim
    return torch.softmax(input, d, dtype)


def log_softmax(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Optional[int] = None) -> Tensor:
    d = _softmax_dim(input.dim()) if dim is None else dim
    return torch.log_softmax(input, d, dtype)


def mse_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
             reduction: str = "mean") -> Tensor:
    return torch.mse_loss(input, target, _reduction(reduction))


def nll_loss(input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
             ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    return torch.nll_loss(input, target, weight, _reduction(reduction), ignore_index)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return torch.relu_(input)
    return torch.relu(input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return torch.hardtanh_(input, 0.0, 6.0)
    return torch.hardtanh(input, 0.0, 6.0)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    if inplace:
        return torch.leaky_relu_(input, negative_slope)
    return torch.leaky_relu(input, negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    result = torch.elu(input, alpha)
    if inplace:
        return input.copy_(result)
    return result


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if inplace:
        return torch.hardtanh_(input, min_val, max_val)
    return torch.hardtanh(input, min_val, max_val)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    result = torch.silu(input)
    if inplace:
        return input.copy_(result)
    return result


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    # y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]
    out_features = weight.size(0)
    in1 = weight.size(1)
    in2 = weight.size(2)
    left = torch.matmul(input1, weight.permute(1, 0, 2).reshape(in1, out_features * in2))
    left = left.reshape(input1.shape[:-1] + [out_features, in2])
    result = (left * input2.unsqueeze(-2)).sum(-1)
    if bias is not None:
        result = result + bias
    return result


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: List[int] = [1, 1],
                     padding: List[int] = [0, 0], output_padding: List[int] = [0, 0], groups: int = 1,
                     dilation: List[int] = [1, 1]) -> Tensor:
    # The transpose of conv2d: spread the input out by the stride (zeros
    # between), pad by dilation * (k - 1) - padding (+ output_padding at the
    # end), and convolve with the kernel flipped and its channels swapped.
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    n = x.size(0)
    c_in = x.size(1)
    h = x.size(2)
    w = x.size(3)
    kh = weight.size(2)
    kw = weight.size(3)
    spread = torch.zeros([n, c_in, (h - 1) * stride[0] + 1, (w - 1) * stride[1] + 1], dtype=x.dtype)
    spread[:, :, ::stride[0], ::stride[1]] = x
    pads: List[int] = []
    for d in [1, 0]:
        k = kh if d == 0 else kw
        before = dilation[d] * (k - 1) - padding[d]
        pads.append(before)
        pads.append(before + output_padding[d])
    for i in range(4):
        if pads[i] < 0:
            dim = 3 - i // 2
            cut = -pads[i]
            if i % 2 == 0:
                spread = spread.narrow(dim, cut, spread.size(dim) - cut)
            else:
                spread = spread.narrow(dim, 0, spread.size(dim) - cut)
            pads[i] = 0
    spread = torch.nn.functional.pad(spread, pads)
    c_out_g = weight.size(1)
    kernel = weight.reshape([groups, c_in // groups, c_out_g, kh, kw]).transpose(1, 2)
    kernel = kernel.reshape([groups * c_out_g, c_in // groups, kh, kw]).flip([2, 3])
    out = torch.conv2d(spread, kernel, bias, [1, 1], [0, 0], dilation, groups)
    return out if batched else out.squeeze(0)
