#pragma once
// Argument helpers shared by the sliding-window ops (convolution, pooling).
#include <utility>

#include "ops/tensor/tensor.h"

namespace wick::ops {

// Expands a 1- or 2-element int list to (h, w); 1-d ops pass h = 1 values.
inline std::pair<int64_t, int64_t> pair2(const IntArray& v, bool is1d, int64_t fill_h) {
  if (is1d) return {fill_h, v.at(0)};
  return v.size() == 1 ? std::pair{v[0], v[0]} : std::pair{v.at(0), v.at(1)};
}

}  // namespace wick::ops
