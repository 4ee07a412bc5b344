# Running weights trained in PyTorch: the model is defined here, its weights
# come from a state_dict that PyTorch saved (make_pretrained_mlp.py trains it
# to tell points inside a ring from points outside):
#
#   wick run samples/nn/pretrained_mlp.py --weights samples/nn/pretrained_mlp.weights.pt
#
# Without --weights the model keeps its random initialization and guesses.
import torch
import torch.nn as nn
from typing import List


class RingClassifier(nn.Module):
    def __init__(self, hidden: int = 32):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                    nn.Linear(hidden, 2))

    def forward(self, points):
        return torch.softmax(self.layers(points), dim=1)


def main():
    model = RingClassifier()
    model.eval()
    points = torch.tensor([[0.0, 0.0], [0.3, -0.2], [0.9, 0.1], [-0.7, 0.7], [1.6, 1.2], [-1.8, 0.4]])
    probs = model(points)
    for i in range(points.size(0)):
        xy: List[float] = points[i].tolist()
        p = probs[i, 1].item()
        where = "ring" if p > 0.5 else "not ring"
        print("({:+.1f}, {:+.1f}): {} (p = {:.3f})".format(xy[0], xy[1], where, p))


if __name__ == "__main__":
    main()
