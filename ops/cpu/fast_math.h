#pragma once
// exp, tanh and sigmoid for float32 as straight-line arithmetic, so that the
// compiler vectorizes the elementwise loops that call them (a call to libm
// per element cannot be, and glibc's tanhf goes through expm1f: ~50 ns an
// element). Accuracy: about 1 ulp on exp (Cephes' expf), a few ulp on tanh
// and sigmoid, as torch's vectorized CPU kernels. Doubles keep libm.
// The ops library compiles with -fno-trapping-math so these selects are
// if-converted into vector blends.
#include <bit>
#include <cstdint>
#include <limits>

namespace wick::ops::fastmath {

// e^x: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial, 2^n
// put into the exponent bits (in two halves, for subnormal results).
// Overflow gives inf, underflow 0, NaN stays NaN.
inline float expf(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  constexpr float kMax = 88.7228317f, kMin = -103.972084f;
  float cx = x > kMax ? kMax : (x < kMin ? kMin : x);
  float fn = cx * kLog2e;
  fn = fn + (fn >= 0 ? 0.5f : -0.5f);
  int32_t n = static_cast<int32_t>(fn);
  float nf = static_cast<float>(n);
  float r = cx - nf * kLn2Hi - nf * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float er = p * r * r + r + 1.0f;
  int32_t n1 = n >> 1, n2 = n - n1;
  float s1 = std::bit_cast<float>((n1 + 127) << 23), s2 = std::bit_cast<float>((n2 + 127) << 23);
  float y = er * s1 * s2;
  y = x > kMax ? std::numeric_limits<float>::infinity() : y;
  y = x < kMin ? 0.0f : y;
  return x != x ? x : y;
}

// tanh(x) = sign(x) (1 - 2 / (e^{2|x|} + 1)); below 0.1 a short series keeps
// the relative error small where that subtraction would cancel.
inline float tanhf(float x) {
  float ax = x < 0 ? -x : x;
  float e = expf(2.0f * (ax > 9.0f ? 9.0f : ax));
  float big = 1.0f - 2.0f / (e + 1.0f);
  float x2 = ax * ax;
  float small = ax * (1.0f + x2 * (-0.333333333f + x2 * (0.133333333f + x2 * -0.0539682540f)));
  float t = ax < 0.1f ? small : big;
  t = ax > 9.0f ? 1.0f : t;
  t = x < 0 ? -t : t;
  return x != x ? x : t;
}

inline float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

}  // namespace wick::ops::fastmath
