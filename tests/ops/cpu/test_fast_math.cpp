// fast_math.h's expf against libm (std::exp in double, rounded once to
// float: the correctly rounded value), and fast_math_vec.h's expVec against
// the scalar form bit for bit, including the vectors that take its one-factor
// scaling and the ones that do not (Note [expf without selects]).
#pragma GCC diagnostic ignored "-Wpsabi"
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ops/cpu/fast_math.h"
#include "ops/cpu/fast_math_vec.h"

using namespace wick::ops;

namespace {

float reference(float x) { return static_cast<float>(std::exp(static_cast<double>(x))); }

// Distance in representable floats between two non-negative results (0,
// subnormals and inf included); NaN against anything else is far.
int64_t ulps(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  return std::abs(int64_t(std::bit_cast<int32_t>(a)) - int64_t(std::bit_cast<int32_t>(b)));
}

// expVec over 8 lanes at once, then lane by lane against expf.
void checkVecMatchesScalar(const std::vector<float>& xs) {
  for (size_t i = 0; i + fastmath::kVecWidth <= xs.size(); i += fastmath::kVecWidth) {
    fastmath::Vf v;
    std::memcpy(&v, xs.data() + i, sizeof v);
    fastmath::Vf y = fastmath::expVec(v);
    for (int k = 0; k < fastmath::kVecWidth; ++k) {
      float s = fastmath::expf(xs[i + k]);
      bool same = std::isnan(s) ? std::isnan(y[k]) : std::bit_cast<uint32_t>(s) == std::bit_cast<uint32_t>(y[k]);
      if (!same) CHECK_MESSAGE(same, "x = " << xs[i + k] << ": expVec " << y[k] << ", expf " << s);
    }
  }
}

}  // namespace

TEST_CASE("fastmath::expf of special values") {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  CHECK(fastmath::expf(kInf) == kInf);
  CHECK(fastmath::expf(-kInf) == 0.0f);
  CHECK(std::isnan(fastmath::expf(std::numeric_limits<float>::quiet_NaN())));
  CHECK(std::isnan(fastmath::expf(-std::numeric_limits<float>::quiet_NaN())));
  CHECK(fastmath::expf(0.0f) == 1.0f);
  CHECK(fastmath::expf(-0.0f) == 1.0f);
  CHECK(fastmath::expf(1000.0f) == kInf);
  CHECK(fastmath::expf(-1000.0f) == 0.0f);
  CHECK(fastmath::expf(std::numeric_limits<float>::max()) == kInf);
  CHECK(fastmath::expf(-std::numeric_limits<float>::max()) == 0.0f);
  CHECK(fastmath::expf(1.0f) == doctest::Approx(2.7182818).epsilon(1e-7));
}

TEST_CASE("fastmath::expf at the overflow and underflow boundaries") {
  // ln(FLT_MAX) = 88.7228391...: the last float below it stays finite, the
  // next ones overflow, as in libm.
  float last = 88.72283f;
  REQUIRE(std::isfinite(reference(last)));
  for (float x = last, k = 0; k < 64; ++k, x = std::nextafter(x, 100.0f)) {
    float got = fastmath::expf(x), want = reference(x);
    CHECK_MESSAGE(std::isinf(got) == std::isinf(want), "x = " << x);
    CHECK_MESSAGE(ulps(got, want) <= 1, "x = " << x << ": " << got << " vs " << want);
  }
  // Subnormal results (x below -87.3) down to where e^x rounds to 0 (-103.97).
  int subnormal = 0;
  for (float x = -87.0f; x > -106.0f; x = std::nextafter(x, -200.0f) - 0.0005f) {
    float got = fastmath::expf(x), want = reference(x);
    subnormal += want != 0 && want < std::numeric_limits<float>::min();
    CHECK_MESSAGE(ulps(got, want) <= 1, "x = " << x << ": " << got << " vs " << want);
  }
  CHECK(subnormal > 1000);
  CHECK(fastmath::expf(-103.9f) > 0.0f);      // 2^-149.9: rounds to the smallest subnormal
  CHECK(fastmath::expf(-104.0f) == 0.0f);     // below 2^-150: rounds to 0
  CHECK(fastmath::expf(-100.0f) == reference(-100.0f));
}

TEST_CASE("fastmath::expf is within 1 ulp of libm across its whole range") {
  // Every 331st float from -105 to 90 (about 6.7 million values).
  int64_t worst = 0;
  float worst_x = 0;
  uint32_t lo = std::bit_cast<uint32_t>(-105.0f), hi = std::bit_cast<uint32_t>(90.0f);
  for (uint32_t b = 0; b <= hi; b += 331) {  // 0 to 90
    float x = std::bit_cast<float>(b);
    int64_t d = ulps(fastmath::expf(x), reference(x));
    if (d > worst) worst = d, worst_x = x;
  }
  for (uint32_t b = 0x80000000u; b <= lo; b += 331) {  // -0 to -105
    float x = std::bit_cast<float>(b);
    int64_t d = ulps(fastmath::expf(x), reference(x));
    if (d > worst) worst = d, worst_x = x;
  }
  CHECK_MESSAGE(worst <= 1, "worst at x = " << worst_x << ": " << worst << " ulp");
}

TEST_CASE("fastmath::expVec gives expf's bits, in and out of its fast range") {
  std::vector<float> xs;
  for (int i = 0; i < 8 * 4000; ++i) xs.push_back(-110.0f + 205.0f * static_cast<float>(i) / (8 * 4000));  // mixed vectors
  for (int i = 0; i < 8 * 1000; ++i) xs.push_back(-86.9f + 173.8f * static_cast<float>(i) / (8 * 1000));  // all lanes fast
  for (float x = -87.5f; x < -86.5f; x += 0.001f) xs.push_back(x);  // around the fast range's edges
  for (float x = 86.5f; x < 89.5f; x += 0.001f) xs.push_back(x);
  constexpr float kInf = std::numeric_limits<float>::infinity(), kNaN = std::numeric_limits<float>::quiet_NaN();
  for (float s : {kInf, -kInf, kNaN, -kNaN, -0.0f, 0.0f, std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min()})
    for (int k = 0; k < 8; ++k) xs.push_back(k % 2 ? s : 1.5f);
  checkVecMatchesScalar(xs);
}
