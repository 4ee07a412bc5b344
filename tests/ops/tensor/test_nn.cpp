// Convolution, pooling, padding and interpolation against PyTorch 1.13 results.
#include <doctest/doctest.h>

#include <cmath>

#include "lang/error.h"
#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

namespace {
Tensor arange16() {
  Tensor x = Tensor::empty({1, 1, 4, 4}, ScalarType::Float);
  for (int i = 0; i < 16; ++i) x.data<float>()[i] = float(i);
  return x;
}
std::vector<double> approx(const std::vector<double>& v) {
  std::vector<double> r;
  for (double d : v) r.push_back(std::round(d * 1e4) / 1e4);
  return r;
}
}  // namespace

TEST_CASE("conv2d: stride, padding and 'same'") {
  Tensor x = arange16();
  Tensor w = floats({1, 0, 0, -1}, {1, 1, 2, 2});
  Tensor y = callT("aten::conv2d", {x.toIValue(), w.toIValue(), none(), ints({2}), ints({1}), ints({1}), IValue(int64_t(1))});
  CHECK(values(y) == std::vector<double>{0, -2, 0, -8, -5, 7, 0, 13, 15});
  Tensor same = callT("aten::conv2d.padding", {x.toIValue(), w.toIValue(), none(), ints({1}), IValue("same"), ints({1}), IValue(int64_t(1))});
  CHECK(values(same) == std::vector<double>{-5, -5, -5, 3, -5, -5, -5, 7, -5, -5, -5, 11, 12, 13, 14, 15});
  Tensor bad = floats({1, 1}, {1, 2, 1, 1});
  CHECK_THROWS_AS(call("aten::conv2d", {x.toIValue(), bad.toIValue(), none(), ints({1}), ints({0}), ints({1}), IValue(int64_t(1))}), wick::lang::Error);
}

TEST_CASE("pooling") {
  Tensor x = arange16();
  CHECK(values(callT("aten::max_pool2d", {x.toIValue(), ints({2}), ints({}), ints({0}), ints({1}), IValue(false)})) == std::vector<double>{5, 7, 13, 15});
  Tensor avg = callT("aten::avg_pool2d", {x.toIValue(), ints({3}), ints({2}), ints({1}), IValue(false), IValue(true), none()});
  CHECK(approx(values(avg)) == approx({1.1111111, 2.6666667, 5.6666665, 10.0}));
}

TEST_CASE("max_pool2d_with_indices: NaN, -inf and padded windows as PyTorch") {
  const float inf = INFINITY, nan = NAN;
  // Multi-return ops push each result (values, then indices).
  auto pool = [](const Tensor& x, int64_t k, int64_t st, int64_t pad, bool ceil) {
    wick::lang::Stack s{x.toIValue(), ints({k}), ints({st}), ints({pad}), ints({1}), IValue(ceil)};
    findOp("aten::max_pool2d_with_indices")->kernel(s);
    REQUIRE(s.size() == 2);
    return std::pair{Tensor::fromIValue(s[0]), Tensor::fromIValue(s[1])};
  };
  Tensor x = floats({1, 3, 3, -inf, nan, 2, 0, 5, -inf, -inf, 7, nan, -inf, -inf, 1, 4}, {1, 1, 4, 4});
  auto [v, i] = pool(x, 2, 2, 0, false);
  std::vector<double> vs = values(v);
  CHECK(std::isnan(vs[0]));
  CHECK(vs[1] == 5);
  CHECK(vs[2] == -inf);
  CHECK(std::isnan(vs[3]));
  CHECK(i.dtype() == ScalarType::Long);
  CHECK(values(i) == std::vector<double>{4, 7, 8, 11});
  Tensor all_inf = floats({-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}, {1, 3, 3});  // unbatched
  auto [pv, pi] = pool(all_inf, 3, 2, 1, true);
  CHECK(pi.sizes() == IntArray{1, 2, 2});
  CHECK(values(pi) == std::vector<double>{0, 1, 3, 4});
}

TEST_CASE("pad and interpolate") {
  Tensor r = callT("aten::pad", {floats({0, 1, 2}, {1, 3}).toIValue(), ints({2, 1}), IValue("reflect"), none()});
  CHECK(values(r) == std::vector<double>{2, 1, 0, 1, 2, 1});
  Tensor c = callT("aten::pad", {floats({1, 2}).toIValue(), ints({1, -1}), IValue("constant"), IValue(9.0)});
  CHECK(values(c) == std::vector<double>{9, 1});
  Tensor small = floats({0, 1, 2, 3}, {1, 1, 2, 2});
  Tensor up = callT("aten::interpolate", {small.toIValue(), none(), IValue(2.0), IValue("bilinear"), IValue(false), none(), IValue(false)});
  CHECK(values(up) == std::vector<double>{0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3});
}
