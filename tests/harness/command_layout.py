#!/usr/bin/env python3
"""Checks the layout of the linked wick command that Note [Text on huge
pages] (cli/meson.build) and Note [Advice before the first fault]
(cli/entry.cpp) rely on; a link flag or linker script change that breaks it
costs every process up to a millisecond without failing anything else.

usage: command_layout.py WICK

- every read-only loadable segment is aligned to 2 MiB in the file and in
  memory alike, so its whole 2 MiB ranges can be mapped by one PMD each;
- the entry point is executable and lies in the file's first 16 KiB, which
  the kernel has read (readahead of the ELF header) before the process runs,
  so its own first fault reads no code around it in small folios;
- the writable segment's file-backed part ends on a page, so the kernel
  clears no partial page (a fault) before the entry point has run."""
import struct
import sys

PT_LOAD, PF_X, PF_W = 1, 1, 2
HUGE, PAGE = 2 << 20, 4096


def segments(path):
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
            sys.exit("%s: not a little-endian 64-bit ELF file" % path)
        entry, phoff = struct.unpack_from("<QQ", head, 24)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    loads = []
    for i in range(phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, p_align = struct.unpack_from(
            "<IIQQQQQQ", table, i * phentsize)
        if p_type == PT_LOAD:
            loads.append(dict(flags=p_flags, offset=p_offset, vaddr=p_vaddr, filesz=p_filesz,
                              memsz=p_memsz, align=p_align))
    return entry, loads


def main():
    path = sys.argv[1]
    entry, loads = segments(path)
    problems = []
    for s in loads:
        if s["flags"] & PF_W:
            end = s["offset"] + s["filesz"]
            if s["memsz"] > s["filesz"] and end % PAGE:
                problems.append("the writable segment's file part ends at %#x, inside a page" % end)
        elif s["align"] < HUGE or (s["vaddr"] - s["offset"]) % HUGE:
            problems.append("read-only segment at %#x (file %#x) is not on 2 MiB boundaries" %
                            (s["vaddr"], s["offset"]))
    home = [s for s in loads if s["vaddr"] <= entry < s["vaddr"] + s["memsz"]]
    if not home or not home[0]["flags"] & PF_X:
        problems.append("the entry point %#x is in no executable segment" % entry)
    else:
        at = home[0]["offset"] + entry - home[0]["vaddr"]
        if at >= 4 * PAGE:
            problems.append("the entry point is %#x bytes into the file, past what exec reads" % at)
    for p in problems:
        print("%s: %s" % (path, p))
    print("%d problems in %d loadable segments" % (len(problems), len(loads)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
