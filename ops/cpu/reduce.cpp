// Reductions (sum/mean/prod/max/min/amax/amin/argmax/argmin/std/var/
// all/any/logsumexp/count_nonzero), each over the rows of reduce_rows.h.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "ops/cpu/reduce_rows.h"

namespace wick::ops {
namespace {

template <bool kProd>
Tensor sumOrProd(const Tensor& t, const IntArray& dims, bool keepdim, ScalarType dt) {
  Rows r = toRows(t.to(dt), dims, keepdim);
  return dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    return reduceRows<T, T>(r, dt, [](const T* p, int64_t n) {
      if constexpr (!kProd && std::is_floating_point_v<T>) return cascadeSum<T>(p, n);  // Note [Cascade sum]
      acc_t<T> acc = kProd ? 1 : 0;
      for (int64_t i = 0; i < n; ++i) {
        if constexpr (kProd) acc *= static_cast<acc_t<T>>(static_cast<opmath_t<T>>(p[i]));
        else acc += static_cast<acc_t<T>>(static_cast<opmath_t<T>>(p[i]));
      }
      return convertElement<T>(acc);
    });
  });
}

void sumKernel(Stack& s) {  // sum(Tensor self, *, ScalarType? dtype=None)
  Tensor t = tensorAt(s, 2, 0);
  pushResult(s, 2, sumOrProd<false>(t, {}, false, sumDtype(t.dtype(), argAt(s, 2, 1))));
}
void sumDimKernel(Stack& s) {  // sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)
  Tensor t = tensorAt(s, 4, 0);
  pushResult(s, 4, sumOrProd<false>(t, optDims(argAt(s, 4, 1)), argAt(s, 4, 2).toBool(), sumDtype(t.dtype(), argAt(s, 4, 3))));
}
void prodKernel(Stack& s) {
  Tensor t = tensorAt(s, 2, 0);
  pushResult(s, 2, sumOrProd<true>(t, {}, false, sumDtype(t.dtype(), argAt(s, 2, 1))));
}
void prodDimKernel(Stack& s) {  // prod.dim_int(Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None)
  Tensor t = tensorAt(s, 4, 0);
  pushResult(s, 4, sumOrProd<true>(t, {argAt(s, 4, 1).toInt()}, argAt(s, 4, 2).toBool(), sumDtype(t.dtype(), argAt(s, 4, 3))));
}

Tensor mean(const Tensor& t, const IntArray& dims, bool keepdim, const IValue& dtype) {
  ScalarType dt = toOptDtype(dtype).value_or(t.dtype());
  if (!isFloatingType(dt))
    lang::raise("RuntimeError", std::string("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ") +
                                    (dt == ScalarType::Long ? "Long" : dt == ScalarType::Int ? "Int" : dt == ScalarType::Bool ? "Bool" : dtypeName(dt)));
  Rows r = toRows(t.to(dt), dims, keepdim);
  return dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    return reduceRows<T, T>(r, dt, [](const T* p, int64_t n) {
      // sum, then divided by the count in T, as PyTorch's CPU mean (Note [Cascade sum])
      if constexpr (std::is_floating_point_v<T>) return n == 0 ? T(NAN) : cascadeSum<T>(p, n) / static_cast<T>(n);
      double acc = 0;
      for (int64_t i = 0; i < n; ++i) acc += static_cast<double>(static_cast<opmath_t<T>>(p[i]));
      return convertElement<T>(n == 0 ? NAN : acc / n);
    });
  });
}
void meanKernel(Stack& s) { pushResult(s, 2, mean(tensorAt(s, 2, 0), {}, false, argAt(s, 2, 1))); }
void meanDimKernel(Stack& s) {
  pushResult(s, 4, mean(tensorAt(s, 4, 0), optDims(argAt(s, 4, 1)), argAt(s, 4, 2).toBool(), argAt(s, 4, 3)));
}

// ---- max/min family: NaN wins, first index on ties ----

template <bool kMax, class T>
int64_t extremeIndex(const T* p, int64_t n) {
  using M = opmath_t<T>;
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i) {
    M a = static_cast<M>(p[i]), b = static_cast<M>(p[best]);
    if (b != b) return best;
    if (a != a) return i;
    if (kMax ? a > b : a < b) best = i;
  }
  if (n > 0 && static_cast<M>(p[best]) != static_cast<M>(p[best])) return best;
  return best;
}

