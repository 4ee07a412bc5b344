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

TEST_CASE("aten::embedding_bag: bags and the bookkeeping results as torch 1.13 gives them") {
  Tensor w = Tensor::empty({10, 3}, ScalarType::Float);
  for (int64_t r = 0; r < 10; ++r)
    for (int64_t j = 0; j < 3; ++j) w.data<float>()[r * 3 + j] = static_cast<float>(std::sin(static_cast<double>(r * 3 + j)));
  Tensor idx = longs({1, 2, 4, 5, 4, 3, 2, 9}), off = longs({0, 4});
  auto bag = [&](int64_t mode, IValue pad) {
    return callAll("aten::embedding_bag.padding_idx", {w.toIValue(), idx.toIValue(), off.toIValue(), IValue(false), IValue(mode),
                                                       IValue(false), IValue(), IValue(false), pad});
  };
  auto near = [](const Tensor& t, const std::vector<double>& want) {
    std::vector<double> got = values(t);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-4));
  };
  // torch.embedding_bag(w, idx, off, False, mode, False, None, False, padding_idx), outputs rounded to 5 places.
  std::vector<Tensor> sum = bag(0, IValue());
  near(sum[0], {-0.02458, 0.03245, 0.05964, 0.55251, 0.80404, 0.31634});
  CHECK(values(sum[1]).empty());
  CHECK(values(sum[2]) == std::vector<double>{0, 0});
  std::vector<Tensor> mean = bag(1, IValue());
  near(mean[0], {-0.00615, 0.00811, 0.01491, 0.13813, 0.20101, 0.07909});
  CHECK(values(mean[1]) == std::vector<double>{0, 0, 0, 0, 1, 1, 1, 1});
  CHECK(values(mean[3]) == std::vector<double>{4, 4});
  std::vector<Tensor> max = bag(2, IValue(int64_t(2)));
  near(max[0], {0.65029, 0.42017, 0.99061, 0.95638, 0.42017, 0.99061});
  CHECK(values(max[2]) == std::vector<double>{3, 3});
  CHECK(values(max[3]) == std::vector<double>{5, 4, 4, 9, 4, 4});
  std::vector<Tensor> padded_sum = bag(0, IValue(int64_t(2)));
  near(padded_sum[0], {0.25483, -0.62454, -0.92971, 0.83192, 0.14705, -0.67302});
  CHECK(values(padded_sum[1]) == std::vector<double>{0, 0, 0, 0, 1, 1, 1, 1});
}

TEST_CASE("upsample_* with output sizes and scales step by the scale, as aten does") {
  Tensor x = Tensor::empty({1, 1, 2, 3}, ScalarType::Float);
  for (int64_t i = 0; i < 6; ++i) x.data<float>()[i] = static_cast<float>(std::sin(i * 1.3));
  Tensor x1 = x.reshape({1, 2, 3});
  auto near = [](const Tensor& t, const std::vector<double>& want) {
    std::vector<double> got = values(t);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-4));
  };
  auto ints = [](std::initializer_list<int64_t> v) { return IValue(wick::lang::Ref<wick::lang::ListObj>::make(wick::lang::intType(), std::vector<IValue>(v.begin(), v.end()))); };
  // torch._C._nn.upsample_*(...) on the same input, rounded to 5 places; 1.4 * 3 is not 5: the scale still sets the step.
  near(callT("aten::upsample_nearest1d", {x1.toIValue(), ints({5}), IValue(1.4)}),
       {0.0, 0.0, 0.96356, 0.5155, 0.5155, -0.68777, -0.68777, -0.88345, 0.21512, 0.21512});
  near(callT("aten::upsample_linear1d", {x1.toIValue(), ints({5}), IValue(false), IValue(1.6)}),
       {0.0, 0.42156, 0.93555, 0.65552, 0.5155, -0.68777, -0.77338, -0.81479, -0.12818, 0.21512});
  near(callT("aten::upsample_bilinear2d", {x.toIValue(), ints({3, 4}), IValue(false), IValue(1.7), IValue()}),
       {0.0, 0.60222, 0.79554, 0.5155, -0.26297, 0.06223, 0.31109, 0.40065, -0.66754, -0.76853, -0.43422, 0.22395});
}

TEST_CASE("_weight_norm and norm_except_dim as torch computes them") {
  Tensor v = Tensor::empty({3, 4}, ScalarType::Float);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j) v.data<float>()[i * 4 + j] = static_cast<float>(std::sin(i * 0.7 + j));
  Tensor g = floats({0.5f, 2.0f, -1.0f}, {3, 1});
  auto near = [](const Tensor& t, const std::vector<double>& want) {
    std::vector<double> got = values(t);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-4));
  };
  // torch._weight_norm(v, g, 0) and torch.norm_except_dim(v, 2, dim), rounded to 5 places.
  near(callT("aten::_weight_norm", {v.toIValue(), g.toIValue(), IValue(int64_t(0))}),
       {0.0, 0.33742, 0.36462, 0.05659, 0.94427, 1.45355, 0.62644, -0.77661, -0.63634, -0.43617, 0.16501, 0.61449});
  Tensor by_col = callT("aten::norm_except_dim", {v.toIValue(), IValue(int64_t(2)), IValue(int64_t(1))});
  CHECK(by_col.sizes() == IntArray{1, 4});
  near(by_col, {1.17734, 1.46551, 1.03671, 1.09827});
  near(callT("aten::norm_except_dim", {v.toIValue(), IValue(int64_t(2)), IValue(int64_t(-1))}), {2.41139});
}
