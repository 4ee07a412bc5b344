// torch.nn.functional's Python-level ops (functional::X) and other nn
// kernels; expected values worked by hand and checked against PyTorch 1.13.
#include <doctest/doctest.h>

#include <cmath>

#include "lang/error.h"
#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

TEST_CASE("F.relu with inplace=True writes its input") {
  Tensor x = floats({-1, 2});
  Tensor r = callT("functional::relu", {x.toIValue(), IValue(true)});
  CHECK(values(x) == std::vector<double>{0, 2});
  CHECK(r.impl() == x.impl());
  Tensor y = floats({-1, 2});
  callT("functional::relu", {y.toIValue(), IValue(false)});
  CHECK(values(y) == std::vector<double>{-1, 2});
}

TEST_CASE("losses take reduction as a string, and the legacy flags") {
  Tensor p = floats({0, 2}), t = floats({1, 1});
  IValue sum(std::string("sum")), mean(std::string("mean"));
  CHECK(values(callT("functional::mse_loss", {p.toIValue(), t.toIValue(), none(), none(), sum})) == std::vector<double>{2});
  // reduce=False wins over reduction: no reduction
  CHECK(values(callT("functional::l1_loss", {p.toIValue(), t.toIValue(), none(), IValue(false), mean})) == std::vector<double>{1, 1});
  CHECK_THROWS_AS(call("functional::mse_loss", {p.toIValue(), t.toIValue(), none(), none(), IValue(std::string("avg"))}), wick::lang::Error);
}

TEST_CASE("kl_div batchmean divides the sum by the batch size") {
  // sum(t * (log t - x)) / 1 with x = log([0.5, 0.5]), t = [0.25, 0.75]
  Tensor x = floats({std::log(0.5f), std::log(0.5f)}, {1, 2}), t = floats({0.25, 0.75}, {1, 2});
  double want = 0.25 * std::log(0.5) + 0.75 * std::log(1.5);
  double got = values(callT("functional::kl_div", {x.toIValue(), t.toIValue(), none(), none(), IValue(std::string("batchmean")), IValue(false)}))[0];
  CHECK(got == doctest::Approx(want).epsilon(1e-5));
}

TEST_CASE("binary_cross_entropy rejects probabilities outside [0, 1]") {
  IValue mean(std::string("mean"));
  CHECK_THROWS_AS(call("functional::binary_cross_entropy", {floats({1.5}).toIValue(), floats({1}).toIValue(), none(), none(), none(), mean}),
                  wick::lang::Error);
}

TEST_CASE("embedding_bag sums the rows of each bag") {
  Tensor w = floats({1, 2, 3, 4, 5, 6}, {3, 2});
  Tensor r = callT("functional::embedding_bag", {longs({0, 2, 1}).toIValue(), w.toIValue(), longs({0, 2}).toIValue(), none(), IValue(2.0),
                                                 IValue(false), IValue(std::string("sum")), IValue(false), none(), IValue(false), none()});
  CHECK(r.sizes() == IntArray{2, 2});
  CHECK(values(r) == std::vector<double>{6, 8, 3, 4});
}

TEST_CASE("interpolate: nearest-exact and bicubic with aligned corners") {
  Tensor x = floats({0, 1, 2, 3}, {1, 1, 4});
  IValue none_v;
  Tensor a = callT("aten::interpolate", {x.toIValue(), IValue(int64_t(3)), none_v, IValue(std::string("nearest-exact")), none_v, none_v, IValue(false)});
  CHECK(values(a) == std::vector<double>{0, 2, 3});
  // a bilinear ramp is reproduced exactly by the cubic kernel
  Tensor g = floats({0, 1, 2, 3}, {1, 1, 2, 2});
  Tensor b = callT("aten::interpolate", {g.toIValue(), ints({3, 3}), none_v, IValue(std::string("bicubic")), IValue(true), none_v, IValue(false)});
  std::vector<double> want{0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}, got = values(b);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]));
}

TEST_CASE("cdist with p = 1 sums absolute differences") {
  Tensor r = callT("aten::cdist", {floats({0, 0}, {1, 2}).toIValue(), floats({3, 4, 1, 1}, {2, 2}).toIValue(), IValue(1.0), none()});
  CHECK(values(r) == std::vector<double>{7, 2});
}

