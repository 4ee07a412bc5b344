// Note [Process allocator]
// The wick command allocates with glibc's malloc, its heap on transparent
// huge pages. Loading a model makes tens of thousands of small allocations
// (AST, IR, types, strings), about 2 MB at once for a resnet18: on 4 KiB
// pages that is some 500 page faults, and on this kind of VM each costs
// ~2.6 us, more than zeroing the 2 MB pages that replace them. Measured on a
// resnet18 archive, a whole `wick bench --load` process: 797 page faults on
// plain pages, 150 on huge ones.
//
// glibc grows the main heap with brk and advises nothing, so the first
// constructor of the executable lays the heap out before anything allocates:
//   - what glibc's start-up left of the heap's first top chunk is taken
//     (allocated, never used);
//   - the heap starts one page below a 2 MB boundary: glibc writes its first
//     chunk headers in that page, and nothing touches the heap beyond the
//     boundary until it is advised (a 2 MB range that already has a 4 KiB
//     page mapped is never made huge afterwards);
//   - one large allocation grows the heap by kArena (glibc keeps it, freed,
//     as the top of the heap: the trim threshold is above it), and the
//     whole 2 MB ranges in it are advised MADV_HUGEPAGE;
//   - allocations up to 64 MB stay on that heap (mmap threshold, above
//     kArena), so freed memory is reused instead of unmapped and faulted in
//     again.
// Later growth past kArena gets plain pages, as does every other thread's
// arena. Before: mimalloc on huge pages, which allocated faster but, as a
// shared library, cost every process ~0.2 ms to load and kept the command
// from linking statically (Note [Static command], cli/meson.build).
// Only the command does this: an application embedding libwick keeps its
// own allocator and heap.
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace {

void* volatile g_startup_top;  // volatile: an unused malloc would be optimized away

void hugePageHeap() {
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  constexpr size_t kArena = size_t(32) << 20;  // address space only: untouched pages cost nothing
  auto brk_now = reinterpret_cast<uintptr_t>(sbrk(0));
  if (brk_now == uintptr_t(-1)) return;
  uintptr_t start = ((brk_now + 4096 + kHuge - 1) & ~(kHuge - 1)) - 4096;
  if (start > brk_now && sbrk(static_cast<intptr_t>(start - brk_now)) == reinterpret_cast<void*>(-1)) return;
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // glibc's own start-up has already allocated (the executable's path, for
  // $ORIGIN) and so made the heap's first top chunk, ~132 KiB on plain
  // pages; small allocations would be carved from what is left of it first.
  // Take it all, leaving only its first and last pages ever touched.
  if (size_t left = mallinfo2().keepcost; left > 64) g_startup_top = std::malloc(left - 64);
  void* p = std::malloc(kArena);
  if (!p) return;
  auto first = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  auto end = reinterpret_cast<uintptr_t>(sbrk(0)) & ~(kHuge - 1);
  if (end > first) madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
  std::free(p);
}

// The executable's first constructor: before anything allocates.
__attribute__((constructor(101))) void startUp() { hugePageHeap(); }

}  // namespace

// Note [Text on huge pages] (cli/meson.build): the input section that
// huge_text.ld pads to the end of the code segment. Never called.
[[gnu::section(".wick_text_pad"), gnu::used, gnu::cold]] void wickTextPad() { __builtin_trap(); }

// Note [Static command] (cli/meson.build): a static link's crtbeginT.o
// registers the executable's .eh_frame with the unwinder, which then sorts
// all of its ~60,000 FDEs on the first exception thrown (10 ms for a compile
// error's message). The link wraps the registration away (--wrap), and with
// --eh-frame-hdr the unwinder finds FDEs by binary search through
// dl_iterate_phdr, as in a dynamic executable.
extern "C" {
void __wrap___register_frame_info(const void*, void*) {}
void* __wrap___deregister_frame_info(const void*) { return nullptr; }
}
