import math
import torch
from torch import Tensor
from torch.nn import init
from typing import List, Optional, Tuple


# RNN, LSTM and GRU are PyTorch's RNNBase with a mode; the prelude has no base
# classes, so the shared parts are the functions below. PackedSequence input
# is not supported.
#
# Note [Flat weights]: parameters are registered under PyTorch's names
# (weight_ih_l{k}{suffix}, weight_hh_l{k}{suffix}, bias_ih_l{k}{suffix},
# bias_hh_l{k}{suffix}, weight_hr_l{k}{suffix}; suffix '_reverse' for the
# backward direction) and the same tensors are listed in _flat_weights, in
# that order, which is what torch.lstm/gru/rnn_* take. Loading a state_dict
# must copy into these tensors (as PyTorch does), not replace them, or
# _flat_weights goes stale.

def _gate_size(mode: str, hidden_size: int) -> int:
    if mode == 'LSTM':
        return 4 * hidden_size
    if mode == 'GRU':
        return 3 * hidden_size
    if mode == 'RNN_TANH' or mode == 'RNN_RELU':
        return hidden_size
    raise ValueError('Unrecognized RNN mode: ' + mode)


def _check_rnn_args(hidden_size: int, dropout: float, proj_size: int) -> None:
    if dropout < 0 or dropout > 1:
        raise ValueError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed')
    if proj_size < 0:
        raise ValueError('proj_size should be a positive integer or zero to disable projections')
    if proj_size >= hidden_size:
        raise ValueError('proj_size has to be smaller than hidden_size')


def _make_weights(mode: str, input_size: int, hidden_size: int, num_layers: int, bias: bool,
                  bidirectional: bool, proj_size: int) -> Tuple[List[str], List[Tensor]]:
    # The names and parameters of Note [Flat weights], in order.
    gate_size = _gate_size(mode, hidden_size)
    num_directions = 2 if bidirectional else 1
    real_hidden_size = proj_size if proj_size > 0 else hidden_size
    names: List[str] = []
    params: List[Tensor] = []
    for layer in range(num_layers):
        for direction in range(num_directions):
            layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
            suffix = '_reverse' if direction == 1 else ''
            names.append('weight_ih_l{}{}'.format(layer, suffix))
            params.append(torch.nn.Parameter(torch.empty([gate_size, layer_input_size])))
            names.append('weight_hh_l{}{}'.format(layer, suffix))
            params.append(torch.nn.Parameter(torch.empty([gate_size, real_hidden_size])))
            if bias:
                names.append('bias_ih_l{}{}'.format(layer, suffix))
                params.append(torch.nn.Parameter(torch.empty([gate_size])))
                names.append('bias_hh_l{}{}'.format(layer, suffix))
                params.append(torch.nn.Parameter(torch.empty([gate_size])))
            if proj_size > 0:
                names.append('weight_hr_l{}{}'.format(layer, suffix))
                params.append(torch.nn.Parameter(torch.empty([proj_size, hidden_size])))
    return names, params


def _group_names(names: List[str], num_groups: int) -> List[List[str]]:
    # _all_weights: the flat names split per layer and direction.
    per_group = len(names) // num_groups
    groups: List[List[str]] = []
    for g in range(num_groups):
        groups.append(names[g * per_group:(g + 1) * per_group])
    return groups


def _reset_weights(flat_weights: List[Tensor], hidden_size: int) -> None:
    stdv = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for weight in flat_weights:
        init.uniform_(weight, -stdv, stdv)


def _check_input(input: Tensor, input_size: int) -> None:
    if input.dim() != 3:
        raise RuntimeError('input must have 3 dimensions, got {}'.format(input.dim()))
    if input_size != input.size(-1):
        raise RuntimeError('input.size(-1) must be equal to input_size. Expected {}, got {}'.format(
            input_size, input.size(-1)))


def _check_hidden_size(hx: Tensor, expected_hidden_size: List[int], msg: str) -> None:
    if list(hx.size()) != expected_hidden_size:
        raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))


def _batch_input(input: Tensor, hx: Optional[Tensor], batch_first: bool) -> Tuple[Tensor, Optional[Tensor]]:
    # RNN and GRU: unbatched (L, H_in) input and (D * num_layers, H) state get
    # a batch dimension of 1.
    if input.dim() == 3:
        if hx is not None and hx.dim() != 3:
            raise RuntimeError('For batched 3-D input, hx should also be 3-D but got {}-D tensor'.format(hx.dim()))
        return input, hx
    input = input.unsqueeze(0 if batch_first else 1)
    if hx is not None:
        if hx.dim() != 2:
            raise RuntimeError('For unbatched 2-D input, hx should also be 2-D but got {}-D tensor'.format(hx.dim()))
        hx = hx.unsqueeze(1)
    return input, hx