// The extreme value itself, as p[extremeIndex(p, n)] but one vectorized pass
// for floating rows: two vectors of running extremes, and a vector sum of
// v * 0 that turns NaN when any element is NaN or infinite. Those rows, and
// rows whose extreme is zero (0.0 and -0.0 compare equal, and the first one
// wins), take the exact scan; for every other row the lanes' extreme is that
// same value, bit for bit.
template <class T> struct Vec16;  // a 16-byte GCC vector of T
template <> struct Vec16<float> { typedef float type __attribute__((vector_size(16))); };
template <> struct Vec16<double> { typedef double type __attribute__((vector_size(16))); };

template <bool kMax, class T>
T extremeValue(const T* p, int64_t n) {
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    using V = typename Vec16<T>::type;
    constexpr int64_t kW = 16 / sizeof(T);
    auto pick = [](V a, V b) { return (kMax ? a > b : a < b) ? a : b; };
    if (n >= 2 * kW) {
      V a0, a1, bad0 = {}, bad1 = {};
      std::memcpy(&a0, p, sizeof(V));
      std::memcpy(&a1, p + kW, sizeof(V));
      int64_t i = 2 * kW;
      for (; i + 2 * kW <= n; i += 2 * kW) {
        V v0, v1;
        std::memcpy(&v0, p + i, sizeof(V));
        std::memcpy(&v1, p + i + kW, sizeof(V));
        a0 = pick(v0, a0);
        a1 = pick(v1, a1);
        bad0 += v0 * T(0);
        bad1 += v1 * T(0);
      }
      T m = p[0], b = T(0);
      for (; i < n; ++i) {
        m = (kMax ? p[i] > m : p[i] < m) ? p[i] : m;
        b += p[i] * T(0);
      }
      for (int64_t k = 0; k < kW; ++k) {
        m = (kMax ? a0[k] > m : a0[k] < m) ? a0[k] : m;
        m = (kMax ? a1[k] > m : a1[k] < m) ? a1[k] : m;
        b += bad0[k] + bad1[k] + a0[k] * T(0) + a1[k] * T(0);
      }
      if (b == b && m != 0) return m;
    }
  }
  return p[extremeIndex<kMax>(p, n)];
}

template <bool kMax>
Tensor extremeValues(const Tensor& t, const IntArray& dims, bool keepdim, const char* name) {
  Rows r = toRows(t, dims, keepdim);
  if (r.inner == 0 && r.outer != 0) {
    if (dims.empty()) lang::raise("RuntimeError", std::string(name) + "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
    lang::raise("IndexError", std::string(name) + "(): Expected reduction dim " + std::to_string(dims[0]) + " to have non-zero size.");
  }
  return dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return reduceRows<T, T>(r, t.dtype(), [](const T* p, int64_t n) { return extremeValue<kMax, T>(p, n); });
  });
}

template <bool kMax>
Tensor extremeIndices(const Tensor& t, const IntArray& dims, bool keepdim, const char* name) {
  Rows r = toRows(t, dims, keepdim);
  if (r.inner == 0 && r.outer != 0) lang::raise("IndexError", std::string(name) + "(): Expected reduction dim to be specified for input.numel() == 0.");
  return dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return reduceRows<T, int64_t>(r, ScalarType::Long, [](const T* p, int64_t n) { return extremeIndex<kMax>(p, n); });
  });
}

template <bool kMax>
void extremeAllKernel(Stack& s) { s.back() = extremeValues<kMax>(Tensor::fromIValue(s.back()), {}, false, kMax ? "max" : "min").toIValue(); }

template <bool kMax>
void extremeDimKernel(Stack& s) {  // max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)
  Tensor t = tensorAt(s, 3, 0);
  IntArray dims{argAt(s, 3, 1).toInt()};
  bool keep = argAt(s, 3, 2).toBool();
  const char* name = kMax ? "max" : "min";
  Tensor v = extremeValues<kMax>(t, dims, keep, name), i = extremeIndices<kMax>(t, dims, keep, name);
  pushResults(s, 3, {v.toIValue(), i.toIValue()});
}

template <bool kMax>
void extremeOtherKernel(Stack& s) {  // max.other(Tensor self, Tensor other) = maximum
  Tensor a = tensorAt(s, 2, 0), b = tensorAt(s, 2, 1);
  ScalarType rt = resultType(a, b);
  pushResult(s, 2, binaryOp(a, b, rt, rt, [](auto x, auto y) {
    if (x != x || y != y) return decltype(x)(x != x ? x : y);
    return kMax ? (x > y ? x : y) : (x < y ? x : y);
  }));
}

template <bool kMax>
void amaxKernel(Stack& s) {  // amax(Tensor self, int[1] dim=[], bool keepdim=False)
  Tensor t = tensorAt(s, 3, 0);
  pushResult(s, 3, extremeValues<kMax>(t, toIntArray(argAt(s, 3, 1)), argAt(s, 3, 2).toBool(), kMax ? "amax" : "amin"));
}

