#!/usr/bin/env python3
"""Copies the linked wick command to its final name in 2 MiB writes, which
the kernel caches in 2 MiB folios where it can (Note [Text on huge pages],
cli/meson.build). The copy is written beside the output and renamed into
place, so a running wick is never overwritten.

Where it can is not always: with free memory fragmented (after a parallel
build, say) a write may get small folios, and one 2 MiB range of hot code in
4 KiB pages cost a resnet18 load process 0.35 ms (4.60 -> 4.92 ms, wall less
the forward, medians of 40). So each whole 2 MiB range is checked by mapping
it alone, 2 MiB aligned, and reading whether the kernel mapped it with one
page table entry (FilePmdMapped in /proc/self/smaps); a range that was not is
written back, dropped from the page cache and written again, a few times at
most. Where the kernel or file system has no large folios at all nothing is
retried, and nothing here ever fails the build."""
import ctypes
import mmap
import os
import re
import sys

CHUNK = 2 << 20
TRIES = 3


def write_all(fd, data):
    off = 0
    while off < len(data):
        off += os.write(fd, data[off:min(off + CHUNK, len(data))])


def small_ranges(fd, size):
    """Offsets of the file's whole 2 MiB ranges that are not mapped by one
    PMD each, or None where that cannot be told."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                          ctypes.c_long]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    count = size // CHUNK
    if count == 0:
        return []
    # Every other 2 MiB of the area: adjacent mappings of adjacent ranges
    # would merge into one entry in smaps.
    span = (2 * count + 1) * CHUNK
    MAP_FAILED = ctypes.c_void_p(-1).value
    MAP_FIXED = 0x10
    PROT_NONE = 0
    area = libc.mmap(None, span, PROT_NONE, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, -1, 0)
    if area in (None, MAP_FAILED):
        return None
    try:
        base = (area + CHUNK - 1) & ~(CHUNK - 1)
        starts = []
        for i in range(count):
            at = libc.mmap(base + 2 * i * CHUNK, CHUNK, mmap.PROT_READ, mmap.MAP_PRIVATE | MAP_FIXED, fd, i * CHUNK)
            if at in (None, MAP_FAILED):
                return None
            # One read per 4 KiB page faults the whole range in, however it is cached.
            for page in range(0, CHUNK, 4096):
                ctypes.c_char.from_address(at + page).value
            starts.append(at)
        pmd = {}
        current = None
        with open("/proc/self/smaps") as f:
            for line in f:
                m = re.match(r"([0-9a-f]+)-[0-9a-f]+ ", line)
                if m:
                    current = int(m.group(1), 16)
                elif line.startswith("FilePmdMapped:") and current is not None:
                    pmd[current] = int(line.split()[1])
        if not any(a in pmd for a in starts):
            return None  # no FilePmdMapped field: an older kernel
        return [i * CHUNK for i, a in enumerate(starts) if pmd.get(a, 0) < CHUNK // 1024]
    finally:
        libc.munmap(area, span)


def checked(fd, size):
    try:
        return small_ranges(fd, size)
    except (OSError, ValueError, AttributeError):
        return None


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = memoryview(f.read())
    tmp = dst + ".tmp"
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o755)
    try:
        write_all(fd, data)
        small = checked(fd, len(data))
        # None small (the usual case), or none large anywhere: large folios
        # are not to be had here, and retrying would only repeat the writes.
        tries = 0
        while small and len(small) < len(data) // CHUNK and tries < TRIES:
            tries += 1
            os.fdatasync(fd)  # only clean pages leave the page cache
            for off in small:
                os.posix_fadvise(fd, off, CHUNK, os.POSIX_FADV_DONTNEED)
                os.pwrite(fd, data[off:off + CHUNK], off)
            small = checked(fd, len(data))
        if small and tries:
            print("note: %d of %d 2 MiB ranges of %s are cached in small pages (memory fragmented?); "
                  "wick runs the same, its start-up a little slower" % (len(small), len(data) // CHUNK, dst))
    finally:
        os.close(fd)
    os.chmod(tmp, os.stat(src).st_mode & 0o7777)
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
