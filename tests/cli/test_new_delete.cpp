// cli/new_delete.cpp (Note [Small objects]), linked into this executable so
// that every allocation here, doctest's included, goes through it.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <set>
#include <thread>
#include <vector>

namespace {

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// Fills n bytes with a pattern derived from the block's address and size.
void fill(unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>((reinterpret_cast<uintptr_t>(p) >> 4) + n + i);
}
bool intact(const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != static_cast<unsigned char>((reinterpret_cast<uintptr_t>(p) >> 4) + n + i)) return false;
  return true;
}

}  // namespace

TEST_CASE("every size from 0 to 4 KiB is aligned, writable and kept apart") {
  std::vector<std::pair<unsigned char*, size_t>> blocks;
  for (size_t n = 0; n <= 4096; ++n) {
    auto* p = static_cast<unsigned char*>(::operator new(n));
    CHECK(aligned16(p));
    fill(p, n);
    blocks.emplace_back(p, n);
  }
  size_t broken = 0;
  for (auto [p, n] : blocks) broken += !intact(p, n);
  CHECK(broken == 0);
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (i % 2) ::operator delete(blocks[i].first);
    else ::operator delete(blocks[i].first, blocks[i].second);
  }
}

TEST_CASE("a freed block is handed out again for the same size class") {
  void* a = ::operator new(40);
  ::operator delete(a, 40);
  void* b = ::operator new(36);  // 36 and 40 bytes both take a 48-byte block
  CHECK(a == b);
  ::operator delete(b);
}

TEST_CASE("impossible sizes throw bad_alloc") {
  volatile size_t huge = std::numeric_limits<size_t>::max() - 4;  // volatile: no compile-time warning
  auto allocate = [](size_t n) { return ::operator new(n); };
  CHECK_THROWS_AS(allocate(huge), std::bad_alloc);
  huge = size_t(1) << 62;
  CHECK_THROWS_AS(allocate(huge), std::bad_alloc);
  CHECK(::operator new(huge, std::nothrow) == nullptr);
}

TEST_CASE("blocks freed by another thread are reused, not hoarded") {
  constexpr size_t kCount = 5000;
  std::vector<void*> first(kCount);
  for (auto& p : first) p = ::operator new(64);
  std::thread([&] {
    for (void* p : first) ::operator delete(p);
  }).join();  // its lists go to the depot as it exits, on top of any older ones
  std::set<void*> freed(first.begin(), first.end());
  size_t reused = 0;
  std::vector<void*> second(kCount);
  std::thread([&] {  // a new thread: its own lists are empty
    for (auto& p : second) {
      p = ::operator new(64);
      reused += freed.count(p);
    }
  }).join();
  CHECK(reused == kCount);
  for (void* p : second) ::operator delete(p);
}

TEST_CASE("threads allocating, passing and freeing blocks keep their contents") {
  constexpr int kThreads = 4;
  constexpr int kRounds = 20000;
  std::mutex mu;
  std::vector<std::pair<unsigned char*, size_t>> passed;
  std::vector<size_t> broken(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      uint32_t rng = 12345u + t;
      std::vector<std::pair<unsigned char*, size_t>> mine;
      for (int i = 0; i < kRounds; ++i) {
        rng = rng * 1664525u + 1013904223u;
        size_t n = (rng >> 8) % 1500;
        auto* p = static_cast<unsigned char*>(::operator new(n));
        fill(p, n);
        if (rng & 1) {
          std::lock_guard<std::mutex> lock(mu);
          passed.emplace_back(p, n);
        } else {
          mine.emplace_back(p, n);
        }
        if (mine.size() > 64 || (rng & 6) == 0) {
          std::pair<unsigned char*, size_t> victim{};
          {
            std::lock_guard<std::mutex> lock(mu);
            if (!passed.empty()) {
              victim = passed.back();
              passed.pop_back();
            }
          }
          if (!victim.first && !mine.empty()) {
            victim = mine.back();
            mine.pop_back();
          }
          if (victim.first) {
            broken[t] += !intact(victim.first, victim.second);
            ::operator delete(victim.first);
          }
        }
      }
      for (auto [p, n] : mine) {
        broken[t] += !intact(p, n);
        ::operator delete(p, n);
      }
    });
  for (auto& th : threads) th.join();
  for (auto [p, n] : passed) {
    CHECK(intact(p, n));
    ::operator delete(p);
  }
  for (size_t b : broken) CHECK(b == 0);
}
