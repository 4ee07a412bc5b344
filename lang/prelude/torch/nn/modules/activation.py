import math
import torch
from torch import Tensor
import torch.nn.functional as F
from torch.nn import init
from typing import Optional, Tuple


class ReLU(torch.nn.Module):
    __constants__ = ['inplace']

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)


class Hardtanh(torch.nn.Module):
    __constants__ = ['min_val', 'max_val', 'inplace']

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        assert self.max_val > self.min_val

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)


class ReLU6(torch.nn.Module):
    # In PyTorch a Hardtanh(0., 6.) subclass: same attributes and forward.
    __constants__ = ['min_val', 'max_val', 'inplace']

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.min_val = 0.0
        self.max_val = 6.0
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)


class Sigmoid(torch.nn.Module):
    def forward(self, input: Tensor) -> Tensor:
        return torch.sigmoid(input)


class Tanh(torch.nn.Module):
    def forward(self, input: Tensor) -> Tensor:
        return torch.tanh(input)


class SiLU(torch.nn.Module):
    __constants__ = ['inplace']

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)


class ELU(torch.nn.Module):
    __constants__ = ['alpha', 'inplace']

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)


class GELU(torch.nn.Module):
    __constants__ = ['approximate']

    def __init__(self, approximate: str = 'none') -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)


class LeakyReLU(torch.nn.Module):
    __constants__ = ['inplace', 'negative_slope']

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)


class Softmax(torch.nn.Module):
    __constants__ = ['dim']

    def __init__(self, dim: Optional[int] = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim)


class LogSoftmax(torch.nn.Module):
    __constants__ = ['dim']

    def __init__(self, dim: Optional[int] = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim)


class MultiheadAttention(torch.nn.Module):
    __constants__ = ['batch_first']
    bias_k: Optional[Tensor]
    bias_v: Optional[Tensor]

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: Optional[int] = None,
                 vdim: Optional[int] = None, batch_first: bool = False) -> None:
        super().__init__()
        self.embed_dim = embed_dim
        kdim_ = embed_dim
        if kdim is not None:
            kdim_ = kdim
        vdim_ = embed_dim
        if vdim is not None:
            vdim_ = vdim
        self.kdim = kdim_
        self.vdim = vdim_
        self._qkv_same_embed_dim = kdim_ == embed_dim and vdim_ == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        assert self.head_dim * num_heads == embed_dim, 'embed_dim must be divisible by num_heads'
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = torch.nn.Parameter(torch.empty([embed_dim, embed_dim]))
            self.k_proj_weight = torch.nn.Parameter(torch.empty([embed_dim, kdim_]))
            self.v_proj_weight = torch.nn.Parameter(torch.empty([embed_dim, vdim_]))
            self.register_parameter('in_proj_weight', None)
        else:
            self.in_proj_weight = torch.nn.Parameter(torch.empty([3 * embed_dim, embed_dim]))
            self.register_parameter('q_proj_weight', None)
            self.register_parameter('k_proj_weight', None)
            self.register_parameter('v_proj_weight', None)
        if bias:
            self.in_proj_bias = torch.nn.Parameter(torch.empty([3 * embed_dim]))
        else:
            self.register_parameter('in_proj_bias', None)
        self.out_proj = torch.nn.modules.linear.NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias)
        if add_bias_kv:
            self.bias_k = torch.nn.Parameter(torch.empty([1, 1, embed_dim]))
            self.bias_v = torch.nn.Parameter(torch.empty([1, 1, embed_dim]))
        else:
            self.bias_k = None
            self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        for w in [self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight]:
            if w is not None:
                init.xavier_uniform_(w)
        in_proj_bias = self.in_proj_bias
        out_proj_bias = self.out_proj.bias
        if in_proj_bias is not None:
            init.constant_(in_proj_bias, 0.0)
            if out_proj_bias is not None:
                init.constant_(out_proj_bias, 0.0)
        for b in [self.bias_k, self.bias_v]:
            if b is not None:
                init.xavier_normal_(b)

    # PyTorch's eager fast path (torch._native_multi_head_attention, taken in
    # eval without autograd) gives the same results; the prelude always takes
    # the general path, which is F.multi_head_attention_forward written out.
    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor] = None,
                need_weights: bool = True, attn_mask: Optional[Tensor] = None,
                average_attn_weights: bool = True) -> Tuple[Tensor, Optional[Tensor]]:
        is_batched = query.dim() == 3
        # Self-attention (query is key is value) projects with one matmul.
        packed = query is key and key is value
        if self.batch_first and is_batched:
            query = query.transpose(1, 0)
            key = key.transpose(1, 0)
            value = value.transpose(1, 0)
        attn_output, attn_output_weights = _multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, packed,
            self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, self.training, key_padding_mask,
            need_weights, attn_mask, average_attn_weights)
        if self.batch_first and is_batched:
            return attn_output.transpose(1, 0), attn_output_weights
        return attn_output, attn_output_weights


