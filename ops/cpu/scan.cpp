// Scans along one dim (cumsum/cumprod/cummax/cummin/logcumsumexp),
// differences (diff) and the trapezoid rule (trapezoid, cumulative_trapezoid). Every scan moves its dim last, walks each row in order,
// and moves it back.
#include <cmath>

#include "ops/cpu/reduce_rows.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {
namespace {

// The rows of t along dim (made last and contiguous); f(row_in, rows_out..., n)
// per row. Returns the dim-last layout; undo with fromRows.
struct ScanRows {
  Tensor moved;
  int64_t dim = 0, n = 1, rows = 0;
};
ScanRows toScanRows(const Tensor& t, int64_t dim) {
  ScanRows r;
  r.dim = wrapDim(dim, std::max<int64_t>(t.dim(), 1));
  r.moved = t.dim() == 0 ? t.reshape({1}) : t.transpose(r.dim, t.dim() - 1).contiguous();
  r.n = r.moved.sizes().back();
  r.rows = r.n == 0 ? 0 : r.moved.numel() / r.n;
  return r;
}
Tensor fromRows(const ScanRows& r, const Tensor& out, const Tensor& like) {
  if (like.dim() == 0) return out.reshape({});
  return out.transpose(r.dim, like.dim() - 1).contiguous();
}

template <bool kProd>
Tensor scan(const Tensor& t, int64_t dim, ScalarType dt) {
  ScanRows r = toScanRows(t.to(dt), dim);
  Tensor out = Tensor::empty(r.moved.sizes(), dt);
  dispatchType(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* p = r.moved.data<T>();
    T* o = out.data<T>();
    for (int64_t row = 0; row < r.rows; ++row) {
      acc_t<T> acc = kProd ? 1 : 0;
      for (int64_t i = 0; i < r.n; ++i) {
        auto v = static_cast<acc_t<T>>(static_cast<opmath_t<T>>(p[row * r.n + i]));
        acc = kProd ? acc * v : acc + v;
        o[row * r.n + i] = convertElement<T>(acc);
      }
    }
  });
  return fromRows(r, out, t);
}
template <bool kProd>
void scanKernel(Stack& s) {  // cumsum(Tensor self, int dim, *, ScalarType? dtype=None)
  Tensor t = tensorAt(s, 3, 0);
  pushResult(s, 3, scan<kProd>(t, argAt(s, 3, 1).toInt(), sumDtype(t.dtype(), argAt(s, 3, 2))));
}
template <bool kProd>
void scanInplaceKernel(Stack& s) {  // cumsum_(Tensor(a!) self, int dim, *, ScalarType? dtype=None)
  Tensor t = tensorAt(s, 3, 0);
  assignInPlace(t, scan<kProd>(t, argAt(s, 3, 1).toInt(), toOptDtype(argAt(s, 3, 2)).value_or(t.dtype())));
  s.resize(s.size() - 2);
}

// cummax/cummin as aten's cummax_cummin_helper: the running extreme moves on
// ties (>= / <=), so the index is the last occurrence; NaN sticks once seen.
template <bool kMax>
void cumExtremeKernel(Stack& s) {  // cummax(Tensor self, int dim) -> (Tensor values, Tensor indices)
  Tensor t = tensorAt(s, 2, 0);
  ScanRows r = toScanRows(t, argAt(s, 2, 1).toInt());
  Tensor vals = Tensor::empty(r.moved.sizes(), t.dtype()), idx = Tensor::empty(r.moved.sizes(), ScalarType::Long);
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const T* p = r.moved.data<T>();
    for (int64_t row = 0; row < r.rows; ++row) {
      const T* in = p + row * r.n;
      M best = static_cast<M>(in[0]);
      int64_t at = 0;
      for (int64_t i = 0; i < r.n; ++i) {
        M cur = static_cast<M>(in[i]);
        bool cur_nan = cur != cur, best_nan = best != best;
        if (cur_nan || (!best_nan && (kMax ? cur >= best : cur <= best))) {
          best = cur;
          at = i;
        }
        vals.data<T>()[row * r.n + i] = in[at];
        idx.data<int64_t>()[row * r.n + i] = at;
      }
    }
  });
  pushResults(s, 2, {fromRows(r, vals, t).toIValue(), fromRows(r, idx, t).toIValue()});
}

// log(exp(a) + exp(b)) without overflow; -inf + -inf stays -inf.
double logAddExp(double a, double b) {
  double m = std::max(a, b), lo = std::min(a, b);
  if (std::isinf(m) && m < 0) return m;
  if (std::isnan(a) || std::isnan(b)) return NAN;
  return m + std::log1p(std::exp(lo - m));
}

void logcumsumexpKernel(Stack& s) {  // logcumsumexp(Tensor self, int dim)
  Tensor t = tensorAt(s, 2, 0);
  if (!isFloatingType(t.dtype()))
    lang::raise("RuntimeError", std::string("\"logcumsumexp_out_cpu\" not implemented for '") + scalarTypeName(t.dtype()) + "'");
  ScanRows r = toScanRows(t, argAt(s, 2, 1).toInt());
  Tensor out = Tensor::empty(r.moved.sizes(), t.dtype());
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = r.moved.data<T>();
    for (int64_t row = 0; row < r.rows; ++row) {
      double acc = -INFINITY;
      for (int64_t i = 0; i < r.n; ++i) {
        acc = logAddExp(acc, static_cast<double>(static_cast<opmath_t<T>>(p[row * r.n + i])));
        out.data<T>()[row * r.n + i] = convertElement<T>(acc);
      }
    }
  });
  pushResult(s, 2, fromRows(r, out, t));
}

