#pragma once
// Argument helpers shared by the sliding-window ops (convolution, pooling).
#include <utility>

#include "lang/error.h"
#include "ops/tensor/kernel_args.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {

// A convolution's stride and dilation lists, checked as aten checks them (each
// divides or steps the window: zero or less is refused, never used).
inline void checkStrideDilation(const lang::IValue& stride, const lang::IValue& dilation) {
  for (int64_t v : toIntArray(stride))
    if (v <= 0) lang::raise("RuntimeError", "non-positive stride is not supported");
  IntArray d = toIntArray(dilation);
  for (int64_t v : d)
    if (v <= 0) lang::raise("RuntimeError", "dilation should be greater than zero, but got " + shapeStr(d));
}

// Expands a 1- or 2-element int list to (h, w); 1-d ops pass h = 1 values.
inline std::pair<int64_t, int64_t> pair2(const IntArray& v, bool is1d, int64_t fill_h) {
  if (is1d) return {fill_h, v.at(0)};
  return v.size() == 1 ? std::pair{v[0], v[0]} : std::pair{v.at(0), v.at(1)};
}

}  // namespace wick::ops
