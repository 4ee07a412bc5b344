#!/usr/bin/env python3
"""Runs samples/embed (an application using the public C++ API) on an archive
and checks its printed output against values PyTorch computed for the same
input, and that the multi-threaded calls agreed.

    run_embed.py EMBED MODEL.pt SHAPE EXPECTED...   (SHAPE like 2x3)
"""
import subprocess
import sys


def main():
    exe, model, shape = sys.argv[1:4]
    expected = [float(v) for v in sys.argv[4:]]
    r = subprocess.run([exe, model] + shape.split("x"), capture_output=True, text=True, timeout=120)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        sys.exit(f"embed exited with {r.returncode}")
    out = next((l for l in r.stdout.splitlines() if l.startswith("output:")), None)
    if out is None:
        sys.exit("no output line")
    got = [float(v) for v in out.split()[1:]]
    if len(got) != len(expected) or any(abs(g - e) > 1e-5 + 1e-5 * abs(e) for g, e in zip(got, expected)):
        sys.exit(f"output {got}, expected {expected}")
    if "threads: 4 x 20 calls agree" not in r.stdout:
        sys.exit("threads disagreed")


if __name__ == "__main__":
    main()
