// Evaluating a FusedProgram (fused_program.h): the guards of Note [Fused
// guards], then the instructions over chunks of the result. The per-op
// functors repeat the unfused kernels' arithmetic exactly (binary.cpp,
// unary.cpp, activation.cpp), so the two paths agree to the bit.
#include <algorithm>
#include <cmath>
#include <memory>

#include "ops/cpu/activation_math.h"
#include "ops/cpu/elementwise.h"
#include "ops/cpu/fast_math.h"
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
// [N,M]), or a pattern repeating every `period` elements (trailing dims, [M]
// against [N,M]).
enum class Access : uint8_t { Scalar, Full, Row, Col };

template <class T>
struct Bound {
  Access access = Access::Scalar;
  const T* data = nullptr;
  T value{};
  int64_t period = 0;
};

// A value within one chunk: a run of elements or a single element.
template <class T>
struct Slot {
  const T* p;
  T s;
  bool scalar;
};

// ---- the ops, as the unfused kernels compute them ----

template <class T> T sigmoidOf(T a) {
  if constexpr (std::is_same_v<T, float>) return fastmath::sigmoidf(a);
  else return T(1) / (T(1) + std::exp(-a));
}
template <class T> T tanhOf(T a) {
  if constexpr (std::is_same_v<T, float>) return fastmath::tanhf(a);
  else return std::tanh(a);
}
template <class T> T expOf(T a) {
  if constexpr (std::is_same_v<T, float>) return fastmath::expf(a);
  else return std::exp(a);
}
template <class T> T maxNan(T a, T b) { return (a != a || b != b) ? T(NAN) : (a > b ? a : b); }
template <class T> T minNan(T a, T b) { return (a != a || b != b) ? T(NAN) : (a < b ? a : b); }

template <class T, class F>
void unaryLoop(Slot<T>& d, const Slot<T>& a, T* __restrict o, int64_t n, F f) {
  if (a.scalar) {
    d = {nullptr, f(a.s), true};
    return;
  }
  const T* __restrict pa = a.p;
  for (int64_t i = 0; i < n; ++i) o[i] = f(pa[i]);
  d = {o, T{}, false};
}

template <class T, class F>
void binaryLoop(Slot<T>& d, const Slot<T>& a, const Slot<T>& b, T* __restrict o, int64_t n, F f) {
  if (a.scalar && b.scalar) {
    d = {nullptr, f(a.s, b.s), true};
    return;
  }
  if (a.scalar) {
    T x = a.s;
    const T* __restrict pb = b.p;
    for (int64_t i = 0; i < n; ++i) o[i] = f(x, pb[i]);
  } else if (b.scalar) {
    T y = b.s;
    const T* __restrict pa = a.p;
    for (int64_t i = 0; i < n; ++i) o[i] = f(pa[i], y);
  } else {
    const T* __restrict pa = a.p;
    const T* __restrict pb = b.p;
    for (int64_t i = 0; i < n; ++i) o[i] = f(pa[i], pb[i]);
  }
  d = {o, T{}, false};
}

