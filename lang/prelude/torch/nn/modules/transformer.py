import torch
from torch import Tensor
import torch.nn.functional as F
from typing import List, Optional


class TransformerEncoderLayer(torch.nn.Module):
    # 'batch_first' is listed as in PyTorch 1.13, which sets no such attribute
    # on the layer (self_attn.batch_first holds it).
    __constants__ = ['batch_first', 'norm_first']

    # activation is 'relu' or 'gelu'; PyTorch also takes any callable, kept in
    # self.activation. Scripted, only activation_relu_or_gelu remains (1 relu,
    # 2 gelu), and forward dispatches on it.
    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str = 'relu', layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False) -> None:
        super().__init__()
        self.self_attn = torch.nn.MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first)
        self.linear1 = torch.nn.Linear(d_model, dim_feedforward)
        self.dropout = torch.nn.Dropout(dropout)
        self.linear2 = torch.nn.Linear(dim_feedforward, d_model)
        self.norm_first = norm_first
        self.norm1 = torch.nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = torch.nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.dropout1 = torch.nn.Dropout(dropout)
        self.dropout2 = torch.nn.Dropout(dropout)
        if activation == 'relu':
            self.activation_relu_or_gelu = 1
        elif activation == 'gelu':
            self.activation_relu_or_gelu = 2
        else:
            raise RuntimeError('activation should be relu/gelu, not {}'.format(activation))

    # PyTorch's eager fast path (torch._transformer_encoder_layer_fwd, taken in
    # eval without autograd) computes the same function; the prelude always
    # takes the general path.
    def forward(self, src: Tensor, src_mask: Optional[Tensor] = None,
                src_key_padding_mask: Optional[Tensor] = None) -> Tensor:
        if src_key_padding_mask is not None:
            if src_key_padding_mask.dtype != torch.bool and not torch.is_floating_point(src_key_padding_mask):
                raise AssertionError('only bool and floating types of key_padding_mask are supported')
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Optional[Tensor], key_padding_mask: Optional[Tensor]) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False)[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear1(x)
        if self.activation_relu_or_gelu == 2:
            x = F.gelu(x)
        else:
            x = F.relu(x)
        x = self.linear2(self.dropout(x))
        return self.dropout2(x)


def _get_clones(module: TransformerEncoderLayer, N: int) -> torch.nn.ModuleList:
    # PyTorch deep-copies `module` N times. Here each copy is a new layer with
    # the same hyperparameters, then module's parameter values and mode.
    layers: List[TransformerEncoderLayer] = []
    for i in range(N):
        layer = TransformerEncoderLayer(
            module.self_attn.embed_dim, module.self_attn.num_heads,
            dim_feedforward=module.linear1.out_features, dropout=module.dropout.p,
            activation='gelu' if module.activation_relu_or_gelu == 2 else 'relu',
            layer_norm_eps=module.norm1.eps, batch_first=module.self_attn.batch_first,
            norm_first=module.norm_first)
        with torch.no_grad():
            for p, q in zip(layer.parameters(), module.parameters()):
                p.copy_(q)
        layer.train(module.training)
        layers.append(layer)
    return torch.nn.ModuleList(layers)


class TransformerEncoder(torch.nn.Module):
    __constants__ = ['norm']

    # PyTorch takes any module as encoder_layer and norm; the prelude takes a
    # TransformerEncoderLayer and an optional LayerNorm.
    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int,
                 norm: Optional[torch.nn.LayerNorm] = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:
        super().__init__()
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    # PyTorch's eager fast path turns a padded batch into a nested tensor
    # (eval, no autograd, src_key_padding_mask given) and returns zeros at the
    # padded positions; the prelude always takes the general path, which gives
    # the same values at every position that is not padding.
    def forward(self, src: Tensor, mask: Optional[Tensor] = None,
                src_key_padding_mask: Optional[Tensor] = None) -> Tensor:
        if src_key_padding_mask is not None:
            if src_key_padding_mask.dtype != torch.bool and not torch.is_floating_point(src_key_padding_mask):
                raise AssertionError('only bool and floating types of key_padding_mask are supported')
        output = src
        for mod in self.layers:
            output = mod(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            output = self.norm(output)
        return output
