# Trains pretrained_mlp.py's RingClassifier in PyTorch and saves its
# state_dict (torch.save) beside it, with the expected output of running it.
# Run with PyTorch installed: /usr/bin/python3 samples/nn/make_pretrained_mlp.py
import io
import os
import contextlib
import importlib.util

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("pretrained_mlp", os.path.join(HERE, "pretrained_mlp.py"))
sample = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sample)

torch.manual_seed(0)
model = sample.RingClassifier()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(1500):
    x = torch.rand(256, 2) * 4 - 2
    r = x.norm(dim=1)
    y = ((r > 0.5) & (r < 1.2)).long()
    loss = torch.nn.functional.nll_loss(torch.log(model(x) + 1e-9), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
torch.save(model.state_dict(), os.path.join(HERE, "pretrained_mlp.weights.pt"))

# The expected output: the sample run by PyTorch with these weights.
model.eval()
sample.RingClassifier = lambda: model
out = io.StringIO()
with contextlib.redirect_stdout(out), torch.no_grad():
    sample.main()
with open(os.path.join(HERE, "pretrained_mlp.expected"), "w") as f:
    f.write(out.getvalue())
print(out.getvalue(), end="")
