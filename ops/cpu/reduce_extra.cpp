// Reductions built on the basic ones: NaN-skipping sums and means
// (nansum/nanmean), paired results (std_mean/var_mean/aminmax) and trace.
#include <cmath>

#include "ops/cpu/reduce_rows.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// Sums (or averages) each row skipping NaN; integer inputs have no NaN.
Tensor nanReduce(const Tensor& t, const IntArray& dims, bool keepdim, ScalarType dt, bool mean) {
  Rows r = toRows(t.to(dt), dims, keepdim);
  return dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    return reduceRows<T, T>(r, dt, [&](const T* p, int64_t n) {
      if constexpr (std::is_floating_point_v<T>) {  // Note [Cascade sum], NaN skipped
        T sum = cascadeSum<T, true>(p, n);
        if (!mean) return sum;
        int64_t count = 0;
        for (int64_t i = 0; i < n; ++i) count += p[i] == p[i];
        return sum / static_cast<T>(count);
      }
      acc_t<T> acc = 0;
      int64_t count = 0;
      for (int64_t i = 0; i < n; ++i) {
        auto v = static_cast<acc_t<T>>(static_cast<opmath_t<T>>(p[i]));
        if (v != v) continue;
        acc += v;
        ++count;
      }
      if (mean) return convertElement<T>(static_cast<double>(acc) / static_cast<double>(count));
      return convertElement<T>(acc);
    });
  });
}

void nansumKernel(Stack& s) {  // nansum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)
  Tensor t = tensorAt(s, 4, 0);
  pushResult(s, 4, nanReduce(t, optDims(argAt(s, 4, 1)), argAt(s, 4, 2).toBool(), sumDtype(t.dtype(), argAt(s, 4, 3)), false));
}
void nanmeanKernel(Stack& s) {  // nanmean(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)
  Tensor t = tensorAt(s, 4, 0);
  ScalarType dt = toOptDtype(argAt(s, 4, 3)).value_or(t.dtype());
  if (!isFloatingType(dt))
    lang::raise("RuntimeError", std::string("nanmean(): expected input to have floating point dtype but got ") + scalarTypeName(t.dtype()));
  pushResult(s, 4, nanReduce(t, optDims(argAt(s, 4, 1)), argAt(s, 4, 2).toBool(), dt, true));
}

// std_mean / var_mean: (std or var, mean) over the same dims, by the ops that compute each.
template <bool kStd>
void statMeanKernel(Stack& s) {  // std_mean.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False)
  Tensor t = tensorAt(s, 4, 0);
  const IValue &dim = argAt(s, 4, 1), &corr = argAt(s, 4, 2), &keep = argAt(s, 4, 3);
  static const lang::Operator* stat = findOp(kStd ? "aten::std.correction" : "aten::var.correction");
  static const lang::Operator* mean = findOp("aten::mean.dim");
  IValue a = callOp(stat, {t.toIValue(), dim, corr, keep});
  IValue b = callOp(mean, {t.toIValue(), dim.isNone() ? fromIntArray({}) : dim, keep, IValue()});
  pushResults(s, 4, {a, b});
}
template <bool kStd>
void statMeanUnbiasedKernel(Stack& s) {  // std_mean.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False)
  IValue corr(int64_t(argAt(s, 4, 2).toBool() ? 1 : 0));
  argAt(s, 4, 2) = corr;
  statMeanKernel<kStd>(s);
}
template <bool kStd>
void statMeanAllKernel(Stack& s) {  // std_mean(Tensor self, bool unbiased=True)
  IValue corr(int64_t(s.back().toBool() ? 1 : 0));
  s.back() = IValue();
  s.push_back(corr);
  s.push_back(IValue(false));
  statMeanKernel<kStd>(s);
}

void aminmaxKernel(Stack& s) {  // aminmax(Tensor self, *, int? dim=None, bool keepdim=False) -> (Tensor min, Tensor max)
  Tensor t = tensorAt(s, 3, 0);
  const IValue& dim = argAt(s, 3, 1);
  bool keep = argAt(s, 3, 2).toBool();
  if (t.numel() == 0 && dim.isNone())
    lang::raise("RuntimeError", "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  static const lang::Operator* amin = findOp("aten::amin");
  static const lang::Operator* amax = findOp("aten::amax");
  IValue dims = dim.isNone() ? fromIntArray({}) : fromIntArray({dim.toInt()});
  IValue lo = callOp(amin, {t.toIValue(), dims, IValue(keep)}), hi = callOp(amax, {t.toIValue(), dims, IValue(keep)});
  if (dim.isNone() && keep && t.dim() > 0) {
    IntArray ones(t.dim(), 1);
    lo = Tensor::fromIValue(lo).reshape(ones).toIValue();
    hi = Tensor::fromIValue(hi).reshape(ones).toIValue();
  }
  pushResults(s, 3, {lo, hi});
}

void traceKernel(Stack& s) {  // trace(Tensor self)
  Tensor t = Tensor::fromIValue(s.back());
  if (t.dim() != 2) lang::raise("RuntimeError", "trace: expected a matrix, but got tensor with dim " + std::to_string(t.dim()));
  static const lang::Operator* diagonal = findOp("aten::diagonal");
  static const lang::Operator* sum = findOp("aten::sum");
  Tensor d = callTensorOp(diagonal, {t.toIValue(), IValue(int64_t(0)), IValue(int64_t(0)), IValue(int64_t(1))});
  s.back() = callOp(sum, {d.toIValue(), IValue()});
}

static lang::RegisterOps reg({
    {"aten::nansum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", nansumKernel, lang::OpClass::Reduction},
    {"aten::nanmean(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", nanmeanKernel, lang::OpClass::Reduction},
    {"aten::std_mean(Tensor self, bool unbiased=True) -> (Tensor, Tensor)", statMeanAllKernel<true>},
    {"aten::var_mean(Tensor self, bool unbiased=True) -> (Tensor, Tensor)", statMeanAllKernel<false>},
    {"aten::std_mean.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> (Tensor, Tensor)", statMeanUnbiasedKernel<true>},
    {"aten::var_mean.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> (Tensor, Tensor)", statMeanUnbiasedKernel<false>},
    {"aten::std_mean.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False) -> (Tensor, Tensor)", statMeanKernel<true>},
    {"aten::var_mean.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False) -> (Tensor, Tensor)", statMeanKernel<false>},
    {"aten::aminmax(Tensor self, *, int? dim=None, bool keepdim=False) -> (Tensor min, Tensor max)", aminmaxKernel},
    {"aten::trace(Tensor self) -> Tensor", traceKernel},
});

}  // namespace
}  // namespace wick::ops
