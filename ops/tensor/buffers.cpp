#include "ops/tensor/buffers.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "lang/error.h"

namespace wick::ops {

namespace {

constexpr size_t kHugePage = size_t(2) << 20;

size_t blockSize(size_t nbytes) { return (nbytes + kHugePage - 1) / kHugePage * kHugePage; }


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

// Mid-sized buffers (Note [Large buffers]): slots of 2 MiB blocks.
constexpr size_t kMidClasses = 17;

// Class sizes: 64, 80, 96, 112, 128, 160, ... 768, 896, 1024 KiB: four to an octave.
size_t midClassSize(size_t c) {
  size_t octave = c / 4, step = c % 4;
  return (kMidBuffer << octave) + step * ((kMidBuffer << octave) / 4);
}

size_t midClassOf(size_t nbytes) {
  size_t c = 0;
  while (midClassSize(c) < nbytes) ++c;
  return c;
}

// What Note [Large buffers] keeps, under one lock.
struct Pools {
  std::mutex mutex;
  // Freed large blocks by size. Blocks come in whole huge pages, so a block
  // fits exactly the requests that round to its size.
  std::multimap<size_t, void*> free_blocks;
  size_t cached = 0;
  // Free mid-sized slots by class, and the slots in use per block.
  std::vector<void*> free_slots[kMidClasses];
  std::unordered_map<uintptr_t, uint32_t> used;
};

Pools& pools() {
  static auto* p = new Pools();  // never destroyed: tensors may be freed during exit
  return *p;
}

uintptr_t blockOf(const void* p) { return reinterpret_cast<uintptr_t>(p) & ~(kHugePage - 1); }

void* allocateMid(size_t nbytes) {
  size_t c = midClassOf(nbytes), size = midClassSize(c), per_block = kHugePage / size;
  Pools& s = pools();
  std::lock_guard<std::mutex> lock(s.mutex);
  std::vector<void*>& free = s.free_slots[c];
  if (free.empty()) {
    void* block = mapBlock(kHugePage);
    if (!block) return nullptr;
    s.used[reinterpret_cast<uintptr_t>(block)] = 0;
    for (size_t i = per_block; i-- > 0;) free.push_back(static_cast<char*>(block) + i * size);
  }
  void* p = free.back();
  free.pop_back();
  ++s.used[blockOf(p)];
  return p;
}

void freeMid(void* p, size_t nbytes) {
  size_t c = midClassOf(nbytes), size = midClassSize(c), per_block = kHugePage / size;
  Pools& s = pools();
  std::lock_guard<std::mutex> lock(s.mutex);
  std::vector<void*>& free = s.free_slots[c];
  free.push_back(p);
  uintptr_t block = blockOf(p);
  auto it = s.used.find(block);
  if (--it->second != 0 || free.size() < 2 * per_block) return;
  // Every slot of this block is free and the class keeps another block's worth: unmap it.
  std::erase_if(free, [block](void* q) { return blockOf(q) == block; });
  s.used.erase(it);
  munmap(reinterpret_cast<void*>(block), kHugePage);
}

// Small buffers: 64-byte aligned from plain malloc, the block's own address
// kept in the 8 bytes before the aligned start. glibc's aligned_alloc goes
// around its per-thread caches and splits chunks on every call (a loop of
// 64-wide layers spent 30% of its time in glibc's free/consolidate paths);
// malloc of a small size is a per-thread cache hit.
void* allocateSmall(size_t rounded) {
  void* raw = std::malloc(rounded + 64);
  if (!raw) return nullptr;
  auto aligned = (reinterpret_cast<uintptr_t>(raw) + 64) & ~uintptr_t(63);  // 8 to 64 bytes in
  reinterpret_cast<void**>(aligned)[-1] = raw;
  return reinterpret_cast<void*>(aligned);
}

void freeSmall(void* p) { std::free(static_cast<void**>(p)[-1]); }

[[noreturn]] void outOfMemory(size_t nbytes) {
  lang::raise("RuntimeError", "out of memory allocating " + std::to_string(nbytes) + " bytes");
}

}  // namespace

void* allocateBuffer(size_t nbytes) {
  if (nbytes < kMidBuffer) {
    size_t rounded = (nbytes + 63) / 64 * 64;
    void* p = allocateSmall(rounded);
    if (!p) outOfMemory(nbytes);
    return p;
  }
  if (nbytes < kLargeBuffer) {
    void* p = allocateMid(nbytes);
    if (!p) outOfMemory(nbytes);
    return p;
  }
  size_t size = blockSize(nbytes);
  if (size < nbytes) outOfMemory(nbytes);  // the rounding wrapped around
  Pools& c = pools();
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
  if (nbytes < kMidBuffer) {
    freeSmall(p);
    return;
  }
  if (nbytes < kLargeBuffer) {
    freeMid(p, nbytes);
    return;
  }
  size_t size = blockSize(nbytes);
  Pools& c = pools();
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
