#!/usr/bin/env python3
"""Runs every .py under samples/ that has a NAME.expected beside it with
`wick run` (adding `--weights NAME.weights.pt` when that file is there) and
compares stdout with the expectation (recorded from PyTorch).
Usage: run_samples.py WICK SAMPLES_DIR. Prints 'N passed, N failed'."""
import os
import subprocess
import sys


def main() -> int:
    wick, samples = sys.argv[1], sys.argv[2]
    passed = failed = 0
    files = sorted(os.path.relpath(os.path.join(d, f), samples) for d, _, fs in os.walk(samples) for f in fs)
    for name in files:
        if not name.endswith(".py"):
            continue
        expected_path = os.path.join(samples, name[:-3] + ".expected")
        if not os.path.exists(expected_path):
            continue
        with open(expected_path) as f:
            expected = f.read()
        cmd = [wick, "run", os.path.join(samples, name)]
        weights = os.path.join(samples, name[:-3] + ".weights.pt")
        if os.path.exists(weights):
            cmd += ["--weights", weights]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode == 0 and r.stdout == expected:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name} (exit {r.returncode})\n--- expected\n{expected}--- got\n{r.stdout}{r.stderr}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
