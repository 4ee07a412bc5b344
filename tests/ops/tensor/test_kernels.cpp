// CPU kernels through the op registry, with PyTorch 1.13's results.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "lang/error.h"
#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

TEST_CASE("binary arithmetic: promotion, alpha, broadcasting") {
  Tensor a = floats({1, 2, 3});
  Tensor b = floats({10, 20, 30});
  CHECK(values(callT("aten::add.Tensor", {a.toIValue(), b.toIValue(), IValue(int64_t(2))})) == std::vector<double>{21, 42, 63});
  Tensor i = longs({1, 2, 3});
  Tensor r = callT("aten::add.Scalar", {i.toIValue(), IValue(1.5), IValue(int64_t(1))});
  CHECK(r.dtype() == ScalarType::Float);
  CHECK(values(r) == std::vector<double>{2.5, 3.5, 4.5});
  Tensor d = callT("aten::div.Tensor", {i.toIValue(), IValue(int64_t(2))});
  CHECK(d.dtype() == ScalarType::Float);
  CHECK(values(d) == std::vector<double>{0.5, 1, 1.5});
  Tensor col = floats({1, 2}, {2, 1});
  CHECK(callT("aten::mul.Tensor", {col.toIValue(), a.toIValue()}).sizes() == IntArray{2, 3});
  CHECK_THROWS_AS(call("aten::add.Tensor", {floats({1, 2}).toIValue(), a.toIValue(), IValue(int64_t(1))}), wick::lang::Error);
}

TEST_CASE("floor division and remainder follow Python signs") {
  Tensor a = longs({-7, 7, -7});
  Tensor b = longs({2, -2, -2});
  CHECK(values(callT("aten::floor_divide.Tensor", {a.toIValue(), b.toIValue()})) == std::vector<double>{-4, -4, 3});
  CHECK(values(callT("aten::remainder.Tensor", {a.toIValue(), b.toIValue()})) == std::vector<double>{1, -1, -1});
  CHECK(values(callT("aten::fmod.Tensor", {a.toIValue(), b.toIValue()})) == std::vector<double>{-1, 1, -1});
  CHECK_THROWS_AS(call("aten::floor_divide.Tensor", {a.toIValue(), longs({1, 0, 1}).toIValue()}), wick::lang::Error);
}

TEST_CASE("in-place ops write through views and check casts") {
  Tensor a = Tensor::zeros({2, 2}, ScalarType::Float);
  Tensor row = a.select(0, 0);
  call("aten::add_.Scalar", {row.toIValue(), IValue(int64_t(3)), IValue(int64_t(1))});
  CHECK(values(a) == std::vector<double>{3, 3, 0, 0});
  Tensor i = longs({1, 2});
  CHECK_THROWS_AS(call("aten::add_.Scalar", {i.toIValue(), IValue(1.5), IValue(int64_t(1))}), wick::lang::Error);
  CHECK_THROWS_AS(call("aten::add_.Tensor", {row.toIValue(), a.toIValue(), IValue(int64_t(1))}), wick::lang::Error);
}

TEST_CASE("comparisons give bool tensors") {
  Tensor r = callT("aten::lt.Scalar", {longs({1, 2, 3}).toIValue(), IValue(2.5)});
  CHECK(r.dtype() == ScalarType::Bool);
  CHECK(values(r) == std::vector<double>{1, 1, 0});
}

TEST_CASE("reductions") {
  Tensor m = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(values(callT("aten::sum.dim_IntList", {m.toIValue(), ints({1}), IValue(true), none()})) == std::vector<double>{6, 15});
  CHECK(callT("aten::sum.dim_IntList", {m.toIValue(), ints({1}), IValue(true), none()}).sizes() == IntArray{2, 1});
  CHECK(values(callT("aten::mean.dim", {m.transpose(0, 1).toIValue(), ints({1}), IValue(false), none()})) == std::vector<double>{2.5, 3.5, 4.5});
  CHECK(callT("aten::sum", {longs({1, 2}).toIValue(), none()}).dtype() == ScalarType::Long);
  CHECK_THROWS_AS(call("aten::mean", {longs({1, 2}).toIValue(), none()}), wick::lang::Error);
  // Multi-return ops push each result (values, then indices).
  wick::lang::Stack st{m.toIValue(), IValue(int64_t(0)), IValue(false)};
  findOp("aten::max.dim")->kernel(st);
  REQUIRE(st.size() == 2);
  CHECK(values(Tensor::fromIValue(st[0])) == std::vector<double>{4, 5, 6});
  CHECK(values(Tensor::fromIValue(st[1])) == std::vector<double>{1, 1, 1});
  Tensor v = callT("aten::var.dim", {floats({1, 2, 3, 4}).toIValue(), none(), IValue(true), IValue(false)});
  CHECK(v.item().toDouble() == doctest::Approx(1.6666666));
  CHECK(values(callT("aten::cumsum", {longs({1, 2, 3}).toIValue(), IValue(int64_t(0)), none()})) == std::vector<double>{1, 3, 6});
}

