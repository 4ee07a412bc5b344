#!/usr/bin/env python3
"""Round trip: every fixture archive is loaded and re-saved by `wick save`,
then loaded by PyTorch (torch.jit.load), which must give the fixture's
expected outputs. Skips (exit 77, meson's skip code) when PyTorch is not
installed.

    roundtrip_torch.py WICK SHARED_DIR
"""
import glob
import os
import subprocess
import sys
import tempfile

TORCH_PYTHON = "/usr/bin/python3"

CHECK = r'''
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from run import differ
def encode(v):
    if isinstance(v, torch.Tensor):
        return {"tensor": {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                           "data": v.flatten().tolist()}}
    if isinstance(v, tuple):
        return {"tuple": [encode(x) for x in v]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {"dict": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, torch.device):
        return {"device": str(v)}
    return v
def decode(v):
    if isinstance(v, dict) and "tensor" in v:
        t = v["tensor"]
        return torch.tensor(t["data"], dtype=getattr(torch, t["dtype"])).reshape(t["shape"])
    if isinstance(v, dict) and "tuple" in v:
        return tuple(decode(x) for x in v["tuple"])
    if isinstance(v, dict) and "dict" in v:
        return {decode(k): decode(x) for k, x in v["dict"]}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v
failed = 0
for out, spec_path in zip(sys.argv[2::2], sys.argv[3::2]):
    spec = json.load(open(spec_path))
    why = None
    try:
        m = torch.jit.load(out)
        for c in [spec] + spec.get("also", []):
            got = encode(getattr(m, c["method"])(*[decode(a) for a in c["args"]]))
            why = differ(json.loads(json.dumps(got)), c["expected"])
            if why:
                why = c["method"] + ": " + why
                break
    except Exception as e:
        why = "torch.jit.load or the call failed: " + str(e).strip().splitlines()[0][:300]
    print(("FAIL %s: %s" % (out, why)) if why else ("ok   %s" % out))
    failed += why is not None
sys.exit(1 if failed else 0)
'''


def main():
    wick, shared = sys.argv[1], sys.argv[2]
    probe = subprocess.run([TORCH_PYTHON, "-c", "import torch"], capture_output=True)
    if probe.returncode != 0:
        print("PyTorch is not installed: skipped")
        sys.exit(77)
    fixtures = os.path.join(shared, "fixtures")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        pairs = []
        for pt in sorted(glob.glob(os.path.join(fixtures, "*.pt"))):
            name = os.path.basename(pt)[:-3]
            out = os.path.join(tmp, name + ".pt")
            r = subprocess.run([wick, "save", pt, "-o", out], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {name}: wick save: {r.stderr.strip()[:300]}")
                failed += 1
                continue
            pairs += [out, os.path.join(fixtures, name + ".json")]
        # One PyTorch process loads every saved archive (importing torch is slow).
        r = subprocess.run([TORCH_PYTHON, "-c", CHECK, fixtures] + pairs, capture_output=True, text=True)
        sys.stdout.write(r.stdout)
        if r.returncode != 0:
            failed += 1
            sys.stdout.write(r.stderr[-2000:])
    print("round trip through PyTorch:", "failed" if failed else "all fixtures match")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
