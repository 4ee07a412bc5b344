#pragma once
// Memory for tensor data and kernel scratch space.
//
// Note [Large buffers]
// A network's forward pass allocates and frees buffers of megabytes on every
// call (activations, im2col matrices). From malloc, each is fresh memory
// (glibc maps and unmaps large blocks) faulted in 4 KiB at a time, and at exit
// the kernel tears every one of those pages down again: for a resnet18 call
// that is thousands of faults and milliseconds of exit. Buffers of
// kLargeBuffer bytes and more are instead whole mappings aligned to 2 MiB and
// advised as transparent huge pages (one fault and one teardown per 2 MiB
// where the kernel allows it), and a freed one is kept for the next request
// of about its size, up to kCachedBytes in all, so steady-state calls fault
// nothing.
//
// Buffers from kMidBuffer up to kLargeBuffer (a CNN's later activations, a
// few hundred KB each) are slots carved from such 2 MiB blocks, in seventeen
// size classes four to an octave (at most a quarter of a slot is unused). A
// freed slot goes back to its class; a block whose slots are all free is
// unmapped once its class has another block's worth free, so memory follows
// use. Measured on a resnet18 call: glibc's heap had grown to 16 MB of 4 KiB
// pages, which took 1.7 ms to tear down at exit. Smaller buffers come from
// malloc, 64-byte aligned.
#include <cstddef>

namespace wick::ops {

constexpr size_t kMidBuffer = size_t(64) << 10;
constexpr size_t kLargeBuffer = size_t(1) << 20;
constexpr size_t kCachedBytes = size_t(256) << 20;

// nbytes uninitialized bytes, 64-byte aligned; raises RuntimeError when out of memory.
void* allocateBuffer(size_t nbytes);
// Gives back a buffer from allocateBuffer(nbytes), with the same nbytes.
void freeBuffer(void* p, size_t nbytes);

}  // namespace wick::ops
