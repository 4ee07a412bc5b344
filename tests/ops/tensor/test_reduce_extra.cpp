// Scans, order statistics, counting and searching kernels; expected values
// worked by hand and checked against PyTorch 1.13.
#include <doctest/doctest.h>

#include <cmath>

#include "lang/error.h"
#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;


TEST_CASE("cummax moves to the last of equal maxima") {
  std::vector<Tensor> r = callAll("aten::cummax", {floats({1, 3, 3, 2}).toIValue(), IValue(int64_t(0))});
  CHECK(values(r.at(0)) == std::vector<double>{1, 3, 3, 3});
  CHECK(values(r.at(1)) == std::vector<double>{0, 1, 2, 2});
  std::vector<Tensor> m = callAll("aten::cummin", {floats({2, 1, 4}).toIValue(), IValue(int64_t(0))});
  CHECK(values(m.at(0)) == std::vector<double>{2, 1, 1});
}

TEST_CASE("mode takes the smallest most frequent value and its last index") {
  std::vector<Tensor> r = callAll("aten::mode", {longs({2, 2, 1, 1, 3}).toIValue(), IValue(int64_t(-1)), IValue(false)});
  CHECK(values(r.at(0)) == std::vector<double>{1});
  CHECK(values(r.at(1)) == std::vector<double>{3});
}

TEST_CASE("median propagates NaN, nanmedian skips it") {
  Tensor t = floats({1, NAN, 3, 2});
  CHECK(std::isnan(values(callT("aten::median", {t.toIValue()}))[0]));
  CHECK(values(callT("aten::nanmedian", {t.toIValue()})) == std::vector<double>{2});
}

TEST_CASE("quantile interpolates between order statistics") {
  Tensor t = floats({1, 2, 3, 4});
  IValue linear(std::string("linear")), lower(std::string("lower"));
  CHECK(values(callT("aten::quantile.scalar", {t.toIValue(), IValue(0.5), none(), IValue(false), linear})) == std::vector<double>{2.5});
  CHECK(values(callT("aten::quantile.scalar", {t.toIValue(), IValue(0.5), none(), IValue(false), lower})) == std::vector<double>{2});
  CHECK_THROWS_AS(call("aten::quantile.scalar", {t.toIValue(), IValue(1.5), none(), IValue(false), linear}), wick::lang::Error);
}

TEST_CASE("bincount and histc count occurrences") {
  CHECK(values(callT("aten::bincount", {longs({0, 2, 2}).toIValue(), none(), IValue(int64_t(4))})) == std::vector<double>{1, 0, 2, 0});
  CHECK_THROWS_AS(call("aten::bincount", {longs({1, -1}).toIValue(), none(), IValue(int64_t(0))}), wick::lang::Error);
  // bins [0,1) [1,2) [2,3) [3,4]: the max falls in the last bin
  Tensor h = callT("aten::histc", {floats({0, 1, 2, 2, 4}).toIValue(), IValue(int64_t(4)), IValue(int64_t(0)), IValue(int64_t(4))});
  CHECK(values(h) == std::vector<double>{1, 1, 2, 1});
}

TEST_CASE("unique returns sorted values, inverse and counts") {
  std::vector<Tensor> r = callAll("aten::_unique_all", {longs({3, 1, 3, 2}).toIValue(), IValue(true), IValue(true), IValue(true), none()});
  CHECK(values(r.at(0)) == std::vector<double>{1, 2, 3});
  CHECK(values(r.at(1)) == std::vector<double>{2, 0, 2, 1});
  CHECK(values(r.at(2)) == std::vector<double>{1, 1, 2});
  std::vector<Tensor> c = callAll("aten::unique_consecutive", {longs({1, 1, 2, 1}).toIValue(), IValue(false), IValue(true), none()});
  CHECK(values(c.at(0)) == std::vector<double>{1, 2, 1});
  CHECK(values(c.at(2)) == std::vector<double>{2, 1, 1});
}

TEST_CASE("searchsorted and bucketize, left and right") {
  Tensor seq = longs({1, 3, 5});
  IValue f(false), t(true);
  CHECK(values(callT("aten::searchsorted.Tensor", {seq.toIValue(), longs({3, 4}).toIValue(), f, f, none(), none()})) == std::vector<double>{1, 2});
  CHECK(values(callT("aten::searchsorted.Tensor", {seq.toIValue(), longs({3, 4}).toIValue(), f, t, none(), none()})) == std::vector<double>{2, 2});
  Tensor b = callT("aten::bucketize.Tensor", {longs({0, 3, 9}).toIValue(), seq.toIValue(), t, f});
  CHECK(b.dtype() == ScalarType::Int);
  CHECK(values(b) == std::vector<double>{0, 1, 3});
}

TEST_CASE("diff and repeat_interleave") {
  CHECK(values(callT("aten::diff", {longs({1, 4, 9}).toIValue(), IValue(int64_t(1)), IValue(int64_t(-1)), none(), none()})) == std::vector<double>{3, 5});
  CHECK(values(callT("aten::repeat_interleave.Tensor", {longs({0, 1, 2}).toIValue(), none()})) == std::vector<double>{1, 2, 2});
  Tensor r = callT("aten::repeat_interleave.self_int", {longs({1, 2}).toIValue(), IValue(int64_t(2)), none(), none()});
  CHECK(values(r) == std::vector<double>{1, 1, 2, 2});
}

TEST_CASE("amax and amin over long float rows: the vectorized pass and its exact-scan cases") {
  // 4 rows of 37: row r holds (i - 20) * 0.5 + r, with one special value in
  // rows 1 (NaN), 2 (inf) and 3 (-inf) at column 30.
  for (ScalarType dt : {ScalarType::Float, ScalarType::Double}) {
    Tensor t = Tensor::empty({4, 37}, ScalarType::Double);
    for (int r = 0; r < 4; ++r)
      for (int i = 0; i < 37; ++i) t.data<double>()[r * 37 + i] = (i - 20) * 0.5 + r;
    t.data<double>()[1 * 37 + 30] = NAN;
    t.data<double>()[2 * 37 + 30] = INFINITY;
    t.data<double>()[3 * 37 + 30] = -INFINITY;
    t = t.to(dt);
    std::vector<double> mx = values(callT("aten::amax", {t.toIValue(), ints({1}), IValue(true)}));
    std::vector<double> mn = values(callT("aten::amin", {t.toIValue(), ints({1}), IValue(false)}));
    CHECK(mx[0] == 8.0);  // (36 - 20) * 0.5
    CHECK(std::isnan(mx[1]));
    CHECK(mx[2] == INFINITY);
    CHECK(mx[3] == 11.0);
    CHECK(mn[0] == -10.0);
    CHECK(std::isnan(mn[1]));
    CHECK(mn[2] == -8.0);
    CHECK(mn[3] == -INFINITY);
  }
}