template <bool kMax>
void argKernel(Stack& s) {  // argmax(Tensor self, int? dim=None, bool keepdim=False)
  Tensor t = tensorAt(s, 3, 0);
  const IValue& d = argAt(s, 3, 1);
  bool keep = argAt(s, 3, 2).toBool();
  Tensor r = d.isNone() ? extremeIndices<kMax>(t.reshape({-1}), {0}, false, kMax ? "argmax" : "argmin")
                        : extremeIndices<kMax>(t, {d.toInt()}, keep, kMax ? "argmax" : "argmin");
  if (d.isNone() && keep) r = r.reshape(IntArray(t.dim(), 1));
  pushResult(s, 3, r);
}

// ---- variance family ----

Tensor varStd(const Tensor& t, const IntArray& dims, double correction, bool keepdim, bool take_sqrt) {
  ScalarType dt = t.dtype();
  if (!isFloatingType(dt)) lang::raise("RuntimeError", "std and var only support floating point and complex dtypes");
  Rows r = toRows(t, dims, keepdim);
  return dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    // A single result takes aten's std_var_all_cpu path: the mean as torch.mean
    // computes it (Note [Cascade sum]), then squared deviations in double.
    bool all = r.outer == 1 && r.inner > 1;
    return reduceRows<T, T>(r, dt, [&](const T* p, int64_t n) {
      double m = 0;
      if constexpr (std::is_floating_point_v<T>) {
        if (all) m = static_cast<double>(cascadeSum<T>(p, n) / static_cast<T>(n));
      }
      if (!all || !std::is_floating_point_v<T>) {
        for (int64_t i = 0; i < n; ++i) m += static_cast<double>(static_cast<opmath_t<T>>(p[i]));
        m /= n;
      }
      double ss = 0;
      for (int64_t i = 0; i < n; ++i) {
        double d = static_cast<double>(static_cast<opmath_t<T>>(p[i])) - m;
        ss += d * d;
      }
      double v = ss / std::max<double>(0, n - correction);
      return convertElement<T>(take_sqrt ? std::sqrt(v) : v);
    });
  });
}
template <bool kStd>
void varKernel(Stack& s) {  // std(Tensor self, bool unbiased=True)
  pushResult(s, 2, varStd(tensorAt(s, 2, 0), {}, argAt(s, 2, 1).toBool() ? 1 : 0, false, kStd));
}
template <bool kStd>
void varDimKernel(Stack& s) {  // std.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False)
  pushResult(s, 4, varStd(tensorAt(s, 4, 0), optDims(argAt(s, 4, 1)), argAt(s, 4, 2).toBool() ? 1 : 0, argAt(s, 4, 3).toBool(), kStd));
}
template <bool kStd>
void varCorrectionKernel(Stack& s) {  // std.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False)
  const IValue& c = argAt(s, 4, 2);
  pushResult(s, 4, varStd(tensorAt(s, 4, 0), optDims(argAt(s, 4, 1)), c.isNone() ? 1 : c.toScalarDouble(), argAt(s, 4, 3).toBool(), kStd));
}

template <bool kAll>
Tensor allAny(const Tensor& t, const IntArray& dims, bool keepdim) {
  Rows r = toRows(t.to(ScalarType::Bool), dims, keepdim);
  return reduceRows<bool, bool>(r, ScalarType::Bool, [](const bool* p, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      if (p[i] != kAll) return !kAll;
    return kAll;
  });
}
template <bool kAll>
void allKernel(Stack& s) { s.back() = allAny<kAll>(Tensor::fromIValue(s.back()), {}, false).toIValue(); }
template <bool kAll>
void allDimKernel(Stack& s) { pushResult(s, 3, allAny<kAll>(tensorAt(s, 3, 0), {argAt(s, 3, 1).toInt()}, argAt(s, 3, 2).toBool())); }

void logsumexpKernel(Stack& s) {  // logsumexp(Tensor self, int[1] dim, bool keepdim=False)
  Tensor t = tensorAt(s, 3, 0);
  ScalarType dt = defaultFloatIfIntegral(t.dtype());
  Rows r = toRows(t.to(dt), toIntArray(argAt(s, 3, 1)), argAt(s, 3, 2).toBool());
  pushResult(s, 3, dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    return reduceRows<T, T>(r, dt, [](const T* p, int64_t n) {
      double m = -INFINITY;
      for (int64_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(static_cast<opmath_t<T>>(p[i])));
      if (std::isinf(m)) return convertElement<T>(m);
      double acc = 0;
      for (int64_t i = 0; i < n; ++i) acc += std::exp(static_cast<double>(static_cast<opmath_t<T>>(p[i])) - m);
      return convertElement<T>(m + std::log(acc));
    });
  }));
}

