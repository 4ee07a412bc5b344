// Counting: bincount (occurrences of each non-negative int, optionally
// weighted) and histc (equal-width bins over [min, max]).
#include <cmath>

#include "ops/cpu/elementwise.h"

namespace wick::ops {
namespace {

// bincount's result dtype: int64 counts; float32 weights sum in float32, any
// other weights in float64 (as aten's _bincount_cpu).
ScalarType bincountDtype(const IValue& weights) {
  if (weights.isNone()) return ScalarType::Long;
  return Tensor::fromIValue(weights).dtype() == ScalarType::Float ? ScalarType::Float : ScalarType::Double;
}

void bincountKernel(Stack& s) {  // bincount(Tensor self, Tensor? weights=None, int minlength=0)
  Tensor t = tensorAt(s, 3, 0);
  const IValue& weights = argAt(s, 3, 1);
  int64_t minlength = argAt(s, 3, 2).toInt();
  if (t.dtype() == ScalarType::Bool || !isIntegralType(t.dtype(), false))
    lang::raise("RuntimeError", std::string("\"bincount_cpu\" not implemented for '") + scalarTypeName(t.dtype()) + "'");
  if (minlength < 0) lang::raise("RuntimeError", "minlength should be >= 0");
  Tensor x = t.to(ScalarType::Long).contiguous();
  const int64_t* p = x.data<int64_t>();
  if (t.dim() != 1 || (x.numel() > 0 && *std::min_element(p, p + x.numel()) < 0))
    lang::raise("RuntimeError", "bincount only supports 1-d non-negative integral inputs.");
  Tensor w;
  if (!weights.isNone()) {
    w = Tensor::fromIValue(weights);
    if (w.dim() != 1 || w.numel() != t.numel()) lang::raise("RuntimeError", "weights should be 1-d and have the same length as input");
    w = w.to(ScalarType::Double).contiguous();
  }
  int64_t n = std::max<int64_t>(minlength, x.numel() ? *std::max_element(p, p + x.numel()) + 1 : 0);
  std::vector<double> acc(n, 0.0);
  for (int64_t i = 0; i < x.numel(); ++i) acc[p[i]] += w.defined() ? w.data<double>()[i] : 1.0;
  Tensor out = Tensor::empty({n}, bincountDtype(weights));
  dispatchType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < n; ++i) out.data<T>()[i] = static_cast<T>(acc[i]);
  });
  pushResult(s, 3, out);
}

// histc: bins of equal width over [min, max] (the data's range when
// min == max, widened by 1 each way if still empty); values outside are
// dropped, max itself falls in the last bin. The bin index is computed in the
// input dtype, as aten's histogramdd kernel does.
void histcKernel(Stack& s) {  // histc(Tensor self, int bins=100, Scalar min=0, Scalar max=0)
  Tensor t = tensorAt(s, 4, 0);
  int64_t bins = argAt(s, 4, 1).toInt();
  if (!isFloatingType(t.dtype()))
    lang::raise("RuntimeError", std::string("\"histogram_cpu\" not implemented for '") + scalarTypeName(t.dtype()) + "'");
  if (bins <= 0) lang::raise("RuntimeError", "torch.histogram(): bins must be > 0, but got " + std::to_string(bins) + " for dimension 0");
  double lo = argAt(s, 4, 2).toScalarDouble(), hi = argAt(s, 4, 3).toScalarDouble();
  Tensor x = t.contiguous();
  Tensor out = Tensor::zeros({bins}, t.dtype());
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const T* p = x.data<T>();
    int64_t n = x.numel();
    if (lo == hi && n > 0) {
      lo = INFINITY;
      hi = -INFINITY;
      for (int64_t i = 0; i < n; ++i) {
        double v = static_cast<M>(p[i]);
        if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
      }
    }
    if (lo == hi) lo -= 1, hi += 1;
    if (lo > hi) lang::raise("RuntimeError", "torch.histc: max must be larger than min");
    if (std::isinf(lo) || std::isinf(hi) || std::isnan(lo) || std::isnan(hi))
      lang::raise("RuntimeError", "torch.histc: range of [" + std::to_string(lo) + ", " + std::to_string(hi) + "] is not finite");
    M mlo = static_cast<M>(lo), mhi = static_cast<M>(hi);
    T* o = out.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      M v = static_cast<M>(p[i]);
      if (!(v >= mlo && v <= mhi)) continue;
      auto pos = static_cast<int64_t>((v - mlo) * static_cast<M>(bins) / (mhi - mlo));
      if (pos == bins) pos -= 1;
      o[pos] = static_cast<T>(static_cast<M>(o[pos]) + M(1));
    }
  });
  pushResult(s, 4, out);
}

static lang::RegisterOps reg({
    {"aten::bincount(Tensor self, Tensor? weights=None, int minlength=0) -> Tensor", bincountKernel},
    {"aten::histc(Tensor self, int bins=100, Scalar min=0, Scalar max=0) -> Tensor", histcKernel},
});

}  // namespace
}  // namespace wick::ops