TEST_CASE("advanced indexing and index_put_") {
  Tensor m = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor mask = callT("aten::gt.Scalar", {m.toIValue(), IValue(int64_t(3))});
  auto list = [](std::vector<IValue> items) {
    return IValue(wick::lang::Ref<wick::lang::ListObj>::make(wick::lang::optionalType(wick::lang::tensorType()), std::move(items)));
  };
  CHECK(values(callT("aten::index.Tensor", {m.toIValue(), list({mask.toIValue()})})) == std::vector<double>{4, 5, 6});
  Tensor cols = longs({2, 0});
  Tensor picked = callT("aten::index.Tensor", {m.toIValue(), list({none(), cols.toIValue()})});
  CHECK(picked.sizes() == IntArray{2, 2});
  CHECK(values(picked) == std::vector<double>{3, 1, 6, 4});
  call("aten::index_put_", {m.toIValue(), list({mask.toIValue()}), floats({0}).toIValue(), IValue(false)});
  CHECK(values(m) == std::vector<double>{1, 2, 3, 0, 0, 0});
  Tensor acc = Tensor::zeros({3}, ScalarType::Float);
  call("aten::index_put_", {acc.toIValue(), list({longs({0, 0, 2}).toIValue()}), floats({1, 2, 3}).toIValue(), IValue(true)});
  CHECK(values(acc) == std::vector<double>{3, 0, 3});
  CHECK_THROWS_AS(call("aten::index.Tensor", {m.toIValue(), list({longs({5}).toIValue()})}), wick::lang::Error);
}

TEST_CASE("matmul family uses BLAS for floats and loops for ints") {
  Tensor a = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = floats({1, 0, 0, 1, 1, 1}, {3, 2});
  CHECK(values(callT("aten::matmul", {a.toIValue(), b.toIValue()})) == std::vector<double>{4, 5, 10, 11});
  // A transposed operand goes to BLAS without a copy and still multiplies correctly.
  CHECK(values(callT("aten::mm", {a.transpose(0, 1).toIValue(), a.toIValue()})) ==
        std::vector<double>{17, 22, 27, 22, 29, 36, 27, 36, 45});
  Tensor li = longs({1, 2, 3, 4}, {2, 2});
  CHECK(values(callT("aten::mm", {li.toIValue(), li.toIValue()})) == std::vector<double>{7, 10, 15, 22});
  CHECK_THROWS_AS(call("aten::mm", {a.toIValue(), a.toIValue()}), wick::lang::Error);
  Tensor e = callT("aten::einsum", {IValue("ij,jk->ik"), fromTensorList({a, b}), none()});
  CHECK(values(e) == std::vector<double>{4, 5, 10, 11});
}

TEST_CASE("matrix-vector products (gemv) for rows, columns and transposed views") {
  // a = [[1, 2, 3], [4, 5, 6]]; worked by hand.
  Tensor a = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor row = floats({1, 0, 2}, {1, 3});
  Tensor col = floats({1, 0, 2}, {3, 1});
  CHECK(values(callT("aten::mm", {row.toIValue(), a.transpose(0, 1).toIValue()})) == std::vector<double>{7, 16});
  CHECK(values(callT("aten::mm", {a.toIValue(), col.toIValue()})) == std::vector<double>{7, 16});
  // The vector as a transposed view (stride 2 along it), the matrix transposed.
  Tensor at = a.transpose(0, 1);  // 3x2, not contiguous
  CHECK(values(callT("aten::mm", {floats({1, 1}, {1, 2}).toIValue(), at.transpose(0, 1).toIValue()})) ==
        std::vector<double>{5, 7, 9});
  CHECK(values(callT("aten::mm", {at.toIValue(), a.narrow(1, 0, 1).toIValue()})) == std::vector<double>{17, 22, 27});
}

