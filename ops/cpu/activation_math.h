#pragma once
// Scalar formulas of activations that more than one kernel evaluates: the
// aten kernels in activation.cpp and the fused elementwise evaluator
// (fused_eval.h). Both must call these, so a fused GELU rounds exactly as
// the unfused one.
#include <cmath>

namespace wick::ops {

// GELU in double, as activation.cpp has always computed it for every dtype.
inline double geluOf(double x, bool tanh_approx) {
  if (tanh_approx) return 0.5 * x * (1 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
  return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
}

// SiLU in the tensor's own floating type.
template <class T>
T siluOf(T x) { return T(x / (1 + std::exp(-x))); }

}  // namespace wick::ops
