#!/usr/bin/env python3
"""`--args-json` tensors from .npy files: headers padded to 64 bytes (mapped in
place) and to 16 (copied), in-place ops leaving the file as it was, and a
truncated file refused with a message naming it. Usage: npy_args.py WICK"""
import json
import os
import struct
import subprocess
import sys
import tempfile

WICK = sys.argv[1]
PROGRAM = """import torch
def f(x: torch.Tensor) -> torch.Tensor:
    x.add_(1.0)
    return x.sum(1)
"""


def write_npy(path, values, rows, cols, align, truncate=0):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
    pad = (align - (10 + len(header) + 1) % align) % align
    header += " " * pad + "\n"
    data = struct.pack("<%df" % len(values), *values)
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data[:len(data) - truncate])


def run(folder, npy):
    args = os.path.join(folder, "args.json")
    with open(args, "w") as f:
        json.dump([{"npy": npy}], f)
    return subprocess.run([WICK, "run", os.path.join(folder, "p.py"), "--call", "f", "--args-json", args, "--json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def main():
    failures = []
    values = [float(i) for i in range(12)]
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "p.py"), "w") as f:
            f.write(PROGRAM)
        for align in (64, 16):
            path = os.path.join(d, "x%d.npy" % align)
            write_npy(path, values, 3, 4, align)
            before = open(path, "rb").read()
            r = run(d, os.path.basename(path))
            got = json.loads(r.stdout)["tensor"]["data"] if r.returncode == 0 else r.stderr
            if got != [10.0, 26.0, 42.0]:  # each row summed after adding 1: 0+1+2+3+4, ...
                failures.append("align %d: %r" % (align, got))
            if open(path, "rb").read() != before:
                failures.append("align %d: the in-place op changed the file" % align)
        write_npy(os.path.join(d, "short.npy"), values, 3, 4, 64, truncate=4)
        r = run(d, "short.npy")
        if r.returncode == 0 or "short.npy" not in r.stderr or "truncated" not in r.stderr:
            failures.append("truncated file: rc %d, %r" % (r.returncode, r.stderr))
    for f in failures:
        print("FAIL", f)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