template <class T>
void step(const FusedInstr& in, Slot<T>* v, T* o, int64_t n) {
  Slot<T>& d = v[in.dst];
  const Slot<T>& a = v[in.a];
  switch (in.op) {  // FUSED OPS
    case FusedOp::Add: return binaryLoop(d, a, v[in.b], o, n, [](T x, T y) { return T(x + y); });
    case FusedOp::Sub: return binaryLoop(d, a, v[in.b], o, n, [](T x, T y) { return T(x - y); });
    case FusedOp::Mul: return binaryLoop(d, a, v[in.b], o, n, [](T x, T y) { return T(x * y); });
    case FusedOp::Div: return binaryLoop(d, a, v[in.b], o, n, [](T x, T y) { return T(x / y); });
    case FusedOp::Pow: return binaryLoop(d, a, v[in.b], o, n, [](T x, T y) { return T(std::pow(x, y)); });
    case FusedOp::Maximum: return binaryLoop(d, a, v[in.b], o, n, maxNan<T>);
    case FusedOp::Minimum: return binaryLoop(d, a, v[in.b], o, n, minNan<T>);
    case FusedOp::Neg: return unaryLoop(d, a, o, n, [](T x) { return T(-x); });
    case FusedOp::Abs: return unaryLoop(d, a, o, n, [](T x) { return x < 0 ? T(-x) : x; });
    case FusedOp::Relu: return unaryLoop(d, a, o, n, [](T x) { return x > T(0) ? x : T(0); });
    case FusedOp::Sigmoid: return unaryLoop(d, a, o, n, sigmoidOf<T>);
    case FusedOp::Tanh: return unaryLoop(d, a, o, n, tanhOf<T>);
    case FusedOp::Exp: return unaryLoop(d, a, o, n, expOf<T>);
    case FusedOp::Log: return unaryLoop(d, a, o, n, [](T x) { return T(std::log(x)); });
    case FusedOp::Sqrt: return unaryLoop(d, a, o, n, [](T x) { return T(std::sqrt(x)); });
    case FusedOp::Rsqrt: return unaryLoop(d, a, o, n, [](T x) { return T(T(1) / std::sqrt(x)); });
    case FusedOp::Reciprocal: return unaryLoop(d, a, o, n, [](T x) { return T(T(1) / x); });
    case FusedOp::Gelu: return unaryLoop(d, a, o, n, [](T x) { return T(geluOf(x, false)); });
    case FusedOp::GeluTanh: return unaryLoop(d, a, o, n, [](T x) { return T(geluOf(x, true)); });
    case FusedOp::Silu: return unaryLoop(d, a, o, n, siluOf<T>);
  }
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
    if (t.device() != kCPU || !t.is_contiguous()) return false;
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

// ---- the chunk loop ----

template <class T>
struct Run {
  const FusedProgram& p;
  std::vector<Bound<T>> bound;  // per input
  std::vector<T*> out;          // per output
  int64_t min_period = 0;       // smallest Row/Col period (0: none)

  // Reads input i over [start, start+n) into slot s (copying into buf when needed).
  void load(size_t i, int64_t start, int64_t n, T* buf, Slot<T>& s) const {
    const Bound<T>& b = bound[i];
    switch (b.access) {
      case Access::Scalar: s = {nullptr, b.value, true}; return;
      case Access::Full: s = {b.data + start, T{}, false}; return;
      case Access::Row:
        if (start / b.period == (start + n - 1) / b.period) {
          s = {nullptr, b.data[start / b.period], true};
          return;
        }
        for (int64_t k = 0; k < n;) {
          int64_t row = (start + k) / b.period, end = std::min(n, (row + 1) * b.period - start);
          std::fill(buf + k, buf + end, b.data[row]);
          k = end;
        }
        s = {buf, T{}, false};
        return;
      case Access::Col:
        if (start / b.period == (start + n - 1) / b.period) {
          s = {b.data + start % b.period, T{}, false};
          return;
        }
        for (int64_t k = 0; k < n;) {
          int64_t off = (start + k) % b.period, len = std::min(n - k, b.period - off);
          std::copy(b.data + off, b.data + off + len, buf + k);
          k += len;
        }
        s = {buf, T{}, false};
        return;
    }
  }

  void chunk(int64_t start, int64_t n, T* scratch, Slot<T>* slots) const {
    T* input_bufs = scratch + p.num_buffers * kChunk;
    for (size_t i = 0; i < p.num_inputs; ++i)
      if (p.operand_input[i]) load(i, start, n, input_bufs + i * kChunk, slots[i]);
    for (const FusedInstr& in : p.instrs) {
      int32_t buf = p.buffer_of[in.dst];
      T* o = buf >= 0 ? scratch + buf * kChunk : outputAt(in.dst) + start;
      step<T>(in, slots, o, n);
    }
    for (size_t k = 0; k < p.outputs.size(); ++k) {
      const Slot<T>& s = slots[p.outputs[k]];
      if (s.scalar) std::fill(out[k] + start, out[k] + start + n, s.s);
    }
  }

  T* outputAt(int32_t value) const {
    for (size_t k = 0; k < p.outputs.size(); ++k)
      if (p.outputs[k] == value) return out[k];
    return nullptr;
  }

  // Chunks of [b, e) that never cross a multiple of min_period when rows are
  // long enough to read in place.
  void range(int64_t b, int64_t e) const {
    size_t nbuf = p.num_buffers + p.num_inputs;
    std::unique_ptr<T[]> scratch(new T[nbuf * kChunk]);
    std::vector<Slot<T>> slots(p.num_values);
    bool aligned = min_period >= kMinRun;
    for (int64_t s = b; s < e;) {
      int64_t end = std::min(e, s + kChunk);
      if (aligned) end = std::min(end, (s / min_period + 1) * min_period);
      chunk(s, end - s, scratch.get(), slots.data());
      s = end;
    }
  }
};

template <class T>
void evaluate(const FusedProgram& p, const lang::IValue* in, const IntArray& shape, int64_t n,
              const std::vector<Access>& access, const std::vector<int64_t>& period, lang::IValue* outputs) {
  Run<T> run{p, std::vector<Bound<T>>(p.num_inputs), {}, 0};
  for (size_t i = 0; i < p.num_inputs; ++i) {
    if (!p.operand_input[i]) continue;
    Bound<T>& b = run.bound[i];
    b.access = access[i];
    b.period = period[i];
    if (!in[i].isTensor()) b.value = scalarOf<T>(in[i]);
    else if (b.access == Access::Scalar) b.value = Tensor::fromIValue(in[i]).data<T>()[0];
    else b.data = Tensor::fromIValue(in[i]).data<T>();
    if (b.access == Access::Row || b.access == Access::Col)
      run.min_period = run.min_period ? std::min(run.min_period, b.period) : b.period;
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
    if (n > 0) run.range(0, n);
    return;
  }
  parallelForImpl(0, chunks, [&](int64_t b, int64_t e) { run.range(b * kChunk, std::min(n, e * kChunk)); });
}

}  // namespace

bool runFusedProgram(const FusedProgram& p, const lang::IValue* in, lang::IValue* outputs) {
  ScalarType dtype;
  IntArray shape;
  if (!checkInputs(p, in, dtype, shape) || !outputsHaveShape(p, in, shape)) return false;
  int64_t n = numelOf(shape);
  std::vector<Access> access(p.num_inputs, Access::Scalar);
  std::vector<int64_t> period(p.num_inputs, 0);
  for (size_t i = 0; i < p.num_inputs; ++i) {
    if (!p.operand_input[i] || !in[i].isTensor() || n == 0) continue;
    Tensor t = Tensor::fromIValue(in[i]);
    auto a = accessOf(t.sizes(), shape, t.numel(), n, period[i]);
    if (!a) return false;
    access[i] = *a;
  }
  if (dtype == ScalarType::Float) evaluate<float>(p, in, shape, n, access, period, outputs);
  else evaluate<double>(p, in, shape, n, access, period, outputs);
  return true;
}

}  // namespace wick::ops
