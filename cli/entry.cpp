// Note [Advice before the first fault] (cli/meson.build, Note [Text on huge
// pages]): the command's entry point. The kernel reads a file mapping back
// into its page cache in 2 MB folios only where the mapping was advised
// MADV_HUGEPAGE before the fault, and once a 2 MB range holds a small folio
// the whole range stays in 4 KiB pages. A constructor comes too late for
// what glibc's start-up faults first (_start and .plt at the start of the
// code, glibc's own code at its end, its tunables in .rodata), each fault
// reading +-4 MB around it here (read_ahead_kb 8192). So once the page cache
// had dropped the command, five code ranges and the constants came back
// small, and a resnet18 load process took 5.10 instead of 4.49 ms (wall less
// the forward, medians of 40; 5.87 vs 4.54 in another run).
//
// wick_entry advises every loadable segment and jumps to glibc's _start.
// It sits on the page after the ELF headers (huge_text.ld), which the
// kernel has just read to start the process, so its own first fault reads
// nothing more; and the writable segment's file part ends on a page
// boundary, so the kernel clears no partial page of it first. It runs before
// the C library is set up: no calls, no stack protector, no sanitizer, and
// the syscall is made by hand.
#include <elf.h>
#include <link.h>

#include <cstdint>

#if defined(__x86_64__)
extern "C" {
extern const ElfW(Ehdr) __ehdr_start;  // the linker's symbol for the mapped ELF header

// Nothing may instrument it: profiling and coverage counters use thread-local
// storage, which does not exist yet.
[[gnu::section(".wick_entry"), gnu::used, gnu::no_stack_protector, gnu::no_instrument_function,
  gnu::no_profile_instrument_function, gnu::no_sanitize("address", "undefined", "thread")]]
void wick_advise_segments() {
  constexpr uintptr_t kPage = 4096;
  constexpr long kMadvise = 28, kMadvHugepage = 14;  // x86-64 syscall number, <sys/mman.h>
  auto header = reinterpret_cast<uintptr_t>(&__ehdr_start);
  auto* ph = reinterpret_cast<const ElfW(Phdr)*>(header + __ehdr_start.e_phoff);
  uintptr_t bias = 0;  // the load address less the linked one: 0 unless position-independent
  for (int i = 0; i < __ehdr_start.e_phnum; ++i)
    if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0) bias = header - ph[i].p_vaddr;
  for (int i = 0; i < __ehdr_start.e_phnum; ++i) {
    if (ph[i].p_type != PT_LOAD) continue;
    // The writable segment is advised too, for its file-backed part only: its
    // faults would otherwise read the file around them, the constants just
    // before it included, in small folios.
    uintptr_t size = (ph[i].p_flags & PF_W) ? ph[i].p_filesz : ph[i].p_memsz;
    uintptr_t begin = (bias + ph[i].p_vaddr) & ~(kPage - 1);
    uintptr_t end = (bias + ph[i].p_vaddr + size + kPage - 1) & ~(kPage - 1);
    if (end <= begin) continue;
    long result;
    asm volatile("syscall"
                 : "=a"(result)
                 : "0"(kMadvise), "D"(begin), "S"(end - begin), "d"(kMadvHugepage)
                 : "rcx", "r11", "memory");
    (void)result;  // a hint: without THP the segment keeps ordinary pages
  }
}
}

// The kernel starts a process with the stack holding argc, argv and the
// environment, and %rdx holding a function for atexit (0 for a static
// executable). The call leaves the stack as it found it; %r12 keeps %rdx.
asm(R"(
  .section .wick_entry,"ax",@progbits
  .globl wick_entry
  .type wick_entry,@function
wick_entry:
  mov %rdx, %r12
  call wick_advise_segments
  mov %r12, %rdx
  jmp _start
  .size wick_entry, .-wick_entry
  .previous
)");
#endif
