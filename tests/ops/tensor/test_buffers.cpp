// Tensor memory (Note [Large buffers] in ops/tensor/buffers.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <set>
#include <vector>

#include <sys/mman.h>

#include "ops/tensor/buffers.h"

using namespace wick::ops;

TEST_CASE("small buffers are 64-byte aligned and writable") {
  for (size_t n : {size_t(0), size_t(1), size_t(63), size_t(4096), kLargeBuffer - 1}) {
    void* p = allocateBuffer(n);
    REQUIRE(p != nullptr);
    CHECK(reinterpret_cast<uintptr_t>(p) % 64 == 0);
    std::memset(p, 0xab, n);
    freeBuffer(p, n);
  }
  freeBuffer(nullptr, 10);  // as free(nullptr)
}

TEST_CASE("large buffers start on a huge-page boundary and are reused once freed") {
  size_t n = 3 * kLargeBuffer + 17;
  void* a = allocateBuffer(n);
  REQUIRE(a != nullptr);
  CHECK(reinterpret_cast<uintptr_t>(a) % (size_t(2) << 20) == 0);
  std::memset(a, 1, n);  // the whole request is mapped
  freeBuffer(a, n);
  // Any request rounding to the same number of huge pages gets the freed block back.
  void* b = allocateBuffer(n - 1000);
  CHECK(b == a);
  // A second live request of that size needs a new block.
  void* c = allocateBuffer(n);
  CHECK(c != b);
  freeBuffer(b, n - 1000);
  freeBuffer(c, n);
}

TEST_CASE("mid-sized buffers are slots of one huge page that go back to their class") {
  size_t n = 300 << 10;  // class 320 KiB: six slots per 2 MiB block
  void* a = allocateBuffer(n);
  void* b = allocateBuffer(n);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  auto block = [](void* p) { return reinterpret_cast<uintptr_t>(p) >> 21; };
  CHECK(block(a) == block(b));
  auto gap = reinterpret_cast<intptr_t>(b) - reinterpret_cast<intptr_t>(a);
  CHECK((gap >= intptr_t(320 << 10) || gap <= -intptr_t(320 << 10)));  // slots do not overlap
  std::memset(a, 1, n);
  std::memset(b, 2, n);
  CHECK(static_cast<unsigned char*>(a)[n - 1] == 1);
  freeBuffer(a, n);
  void* c = allocateBuffer(n - 5000);  // same class: the freed slot comes back
  CHECK(c == a);
  freeBuffer(b, n);
  freeBuffer(c, n - 5000);
}

TEST_CASE("blocks of mid-sized slots are unmapped once all their slots are free") {
  size_t n = 600 << 10;  // class 640 KiB: three slots per block
  std::vector<void*> live;
  std::set<uintptr_t> blocks;
  for (int i = 0; i < 12; ++i) {
    live.push_back(allocateBuffer(n));
    blocks.insert(reinterpret_cast<uintptr_t>(live.back()) & ~((size_t(2) << 20) - 1));
  }
  CHECK(blocks.size() >= 4);
  for (void* p : live) freeBuffer(p, n);
  // msync fails with ENOMEM on an address that is not mapped.
  size_t mapped = 0;
  for (uintptr_t b : blocks) mapped += msync(reinterpret_cast<void*>(b), 4096, MS_ASYNC) == 0;
  CHECK(mapped <= 2);  // the class keeps at most about a block's worth of free slots
  CHECK(mapped >= 1);
}
