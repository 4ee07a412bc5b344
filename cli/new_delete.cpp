// Note [Small objects]
// The command's operator new and delete. Compiling a program or loading an
// archive makes tens of thousands of small allocations (IR nodes and
// values, types, strings, vectors) and frees few of them; glibc's malloc
// serves most of those from its bins rather than its per-thread cache, at
// ~170 instructions each with the free. Measured with callgrind on a
// resnet18 `wick bench --load` process: malloc, free and their helpers were
// 3.6M of its 13.3M instructions.
//
// Here requests up to kMaxBlock bytes are served from per-thread free lists,
// one per 16-byte size class, refilled by carving 16 KiB spans taken from
// malloc. Spans are small because a span's unused tail is waste: with them a
// resnet18 load's heap fits one 2 MB page, as it did on glibc's malloc
// alone, where 64 KiB spans took it into a second. A block's first 8 bytes
// hold its class for the whole life of the process (the caller's object
// starts 8 bytes in, 16-byte aligned), so an unsized delete needs no
// lookup. Larger requests go to malloc with a 16-byte header marking them
// large.
//
// A thread's list of a class holds at most kListBytes: past that the whole
// list goes to a shared depot, and a thread whose list is empty takes one
// back before carving new memory. So memory freed by another thread than
// the one that allocated it (a worker's result freed by the caller) is
// reused rather than hoarded, and a thread's lists go to the depot when it
// exits. Small blocks are never returned to malloc: the command's memory for
// small objects is its peak.
//
// Only the command does this (cli/meson.build leaves it out of sanitizer
// builds, whose runtimes replace operator new themselves); libwick leaves
// allocation to the application that links it.
#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

namespace {

constexpr size_t kGrain = 16;
constexpr size_t kHeader = 8;
constexpr size_t kMinBlock = 32;  // room for a batch's three words
constexpr size_t kMaxBlock = 1024;
constexpr size_t kClasses = kMaxBlock / kGrain + 1;
constexpr size_t kSpan = size_t(16) << 10;
constexpr size_t kListBytes = size_t(32) << 10;
constexpr uint64_t kLarge = ~uint64_t(0);

// A free block's payload: the next block of its list and, in the first
// block of a batch in the depot, the next batch and the batch's length.
struct FreeBlock {
  FreeBlock* next;
  FreeBlock* next_batch;
  size_t count;
};

struct FreeList {
  FreeBlock* head;
  size_t count;
};

// Trivial, so it lives in static TLS and is reached without a guard.
struct ThreadCache {
  FreeList lists[kClasses];
  char* cur;
  char* end;
  bool registered;
};
thread_local ThreadCache t_cache;

struct Depot {
  std::mutex mu;
  std::atomic<FreeBlock*> batches{nullptr};  // read unlocked only to skip an empty depot
};
Depot g_depot[kClasses];

pthread_key_t g_exit_key;
pthread_once_t g_exit_once = PTHREAD_ONCE_INIT;

constexpr size_t classOf(size_t n) {
  size_t block = (n + kHeader + kGrain - 1) & ~(kGrain - 1);
  return (block < kMinBlock ? kMinBlock : block) / kGrain;
}
// The most blocks a thread's list of each class holds (no division when freeing).
constexpr auto kListLimit = [] {
  std::array<uint32_t, kClasses> limit{};
  for (size_t c = 1; c < kClasses; ++c) limit[c] = std::max<size_t>(8, kListBytes / (c * kGrain));
  return limit;
}();

[[gnu::noinline]] void giveToDepot(size_t cls, FreeList& list) {
  list.head->next_batch = nullptr;
  list.head->count = list.count;
  Depot& d = g_depot[cls];
  {
    std::lock_guard<std::mutex> lock(d.mu);
    list.head->next_batch = d.batches.load(std::memory_order_relaxed);
    d.batches.store(list.head, std::memory_order_relaxed);
  }
  list = {nullptr, 0};
}

bool takeFromDepot(size_t cls, FreeList& list) {
  Depot& d = g_depot[cls];
  if (!d.batches.load(std::memory_order_relaxed)) return false;
  std::lock_guard<std::mutex> lock(d.mu);
  FreeBlock* batch = d.batches.load(std::memory_order_relaxed);
  if (!batch) return false;
  d.batches.store(batch->next_batch, std::memory_order_relaxed);
  list = {batch, batch->count};
  return true;
}

void flushThread(void*) {
  for (size_t c = 0; c < kClasses; ++c)
    if (t_cache.lists[c].head) giveToDepot(c, t_cache.lists[c]);
}

void* mallocOrThrow(size_t n) {
  for (;;) {
    if (void* p = std::malloc(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

// A thread's first free: its lists will go to the depot when it exits.
[[gnu::noinline]] void registerThread() {
  pthread_once(&g_exit_once, [] { pthread_key_create(&g_exit_key, flushThread); });
  pthread_setspecific(g_exit_key, &t_cache);
  t_cache.registered = true;
}

[[gnu::noinline]] void* refill(size_t cls) {
  ThreadCache& tc = t_cache;
  FreeList& list = tc.lists[cls];
  if (takeFromDepot(cls, list)) {
    FreeBlock* b = list.head;
    list.head = b->next;
    --list.count;
    return b;
  }
  size_t block = cls * kGrain;
  if (static_cast<size_t>(tc.end - tc.cur) < block) {
    char* span = static_cast<char*>(mallocOrThrow(kSpan));  // 16-byte aligned
    tc.cur = span + kGrain - kHeader;
    tc.end = span + kSpan - kHeader;  // blocks end on a 16-byte boundary
  }
  char* b = tc.cur;
  tc.cur += block;
  *reinterpret_cast<uint64_t*>(b) = cls;
  return b + kHeader;
}

[[gnu::always_inline]] inline void* allocate(size_t n) {
  if (n > kMaxBlock - kHeader) [[unlikely]] {
    if (n > SIZE_MAX - 2 * kHeader) throw std::bad_alloc();
    char* p = static_cast<char*>(mallocOrThrow(n + 2 * kHeader));
    *reinterpret_cast<uint64_t*>(p + kHeader) = kLarge;
    return p + 2 * kHeader;
  }
  size_t cls = classOf(n);
  FreeList& list = t_cache.lists[cls];
  if (FreeBlock* b = list.head) [[likely]] {
    list.head = b->next;
    --list.count;
    return b;
  }
  return refill(cls);
}

[[gnu::always_inline]] inline void release(void* p) {
  if (!p) return;
  uint64_t cls = reinterpret_cast<uint64_t*>(p)[-1];
  if (cls == kLarge) [[unlikely]] {
    std::free(static_cast<char*>(p) - 2 * kHeader);
    return;
  }
  if (!t_cache.registered) [[unlikely]]
    registerThread();
  FreeList& list = t_cache.lists[cls];
  if (list.count == kListLimit[cls]) [[unlikely]]
    giveToDepot(cls, list);
  auto* b = static_cast<FreeBlock*>(p);
  b->next = list.head;
  list.head = b;
  ++list.count;
}

}  // namespace

void* operator new(size_t n) { return allocate(n); }
void* operator new[](size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, size_t) noexcept { release(p); }
void operator delete[](void* p, size_t) noexcept { release(p); }