class RNN(torch.nn.Module):
    __constants__ = ['mode', 'input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first',
                     'dropout', 'bidirectional', 'proj_size']

    # PyTorch's signature is RNN(*args, **kwargs) with nonlinearity a keyword;
    # positional arguments follow RNNBase's order.
    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 nonlinearity: str = 'tanh') -> None:
        super().__init__()
        self.nonlinearity = nonlinearity
        if nonlinearity == 'tanh':
            mode = 'RNN_TANH'
        elif nonlinearity == 'relu':
            mode = 'RNN_RELU'
        else:
            raise ValueError("Unknown nonlinearity '{}'".format(nonlinearity))
        _check_rnn_args(hidden_size, dropout, 0)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0
        names, params = _make_weights(mode, input_size, hidden_size, num_layers, bias, bidirectional, 0)
        for i in range(len(names)):
            self.register_parameter(names[i], params[i])
        self._flat_weights_names = names
        self._all_weights = _group_names(names, num_layers * (2 if bidirectional else 1))
        self._flat_weights = params
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_weights(self._flat_weights, self.hidden_size)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        input, hx = _batch_input(input, hx, self.batch_first)
        num_directions = 2 if self.bidirectional else 1
        max_batch_size = input.size(0) if self.batch_first else input.size(1)
        if hx is None:
            h0 = torch.zeros(self.num_layers * num_directions, max_batch_size, self.hidden_size,
                             dtype=input.dtype, device=input.device)
        else:
            h0 = hx
        _check_input(input, self.input_size)
        _check_hidden_size(h0, [self.num_layers * num_directions, max_batch_size, self.hidden_size],
                           'Expected hidden size {}, got {}')
        if self.mode == 'RNN_TANH':
            result = torch.rnn_tanh(input, h0, self._flat_weights, self.bias, self.num_layers, self.dropout,
                                    self.training, self.bidirectional, self.batch_first)
        else:
            result = torch.rnn_relu(input, h0, self._flat_weights, self.bias, self.num_layers, self.dropout,
                                    self.training, self.bidirectional, self.batch_first)
        output = result[0]
        hidden = result[1]
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = hidden.squeeze(1)
        return output, hidden


class LSTM(torch.nn.Module):
    __constants__ = ['mode', 'input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first',
                     'dropout', 'bidirectional', 'proj_size']

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0) -> None:
        super().__init__()
        _check_rnn_args(hidden_size, dropout, proj_size)
        self.mode = 'LSTM'
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        names, params = _make_weights('LSTM', input_size, hidden_size, num_layers, bias, bidirectional, proj_size)
        for i in range(len(names)):
            self.register_parameter(names[i], params[i])
        self._flat_weights_names = names
        self._all_weights = _group_names(names, num_layers * (2 if bidirectional else 1))
        self._flat_weights = params
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_weights(self._flat_weights, self.hidden_size)

    def forward(self, input: Tensor, hx: Optional[Tuple[Tensor, Tensor]] = None
                ) -> Tuple[Tensor, Tuple[Tensor, Tensor]]:
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
        num_directions = 2 if self.bidirectional else 1
        max_batch_size = input.size(0) if self.batch_first else input.size(1)
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        if hx is None:
            h = torch.zeros(self.num_layers * num_directions, max_batch_size, real_hidden_size,
                            dtype=input.dtype, device=input.device)
            c = torch.zeros(self.num_layers * num_directions, max_batch_size, self.hidden_size,
                            dtype=input.dtype, device=input.device)
        else:
            h = hx[0]
            c = hx[1]
            if is_batched:
                if h.dim() != 3 or c.dim() != 3:
                    raise RuntimeError('For batched 3-D input, hx and cx should also be 3-D but got ({}-D, {}-D) tensors'.format(h.dim(), c.dim()))
            else:
                if h.dim() != 2 or c.dim() != 2:
                    raise RuntimeError('For unbatched 2-D input, hx and cx should also be 2-D but got ({}-D, {}-D) tensors'.format(h.dim(), c.dim()))
                h = h.unsqueeze(1)
                c = c.unsqueeze(1)
        _check_input(input, self.input_size)
        _check_hidden_size(h, [self.num_layers * num_directions, max_batch_size, real_hidden_size],
                           'Expected hidden[0] size {}, got {}')
        _check_hidden_size(c, [self.num_layers * num_directions, max_batch_size, self.hidden_size],
                           'Expected hidden[1] size {}, got {}')
        result = torch.lstm(input, [h, c], self._flat_weights, self.bias, self.num_layers, self.dropout,
                            self.training, self.bidirectional, self.batch_first)
        output = result[0]
        h_n = result[1]
        c_n = result[2]
        if not is_batched:
            output = output.squeeze(batch_dim)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1)
        return output, (h_n, c_n)


class GRU(torch.nn.Module):
    __constants__ = ['mode', 'input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first',
                     'dropout', 'bidirectional', 'proj_size']

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False) -> None:
        super().__init__()
        _check_rnn_args(hidden_size, dropout, 0)
        self.mode = 'GRU'
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0
        names, params = _make_weights('GRU', input_size, hidden_size, num_layers, bias, bidirectional, 0)
        for i in range(len(names)):
            self.register_parameter(names[i], params[i])
        self._flat_weights_names = names
        self._all_weights = _group_names(names, num_layers * (2 if bidirectional else 1))
        self._flat_weights = params
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_weights(self._flat_weights, self.hidden_size)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        input, hx = _batch_input(input, hx, self.batch_first)
        num_directions = 2 if self.bidirectional else 1
        max_batch_size = input.size(0) if self.batch_first else input.size(1)
        if hx is None:
            h0 = torch.zeros(self.num_layers * num_directions, max_batch_size, self.hidden_size,
                             dtype=input.dtype, device=input.device)
        else:
            h0 = hx
        _check_input(input, self.input_size)
        _check_hidden_size(h0, [self.num_layers * num_directions, max_batch_size, self.hidden_size],
                           'Expected hidden size {}, got {}')
        result = torch.gru(input, h0, self._flat_weights, self.bias, self.num_layers, self.dropout,
                           self.training, self.bidirectional, self.batch_first)
        output = result[0]
        hidden = result[1]
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = hidden.squeeze(1)
        return output, hidden
