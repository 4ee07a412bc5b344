#!/usr/bin/env python3
"""torch.nn layers in wick scripts against PyTorch, with the same weights.

For every configuration of prelude_vs_torch.CONFIGS (the layer table), and
for every model of MODELS (script files with a torch.nn.Module subclass):

  PyTorch: builds the module (torch.nn's own class for a layer; the script
  imported as Python for a model, then torch.jit.script, which must accept
  it), saves its state_dict with torch.save, runs it on seeded inputs.
  wick:    `wick run SCRIPT --module CLASS --weights W.pt --args-json A.json
  --json` builds the same module from the script, loads the weights by name
  (strict) and runs forward on the same inputs; `wick save SCRIPT --module
  CLASS --weights W.pt` saves it, and PyTorch's torch.jit.load runs that.

Both outputs must match PyTorch's (atol 1e-5). Skips (exit 77) without PyTorch.

    nn_vs_torch.py WICK [-k SUBSTRING] [-v]
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
# The layer table and its input makers; importing it finds PyTorch (re-running
# this script under /usr/bin/python3 if need be) or exits 77 (meson's skip).
import prelude_vs_torch as layers  # noqa: E402

torch = layers.torch

# Script models: (path under the project root, class, input specs as in the layer table, train).
MODELS = [
    ("samples/nn/cnn_classifier.py", "Classifier", [[2, 1, 12, 12]], False),
    ("samples/nn/char_rnn.py", "CharRNN", [{"randint": [2, 7], "high": 14}], False),
    ("samples/nn/transformer_block.py", "TinyEncoder", [{"randint": [2, 6], "high": 50}], False),
    ("samples/nn/pretrained_mlp.py", "RingClassifier", [[5, 2]], False),
    ("tests/nn/containers.py", "Stack", [[3, 4]], False),
    ("tests/nn/containers.py", "Branches", [[3, 4]], False),
    ("tests/nn/containers.py", "Shared", [[2, 4]], True),
    ("tests/nn/constants.py", "Constants", [[2, 3, 4, 4]], False),
]

DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.int32: "int32",
          torch.bool: "bool", torch.uint8: "uint8", torch.int8: "int8", torch.int16: "int16"}


def to_json(v):
    if v is None:
        return None
    if isinstance(v, torch.Tensor):
        data = v.detach().reshape(-1).tolist()
        return {"tensor": {"dtype": DTYPES[v.dtype], "shape": list(v.shape), "data": data}}
    if isinstance(v, tuple):
        return {"tuple": [to_json(x) for x in v]}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return v


def from_json(v):
    if isinstance(v, dict) and "tensor" in v:
        t = v["tensor"]
        dtype = {name: dt for dt, name in DTYPES.items()}[t["dtype"]]
        return torch.tensor(t["data"], dtype=dtype).reshape(t["shape"])
    if isinstance(v, dict) and "tuple" in v:
        return tuple(from_json(x) for x in v["tuple"])
    if isinstance(v, list):
        return [from_json(x) for x in v]
    return v


def annotation(v):
    if isinstance(v, torch.Tensor):
        return "Tensor"
    if isinstance(v, tuple):
        return "Tuple[" + ", ".join(annotation(x) for x in v) + "]"
    raise ValueError(v)


def literal(v):
    if isinstance(v, dict) and "module" in v:
        return "%s(%s)" % (v["module"], ", ".join("%s=%s" % (k, literal(x)) for k, x in v["kwargs"].items()))
    return repr(v)


def layer_script(cfg, inputs, fkw):
    """A module holding the layer as `m`, whose forward passes its inputs through (None inline)."""
    params, args = [], []
    for i, x in enumerate(inputs):
        if x is None:
            args.append("None")
        else:
            params.append("a%d: %s" % (i, annotation(x)))
            args.append("a%d" % i)
    for k, x in sorted(fkw.items()):
        if isinstance(x, torch.Tensor):
            params.append("%s: Tensor" % k)
            args.append("%s=%s" % (k, k))
        else:
            args.append("%s=%r" % (k, x))
    ctor = literal({"module": cfg["cls"], "kwargs": cfg["kwargs"]})
    mode = "" if cfg.get("train") else "\n        self.m.eval()"
    return ("import torch\nfrom torch import Tensor\nfrom typing import Tuple\n\n\n"
            "class Wrap(torch.nn.Module):\n"
            "    def __init__(self):\n        super().__init__()\n        self.m = %s%s\n\n"
            "    def forward(self, %s):\n        return self.m(%s)\n" % (ctor, mode, ", ".join(params), ", ".join(args)))


def run_wick(wick, script, cls, state, inputs, tmp, eval_mode=False):
    weights = os.path.join(tmp, "w.pt")
    torch.save(state, weights)
    args = os.path.join(tmp, "args.json")
    with open(args, "w") as f:
        json.dump([to_json(x) for x in inputs if x is not None], f)
    cmd = [wick, "run", script, "--module", cls, "--weights", weights, "--args-json", args, "--json"]
    p = subprocess.run(cmd + (["--eval"] if eval_mode else []), capture_output=True, text=True, timeout=120)
    lines = p.stdout.strip().splitlines()
    out = json.loads(lines[-1]) if lines else {"error": "none"}
    if isinstance(out, dict) and "error" in out:
        return None, (p.stderr.strip().splitlines() or ["(no message)"])[0:3]
    # The same module saved by wick, loaded and run by PyTorch.
    saved = os.path.join(tmp, "saved.pt")
    cmd = [wick, "save", script, "--module", cls, "--weights", weights, "-o", saved]
    p = subprocess.run(cmd + (["--eval"] if eval_mode else []), capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None, ["wick save: "] + (p.stderr.strip().splitlines() or ["(no message)"])[0:3]
    with torch.no_grad():
        reloaded = torch.jit.load(saved)(*[x for x in inputs if x is not None])
    return (from_json(out), reloaded), None


def check_layer(wick, cfg, seed, tmp):
    real = layers.build(cfg["cls"], cfg["kwargs"])
    real.train(bool(cfg.get("train")))
    inputs = layers.make_inputs(cfg["inputs"], seed)
    fkw = layers.make_forward_kwargs(cfg.get("forward_kwargs", {}), seed)
    script = os.path.join(tmp, "layer.py")
    with open(script, "w") as f:
        f.write(layer_script(cfg, inputs, fkw))
    state = {"m." + k: v for k, v in real.state_dict().items()}
    wick_inputs = inputs + [v for k, v in sorted(fkw.items()) if isinstance(v, torch.Tensor)]
    with torch.no_grad():
        try:  # what wick implements: TorchScript's semantics, without eager-only fast paths
            expected = torch.jit.script(real)(*inputs, **fkw)
        except Exception:  # torch's RNNs script without a callable forward
            expected = real(*inputs, **fkw)
    got, err = run_wick(wick, script, "Wrap", state, wick_inputs, tmp)
    return err or layers.differ(got[0], expected, "output") or layers.differ(got[1], expected, "saved by wick, run by torch")


def check_model(wick, path, cls, specs, train, seed, tmp):
    full = os.path.join(ROOT, path)
    spec = importlib.util.spec_from_file_location("model_under_test", full)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    torch.manual_seed(seed)
    model = getattr(mod, cls)()
    model.train(train)
    torch.jit.script(model)  # the script must be TorchScript
    inputs = layers.make_inputs(specs, seed)
    with torch.no_grad():
        expected = model(*inputs)
    got, err = run_wick(wick, full, cls, model.state_dict(), inputs, tmp, eval_mode=not train)
    return err or layers.differ(got[0], expected, "output") or layers.differ(got[1], expected, "saved by wick, run by torch")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wick")
    ap.add_argument("-k", default="")
    ap.add_argument("-v", action="store_true")
    opts = ap.parse_args()
    cases = [("%s %s" % (c["cls"], c["kwargs"]), lambda t, c=c, i=i: check_layer(opts.wick, c, i, t))
             for i, c in enumerate(layers.CONFIGS)]
    cases += [("%s:%s" % (p, c), lambda t, m=(p, c, s, tr), i=i: check_model(opts.wick, *m, 100 + i, t))
              for i, (p, c, s, tr) in enumerate(MODELS)]
    failed = 0
    for name, check in cases:
        if opts.k not in name:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            try:
                why = check(tmp)
            except Exception as e:  # a broken case is a failure, not a crash of the harness
                why = "%s: %s" % (type(e).__name__, e)
        if why:
            failed += 1
            print("FAIL %s: %s" % (name, why))
        elif opts.v:
            print("ok   %s" % name)
    total = sum(1 for name, _ in cases if opts.k in name)
    print("%d passed, %d failed" % (total - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
