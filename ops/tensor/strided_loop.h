#pragma once
// The elementwise machinery: walking several strided operands that share one
// shape, and converting elements between dtypes. Contiguous fast paths live
// in the kernels; this is the general (strided, broadcast) fallback.
#include <array>
#include <limits>
#include <type_traits>

#include "ops/tensor/tensor.h"

namespace wick::ops {

// Calls f(offsets) for every element in row-major order; offsets[k] is the
// element offset of operand k (relative to its data_ptr) under strides[k].
template <size_t N, class F>
void forEachOffset(const IntArray& sizes, const std::array<const IntArray*, N>& strides, F&& f) {
  int64_t nd = static_cast<int64_t>(sizes.size());
  if (numelOf(sizes) == 0) return;
  if (nd == 0) {
    f(std::array<int64_t, N>{});
    return;
  }
  IntArray idx(nd, 0);
  std::array<int64_t, N> off{};
  std::array<int64_t, N> inner_stride;
  for (size_t k = 0; k < N; ++k) inner_stride[k] = (*strides[k])[nd - 1];
  int64_t inner = sizes[nd - 1];
  for (;;) {
    std::array<int64_t, N> o = off;
    for (int64_t i = 0; i < inner; ++i) {
      f(o);
      for (size_t k = 0; k < N; ++k) o[k] += inner_stride[k];
    }
    int64_t d = nd - 2;
    for (; d >= 0; --d) {
      ++idx[d];
      for (size_t k = 0; k < N; ++k) off[k] += (*strides[k])[d];
      if (idx[d] < sizes[d]) break;
      for (size_t k = 0; k < N; ++k) off[k] -= (*strides[k])[d] * sizes[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

// Element conversion as a C++ cast after widening 16-bit floats; to bool is `!= 0`.
template <class D, class S>
inline D convertElement(S v) {
  auto w = static_cast<opmath_t<S>>(v);
  if constexpr (std::is_same_v<D, bool>) {
    return w != 0;
  } else if constexpr (std::is_same_v<D, Half> || std::is_same_v<D, BFloat16>) {
    return D(static_cast<float>(w));
  } else if constexpr (std::is_integral_v<D> && std::is_floating_point_v<decltype(w)>) {
    // Out-of-range float to int is undefined in C++; PyTorch wraps on x86, we clamp to int64 first.
    if (!(w == w)) return static_cast<D>(std::numeric_limits<int64_t>::min());
    if (w >= 9.2233720368547758e18) return static_cast<D>(std::numeric_limits<int64_t>::min());
    if (w <= -9.2233720368547758e18) return static_cast<D>(std::numeric_limits<int64_t>::min());
    return static_cast<D>(static_cast<int64_t>(w));
  } else {
    return static_cast<D>(w);
  }
}

}  // namespace wick::ops