TEST_CASE("softmax and cross_entropy") {
  Tensor x = floats({1, 2, 3});
  Tensor sm = callT("aten::softmax.int", {x.toIValue(), IValue(int64_t(0)), none()});
  CHECK(values(sm)[2] == doctest::Approx(0.66524096));
  Tensor logits = floats({2, 1, 0.1f, 0.5f, 2.5f, 0.3f}, {2, 3});
  Tensor target = longs({0, 1});
  Tensor ce = callT("aten::cross_entropy", {logits.toIValue(), target.toIValue(), none(), none(), IValue(int64_t(-100)), none(), IValue("mean"), IValue(0.0)});
  CHECK(ce.item().toDouble() == doctest::Approx(0.3185).epsilon(1e-3));
}

TEST_CASE("factories") {
  Tensor r = callT("aten::arange.start_step", {IValue(int64_t(0)), IValue(1.0), IValue(0.25), none(), none(), none(), none()});
  CHECK(r.dtype() == ScalarType::Float);
  CHECK(values(r) == std::vector<double>{0, 0.25, 0.5, 0.75});
  Tensor l = callT("aten::linspace", {IValue(int64_t(0)), IValue(int64_t(1)), IValue(int64_t(5)), none(), none(), none(), none()});
  CHECK(values(l) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  Tensor e = callT("aten::eye.m", {IValue(int64_t(2)), IValue(int64_t(3)), none(), none(), none(), none()});
  CHECK(values(e) == std::vector<double>{1, 0, 0, 0, 1, 0});
}

TEST_CASE("shape ops") {
  Tensor a = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor c = callT("aten::cat", {fromTensorList({a, a}), IValue(int64_t(1))});
  CHECK(c.sizes() == IntArray{2, 6});
  CHECK(values(c.select(0, 1)) == std::vector<double>{4, 5, 6, 4, 5, 6});
  CHECK(values(callT("aten::flip", {a.toIValue(), ints({1})})) == std::vector<double>{3, 2, 1, 6, 5, 4});
  CHECK(values(callT("aten::roll", {floats({1, 2, 3}).toIValue(), ints({1}), ints({})})) == std::vector<double>{3, 1, 2});
  CHECK(values(callT("aten::repeat", {floats({1, 2}).toIValue(), ints({2})})) == std::vector<double>{1, 2, 1, 2});
  CHECK(values(callT("aten::tril", {a.toIValue(), IValue(int64_t(0))})) == std::vector<double>{1, 0, 0, 4, 5, 0});
}

TEST_CASE("relu passes NaN and -0.0 through, as torch does") {
  Tensor x = floats({-0.0f, std::numeric_limits<float>::quiet_NaN(), -1.5f, 2.0f});
  std::vector<double> r = values(callT("aten::relu", {x.toIValue()}));
  CHECK(r[0] == 0.0);
  CHECK(std::signbit(r[0]));
  CHECK(std::isnan(r[1]));
  CHECK(r[2] == 0.0);
  CHECK(r[3] == 2.0);
}

TEST_CASE("ops given a dim of a 0-dim tensor answer as torch does, never reading past its sizes") {
  Tensor x = Tensor::scalarTensor(IValue(1.5), ScalarType::Float);
  IValue zero(int64_t(0)), minus_one(int64_t(-1));
  // torch: IndexError "Dimension specified as 0 but tensor has no dimensions"
  CHECK_THROWS_WITH(x.size(0), doctest::Contains("but tensor has no dimensions"));
  CHECK_THROWS_WITH(x.stride(-1), doctest::Contains("Dimension specified as -1"));
  CHECK_THROWS_WITH(call("aten::unbind.int", {x.toIValue(), zero}), doctest::Contains("no dimensions"));
  CHECK_THROWS_WITH(call("aten::roll", {x.toIValue(), fromIntArray({1}), fromIntArray({0})}), doctest::Contains("no dimensions"));
  CHECK_THROWS_WITH(call("aten::unflatten.int", {x.toIValue(), zero, fromIntArray({1})}), doctest::Contains("no dimensions"));
  CHECK_THROWS_WITH(call("aten::take_along_dim", {x.toIValue(), Tensor::zeros({}, ScalarType::Long).toIValue(), minus_one}),
                    doctest::Contains("no dimensions"));
  CHECK_THROWS_WITH(call("aten::chunk", {x.toIValue(), IValue(int64_t(2)), zero}),
                    doctest::Contains("chunk expects at least a 1-dimensional tensor"));
  // torch: the tensor itself (flip, movedim) or its one element written (index_fill).
  CHECK(values(callT("aten::flip", {x.toIValue(), fromIntArray({0})})) == std::vector<double>{1.5});
  CHECK(values(callT("aten::movedim.int", {x.toIValue(), minus_one, zero})) == std::vector<double>{1.5});
  CHECK(values(callT("aten::index_fill.int_Scalar", {x.toIValue(), zero, longs({0}).toIValue(), IValue(4.0)})) ==
        std::vector<double>{4.0});
  CHECK_THROWS(call("aten::flip", {x.toIValue(), fromIntArray({1})}));  // dims 0 and -1 only
}

TEST_CASE("gather and scatter check index shapes as aten does; unfold of a 0-dim tensor") {
  Tensor self = Tensor::zeros({2, 2}, ScalarType::Float), big = Tensor::zeros({3, 3}, ScalarType::Long);
  IValue zero(int64_t(0));
  CHECK_THROWS_WITH(call("aten::gather", {self.toIValue(), zero, big.toIValue(), IValue(false)}),
                    doctest::Contains("expected index [3, 3] to be smaller than self [2, 2]"));
  CHECK_THROWS_WITH(call("aten::scatter.src", {self.toIValue(), zero, big.toIValue(), Tensor::zeros({3, 3}, ScalarType::Float).toIValue()}),
                    doctest::Contains("Expected index [3, 3] to be smaller than self [2, 2]"));
  CHECK_THROWS_WITH(call("aten::scatter.src", {self.toIValue(), zero, Tensor::zeros({2, 2}, ScalarType::Long).toIValue(),
                                               Tensor::zeros({1, 1}, ScalarType::Float).toIValue()}),
                    doctest::Contains("to be smaller size than src [1, 1]"));
  CHECK_THROWS_WITH(call("aten::gather", {self.toIValue(), zero, Tensor::zeros({2, 2, 2}, ScalarType::Long).toIValue(), IValue(false)}),
                    doctest::Contains("same number of dimensions as input tensor"));
  Tensor x = Tensor::scalarTensor(IValue(1.5), ScalarType::Float);
  Tensor w = callT("aten::unfold", {x.toIValue(), zero, IValue(int64_t(1)), IValue(int64_t(1))});
  CHECK(w.sizes() == IntArray{1});
  CHECK(values(w) == std::vector<double>{1.5});
}

TEST_CASE("window and shape arguments that would divide by zero or index past a tensor are refused with torch's messages") {
  Tensor x = Tensor::zeros({1, 2, 4, 4}, ScalarType::Float), w = Tensor::zeros({2, 2, 3, 3}, ScalarType::Float);
  auto ints = [](IntArray v) { return fromIntArray(v); };
  CHECK_THROWS_WITH(call("aten::conv2d", {x.toIValue(), w.toIValue(), IValue(), ints({0, 1}), ints({0}), ints({1}), IValue(int64_t(1))}),
                    doctest::Contains("non-positive stride is not supported"));
  CHECK_THROWS_WITH(call("aten::conv2d", {x.toIValue(), w.toIValue(), IValue(), ints({1}), ints({0}), ints({0}), IValue(int64_t(1))}),
                    doctest::Contains("dilation should be greater than zero"));
  CHECK_THROWS_WITH(call("aten::max_pool2d", {x.toIValue(), ints({2}), ints({0}), ints({0}), ints({1}), IValue(false)}),
                    doctest::Contains("stride should not be zero"));
  CHECK_THROWS_WITH(call("aten::max_pool2d", {Tensor::zeros({3}, ScalarType::Float).toIValue(), ints({2}), ints({}), ints({0}), ints({1}), IValue(false)}),
                    doctest::Contains("3D or 4D (batch mode) tensor expected"));
  CHECK_THROWS_WITH(call("aten::pixel_unshuffle", {x.toIValue(), IValue(int64_t(0))}),
                    doctest::Contains("positive downscale_factor, but got 0"));
  CHECK_THROWS_WITH(call("aten::pad", {Tensor::zeros({1, 1, 0}, ScalarType::Float).toIValue(), ints({1, 0}), IValue(std::string("circular")), IValue()}),
                    doctest::Contains("wrapping around more than once"));
  CHECK_THROWS_WITH(call("aten::im2col", {x.toIValue(), ints({2, 2}), ints({1, 1}), ints({0, 0}), ints({0, 0})}),
                    doctest::Contains("stride should be greater than zero"));
  Tensor scalar = Tensor::scalarTensor(IValue(1.0), ScalarType::Float);
  CHECK_THROWS_WITH(call("aten::split_with_sizes", {scalar.toIValue(), ints({1}), IValue(int64_t(0))}),
                    doctest::Contains("split expects at least a 1-dimensional tensor"));
  CHECK_THROWS_WITH(call("aten::tensordot", {scalar.toIValue(), Tensor::zeros({3}, ScalarType::Float).toIValue(), ints({0}), ints({0})}),
                    doctest::Contains("no dimensions"));
}