// diff(input, n, dim, prepend, append): n times x[1:] - x[:-1] (xor for bool).
void diffKernel(Stack& s) {  // diff(Tensor self, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None)
  Tensor t = tensorAt(s, 5, 0);
  int64_t n = argAt(s, 5, 1).toInt();
  if (t.dim() == 0) lang::raise("RuntimeError", "diff expects input to be at least one-dimensional");
  if (n < 0) lang::raise("RuntimeError", "order must be non-negative but got " + std::to_string(n));
  int64_t dim = wrapDim(argAt(s, 5, 2).toInt(), t.dim());
  std::vector<Tensor> parts;
  if (!argAt(s, 5, 3).isNone()) parts.push_back(tensorAt(s, 5, 3));
  parts.push_back(t);
  if (!argAt(s, 5, 4).isNone()) parts.push_back(tensorAt(s, 5, 4));
  Tensor x = parts.size() == 1 ? t : callTensorOp(findOp("aten::cat"), {fromTensorList(parts), IValue(dim)});
  static const lang::Operator* bxor = findOp("aten::logical_xor.Tensor");
  for (int64_t k = 0; k < n && x.size(dim) > 0; ++k) {
    int64_t len = x.size(dim) - 1;
    Tensor hi = x.narrow(dim, 1, len), lo = x.narrow(dim, 0, len);
    x = x.dtype() == ScalarType::Bool ? callTensorOp(bxor, {hi.toIValue(), lo.toIValue()}) : sub(hi.toIValue(), lo.toIValue());
  }
  pushResult(s, 5, n == 0 ? x.clone() : x.contiguous());
}

// Trapezoid rule along dim: (y[i] + y[i+1]) / 2 * dx_i, summed (trapezoid)
// or accumulated (cumulative_trapezoid); dx from the spacing of x when given.
Tensor trapezoidTerms(const Tensor& y, const IValue& x, const IValue& dx, int64_t dim_in) {
  if (y.dim() == 0) lang::raise("RuntimeError", "trapezoid: Received a 0-dimensional input. Please input a tensor with at least one dimension.");
  int64_t dim = wrapDim(dim_in, y.dim()), n = y.size(dim);
  if (n == 0) return Tensor::zeros([&] { IntArray sz = y.sizes(); sz[dim] = 0; return sz; }(), defaultFloatIfIntegral(y.dtype()));
  Tensor pairs = mul(add(y.narrow(dim, 1, n - 1).toIValue(), y.narrow(dim, 0, n - 1).toIValue()).toIValue(), IValue(0.5));
  if (!x.isTensor()) return mul(pairs.toIValue(), dx);
  Tensor xt = Tensor::fromIValue(x);
  Tensor spacing;
  if (xt.dim() == 1) {
    if (xt.size(0) != n) lang::raise("RuntimeError", "trapezoid: There must be one `x` value for each sample point");
    IntArray shape(y.dim(), 1);
    shape[dim] = n - 1;
    spacing = sub(xt.narrow(0, 1, n - 1).toIValue(), xt.narrow(0, 0, n - 1).toIValue()).reshape(shape);
  } else {
    int64_t xd = wrapDim(dim_in, xt.dim());
    spacing = sub(xt.narrow(xd, 1, n - 1).toIValue(), xt.narrow(xd, 0, n - 1).toIValue());
  }
  return mul(pairs.toIValue(), spacing.toIValue());
}
template <bool kCumulative>
void trapezoidKernel(Stack& s) {  // trapezoid.x(Tensor y, Tensor x, *, int dim=-1) / trapezoid.dx(Tensor y, *, Scalar dx=1, int dim=-1)
  Tensor y = tensorAt(s, 3, 0);
  const IValue& second = argAt(s, 3, 1);
  Tensor terms = trapezoidTerms(y, second, second, argAt(s, 3, 2).toInt());
  int64_t dim = wrapDim(argAt(s, 3, 2).toInt(), y.dim());
  static const lang::Operator* sum = findOp("aten::sum.dim_IntList");
  static const lang::Operator* cumsum = findOp("aten::cumsum");
  pushResult(s, 3, kCumulative ? callTensorOp(cumsum, {terms.toIValue(), IValue(dim), IValue()})
                               : callTensorOp(sum, {terms.toIValue(), fromIntArray({dim}), IValue(false), IValue()}));
}

static lang::RegisterOps reg({
    {"aten::trapezoid.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor", trapezoidKernel<false>},
    {"aten::trapezoid.dx(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor", trapezoidKernel<false>},
    {"aten::trapz.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor", trapezoidKernel<false>},
    {"aten::trapz.dx(Tensor y, *, float dx=1, int dim=-1) -> Tensor", trapezoidKernel<false>},
    {"aten::cumulative_trapezoid.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor", trapezoidKernel<true>},
    {"aten::cumulative_trapezoid.dx(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor", trapezoidKernel<true>},
    {"aten::cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor", scanKernel<false>},
    {"aten::cumprod(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor", scanKernel<true>},
    {"aten::cumsum_(Tensor(a!) self, int dim, *, ScalarType? dtype=None) -> Tensor(a!)", scanInplaceKernel<false>, lang::OpClass::Other, false},
    {"aten::cumprod_(Tensor(a!) self, int dim, *, ScalarType? dtype=None) -> Tensor(a!)", scanInplaceKernel<true>, lang::OpClass::Other, false},
    {"aten::cummax(Tensor self, int dim) -> (Tensor values, Tensor indices)", cumExtremeKernel<true>},
    {"aten::cummin(Tensor self, int dim) -> (Tensor values, Tensor indices)", cumExtremeKernel<false>},
    {"aten::logcumsumexp(Tensor self, int dim) -> Tensor", logcumsumexpKernel},
    {"aten::diff(Tensor self, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None) -> Tensor", diffKernel},
});

}  // namespace
}  // namespace wick::ops
