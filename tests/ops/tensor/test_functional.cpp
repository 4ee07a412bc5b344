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
