#pragma once
// fast_math.h's expf, tanhf and sigmoidf on whole vectors (GCC vector
// extensions), for loops the compiler will not vectorize by itself: with
// SSE4.1 and later, GCC turns the NaN selects of the scalar forms into
// branches. Each function does, lane by lane, exactly the IEEE operations of
// its scalar twin in the same order, so results are the same bits; keep the
// two in step (grep FAST MATH ORDER). Always inlined, so callers compiled
// for another ISA (fused_eval.cpp's AVX2 loops) get vectors of their width.
#include <cstdint>
#include <limits>

#include "ops/cpu/fast_math.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace wick::ops::fastmath {

using Vf = float __attribute__((vector_size(32)));
using Vi = int32_t __attribute__((vector_size(32)));
constexpr int kVecWidth = 8;

#define WICK_VEC_INLINE inline __attribute__((always_inline))

WICK_VEC_INLINE Vf splat(float x) { return Vf{} + x; }
WICK_VEC_INLINE Vf select(Vi mask, Vf a, Vf b) { return mask ? a : b; }

// Whether every lane of a compare's result is true.
WICK_VEC_INLINE bool allLanes(Vi mask) {
  using V64 = int64_t __attribute__((vector_size(32)));
  V64 w = reinterpret_cast<V64>(mask);
  return (w[0] & w[1] & w[2] & w[3]) == -1;
}

// FAST MATH ORDER: fastmath::expf (Note [expf without selects]); 2^n as one
// factor when every lane is well inside the normal range.
WICK_VEC_INLINE Vf expVec(Vf x) {
  Vf cx = select(x > 89.0f, splat(89.0f), x);
  cx = select(cx < -104.0f, splat(-104.0f), cx);
  Vf fn = cx * 1.44269504088896341f + kExpRound;
  Vf nf = fn - kExpRound;
  Vf r = cx - nf * 0.693359375f - nf * -2.12194440e-4f;
  Vf p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  Vf er = p * r * r + r + 1.0f;
  Vi bits = reinterpret_cast<Vi>(fn);
  // |x| < 87 keeps n in [-126, 127]: fn's low 9 bits are 2^n's exponent field.
  if (allLanes((x > -87.0f) & (x < 87.0f))) return er * reinterpret_cast<Vf>(bits << 23);
  Vi n = bits - kExpRoundBits;
  Vi n1 = n >> 1;
  return er * reinterpret_cast<Vf>((n1 + 127) << 23) * reinterpret_cast<Vf>((n - n1 + 127) << 23);
}

// FAST MATH ORDER: fastmath::tanhf.
WICK_VEC_INLINE Vf tanhVec(Vf x) {
  Vf ax = select(x < 0, -x, x);
  Vf e = expVec(2.0f * select(ax > 9.0f, splat(9.0f), ax));
  Vf big = 1.0f - 2.0f / (e + 1.0f);
  Vf x2 = ax * ax;
  Vf small = ax * (1.0f + x2 * (-0.333333333f + x2 * (0.133333333f + x2 * -0.0539682540f)));
  Vf t = select(ax < 0.1f, small, big);
  t = select(ax > 9.0f, splat(1.0f), t);
  t = select(x < 0, -t, t);
  return select(x != x, x, t);
}

// FAST MATH ORDER: fastmath::sigmoidf.
WICK_VEC_INLINE Vf sigmoidVec(Vf x) { return 1.0f / (1.0f + expVec(-x)); }

#undef WICK_VEC_INLINE

}  // namespace wick::ops::fastmath

#pragma GCC diagnostic pop
