import torch
from torch import Tensor
import torch.nn.functional as F
from torch.nn import init
from typing import Optional


# BatchNorm1d and BatchNorm2d are PyTorch's _NormBase/_BatchNorm with a
# different _check_input_dim; the prelude has no base classes, so the shared
# parts are the functions below and each class repeats the short rest.

def _reset_running_stats(running_mean: Optional[Tensor], running_var: Optional[Tensor],
                         num_batches_tracked: Optional[Tensor]) -> None:
    if running_mean is not None:
        running_mean.zero_()
    if running_var is not None:
        running_var.fill_(1)
    if num_batches_tracked is not None:
        num_batches_tracked.zero_()


def _reset_affine(weight: Optional[Tensor], bias: Optional[Tensor]) -> None:
    if weight is not None:
        init.ones_(weight)
    if bias is not None:
        init.zeros_(bias)


def _batch_norm(input: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
                weight: Optional[Tensor], bias: Optional[Tensor], num_batches_tracked: Optional[Tensor],
                training: bool, track_running_stats: bool, momentum: Optional[float], eps: float) -> Tensor:
    # momentum None means a cumulative moving average: 1 / batches seen.
    exponential_average_factor = 0.0
    if momentum is not None:
        exponential_average_factor = momentum
    if training and track_running_stats:
        if num_batches_tracked is not None:
            num_batches_tracked.add_(1)
            if momentum is None:
                exponential_average_factor = 1.0 / float(num_batches_tracked)
    # Batch statistics in training, and in eval when there are no buffers;
    # the buffers are passed (and updated) only when they are used or tracked.
    bn_training = training or (running_mean is None and running_var is None)
    use_buffers = not training or track_running_stats
    return F.batch_norm(input, running_mean if use_buffers else None, running_var if use_buffers else None,
                        weight, bias, bn_training, exponential_average_factor, eps)


class BatchNorm1d(torch.nn.Module):
    __constants__ = ['track_running_stats', 'momentum', 'eps', 'num_features', 'affine']

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = torch.nn.Parameter(torch.empty([num_features]))
            self.bias = torch.nn.Parameter(torch.empty([num_features]))
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        if track_running_stats:
            self.register_buffer('running_mean', torch.zeros([num_features]))
            self.register_buffer('running_var', torch.ones([num_features]))
            self.register_buffer('num_batches_tracked', torch.tensor(0, dtype=torch.long))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        _reset_running_stats(self.running_mean, self.running_var, self.num_batches_tracked)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self.weight, self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError('expected 2D or 3D input (got {}D input)'.format(input.dim()))

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        return _batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                           self.num_batches_tracked, self.training, self.track_running_stats,
                           self.momentum, self.eps)


class BatchNorm2d(torch.nn.Module):
    __constants__ = ['track_running_stats', 'momentum', 'eps', 'num_features', 'affine']

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = torch.nn.Parameter(torch.empty([num_features]))
            self.bias = torch.nn.Parameter(torch.empty([num_features]))
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        if track_running_stats:
            self.register_buffer('running_mean', torch.zeros([num_features]))
            self.register_buffer('running_var', torch.ones([num_features]))
            self.register_buffer('num_batches_tracked', torch.tensor(0, dtype=torch.long))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        _reset_running_stats(self.running_mean, self.running_var, self.num_batches_tracked)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self.weight, self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 4:
            raise ValueError('expected 4D input (got {}D input)'.format(input.dim()))

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        return _batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                           self.num_batches_tracked, self.training, self.track_running_stats,
                           self.momentum, self.eps)
