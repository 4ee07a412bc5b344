#!/usr/bin/env python3
"""Torchvision models and a few torch.nn modules, saved by PyTorch the three
ways models reach users (torch.jit.script, torch.jit.trace, and a frozen
script), load in wick and give PyTorch's outputs; wick's re-save of each
loads back in PyTorch with the same outputs. Traced archives call what the
tracer records (aten::_convolution, prim::NumToTensor); the transformer
modules, whose weights require no grad, take torch.nn's inference fast paths
(aten::_transformer_encoder_layer_fwd, aten::_native_multi_head_attention
with a key padding mask). Skips (exit 77, meson's skip code) without
torch/torchvision.

    torchvision_models.py WICK
"""
import os
import subprocess
import sys
import tempfile

TORCH_PYTHON = "/usr/bin/python3"
# (model, how it is saved): torchvision names, or the modules MAKE defines.
MODELS = [("resnet18", "script"), ("mobilenet_v2", "script"), ("squeezenet1_1", "script"),
          ("shufflenet_v2_x0_5", "script"), ("resnet18", "trace"), ("resnet18", "freeze"),
          ("TracedSizes", "trace"), ("TracedOps", "trace"), ("TracedOps", "script"), ("Segmenter", "script"), ("Segmenter", "trace"), ("Segmenter", "freeze"),
          ("PackedLSTM", "script"), ("PackedLSTM", "trace"), ("CellsAndShuffles", "script"), ("CellsAndShuffles", "trace"),
          ("Stateful", "script"), ("EncoderNoGrad", "script"), ("EncoderLayerPadded", "script"),
          ("AttentionPadded", "script")]

MAKE = r'''
import sys, torch, torchvision, numpy as np
from collections import OrderedDict
from typing import Tuple
name, mode, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
torch.manual_seed(0)

class TracedSizes(torch.nn.Module):  # the tracer records x.size(0) as NumToTensor
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, stride=2)
        self.up = torch.nn.ConvTranspose2d(4, 2, 2, stride=2)
        self.fc = torch.nn.Linear(2 * 94 * 94, 5)
    def forward(self, x):
        y = self.up(torch.relu(self.conv(x)))
        return self.fc(y.view(y.size(0), -1))

class Segmenter(torch.nn.Module):  # upsample_*.vec, instance_norm, dict(): as torchvision's segmentation heads
    def __init__(self):
        super().__init__()
        self.down = torch.nn.Conv2d(3, 4, 3, stride=4, padding=1)
        self.norm = torch.nn.InstanceNorm2d(4, affine=True)
        self.head = torch.nn.Conv1d(4, 2, 1)
    def forward(self, x):
        feats = OrderedDict()
        feats["low"] = torch.relu(self.norm(self.down(x)))
        up = torch.nn.functional.interpolate(feats["low"], size=x.shape[-2:], mode="bilinear", align_corners=False)
        line = torch.nn.functional.interpolate(self.head(feats["low"].mean(2)), scale_factor=4.0, mode="nearest")
        return up[:, :2] + line.unsqueeze(2)

class TracedOps(torch.nn.Module):  # arange of a traced size (annotate(number, t)), grid_sampler
    def forward(self, x):
        b, c, h, w = x.shape
        pos = torch.arange(w).float().view(1, 1, 1, w)
        att = torch.einsum("bchw,bchv->bcwv", x, x).masked_fill(torch.eye(w, dtype=torch.bool), float("-inf"))
        grid = torch.linspace(-1, 1, 8).view(1, 1, 8, 1).expand(b, 8, 8, 2).contiguous()
        warped = torch.nn.functional.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        return warped + att.softmax(-1)[:, :, :8, :8] + pos[:, :, :, :8]

class PackedLSTM(torch.nn.Module):  # nn.utils.rnn's packing around a bidirectional LSTM
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(8, 5, batch_first=True, bidirectional=True)
    def forward(self, x):
        seqs = x.reshape(4, -1, 8)[:, :6]
        lengths = torch.tensor([6, 2, 5, 3])
        packed = torch.nn.utils.rnn.pack_padded_sequence(seqs, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        y, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=7)
        return y

class CellsAndShuffles(torch.nn.Module):  # RNN cells (traced: unsafe_chunk), channel_shuffle, rrelu, Embedding(max_norm)
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTMCell(8, 6)
        self.gru = torch.nn.GRUCell(6, 6)
        self.shuffle = torch.nn.ChannelShuffle(3)
        self.act = torch.nn.RReLU()
        self.embed = torch.nn.Embedding(12, 6, max_norm=0.5)
    def forward(self, x):
        h, c = self.lstm(x.flatten(1)[:, :8])
        g = self.gru(h, c)
        shuffled = self.act(self.shuffle(x[:, :, :4, :4].repeat(1, 2, 1, 1))).flatten(1)[:, :6]
        ids = (x.flatten(1)[:, :6].abs() * 5).long().clamp(0, 11)
        return g + shuffled + self.embed(ids).sum(1)

class Stateful(torch.nn.Module):  # __getstate__/__setstate__: loading runs __setstate__, saving __getstate__
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(3))
        self.scale = 1.5
        self.cache = torch.zeros(3)
    @torch.jit.export
    def __getstate__(self) -> Tuple[torch.Tensor, float, bool]:
        return (self.w, self.scale, self.training)
    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, float, bool]):
        self.w = state[0]
        self.scale = state[1]
        self.training = state[2]
        self.cache = self.w * self.scale
    def forward(self, x):
        return x[:, :3, 0, 0] * self.cache + self.w

def key_padding(x):
    m = torch.zeros(x.size(0), x.size(1), dtype=torch.bool)
    m[:, -2:] = True
    return m

class EncoderNoGrad(torch.nn.Module):
    def __init__(self):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)
        self.enc = torch.nn.TransformerEncoder(layer, 2)
    def forward(self, x):
        return self.enc(x.reshape(x.size(0), -1, 16)[:, :5])

class EncoderLayerPadded(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.TransformerEncoderLayer(16, 2, 32, batch_first=True, activation="gelu", norm_first=True)
    def forward(self, x):
        x = x.reshape(x.size(0), -1, 16)[:, :6]
        return self.layer(x, src_key_padding_mask=key_padding(x))

class AttentionPadded(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = torch.nn.MultiheadAttention(16, 2, batch_first=True)
    def forward(self, x):
        x = x.reshape(x.size(0), -1, 16)[:, :6]
        out, weights = self.attn(x, x, x, key_padding_mask=key_padding(x))
        assert weights is not None
        return out + weights[:, :, :1]

if hasattr(torchvision.models, name):
    m = getattr(torchvision.models, name)().eval()
    # Batch norm statistics away from their initial 0/1, so eval mode matters.
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1)
            mod.running_var.uniform_(0.5, 1.5)
else:
    m = globals()[name]().eval()
    for p in m.parameters():  # as exported for inference: torch.nn's fast paths apply
        p.requires_grad_(False)
x = torch.randn(2, 3, 96, 96)
with torch.no_grad():
    saved = torch.jit.trace(m, (x,)) if mode == "trace" else torch.jit.script(m)
    if mode == "freeze":
        saved = torch.jit.freeze(saved)
    torch.jit.save(saved, f"{out_dir}/{name}.pt")
    np.save(f"{out_dir}/{name}_x.npy", x.numpy())
    # What torch.jit.load of this very file returns (eager Python can differ from its script).
    np.save(f"{out_dir}/{name}_y.npy", torch.jit.load(f"{out_dir}/{name}.pt")(x).numpy())
'''

