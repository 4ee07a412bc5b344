// quantile / nanquantile: per row, the value at rank q * (n - 1) of the
// sorted row, interpolated between its neighbours (linear, lower, higher,
// midpoint, nearest) as aten's quantile_impl does. quantile gives NaN for a
// row holding NaN; nanquantile drops NaN first (NaN when nothing is left).
#include <algorithm>
#include <cmath>

#include "ops/cpu/reduce_rows.h"

namespace wick::ops {
namespace {

enum class Interp { Linear, Lower, Higher, Midpoint, Nearest };

Interp interpolationOf(const std::string& s) {
  if (s == "linear") return Interp::Linear;
  if (s == "lower") return Interp::Lower;
  if (s == "higher") return Interp::Higher;
  if (s == "midpoint") return Interp::Midpoint;
  if (s == "nearest") return Interp::Nearest;
  lang::raise("RuntimeError", "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest. Got " + s);
}

// aten's lerp: exact at both ends.
template <class T> T lerp(T a, T b, T w) { return w < T(0.5) ? a + w * (b - a) : b - (b - a) * (T(1) - w); }

// Computed in the input's dtype T, as aten does (rank = q * (n - 1) included).
template <class T>
T quantileOfSorted(const std::vector<T>& v, T q, Interp how) {
  if (v.empty()) return T(NAN);
  T rank = q * static_cast<T>(v.size() - 1);
  T below = std::floor(rank), above = std::ceil(rank);
  if (how == Interp::Nearest) below = above = std::nearbyint(rank);  // round half to even, as torch.round
  if (how == Interp::Lower) above = below;
  if (how == Interp::Higher) below = above;
  T lo = v[static_cast<size_t>(below)], hi = v[static_cast<size_t>(above)];
  T w = how == Interp::Midpoint ? T(0.5) : rank - below;
  return below == above ? lo : lerp(lo, hi, w);
}

Tensor quantile(const Tensor& t, const std::vector<double>& qs, bool q_scalar, const IValue& dim, bool keepdim,
                const std::string& interpolation, bool ignore_nan) {
  const char* fn = ignore_nan ? "nanquantile()" : "quantile()";
  if (t.dtype() != ScalarType::Float && t.dtype() != ScalarType::Double)
    lang::raise("RuntimeError", std::string(fn) + " input tensor must be either float or double dtype");
  for (double q : qs)
    if (!(q >= 0 && q <= 1)) lang::raise("RuntimeError", std::string(fn) + " q values must be in the range [0, 1]");
  Interp how = interpolationOf(interpolation);
  Tensor x = dim.isNone() ? t.reshape({-1}) : t;
  IntArray dims = dim.isNone() ? IntArray{0} : IntArray{dim.toInt()};
  if (t.numel() == 0 && !dim.isNone() && t.dim() > 0 && t.size(dim.toInt()) == 0)
    lang::raise("RuntimeError", std::string(fn) + " input tensor cannot be empty");
  Rows r = toRows(x, dims, keepdim);
  IntArray out_shape = dim.isNone() && keepdim ? IntArray(t.dim(), 1) : r.out_shape;
  if (!q_scalar) out_shape.insert(out_shape.begin(), static_cast<int64_t>(qs.size()));
  Tensor out = Tensor::empty(out_shape, t.dtype());
  dispatchType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const T* p = r.data.data<T>();
      for (int64_t row = 0; row < r.outer; ++row) {
        std::vector<T> v(p + row * r.inner, p + (row + 1) * r.inner);
        bool has_nan = std::any_of(v.begin(), v.end(), [](T a) { return std::isnan(a); });
        v.erase(std::remove_if(v.begin(), v.end(), [](T a) { return std::isnan(a); }), v.end());
        std::sort(v.begin(), v.end());
        for (size_t k = 0; k < qs.size(); ++k)
          out.data<T>()[k * r.outer + row] = has_nan && !ignore_nan ? T(NAN) : quantileOfSorted<T>(v, static_cast<T>(qs[k]), how);
      }
    }
  });
  return out;
}

template <bool kIgnoreNan>
void quantileTensorKernel(Stack& s) {  // quantile(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation='linear')
  Tensor t = tensorAt(s, 5, 0), q = tensorAt(s, 5, 1);
  const char* fn = kIgnoreNan ? "nanquantile()" : "quantile()";
  if (q.dim() > 1) lang::raise("RuntimeError", std::string(fn) + " q must be a scalar or 1D tensor");
  if (q.dtype() != t.dtype()) lang::raise("RuntimeError", std::string(fn) + " q tensor must be same dtype as the input tensor");
  Tensor qd = q.to(ScalarType::Double).contiguous();
  std::vector<double> qs(qd.data<double>(), qd.data<double>() + qd.numel());
  pushResult(s, 5, quantile(t, qs, q.dim() == 0, argAt(s, 5, 2), argAt(s, 5, 3).toBool(), argAt(s, 5, 4).toStr(), kIgnoreNan));
}
template <bool kIgnoreNan>
void quantileScalarKernel(Stack& s) {  // quantile.scalar(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation='linear')
  Tensor t = tensorAt(s, 5, 0);
  pushResult(s, 5, quantile(t, {argAt(s, 5, 1).toDouble()}, true, argAt(s, 5, 2), argAt(s, 5, 3).toBool(), argAt(s, 5, 4).toStr(), kIgnoreNan));
}

static lang::RegisterOps reg({
    {"aten::quantile.scalar(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation='linear') -> Tensor", quantileScalarKernel<false>},
    {"aten::quantile(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation='linear') -> Tensor", quantileTensorKernel<false>},
    {"aten::nanquantile.scalar(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation='linear') -> Tensor", quantileScalarKernel<true>},
    {"aten::nanquantile(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation='linear') -> Tensor", quantileTensorKernel<true>},
});

}  // namespace
}  // namespace wick::ops
