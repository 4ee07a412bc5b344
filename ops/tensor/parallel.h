#pragma once
// A small thread pool for big elementwise loops and reductions.
//
// parallelFor(begin, end, f) calls f(b, e) on disjoint chunks covering
// [begin, end). Below kParallelGrain elements it runs inline on the calling
// thread: starting threads costs more than a small loop.
#include <cstdint>
#include <functional>

namespace wick::ops {

constexpr int64_t kParallelGrain = 32768;

// Runs f(b, e) over chunks of [begin, end) on the pool, waiting for all.
void parallelForImpl(int64_t begin, int64_t end, const std::function<void(int64_t, int64_t)>& f);

template <class F>
inline void parallelFor(int64_t begin, int64_t end, F&& f) {
  if (end - begin < kParallelGrain) {
    if (end > begin) f(begin, end);
    return;
  }
  parallelForImpl(begin, end, std::function<void(int64_t, int64_t)>(std::ref(f)));
}

int numThreads();

}  // namespace wick::ops
