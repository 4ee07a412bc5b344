# torch.nn.functional where its signature is not the aten op's: argument
# order (batch_norm, embedding), defaults (dropout), reductions spelled as
# strings (the losses). Everything else in F resolves to aten::<name>.
import torch
from torch import Tensor
from typing import Optional


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