TEST_CASE("filling a value that does not fit the dtype raises") {
  Tensor u = Tensor::zeros({2}, ScalarType::Byte);
  CHECK_THROWS_AS(call("aten::fill_.Scalar", {u.toIValue(), IValue(int64_t(300))}), wick::lang::Error);
  call("aten::fill_.Scalar", {u.toIValue(), IValue(int64_t(255))});
  CHECK(values(u) == std::vector<double>{255, 255});
}

TEST_CASE("unfold lays windows out in columns and fold sums them back") {
  // x = [[0..8]] as 1x1x3x3; 2x2 windows, stride 1: 4 windows of 4 elements.
  Tensor x = floats({0, 1, 2, 3, 4, 5, 6, 7, 8}, {1, 1, 3, 3});
  Tensor u = callT("functional::unfold", {x.toIValue(), ints({2, 2}), ints({1, 1}), ints({0, 0}), ints({1, 1})});
  CHECK(u.sizes() == IntArray{1, 4, 4});
  // Row k is element k of every window; windows start at 0, 1, 3, 4.
  CHECK(values(u) == std::vector<double>{0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8});
  // fold adds each pixel once per window covering it: corners 1, edges 2, centre 4.
  Tensor f = callT("functional::fold", {u.toIValue(), ints({3, 3}), ints({2, 2}), ints({1, 1}), ints({0, 0}), ints({1, 1})});
  CHECK(values(f) == std::vector<double>{0, 2, 2, 6, 16, 10, 6, 14, 8});
  // Padding 1, stride 2: the window at (-1, -1) holds padding except element 3 = x[0][0].
  Tensor p = callT("functional::unfold", {x.toIValue(), ints({2, 2}), ints({1, 1}), ints({1, 1}), ints({2, 2})});
  CHECK(p.sizes() == IntArray{1, 4, 4});
  CHECK(values(p)[0] == 0);
  CHECK(values(p)[12] == 0);   // element 3 of window 0: x[0][0]
  CHECK(values(p)[13] == 2);   // element 3 of window 1 (rows -1..0, cols 1..2): x[0][2]
}

TEST_CASE("i0 and the Kaiser window share the Bessel series") {
  // I0(1) = 1.2660658777520082, I0(2) = 2.2795853023360673 (Abramowitz & Stegun).
  std::vector<double> i0 = values(callT("aten::i0", {floats({0, 1, 2}).toIValue()}));
  CHECK(i0[0] == doctest::Approx(1.0));
  CHECK(i0[1] == doctest::Approx(1.2660658777520082).epsilon(1e-6));
  CHECK(i0[2] == doctest::Approx(2.2795853023360673).epsilon(1e-6));
}

TEST_CASE("grid_sample bicubic pads each tap as torch does") {
  Tensor img = Tensor::empty({1, 1, 3, 4}, ScalarType::Float);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j) img.data<float>()[i * 4 + j] = static_cast<float>(std::sin(i * 0.9 + j * 0.4));
  Tensor grid = floats({-1.2f, 0.3f, 0.25f, -0.6f, 0.9f, 1.1f}, {1, 1, 3, 2});
  auto sample = [&](const char* padding, bool align) {
    return values(callT("functional::grid_sample", {img.toIValue(), grid.toIValue(), IValue(std::string("bicubic")),
                                                    IValue(std::string(padding)), IValue(align)}));
  };
  auto near = [](const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-4));
  };
  // F.grid_sample(img, grid, mode='bicubic', padding_mode=..., align_corners=...), rounded to 5 places.
  near(sample("zeros", false), {0.08445, 0.78664, -0.01258});
  near(sample("zeros", true), {0.69271, 0.90238, 0.1343});
  near(sample("border", false), {0.94782, 0.74306, 0.0551});
  near(sample("border", true), {0.91615, 0.82984, 0.14248});
  near(sample("reflection", false), {0.94748, 0.74306, -0.04766});
  near(sample("reflection", true), {0.94453, 0.7944, 0.1691});
}
