#!/usr/bin/env python3
"""Torchvision models scripted and saved by PyTorch load in wick and give
PyTorch's outputs; wick's re-save of each loads back in PyTorch with the
same outputs. Skips (exit 77, meson's skip code) without torch/torchvision.

    torchvision_models.py WICK
"""
import os
import subprocess
import sys
import tempfile

TORCH_PYTHON = "/usr/bin/python3"
MODELS = ["resnet18", "mobilenet_v2", "squeezenet1_1", "shufflenet_v2_x0_5"]

MAKE = r'''
import sys, torch, torchvision, numpy as np
name, out_dir = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
m = getattr(torchvision.models, name)().eval()
# Batch norm statistics away from their initial 0/1, so eval mode matters.
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d):
        mod.running_mean.uniform_(-0.1, 0.1)
        mod.running_var.uniform_(0.5, 1.5)
torch.jit.save(torch.jit.script(m), f"{out_dir}/{name}.pt")
x = torch.randn(2, 3, 96, 96)
np.save(f"{out_dir}/{name}_x.npy", x.numpy())
with torch.no_grad():
    np.save(f"{out_dir}/{name}_y.npy", m(x).numpy())
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
        for name in MODELS:
            subprocess.run([TORCH_PYTHON, "-c", MAKE, name, d], check=True)
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
