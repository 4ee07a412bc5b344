#pragma once
// The shape of every reduction: the reduced dims are permuted last and made
// contiguous, so each output element reduces one row of `inner` elements.
//
//   Rows r = toRows(t, {1}, /*keepdim=*/false);      // t: [2, 3, 4] -> rows [8 x 3]
//   Tensor out = reduceRows<float, float>(r, ScalarType::Float,
//       [](const float* row, int64_t n) { return row[0]; });
//
// Float rows accumulate in double (acc_t), integers in int64.
#include <algorithm>
#include <type_traits>

#include "ops/cpu/elementwise.h"

namespace wick::ops {

struct Rows {
  Tensor data;         // contiguous, shape [outer, inner] in memory
  int64_t outer = 1, inner = 1;
  IntArray out_shape;  // the result shape (keepdim applied)
};

inline Rows toRows(const Tensor& t, IntArray dims, bool keepdim) {
  int64_t nd = t.dim();
  std::vector<bool> reduced(std::max<int64_t>(nd, 1), dims.empty());
  for (int64_t d : dims) {
    int64_t w = wrapDim(d, nd);
    if (reduced[w] && !dims.empty()) lang::raise("RuntimeError", "dim " + std::to_string(w) + " appears multiple times in the list of dims");
    reduced[w] = true;
  }
  Rows r;
  IntArray perm;
  for (int64_t i = 0; i < nd; ++i)
    if (!reduced[i]) {
      perm.push_back(i);
      r.outer *= t.sizes()[i];
      r.out_shape.push_back(t.sizes()[i]);
    } else if (keepdim) {
      r.out_shape.push_back(1);
    }
  for (int64_t i = 0; i < nd; ++i)
    if (reduced[i]) {
      perm.push_back(i);
      r.inner *= t.sizes()[i];
    }
  if (keepdim) {
    r.out_shape.clear();
    for (int64_t i = 0; i < nd; ++i) r.out_shape.push_back(reduced[i] ? 1 : t.sizes()[i]);
  }
  r.data = nd == 0 ? t : t.permute(perm).contiguous();
  return r;
}

inline IntArray optDims(const IValue& v) { return v.isNone() ? IntArray{} : toIntArray(v); }

// out[row] = f(const T* row, inner) for every row; Out is the result's C++ type.
template <class T, class Out, class F>
Tensor reduceRows(const Rows& r, ScalarType out_dtype, F f) {
  Tensor out = Tensor::empty(r.out_shape, out_dtype);
  const T* p = r.data.data<T>();
  Out* o = out.data<Out>();
  parallelFor(0, r.outer * std::max<int64_t>(r.inner, 1) >= kParallelGrain ? r.outer : 0, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) o[i] = f(p + i * r.inner, r.inner);
  });
  if (r.outer * std::max<int64_t>(r.inner, 1) < kParallelGrain)
    for (int64_t i = 0; i < r.outer; ++i) o[i] = f(p + i * r.inner, r.inner);
  return out;
}

// sum/prod/cumsum's result dtype: the requested one, else int64 for integral inputs.
inline ScalarType sumDtype(ScalarType t, const IValue& dtype) {
  if (auto d = toOptDtype(dtype)) return *d;
  return isIntegralType(t, true) ? ScalarType::Long : t;
}

template <class T> using acc_t = std::conditional_t<std::is_floating_point_v<opmath_t<T>>, double, int64_t>;

}  // namespace wick::ops
