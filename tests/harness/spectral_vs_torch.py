#!/usr/bin/env python3
"""Spectral ops (torch.fft, stft, istft, complex views) against PyTorch.

Every function of tests/ops/spectral_cases.py is compiled by torch.jit.script
and run on seeded inputs; `wick run FILE --call NAME --args-json A --json`
runs the same file on the same inputs, and the results must match (atol 1e-4
relative to the largest magnitude, as FFTs of float32 sum in other orders).
Its modules (a log-mel front end, an stft/istft denoiser) are saved by
torch.jit.save and run by wick from the archive, and wick's re-save of the
archive is run by torch.jit.load.
Skips (exit 77) without PyTorch.

    spectral_vs_torch.py WICK [CASES_FILE]
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# Finds PyTorch (re-running this script under /usr/bin/python3 if need be) or exits 77.
from prelude_vs_torch import torch  # noqa: E402

CASES = os.path.join(os.path.dirname(HERE), "ops", "spectral_cases.py")

# Inputs by function: shapes of float32 randn tensors.
INPUTS = {
    "rfft_last": [[3, 10]],
    "rfft_padded_dim0_ortho": [[11, 2]],
    "fft_trimmed_forward": [[2, 9]],
    "fft_round_trip": [[4, 6]],
    "irfft_lengths": [[2, 9]],
    "fft_of_complex": [[3, 5, 2]],
    "complex_parts": [[2, 8]],
    "stft_centered_hann": [[2, 50]],
    "stft_odd_sizes": [[37]],
    "stft_constant_pad_real_result": [[2, 33]],
    "stft_method_uncentered": [[30]],
    "stft_double": [[21]],
    "istft_round_trip": [[2, 48]],
    "istft_uncentered_normalized": [[40]],
    "istft_two_sided_complex": [[24]],
    "complex_dtype": [[5]],
    "complex_arithmetic": [[2, 10]],
    "complex_makers": [[3, 4]],
    "spectral_filter": [[2, 32]],
    "fft2_family": [[3, 5, 6]],
    "fftn_family": [[3, 5, 6]],
    "frequencies_and_shifts": [[3, 5]],
}

# Modules of the cases file saved by torch.jit.save: wick runs the archive,
# and torch.jit.load runs wick's re-save of it. Input shapes as above.
MODULES = {
    "MelSpectrogram": [[2, 100]],
    "Denoiser": [[64]],
}


def to_json(v):
    if isinstance(v, torch.Tensor):
        name = {torch.float32: "float32", torch.float64: "float64"}[v.dtype]
        return {"tensor": {"dtype": name, "shape": list(v.shape), "data": v.reshape(-1).tolist()}}
    if isinstance(v, tuple):
        return {"tuple": [to_json(x) for x in v]}
    return v


def differ(got, want, path="$"):
    if isinstance(want, dict) and "tensor" in want:
        g, w = got.get("tensor") if isinstance(got, dict) else None, want["tensor"]
        if g is None:
            return f"{path}: expected a tensor, got {str(got)[:80]}"
        if g["dtype"] != w["dtype"] or g["shape"] != w["shape"]:
            return f"{path}: {g['dtype']}{g['shape']}, expected {w['dtype']}{w['shape']}"
        scale = max([abs(y) for y in w["data"]] + [1.0])
        for i, (x, y) in enumerate(zip(g["data"], w["data"])):
            if abs(x - y) > 1e-4 * scale:
                return f"{path}[{i}]: {x}, expected {y}"
        return None
    if isinstance(want, dict) and "tuple" in want:
        if not (isinstance(got, dict) and "tuple" in got) or len(got["tuple"]) != len(want["tuple"]):
            return f"{path}: {str(got)[:80]}, expected a tuple of {len(want['tuple'])}"
        for i, (x, y) in enumerate(zip(got["tuple"], want["tuple"])):
            why = differ(x, y, f"{path}[{i}]")
            if why:
                return why
        return None
    return None if got == want else f"{path}: {got!r}, expected {want!r}"


def main():
    wick = sys.argv[1]
    cases_file = sys.argv[2] if len(sys.argv) > 2 else CASES
    spec = importlib.util.spec_from_file_location("spectral_cases", cases_file)
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    torch.manual_seed(0)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, shapes in INPUTS.items():
            args = [torch.randn(s) for s in shapes]
            want = to_json(torch.jit.script(getattr(cases, name))(*args))
            args_file = os.path.join(tmp, name + ".json")
            with open(args_file, "w") as f:
                json.dump([to_json(a) for a in args], f)
            p = subprocess.run([wick, "run", cases_file, "--call", name, "--args-json", args_file, "--json"],
                               capture_output=True, text=True, timeout=60)
            if p.returncode != 0:
                failed += 1
                print(f"FAIL {name}: {p.stderr.strip()[-400:]}")
                continue
            why = differ(json.loads(p.stdout.strip().splitlines()[-1]), want)
            print(f"{'FAIL' if why else 'ok  '} {name}{': ' + why if why else ''}")
            failed += bool(why)
        for name, shapes in MODULES.items():
            args = [torch.randn(s) for s in shapes]
            module = torch.jit.script(getattr(cases, name)().eval())
            with torch.no_grad():
                want = to_json(module(*args))
            archive, resaved = os.path.join(tmp, name + ".pt"), os.path.join(tmp, name + "_wick.pt")
            torch.jit.save(module, archive)
            args_file = os.path.join(tmp, name + ".json")
            with open(args_file, "w") as f:
                json.dump([to_json(a) for a in args], f)
            p = subprocess.run([wick, "run", archive, "--args-json", args_file, "--json"],
                               capture_output=True, text=True, timeout=60)
            why = p.stderr.strip()[-400:] if p.returncode else differ(json.loads(p.stdout.strip().splitlines()[-1]), want)
            if not why:
                p = subprocess.run([wick, "save", archive, "-o", resaved], capture_output=True, text=True, timeout=60)
                if p.returncode:
                    why = "wick save: " + p.stderr.strip()[-400:]
                else:
                    with torch.no_grad():
                        why = differ(to_json(torch.jit.load(resaved)(*args)), want)
                    why = why and "torch.jit.load of wick's save: " + why
            print(f"{'FAIL' if why else 'ok  '} {name} (archive){': ' + why if why else ''}")
            failed += bool(why)
    print(f"{len(INPUTS) + len(MODULES) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
