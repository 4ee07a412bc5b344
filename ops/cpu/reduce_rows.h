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
#include <array>
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

// Note [Cascade sum]: PyTorch sums float32 in float32 (double in double) in a
// fixed order: the row is read as AVX2 vectors (8 floats / 4 doubles) whose
// lanes accumulate in 4 interleaved partial sums, each a 4-level cascade of
// accumulators (aten/src/ATen/native/cpu/SumKernel.cpp: vectorized_inner_sum,
// row_sum, multi_row_sum); rows shorter than a vector use the same cascade on
// scalars. sum/mean/nansum of float tensors follow that order so a result
// read back with .item() matches PyTorch to the last bit, not just closely.
inline int64_t ceilLog2(int64_t x) {
  int64_t r = 0;
  while ((int64_t(1) << r) < x) ++r;
  return r;
}

// acc[k] += load(i, k) for i < size, k < nrows, in multi_row_sum's cascade.
template <class Acc, int64_t kRows, class Load>
std::array<Acc, kRows> multiRowSum(int64_t size, Load load) {
  constexpr int64_t kLevels = 4;
  const int64_t power = std::max<int64_t>(4, ceilLog2(size) / kLevels);
  const int64_t step = int64_t(1) << power, mask = step - 1;
  Acc acc[kLevels][kRows] = {};
  int64_t i = 0;
  for (; i + step <= size;) {
    for (int64_t j = 0; j < step; ++j, ++i)
      for (int64_t k = 0; k < kRows; ++k) acc[0][k] += load(i, k);
    for (int64_t j = 1; j < kLevels; ++j) {
      for (int64_t k = 0; k < kRows; ++k) {
        acc[j][k] += acc[j - 1][k];
        acc[j - 1][k] = Acc{};
      }
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < size; ++i)
    for (int64_t k = 0; k < kRows; ++k) acc[0][k] += load(i, k);
  for (int64_t j = 1; j < kLevels; ++j)
    for (int64_t k = 0; k < kRows; ++k) acc[0][k] += acc[j][k];
  std::array<Acc, kRows> out;
  for (int64_t k = 0; k < kRows; ++k) out[k] = acc[0][k];
  return out;
}

// row_sum: 4 interleaved partial sums, the tail into the first, then combined.
template <class Acc, class Load>
Acc rowSum(int64_t size, Load load) {
  constexpr int64_t kIlp = 4;
  int64_t groups = size / kIlp;
  auto parts = multiRowSum<Acc, kIlp>(groups, [&](int64_t i, int64_t k) { return load(i * kIlp + k); });
  for (int64_t i = groups * kIlp; i < size; ++i) parts[0] += load(i);
  for (int64_t k = 1; k < kIlp; ++k) parts[0] += parts[k];
  return parts[0];
}

// A fixed-width vector of accumulators, added lane by lane.
template <class T, int64_t W>
struct Lanes {
  T v[W] = {};
  Lanes& operator+=(const Lanes& o) {
    for (int64_t k = 0; k < W; ++k) v[k] += o.v[k];
    return *this;
  }
};

// The sum of p[0..n) (NaN skipped when kIgnoreNan) in PyTorch's order, for float or double T.
template <class T, bool kIgnoreNan = false>
T cascadeSum(const T* p, int64_t n) {
  constexpr int64_t W = 32 / sizeof(T);
  auto at = [&](int64_t i) { return kIgnoreNan && p[i] != p[i] ? T(0) : p[i]; };
  if (n < W) return rowSum<T>(n, at);
  int64_t vecs = n / W;
  Lanes<T, W> lanes = rowSum<Lanes<T, W>>(vecs, [&](int64_t i) {
    Lanes<T, W> l;
    for (int64_t k = 0; k < W; ++k) l.v[k] = at(i * W + k);
    return l;
  });
  T total = 0;
  for (int64_t k = vecs * W; k < n; ++k) total += at(k);
  for (int64_t k = 0; k < W; ++k) total += lanes.v[k];
  return total;
}

template <class T> using acc_t = std::conditional_t<std::is_floating_point_v<opmath_t<T>>, double, int64_t>;

}  // namespace wick::ops
