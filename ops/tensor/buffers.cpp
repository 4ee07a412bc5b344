#include "ops/tensor/buffers.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "lang/error.h"

namespace wick::ops {

namespace {

constexpr size_t kHugePage = size_t(2) << 20;

size_t blockSize(size_t nbytes) { return (nbytes + kHugePage - 1) / kHugePage * kHugePage; }

// Freed large blocks by size (Note [Large buffers]). Blocks come in whole
// huge pages, so a block fits exactly the requests that round to its size.
struct BlockCache {
  std::mutex mutex;
  std::multimap<size_t, void*> free_blocks;
  size_t cached = 0;
};

BlockCache& cache() {
  static auto* c = new BlockCache();  // never destroyed: tensors may be freed during exit
  return *c;
}

void* mapBlock(size_t size) {
  // Map one huge page more and trim, so the block starts on a 2 MiB boundary.
  size_t span = size + kHugePage;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  auto start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) munmap(raw, aligned - start);
  size_t tail = start + span - (aligned + size);
  if (tail) munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, size, MADV_HUGEPAGE);  // a hint: without THP the block is ordinary pages
  return p;
}

[[noreturn]] void outOfMemory(size_t nbytes) {
  lang::raise("RuntimeError", "out of memory allocating " + std::to_string(nbytes) + " bytes");
}

}  // namespace

void* allocateBuffer(size_t nbytes) {
  if (nbytes < kLargeBuffer) {
    size_t rounded = (nbytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
    if (!p) outOfMemory(nbytes);
    return p;
  }
  size_t size = blockSize(nbytes);
  if (size < nbytes) outOfMemory(nbytes);  // the rounding wrapped around
  BlockCache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    if (auto it = c.free_blocks.find(size); it != c.free_blocks.end()) {
      void* p = it->second;
      c.free_blocks.erase(it);
      c.cached -= size;
      return p;
    }
  }
  void* p = mapBlock(size);
  if (!p) outOfMemory(nbytes);
  return p;
}

void freeBuffer(void* p, size_t nbytes) {
  if (!p) return;
  if (nbytes < kLargeBuffer) {
    std::free(p);
    return;
  }
  size_t size = blockSize(nbytes);
  BlockCache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.cached + size <= kCachedBytes) {
      c.free_blocks.emplace(size, p);
      c.cached += size;
      return;
    }
  }
  munmap(p, size);
}

}  // namespace wick::ops