void countNonzeroKernel(Stack& s) {  // count_nonzero.dim_IntList(Tensor self, int[] dim)
  Tensor t = tensorAt(s, 2, 0);
  Tensor b = t.to(ScalarType::Bool);
  pushResult(s, 2, sumOrProd<false>(b, toIntArray(argAt(s, 2, 1)), false, ScalarType::Long));
}
void countNonzeroOptKernel(Stack& s) {  // count_nonzero(Tensor self, int? dim=None)
  Tensor t = tensorAt(s, 2, 0);
  pushResult(s, 2, sumOrProd<false>(t.to(ScalarType::Bool), optDims(argAt(s, 2, 1)), false, ScalarType::Long));
}

static lang::RegisterOps reg({
    {"aten::sum(Tensor self, *, ScalarType? dtype=None) -> Tensor", sumKernel, lang::OpClass::Reduction},
    {"aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", sumDimKernel, lang::OpClass::Reduction},
    {"aten::prod(Tensor self, *, ScalarType? dtype=None) -> Tensor", prodKernel, lang::OpClass::Reduction},
    {"aten::prod.dim_int(Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", prodDimKernel, lang::OpClass::Reduction},
    {"aten::mean(Tensor self, *, ScalarType? dtype=None) -> Tensor", meanKernel, lang::OpClass::Reduction},
    {"aten::mean.dim(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", meanDimKernel, lang::OpClass::Reduction},
    {"aten::max(Tensor self) -> Tensor", extremeAllKernel<true>, lang::OpClass::Reduction},
    {"aten::min(Tensor self) -> Tensor", extremeAllKernel<false>, lang::OpClass::Reduction},
    {"aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", extremeDimKernel<true>, lang::OpClass::Reduction},
    {"aten::min.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", extremeDimKernel<false>, lang::OpClass::Reduction},
    {"aten::max.other(Tensor self, Tensor other) -> Tensor", extremeOtherKernel<true>, lang::OpClass::Elementwise},
    {"aten::min.other(Tensor self, Tensor other) -> Tensor", extremeOtherKernel<false>, lang::OpClass::Elementwise},
    {"aten::amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor", amaxKernel<true>, lang::OpClass::Reduction},
    {"aten::amin(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor", amaxKernel<false>, lang::OpClass::Reduction},
    {"aten::argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", argKernel<true>, lang::OpClass::Reduction},
    {"aten::argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", argKernel<false>, lang::OpClass::Reduction},
    {"aten::std(Tensor self, bool unbiased=True) -> Tensor", varKernel<true>, lang::OpClass::Reduction},
    {"aten::var(Tensor self, bool unbiased=True) -> Tensor", varKernel<false>, lang::OpClass::Reduction},
    {"aten::std.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> Tensor", varDimKernel<true>, lang::OpClass::Reduction},
    {"aten::var.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> Tensor", varDimKernel<false>, lang::OpClass::Reduction},
    {"aten::std.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False) -> Tensor", varCorrectionKernel<true>, lang::OpClass::Reduction},
    {"aten::var.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False) -> Tensor", varCorrectionKernel<false>, lang::OpClass::Reduction},
    {"aten::all(Tensor self) -> Tensor", allKernel<true>, lang::OpClass::Reduction},
    {"aten::any(Tensor self) -> Tensor", allKernel<false>, lang::OpClass::Reduction},
    {"aten::all.dim(Tensor self, int dim, bool keepdim=False) -> Tensor", allDimKernel<true>, lang::OpClass::Reduction},
    {"aten::any.dim(Tensor self, int dim, bool keepdim=False) -> Tensor", allDimKernel<false>, lang::OpClass::Reduction},
    {"aten::logsumexp(Tensor self, int[1] dim, bool keepdim=False) -> Tensor", logsumexpKernel, lang::OpClass::Reduction},
    {"aten::special_logsumexp(Tensor self, int[1] dim, bool keepdim=False) -> Tensor", logsumexpKernel, lang::OpClass::Reduction},
    {"aten::count_nonzero.dim_IntList(Tensor self, int[] dim) -> Tensor", countNonzeroKernel, lang::OpClass::Reduction},
    {"aten::count_nonzero(Tensor self, int? dim=None) -> Tensor", countNonzeroOptKernel, lang::OpClass::Reduction},
});

}  // namespace
}  // namespace wick::ops
