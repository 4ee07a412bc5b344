#!/usr/bin/env python3
"""Saving scripts: functions of samples/ and of the language categories of the
shared conformance corpus are saved with `wick save FILE.py --call NAME`,
loaded with PyTorch's torch.jit.load, called with the case's arguments, and
compared with what `wick run FILE.py --call NAME --json` returns (and, for
samples, with the recorded stdout). Skips (exit 77, meson's skip code) when
PyTorch is not installed.

    save_roundtrip_torch.py WICK PROJECT_DIR SHARED_DIR [-v] [-k SUBSTRING]

Prints one line per case that did not round-trip and a summary; fails when
fewer cases match than the floor in save_roundtrip_floor.json (the last
measured count; raise it as saving improves). Functions that use a wick
extension (recursion) must be refused by `wick save`, and count as matched
when they are.
"""
import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import tempfile

TORCH_PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = ["arith", "str", "list", "dict", "tuple", "optional", "control", "func", "class"]
# With --all: every category of the corpus, tensors included.
ALL_CATEGORIES = CATEGORIES + ["builtins", "error", "union", "tensor_arith", "tensor_compare", "tensor_create",
                                "tensor_dtype", "tensor_index", "tensor_inplace", "tensor_linalg", "tensor_misc",
                                "tensor_nn", "tensor_reduce", "tensor_shape"]

# Runs in PyTorch's Python: reads "archive<TAB>args.json-or-empty<TAB>capture"
# lines, prints one JSON result per line. TorchScript's print() writes to the
# C++ stdout, so captured calls redirect file descriptor 1 to a file.
CHECK = r'''
import json, os, sys, tempfile, torch
sys.path.insert(0, sys.argv[1])
from gen_expected import encode, decode
def enc(v):
    try:
        return encode(v)
    except ValueError:
        return {"object": type(v).__name__}
out = os.fdopen(os.dup(1), "w")
for line in sys.stdin:
    path, args_path, capture = line.rstrip("\n").split("\t")
    res = {}
    try:
        args = []
        if args_path:
            with open(args_path) as f:
                args = [decode(a, os.path.dirname(args_path)) for a in json.load(f)]
        m = torch.jit.load(path)
        # The version torch writes for the same code: it recomputes it from
        # the operators when it saves what it loaded.
        import io, zipfile
        def version(z):
            names = [n for n in z.namelist() if n.endswith("/version") or n.endswith("/.data/version")]
            return int(z.read(sorted(names)[0]).decode()) if names else None
        buf = io.BytesIO()
        torch.jit.save(m, buf)
        res["versions"] = [version(zipfile.ZipFile(path)), version(zipfile.ZipFile(buf))]
    except Exception as e:
        res = {"load_error": str(e).strip().splitlines()[-1][:300] if str(e).strip() else repr(e)}
    else:
        cap = tempfile.TemporaryFile() if capture == "1" else None
        versions = res.get("versions")
        if cap:
            sys.stdout.flush(); saved = os.dup(1); os.dup2(cap.fileno(), 1)
        try:
            res = {"value": enc(m(*args))}
        except Exception as e:
            res = {"error": "runtime", "message": (str(e).strip().splitlines() or [""])[-1][:200]}
        res["versions"] = versions
        if cap:
            os.dup2(saved, 1); os.close(saved); cap.seek(0); res["stdout"] = cap.read().decode()
    out.write(json.dumps(res) + "\n"); out.flush()
'''


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def cases(project, shared, substring, categories):
    """(label, file, function, args_path or None, expected stdout or None, corpus expectation or None)."""
    out = []
    for py in sorted(glob.glob(os.path.join(project, "samples", "*.py"))):
        expected = py[:-3] + ".expected"
        if os.path.exists(expected):
            with open(expected) as f:
                out.append(("samples/" + os.path.basename(py) + ":main", py, "main", None, f.read(), None))
    for cat in categories:
        for exp_path in sorted(glob.glob(os.path.join(shared, "conformance", "cases", cat, "*.expected.json"))):
            py = exp_path[: -len(".expected.json")] + ".py"
            base = os.path.basename(py)
            if base.startswith(("err_", "syntax_")):
                continue
            with open(exp_path) as f:
                expected = json.load(f)
            for case, want in expected.items():
                if "error" in want and want["error"] == "compile":
                    continue
                args = py[:-3] + "." + case + ".args.json"
                out.append((f"{cat}/{base}:{case}", py, case, args if os.path.exists(args) else None, None, want))
    return [c for c in out if substring in c[0]]


