// Evaluating a FusedProgram (fused_program.h): the guards of Note [Fused
// guards], then the instructions over chunks of the result. The per-op
// functors repeat the unfused kernels' arithmetic exactly (binary.cpp,
// unary.cpp, activation.cpp), so the two paths agree to the bit.
// The AVX2 loops inline fast_math_vec.h's 32-byte vector functions; GCC's
// note that such vectors change the ABI of calls without AVX does not apply
// (there are no such calls), and it cannot be silenced more locally.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif

#include "ops/cpu/activation_math.h"
#include "ops/cpu/elementwise.h"
#include "ops/cpu/fast_math.h"
#include "ops/cpu/fast_math_vec.h"
#include "ops/cpu/fused_program.h"

namespace wick::ops {
namespace {

// Elements per chunk: a few scratch buffers of this many stay in L1/L2
// while every instruction of the program runs over them.
constexpr int64_t kChunk = 1024;
// A broadcast input whose rows are at least this long is read in place (one
// element or one pointer per chunk); shorter rows are copied out per chunk.
constexpr int64_t kMinRun = 64;

// How an input is read: one element for the whole call, the result's own
// layout, one element per run of `period` (leading dims, [N,1] against
// [N,M]), a pattern repeating every `period` elements (trailing dims, [M]
// against [N,M]), or the result's shape in rows of `period` contiguous
// elements whose starts step by the strides of the dims above them
// (Note [Row-strided inputs]).
enum class Access : uint8_t { Scalar, Full, Row, Col, Strided };

// Note [Row-strided inputs]: a view whose innermost dim is contiguous but
// whose rows are not adjacent (gates.chunk(4, 1) of a row-major [N,4H]
// matrix: four [N,H] views with row stride 4H) is read row by row, each row
// one contiguous run: a chunk within one row reads it in place, a chunk
// across rows copies its pieces into the input's buffer. Size-1 dims are
// dropped and dims that step evenly are merged first, so the rows are as
// long as the layout allows. Anything else not contiguous (a transpose,
// an innermost stride other than 1) falls back to the unfused kernels.
struct RowLayout {
  int64_t row_len = 0;
  IntArray outer_sizes, outer_strides;  // the dims above the rows, outermost first
};

// How one input is read (the guards' findings), then with its data bound.
struct Layout {
  Access access = Access::Scalar;
  int64_t period = 0;
  RowLayout rows;  // Strided only
};

template <class T>
struct Bound : Layout {
  const T* data = nullptr;
  T value{};
};

// The offset of row `row` (numbered in row-major order) of a Strided input.
inline int64_t rowOffset(const RowLayout& l, int64_t row) {
  int64_t off = 0;
  for (size_t d = l.outer_sizes.size(); d-- > 0;) {
    off += (row % l.outer_sizes[d]) * l.outer_strides[d];
    row /= l.outer_sizes[d];
  }
  return off;
}

// A value within one chunk: a run of elements or a single element.
template <class T>
struct Slot {
  const T* p;
  T s;
  bool scalar;
};

// ---- the chunk loop ----

template <class T>
struct Run {
  const FusedProgram& p;
  std::vector<Bound<T>> bound;  // per input
  std::vector<T*> out;          // per output
  IntArray periods;             // Row/Col/Strided periods of kMinRun or more, which chunks do not cross
};

// Note [AVX2 without FMA]: the chunk loops are compiled twice, for the base
// ISA and for AVX2, chosen at run time. AVX2 alone changes only the vector
// width: each lane still does the same IEEE operations in the same order (no
// FMA contraction), so both give the same bits as each other and as the
// unfused kernels. Functions defined in the target region get AVX2; the
// inline helpers they call (fast_math.h) are inlined into them.
namespace base {
#include "ops/cpu/fused_loops.inc"
}  // namespace base
#pragma GCC push_options
#pragma GCC target("avx2")
namespace avx2 {
#include "ops/cpu/fused_loops.inc"
}  // namespace avx2
#pragma GCC pop_options

// glibc's record of the CPU, read without a CPUID: __builtin_cpu_supports
// would link libgcc's constructor, which runs ten more CPUIDs in every
// process, and a CPUID traps to the hypervisor in a virtual machine.
bool cpuHasAvx2() {
#if __has_include(<sys/platform/x86.h>)
  return CPU_FEATURE_ACTIVE(AVX2);
#else
  return __builtin_cpu_supports("avx2");
#endif
}

template <class T>
void runRange(const Run<T>& run, int64_t b, int64_t e) {
  static const bool has_avx2 = cpuHasAvx2();
  if (has_avx2) avx2::range(run, b, e);
  else base::range(run, b, e);
}

// ---- binding the inputs (the guards) ----

// Broadcast of a and b into a; false where they do not broadcast.
bool broadcastInto(IntArray& a, const IntArray& b) {
  if (b.size() > a.size()) a.insert(a.begin(), b.size() - a.size(), 1);
  size_t off = a.size() - b.size();
  for (size_t i = 0; i < b.size(); ++i) {
    int64_t& x = a[off + i];
    if (x == b[i] || b[i] == 1) continue;
    if (x != 1) return false;
    x = b[i];
  }
  return true;
}

// How a contiguous tensor of `sizes` is read against the result `shape`, or
// nullopt when it is broadcast in some other way (say [N,1,K] against [N,C,K]).
std::optional<Access> accessOf(const IntArray& sizes, const IntArray& shape, int64_t numel, int64_t n, int64_t& period) {
  if (numel == 1) return Access::Scalar;
  if (numel == n) return Access::Full;
  size_t r = shape.size(), off = r - sizes.size();
  auto dimAt = [&](size_t d) { return d < off ? int64_t(1) : sizes[d - off]; };
  size_t lead = 0;  // leading dims equal to the result's, then all 1: Row
  while (lead < r && dimAt(lead) == shape[lead]) ++lead;
  bool ones_after = true;
  for (size_t d = lead; d < r; ++d) ones_after &= dimAt(d) == 1;
  if (ones_after) {
    period = 1;
    for (size_t d = lead; d < r; ++d) period *= shape[d];
    return Access::Row;
  }
  size_t trail = r;  // leading dims all 1, then equal to the result's: Col
  while (trail > 0 && dimAt(trail - 1) == shape[trail - 1]) --trail;
  for (size_t d = 0; d < trail; ++d)
    if (dimAt(d) != 1) return std::nullopt;
  period = 1;
  for (size_t d = trail; d < r; ++d) period *= shape[d];
  return Access::Col;
}

// The rows of a tensor whose innermost non-1 dim has stride 1, or nullopt.
std::optional<RowLayout> rowLayoutOf(const Tensor& t) {
  IntArray sizes, strides;  // innermost first, size-1 dims dropped, even steps merged
  for (size_t d = t.sizes().size(); d-- > 0;) {
    int64_t size = t.sizes()[d], stride = t.strides()[d];
    if (size == 1) continue;
    if (!sizes.empty() && stride == sizes.back() * strides.back()) sizes.back() *= size;
    else sizes.push_back(size), strides.push_back(stride);
  }
  if (sizes.empty() || strides[0] != 1) return std::nullopt;
  RowLayout l;
  l.row_len = sizes[0];
  l.outer_sizes.assign(sizes.rbegin(), sizes.rend() - 1);
  l.outer_strides.assign(strides.rbegin(), strides.rend() - 1);
  return l;
}

template <class T>
T scalarOf(const lang::IValue& v) {
  return v.isFloat() ? convertElement<T>(v.toDouble()) : v.isBool() ? convertElement<T>(v.toBool()) : convertElement<T>(v.toInt());
}

// The dtype every tensor input shares and the result shape, or false.
bool checkInputs(const FusedProgram& p, const lang::IValue* in, ScalarType& dtype, IntArray& shape) {
  dtype = ScalarType::Undefined;
  for (size_t i = 0; i < p.num_inputs; ++i) {
    if (!p.operand_input[i]) continue;
    const lang::IValue& v = in[i];
    if (!v.isTensor()) {
      if (!v.isFloat() && !v.isInt() && !v.isBool()) return false;
      continue;
    }
    Tensor t = Tensor::fromIValue(v);
    if (t.device() != kCPU) return false;
    if (t.dtype() != ScalarType::Float && t.dtype() != ScalarType::Double) return false;
    if (dtype != ScalarType::Undefined && t.dtype() != dtype) return false;
    dtype = t.dtype();
    if (!broadcastInto(shape, t.sizes())) return false;
  }
  return dtype != ScalarType::Undefined;
}

// Every output must have the full shape: one that reads only some inputs
// may be smaller ([N,1] when it reads only the row maxima).
bool outputsHaveShape(const FusedProgram& p, const lang::IValue* in, const IntArray& shape) {
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    if (p.output_reads_all[o]) continue;
    IntArray s;
    for (int32_t i : p.output_inputs[o])
      if (in[i].isTensor()) broadcastInto(s, Tensor::fromIValue(in[i]).sizes());
    if (s != shape) return false;
  }
  return true;
}

// How each input is read (the per-input guards); false when one cannot be.
bool planInputs(const FusedProgram& p, const lang::IValue* in, const IntArray& shape, int64_t n,
                std::vector<Layout>& plan) {
  for (size_t i = 0; i < p.num_inputs; ++i) {
    if (!p.operand_input[i] || !in[i].isTensor() || n == 0) continue;
    Tensor t = Tensor::fromIValue(in[i]);
    Layout& b = plan[i];
    if (t.numel() == 1 || t.is_contiguous()) {
      auto a = accessOf(t.sizes(), shape, t.numel(), n, b.period);
      if (!a) return false;
      b.access = *a;
      continue;
    }
    auto rows = t.numel() == n ? rowLayoutOf(t) : std::nullopt;
    if (!rows) return false;
    b.access = Access::Strided;
    b.period = rows->row_len;
    b.rows = std::move(*rows);
  }
  return true;
}

template <class T>
void evaluate(const FusedProgram& p, const lang::IValue* in, const IntArray& shape, int64_t n,
              std::vector<Layout>& plan, lang::IValue* outputs) {
  Run<T> run{p, std::vector<Bound<T>>(p.num_inputs), {}, {}};
  for (size_t i = 0; i < p.num_inputs; ++i) {
    if (!p.operand_input[i] || n == 0) continue;  // nothing to read from an empty result
    Bound<T>& b = run.bound[i];
    static_cast<Layout&>(b) = std::move(plan[i]);
    if (!in[i].isTensor()) b.value = scalarOf<T>(in[i]);
    else if (b.access == Access::Scalar) b.value = Tensor::fromIValue(in[i]).data<T>()[0];
    else b.data = Tensor::fromIValue(in[i]).data<T>();
    bool periodic = b.access == Access::Row || b.access == Access::Col || b.access == Access::Strided;
    if (periodic && b.period >= kMinRun && std::find(run.periods.begin(), run.periods.end(), b.period) == run.periods.end())
      run.periods.push_back(b.period);
  }
  for (size_t k = 0; k < p.outputs.size(); ++k) {
    Tensor t = Tensor::empty(shape, std::is_same_v<T, float> ? ScalarType::Float : ScalarType::Double);
    run.out.push_back(t.data<T>());
    outputs[k] = t.toIValue();
  }
  // Split over threads in whole chunks, so chunk boundaries do not depend on
  // the thread count.
  int64_t chunks = (n + kChunk - 1) / kChunk;
  if (n < kParallelGrain) {
    if (n > 0) runRange(run, 0, n);
    return;
  }
  parallelForImpl(0, chunks, [&](int64_t b, int64_t e) { runRange(run, b * kChunk, std::min(n, e * kChunk)); });
}

}  // namespace

bool runFusedProgram(const FusedProgram& p, const lang::IValue* in, lang::IValue* outputs) {
  ScalarType dtype;
  IntArray shape;
  if (!checkInputs(p, in, dtype, shape) || !outputsHaveShape(p, in, shape)) return false;
  int64_t n = numelOf(shape);
  std::vector<Layout> plan(p.num_inputs);
  if (!planInputs(p, in, shape, n, plan)) return false;
  if (dtype == ScalarType::Float) evaluate<float>(p, in, shape, n, plan, outputs);
  else evaluate<double>(p, in, shape, n, plan, outputs);
  return true;
}

}  // namespace wick::ops
