# A character-level language model: Embedding, a two-layer LSTM and a Linear
# head over a tiny embedded corpus, then greedy generation one character at a
# time, carrying the LSTM state (h, c) between steps. Weights get a fixed
# pattern so that wick and PyTorch (`python3 char_rnn.py`) print the same
# text; with weights trained in PyTorch (`wick run char_rnn.py --weights
# W.pt`) it writes like the corpus.
import torch
import torch.nn as nn
from typing import Dict, List, Optional, Tuple

CORPUS = "the cat sat on the mat. the dog sat on the log. a cat and a dog met on a mat."


def vocabulary(text: str) -> List[str]:
    chars: List[str] = []
    for ch in text:
        if ch not in chars:
            chars.append(ch)
    return sorted(chars)


class CharRNN(nn.Module):
    def __init__(self, vocab: int = 14, hidden: int = 24):
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.lstm = nn.LSTM(16, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens, state: Optional[Tuple[torch.Tensor, torch.Tensor]] = None):
        out, (h, c) = self.lstm(self.embed(tokens), state)
        return self.head(out)

    @torch.jit.export
    def step(self, tokens, state: Optional[Tuple[torch.Tensor, torch.Tensor]]) -> Tuple[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
        out, new_state = self.lstm(self.embed(tokens), state)
        return self.head(out[:, -1]), new_state


def generate(model: CharRNN, chars: List[str], prompt: str, length: int) -> str:
    index: Dict[str, int] = {}
    for i, ch in enumerate(chars):
        index[ch] = i
    ids: List[int] = [index[ch] for ch in prompt]
    logits, state = model.step(torch.tensor([ids]), None)
    text = prompt
    for _ in range(length):
        nxt = int(logits.argmax(dim=1).item())
        text += chars[nxt]
        logits, state = model.step(torch.tensor([[nxt]]), state)
    return text


def main():
    chars = vocabulary(CORPUS)
    # wick builds a module while compiling the function that makes it, so its
    # arguments are constants: the corpus has 14 distinct characters.
    model = CharRNN(vocab=14)
    assert len(chars) == 14
    with torch.no_grad():
        k = 0
        for p in model.parameters():
            n = p.numel()
            p.copy_(torch.cos(torch.arange(n, dtype=torch.float32) * 1.7 + float(k)).reshape(p.shape) * 1.5)
            k += 1
    model.eval()
    print(len(chars), "characters:", "".join(chars))
    print(generate(model, chars, "the ", 40))


if __name__ == "__main__":
    main()
