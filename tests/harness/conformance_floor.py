#!/usr/bin/env python3
"""Runs the shared conformance corpus and fails if any category passes fewer
cases than its floor in conformance_floor.json (the last measured counts), so
a regression cannot land silently. Raise the floors as wick improves.

Usage: conformance_floor.py WICK SHARED_DIR. Skips (exit 77) without ../shared."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    wick, shared = sys.argv[1], sys.argv[2]
    runner = os.path.join(shared, "conformance", "run.py")
    if not os.path.exists(runner):
        print(f"skipped: no conformance corpus at {runner}")
        return 77
    with open(os.path.join(HERE, "conformance_floor.json")) as f:
        floors = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        subprocess.run([sys.executable, runner, "--wick", wick, "-j", "2", "--json", out],
                       stdout=subprocess.DEVNULL, check=False)
        with open(out) as f:
            got = json.load(f)["categories"]
    passed = failed = 0
    for cat, floor in sorted(floors.items()):
        have = got.get(cat, {}).get("passed", 0)
        ok = have >= floor
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {cat}: {have} passed (floor {floor})")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
