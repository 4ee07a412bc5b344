# A transformer encoder over token ids: Embedding plus learned positions, a
# TransformerEncoder of two TransformerEncoderLayers (multi-head attention,
# feed-forward, LayerNorm), a padding mask, mean pooling over the tokens
# that are not padding, and a Linear head. Weights get a fixed pattern so
# that wick and PyTorch (`python3 transformer_block.py`) print the same.
import torch
import torch.nn as nn
from typing import List


class TinyEncoder(nn.Module):
    def __init__(self, vocab: int = 50, dim: int = 16, heads: int = 4, layers: int = 2, classes: int = 3):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=0)
        self.position = nn.Parameter(torch.zeros(1, 32, dim))
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=32, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, tokens):
        pad = tokens == 0
        x = self.embed(tokens) + self.position[:, :tokens.size(1)]
        x = self.encoder(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(x.dtype)
        pooled = (self.norm(x) * keep).sum(1) / keep.sum(1)
        return self.head(pooled)


def main():
    model = TinyEncoder()
    with torch.no_grad():
        k = 0
        for p in model.parameters():
            n = p.numel()
            p.copy_(torch.sin(torch.arange(n, dtype=torch.float32) * 0.29 + float(k)).reshape(p.shape) * 0.3)
            k += 1
    model.eval()
    tokens = torch.tensor([[5, 17, 23, 9, 0, 0], [3, 44, 12, 7, 31, 2]])
    scores = model(tokens)
    for i in range(2):
        row: List[float] = scores[i].tolist()
        print("sequence {}: {}".format(i, " ".join(["{:.4f}".format(v) for v in row])))


if __name__ == "__main__":
    main()
