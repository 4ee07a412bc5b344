// Note [Process allocator]
// The wick command runs on mimalloc (where it is installed), with its memory
// on transparent huge pages. Loading a model makes tens of thousands of small
// allocations (AST, IR, types, strings): with glibc's malloc each new 4 KiB
// page of heap is a page fault, and at exit the kernel tears every page down
// again. Measured on a resnet18 archive: the first load in a process took
// 5.5 ms with glibc and 3.1 ms with mimalloc on huge pages; a whole
// `wick bench` process minus its forward call, 9.0 ms and 6.1 ms.
//
// The option must be set before mimalloc maps its first segment, so this runs
// as the first constructor of the executable (mimalloc's own initialization,
// in its shared library, runs earlier and maps nothing). A user's
// MIMALLOC_LARGE_OS_PAGES setting wins. Only the command links mimalloc: an
// application that embeds libwick keeps the allocator it chose.
#ifdef WICK_HAVE_MIMALLOC
#include <mimalloc.h>

#include <cstdlib>

namespace {

__attribute__((constructor(101))) void useHugePages() {
  if (!std::getenv("MIMALLOC_LARGE_OS_PAGES")) mi_option_set(mi_option_large_os_pages, 1);
}

}  // namespace
#endif