def _multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int, packed: bool,
        in_proj_weight: Optional[Tensor], q_proj_weight: Optional[Tensor], k_proj_weight: Optional[Tensor],
        v_proj_weight: Optional[Tensor], in_proj_bias: Optional[Tensor], bias_k: Optional[Tensor],
        bias_v: Optional[Tensor], add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
        out_proj_bias: Optional[Tensor], training: bool, key_padding_mask: Optional[Tensor],
        need_weights: bool, attn_mask: Optional[Tensor],
        average_attn_weights: bool) -> Tuple[Tensor, Optional[Tensor]]:
    # Shapes, sequence first: query (L, N, E), key/value (S, N, E*); unbatched
    # inputs drop N. Heads are folded into the batch: (N * num_heads, L, head_dim).
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query = query.unsqueeze(1)
        key = key.unsqueeze(1)
        value = value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len = query.size(0)
    bsz = query.size(1)
    embed_dim = query.size(2)
    src_len = key.size(0)
    if key_padding_mask is not None:
        if key_padding_mask.dtype != torch.bool and not torch.is_floating_point(key_padding_mask):
            raise AssertionError('only bool and floating types of key_padding_mask are supported')
    assert embed_dim == embed_dim_to_check, \
        'was expecting embedding dimension of {}, but got {}'.format(embed_dim_to_check, embed_dim)
    head_dim = embed_dim // num_heads
    assert head_dim * num_heads == embed_dim, \
        'embed_dim {} not divisible by num_heads {}'.format(embed_dim, num_heads)

    b_q: Optional[Tensor] = None
    b_k: Optional[Tensor] = None
    b_v: Optional[Tensor] = None
    if in_proj_bias is not None:
        biases = in_proj_bias.chunk(3)
        b_q = biases[0]
        b_k = biases[1]
        b_v = biases[2]
    if in_proj_weight is not None:
        if packed:
            qkv = F.linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
            q = qkv[0]
            k = qkv[1]
            v = qkv[2]
        else:
            weights = in_proj_weight.chunk(3)
            q = F.linear(query, weights[0], b_q)
            k = F.linear(key, weights[1], b_k)
            v = F.linear(value, weights[2], b_v)
    else:
        assert q_proj_weight is not None, 'use_separate_proj_weight is True but q_proj_weight is None'
        assert k_proj_weight is not None, 'use_separate_proj_weight is True but k_proj_weight is None'
        assert v_proj_weight is not None, 'use_separate_proj_weight is True but v_proj_weight is None'
        q = F.linear(query, q_proj_weight, b_q)
        k = F.linear(key, k_proj_weight, b_k)
        v = F.linear(value, v_proj_weight, b_v)

    if attn_mask is not None:
        if attn_mask.dtype == torch.uint8:
            attn_mask = attn_mask.to(torch.bool)
        else:
            assert attn_mask.is_floating_point() or attn_mask.dtype == torch.bool, \
                'Only float, byte, and bool types are supported for attn_mask, not {}'.format(attn_mask.dtype)
        if attn_mask.dim() == 2:
            if attn_mask.size(0) != tgt_len or attn_mask.size(1) != src_len:
                raise RuntimeError('The shape of the 2D attn_mask is {}, but should be {}.'.format(
                    attn_mask.shape, [tgt_len, src_len]))
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if list(attn_mask.shape) != [bsz * num_heads, tgt_len, src_len]:
                raise RuntimeError('The shape of the 3D attn_mask is {}, but should be {}.'.format(
                    attn_mask.shape, [bsz * num_heads, tgt_len, src_len]))
        else:
            raise RuntimeError("attn_mask's dimension {} is not supported".format(attn_mask.dim()))

    if bias_k is not None and bias_v is not None:
        k = torch.cat([k, bias_k.repeat(1, bsz, 1)])
        v = torch.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, [0, 1])
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, [0, 1])
    else:
        assert bias_k is None
        assert bias_v is None

    q = q.contiguous().view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.contiguous().view(k.size(0), bsz * num_heads, head_dim).transpose(0, 1)
    v = v.contiguous().view(v.size(0), bsz * num_heads, head_dim).transpose(0, 1)

    if add_zero_attn:
        zeros = torch.zeros([bsz * num_heads, 1, head_dim], dtype=k.dtype, device=k.device)
        k = torch.cat([k, zeros], dim=1)
        v = torch.cat([v, zeros], dim=1)
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, [0, 1])
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, [0, 1])

    src_len = k.size(1)
    if key_padding_mask is not None:
        assert key_padding_mask.size(0) == bsz and key_padding_mask.size(1) == src_len, \
            'expecting key_padding_mask shape of {}, but got {}'.format([bsz, src_len], key_padding_mask.shape)
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1) \
            .reshape(bsz * num_heads, 1, src_len)
        if attn_mask is None:
            attn_mask = key_padding_mask
        elif attn_mask.dtype == torch.bool:
            attn_mask = attn_mask.logical_or(key_padding_mask)
        else:
            attn_mask = attn_mask.masked_fill(key_padding_mask, float('-inf'))

    # A boolean mask becomes additive: True (masked) -> -inf.
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        new_attn_mask = torch.zeros_like(attn_mask, dtype=q.dtype)
        new_attn_mask.masked_fill_(attn_mask, float('-inf'))
        attn_mask = new_attn_mask

    if not training:
        dropout_p = 0.0

    q_scaled = q / math.sqrt(float(head_dim))
    if attn_mask is not None:
        attn_output_weights = torch.baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
    else:
        attn_output_weights = torch.bmm(q_scaled, k.transpose(-2, -1))
    attn_output_weights = F.softmax(attn_output_weights, dim=-1)
    if dropout_p > 0.0:
        attn_output_weights = F.dropout(attn_output_weights, p=dropout_p)

    attn_output = torch.bmm(attn_output_weights, v)
    attn_output = attn_output.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim)
    attn_output = F.linear(attn_output, out_proj_weight, out_proj_bias)
    attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))

    if need_weights:
        attn_output_weights = attn_output_weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            attn_output_weights = attn_output_weights.sum(dim=1) / num_heads
        if not is_batched:
            attn_output = attn_output.squeeze(1)
            attn_output_weights = attn_output_weights.squeeze(0)
        return attn_output, attn_output_weights
    if not is_batched:
        attn_output = attn_output.squeeze(1)
    return attn_output, None


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor],
                     attn_mask: Optional[Tensor], num_heads: int) -> bool:
    if query.dim() == 3:
        assert key.dim() == 3 and value.dim() == 3, \
            'For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {}-D and {}-D tensors respectively'.format(key.dim(), value.dim())
        if key_padding_mask is not None:
            assert key_padding_mask.dim() == 2, \
                'For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found {}-D tensor instead'.format(key_padding_mask.dim())
        if attn_mask is not None:
            assert attn_mask.dim() == 2 or attn_mask.dim() == 3, \
                'For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {}-D tensor instead'.format(attn_mask.dim())
        return True
    if query.dim() == 2:
        assert key.dim() == 2 and value.dim() == 2, \
            'For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {}-D and {}-D tensors respectively'.format(key.dim(), value.dim())
        if key_padding_mask is not None:
            assert key_padding_mask.dim() == 1, \
                'For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found {}-D tensor instead'.format(key_padding_mask.dim())
        if attn_mask is not None:
            assert attn_mask.dim() == 2 or attn_mask.dim() == 3, \
                'For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {}-D tensor instead'.format(attn_mask.dim())
            if attn_mask.dim() == 3:
                expected_shape = [num_heads, query.size(0), key.size(0)]
                assert list(attn_mask.shape) == expected_shape, \
                    'Expected `attn_mask` shape to be {} but got {}'.format(expected_shape, attn_mask.shape)
        return False
    raise AssertionError('query should be unbatched 2D or batched 3D tensor but received {}-D query tensor'.format(query.dim()))
