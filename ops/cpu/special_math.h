#pragma once
// Special functions shared by several kernels.

namespace wick::ops {

// Modified Bessel function of the first kind, order 0: its power series
// (torch.special.i0, and the Kaiser window's weights).
inline double besselI0(double x) {
  double q = x * x / 4, term = 1, sum = 1;
  for (int k = 1; k < 1000 && term > sum * 1e-17; ++k) {
    term *= q / (double(k) * k);
    sum += term;
  }
  return sum;
}

}  // namespace wick::ops
