// Tensor core: views sharing storage, copy_ through views, promotion, dtype
// conversions, printing. Expected values are PyTorch 1.13's.
#include <doctest/doctest.h>

#include "lang/error.h"
#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

TEST_CASE("views share storage and follow the stride rule") {
  Tensor a = Tensor::zeros({2, 3}, ScalarType::Float);
  SUBCASE("select writes through") {
    a.select(0, 1).fill_(IValue(5.0));
    CHECK(values(a) == std::vector<double>{0, 0, 0, 5, 5, 5});
  }
  SUBCASE("transpose is a non-contiguous view") {
    Tensor t = a.transpose(0, 1);
    CHECK(t.sizes() == IntArray{3, 2});
    CHECK(t.strides() == IntArray{1, 3});
    CHECK_FALSE(t.is_contiguous());
    t.select(0, 2).fill_(IValue(int64_t(7)));  // column 2 of a
    CHECK(values(a) == std::vector<double>{0, 0, 7, 0, 0, 7});
  }
  SUBCASE("slice with a step") {
    Tensor r = Tensor::empty({6}, ScalarType::Long);
    for (int64_t i = 0; i < 6; ++i) r.data<int64_t>()[i] = i;
    Tensor s = r.slice(0, 1, std::nullopt, 2);
    CHECK(values(s) == std::vector<double>{1, 3, 5});
    CHECK(s.storageOffset() == 1);
  }
  SUBCASE("view of a transposed tensor fails, reshape copies") {
    Tensor t = a.transpose(0, 1);
    CHECK_THROWS_AS(t.view({6}), wick::lang::Error);
    CHECK(t.reshape({6}).numel() == 6);
  }
  SUBCASE("expand uses stride 0") {
    Tensor v = floats({1, 2, 3}).expand({2, 3});
    CHECK(v.strides() == IntArray{0, 1});
    CHECK(values(v) == std::vector<double>{1, 2, 3, 1, 2, 3});
  }
}

TEST_CASE("dims and indices out of range raise IndexError") {
  Tensor a = Tensor::zeros({2, 3}, ScalarType::Float);
  try {
    a.select(2, 0);
    FAIL("expected an error");
  } catch (const wick::lang::Error& e) {
    CHECK(e.kind() == "IndexError");
    CHECK(e.message() == "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  }
  CHECK_THROWS_AS(a.select(0, 2), wick::lang::Error);
}

TEST_CASE("type promotion follows torch.result_type") {
  Tensor i = longs({1, 2});
  Tensor f = floats({1, 2});
  Tensor h = Tensor::zeros({2}, ScalarType::Half);
  Tensor zero_dim_double = Tensor::scalarTensor(IValue(1.5), ScalarType::Double);
  CHECK(resultType(i, IValue(1.5)) == ScalarType::Float);       // float scalar with int tensor -> default float
  CHECK(resultType(h, IValue(int64_t(3))) == ScalarType::Half); // int scalar keeps float16
  CHECK(resultType(f, zero_dim_double) == ScalarType::Float);   // 0-dim participates only by category
  CHECK(resultType(i, zero_dim_double) == ScalarType::Double);
  CHECK(promoteTypes(ScalarType::Byte, ScalarType::Char) == ScalarType::Short);
  CHECK(promoteTypes(ScalarType::Half, ScalarType::BFloat16) == ScalarType::Float);
}

TEST_CASE("float16 and bfloat16 round to nearest even") {
  CHECK(float(Half(1.0f)) == 1.0f);
  CHECK(Half(65504.0f).bits == 0x7bff);
  CHECK(Half(1e6f).bits == 0x7c00);  // overflow to inf
  CHECK(float(Half(5.9604644775390625e-8f)) == 5.9604644775390625e-8f);  // smallest subnormal
  CHECK(float(BFloat16(1.00390625f)) == 1.0f);  // tie rounds to even
  CHECK(float(BFloat16(3.0f)) == 3.0f);
}

TEST_CASE("copy_ converts and broadcasts into a view") {
  Tensor a = Tensor::zeros({2, 2}, ScalarType::Long);
  a.select(1, 0).copy_(floats({2.7f}));  // truncation toward zero, broadcast
  CHECK(values(a) == std::vector<double>{2, 0, 2, 0});
}

TEST_CASE("item and zero-element tensors") {
  CHECK(floats({2.5f}).item().toDouble() == 2.5);
  CHECK_THROWS_AS(floats({1, 2}).item(), wick::lang::Error);
  Tensor e = Tensor::empty({0, 3}, ScalarType::Float);
  CHECK(e.numel() == 0);
  CHECK(e.reshape({3, 0}).sizes() == IntArray{3, 0});
}

TEST_CASE("printing matches torch's repr") {
  CHECK(tensorToString(floats({1, 2, 3, 4}, {2, 2})) == "tensor([[1., 2.],\n        [3., 4.]])");
  CHECK(tensorToString(floats({1.5f, -2.25f})) == "tensor([ 1.5000, -2.2500])");
  CHECK(tensorToString(longs({1, 20, 3})) == "tensor([ 1, 20,  3])");
  CHECK(tensorToString(Tensor::scalarTensor(IValue(3.0), ScalarType::Double)) == "tensor(3., dtype=torch.float64)");
  CHECK(tensorToString(Tensor::empty({0}, ScalarType::Float)) == "tensor([])");
  CHECK(tensorToString(Tensor::empty({0, 3}, ScalarType::Long)) == "tensor([], size=(0, 3), dtype=torch.int64)");
  CHECK(tensorToString(floats({1e-5f, 1.0f})) == "tensor([1.0000e-05, 1.0000e+00])");
  Tensor b = Tensor::zeros({2}, ScalarType::Bool);
  CHECK(tensorToString(b) == "tensor([False, False])");
}

TEST_CASE("complex tensors print as torch's repr does (strings recorded from PyTorch 1.13)") {
  auto complexOf = [](Tensor re, Tensor im) { return callT("aten::complex", {re.toIValue(), im.toIValue()}); };
  CHECK(tensorToString(complexOf(floats({1.5f, -0.25f}), floats({2, -1}))) == "tensor([ 1.5000+2.j, -0.2500-1.j])");
  CHECK(tensorToString(complexOf(floats({1e10f, 1}, {1, 2}), floats({0, 1e-6f}, {1, 2}))) ==
        "tensor([[1.0000e+10+0.0000e+00j, 1.0000e+00+1.0000e-06j]])");
  CHECK(tensorToString(complexOf(Tensor::scalarTensor(IValue(1.0), ScalarType::Float),
                                 Tensor::scalarTensor(IValue(-2.0), ScalarType::Float))) == "tensor(1.-2.j)");
  CHECK(tensorToString(complexOf(floats({3, 4}).to(ScalarType::Double), floats({0.5f, 0}).to(ScalarType::Double))) ==
        "tensor([3.+0.5000j, 4.+0.0000j], dtype=torch.complex128)");
}