def wick_side(wick, tmp, index, case):
    """Runs and saves one case with wick: (run result, saved path or refusal)."""
    label, py, fn, args = case[:4]
    cmd = [wick, "run", py, "--call", fn, "--json"] + (["--args-json", args] if args else [])
    r = run(cmd)
    lines = r.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else {"error": "crash"}
    except json.JSONDecodeError:
        result = {"error": "bad output"}
    printed = "\n".join(lines[:-1]) + "\n" if len(lines) > 1 else ""
    out = os.path.join(tmp, f"case{index}.pt")
    s = run([wick, "save", py, "--call", fn, "-o", out])
    saved = out if s.returncode == 0 else None
    return result, printed, saved, s.stderr.strip()


def main():
    argv = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    substring = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else ""
    if "-k" in sys.argv:
        argv.remove(substring)
    wick, project, shared = argv[:3]
    if run([TORCH_PYTHON, "-c", "import torch"]).returncode != 0:
        print("PyTorch is not installed: skipped")
        return 77
    todo = cases(project, shared, substring, ALL_CATEGORIES if "--all" in sys.argv else CATEGORIES)
    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            wick_results = list(pool.map(lambda ic: wick_side(wick, tmp, *ic), enumerate(todo)))
        lines = []
        for case, (_, _, saved, _) in zip(todo, wick_results):
            if saved:
                lines.append(f"{saved}\t{case[3] or ''}\t{'1' if case[4] is not None else '0'}\n")
        checker = subprocess.run([TORCH_PYTHON, "-c", CHECK, os.path.join(shared, "conformance")],
                                 input="".join(lines), capture_output=True, text=True, timeout=1200)
        torch_results = [json.loads(x) for x in checker.stdout.splitlines()]
        if len(torch_results) < len(lines):
            print("PyTorch stopped early:", checker.stderr[-2000:])
    sys.path.insert(0, os.path.join(shared, "fixtures"))
    from run import differ
    counts = {"cases": len(todo), "saved": 0, "matched": 0, "refused (extension)": 0, "not compiled by wick": 0,
              "not saved": 0, "load failed": 0, "differ": 0, "differ (wick run is wrong)": 0}
    versions = {}
    it = iter(torch_results)
    for case, (want, printed, saved, err) in zip(todo, wick_results):
        label, expected_stdout, corpus = case[0], case[4], case[5]
        if want == {"error": "compile"}:
            counts["not compiled by wick"] += 1
            if verbose:
                print(f"not compiled {label}")
            continue
        if not saved:
            extension = "wick extension" in err
            counts["refused (extension)" if extension else "not saved"] += 1
            counts["matched"] += extension
            if not extension or verbose:
                print(f"{'refused' if extension else 'NOT SAVED'} {label}: {err.splitlines()[0] if err else '?'}")
            continue
        counts["saved"] += 1
        got = next(it, {"load_error": "no result (PyTorch crashed?)"})
        why = None
        if "load_error" in got:
            why = "torch.jit.load failed: " + got["load_error"]
            counts["load failed"] += 1
        else:
            wick_error = isinstance(want, dict) and set(want) == {"error"}
            if wick_error or "error" in got:
                why = None if wick_error == ("error" in got) else f"wick {want}, torch {got}"
            else:
                why = differ(got["value"], want)
            ours, torchs = got.get("versions") or [None, None]
            versions[ours] = versions.get(ours, 0) + 1
            if not why and ours != torchs:
                why = f"version record {ours}, torch writes {torchs} for the same code"
            if not why and expected_stdout is not None and got.get("stdout") != expected_stdout:
                why = f"stdout {got.get('stdout')!r}, expected {expected_stdout!r}"
            # When PyTorch agrees with the corpus, the saved code is right and
            # `wick run` is what differs (a wick bug, not a saving bug).
            torch_agrees = corpus and (("value" in corpus and "value" in got and not differ(got["value"], corpus["value"]))
                                       or ("error" in corpus and "error" in got))
            wick_wrong = why and torch_agrees
            counts["differ (wick run is wrong)" if wick_wrong else "differ" if why else "matched"] += 1
            if wick_wrong:
                why = "(wick run is wrong; torch matches the corpus) " + why
        if why:
            print(f"FAIL {label}: {why}")
    print(", ".join(f"{v} {k}" for k, v in counts.items()))
    print("version records written (all checked against torch's):",
          ", ".join(f"{v}: {n}" for v, n in sorted(versions.items(), key=lambda x: str(x[0]))))
    with open(os.path.join(HERE, "save_roundtrip_floor.json")) as f:
        floor = json.load(f)["matched"]
    if substring:
        return 0
    if counts["matched"] < floor:
        print(f"FAIL: {counts['matched']} matched, below the floor of {floor}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
