// Tensor memory (Note [Large buffers] in ops/tensor/buffers.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>

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
