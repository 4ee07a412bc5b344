// OpenBLAS starts its thread pool when the library loads, and idle pool
// threads spin (sched_yield) for a while before they sleep. On a 2-core
// machine they take time from whatever wick does first: loading an archive,
// compiling, scalar code. The pool is shut down here, at wick's own static
// initialization (after OpenBLAS's); the first BLAS call that wants threads
// starts it again (OpenBLAS's exec_blas_async re-initializes it).
extern "C" int blas_thread_shutdown_(void);

namespace wick::ops {
namespace {

const bool kBlasPoolIdle = [] {
  blas_thread_shutdown_();
  return true;
}();

}  // namespace
}  // namespace wick::ops
