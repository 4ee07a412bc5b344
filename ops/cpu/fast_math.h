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
// put into the exponent bits. Accuracy about 1 ulp (Cephes' expf).
// Note [expf without selects]:
// - x is clamped to [-104, 89] (NaN passes both compares unchanged, and
//   the conversion from float to int never sees it out of range). Past 89
//   e^x overflows by itself (n = 128, er * 2^128 > FLT_MAX gives inf); below
//   -104 it rounds to 0 by itself (n = -150, er * 2^-150 < 2^-150 rounds to
//   0): no select for either. A NaN flows through as NaN (every NaN in the
//   computation is x's, and no 2^k factor below is ever a NaN pattern).
// - n = round(x log2 e) by adding 1.5 * 2^23 + 127: the sum's low mantissa
//   bits are then n + 127, the biased exponent of 2^n.
// - 2^n in two halves, 2^(n>>1) * 2^(n-(n>>1)), so that n = 128 and
//   n < -126 (subnormal results) work; er * 2^(n>>1) is exact, so the
//   product is er * 2^n correctly rounded once. fast_math_vec.h's expVec
//   uses one factor when every lane has n in [-126, 127]: the same exact
//   er * 2^n rounded once, so the same bits (FAST MATH ORDER).
inline constexpr float kExpRound = 12583039.0f;  // 1.5 * 2^23 + 127
inline constexpr int32_t kExpRoundBits = 0x4B40007F;

inline float expf(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  float cx = x > 89.0f ? 89.0f : x;
  cx = cx < -104.0f ? -104.0f : cx;
  float fn = cx * kLog2e + kExpRound;
  float nf = fn - kExpRound;
  float r = cx - nf * kLn2Hi - nf * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float er = p * r * r + r + 1.0f;
  int32_t n = std::bit_cast<int32_t>(fn) - kExpRoundBits;
  int32_t n1 = n >> 1;
  return er * std::bit_cast<float>((n1 + 127) << 23) * std::bit_cast<float>((n - n1 + 127) << 23);
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