CHECK_TORCH = r'''
import sys, torch, numpy as np
m = torch.jit.load(sys.argv[1])
x = torch.from_numpy(np.load(sys.argv[2]))
with torch.no_grad():
    y = m(x).numpy()
ref = np.load(sys.argv[3])
err = float(np.abs(y - ref).max())
print(err)
'''


def compare(got, ref_path):
    import json
    ref = subprocess.run([TORCH_PYTHON, "-c", "import sys, numpy as np, json; "
                          "print(json.dumps(np.load(sys.argv[1]).ravel().tolist()))", ref_path],
                         capture_output=True, text=True, check=True)
    want = json.loads(ref.stdout)
    data = got["tensor"]["data"]
    if len(data) != len(want):
        return "shape differs: %d vs %d values" % (len(data), len(want))
    err = max(abs(a - b) for a, b in zip(data, want))
    scale = max(1.0, max(abs(b) for b in want))
    return None if err <= 1e-4 * scale else "max difference %.3g" % err


def main():
    wick = sys.argv[1]
    probe = subprocess.run([TORCH_PYTHON, "-c", "import torch, torchvision, numpy"], capture_output=True)
    if probe.returncode != 0:
        print("skipped: torch/torchvision not installed for " + TORCH_PYTHON)
        return 77
    import json
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        # A file, not `python -c`: torch.jit.script reads the modules' source.
        maker = os.path.join(d, "make_model.py")
        with open(maker, "w") as f:
            f.write(MAKE)
        for model, mode in MODELS:
            name = model + "_" + mode
            subprocess.run([TORCH_PYTHON, "-W", "ignore", maker, model, mode, d], check=True)
            for suffix in (".pt", "_x.npy", "_y.npy"):
                os.replace(os.path.join(d, model + suffix), os.path.join(d, name + suffix))
            args = os.path.join(d, name + "_args.json")
            with open(args, "w") as f:
                json.dump([{"npy": os.path.join(d, name + "_x.npy")}], f)
            run = subprocess.run([wick, "run", os.path.join(d, name + ".pt"), "--args-json", args, "--json"],
                                 capture_output=True, text=True)
            why = run.stderr.strip() if run.returncode else compare(json.loads(run.stdout.strip().splitlines()[-1]),
                                                                     os.path.join(d, name + "_y.npy"))
            resaved = os.path.join(d, name + "_wick.pt")
            if why is None:
                save = subprocess.run([wick, "save", os.path.join(d, name + ".pt"), "-o", resaved],
                                      capture_output=True, text=True)
                if save.returncode:
                    why = "wick save: " + save.stderr.strip()
                else:
                    back = subprocess.run([TORCH_PYTHON, "-c", CHECK_TORCH, resaved, os.path.join(d, name + "_x.npy"),
                                           os.path.join(d, name + "_y.npy")], capture_output=True, text=True)
                    if back.returncode or float(back.stdout) > 1e-5:
                        why = "torch.jit.load of wick's re-save: " + (back.stderr.strip() or back.stdout.strip())
            print(("ok   " if why is None else "FAIL ") + name + ("" if why is None else ": " + why))
            failed += why is not None
    print("%d passed, %d failed" % (len(MODELS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
