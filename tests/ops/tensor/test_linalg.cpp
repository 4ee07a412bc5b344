// Linear algebra kernels (linalg_solve/decomp/norm/products, einsum) through
// the registry; expected values worked by hand and checked against PyTorch 1.13.
#include <doctest/doctest.h>

#include <cmath>

#include "lang/error.h"
#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

namespace {
void checkClose(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-5) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(tol));
}
}  // namespace

TEST_CASE("det, inverse and solve of a 2x2 matrix") {
  Tensor a = floats({4, 7, 2, 6}, {2, 2});  // det = 24 - 14 = 10
  checkClose(values(callT("aten::linalg_det", {a.toIValue()})), {10});
  checkClose(values(callT("aten::inverse", {a.toIValue()})), {0.6, -0.7, -0.2, 0.4});
  // 4x + 7y = 1, 2x + 6y = 2  ->  x = -0.8, y = 0.6; a 1-D B is a vector.
  Tensor x = callT("aten::linalg_solve", {a.toIValue(), floats({1, 2}).toIValue(), IValue(true)});
  CHECK(x.sizes() == IntArray{2});
  checkClose(values(x), {-0.8, 0.6});
}

TEST_CASE("singular and malformed matrices raise") {
  Tensor singular = floats({1, 2, 2, 4}, {2, 2});
  CHECK(values(callT("aten::det", {singular.toIValue()}))[0] == doctest::Approx(0.0));
  CHECK_THROWS_AS(call("aten::inverse", {singular.toIValue()}), wick::lang::Error);
  CHECK_THROWS_AS(call("aten::linalg_det", {floats({1, 2, 3, 4, 5, 6}, {2, 3}).toIValue()}), wick::lang::Error);
  CHECK_THROWS_AS(call("aten::linalg_det", {longs({1, 0, 0, 1}, {2, 2}).toIValue()}), wick::lang::Error);
}

TEST_CASE("slogdet gives the sign and log|det|") {
  // [[0, 2], [3, 1]]: det = -6
  std::vector<Tensor> r = callAll("aten::linalg_slogdet", {floats({0, 2, 3, 1}, {2, 2}).toIValue()});
  REQUIRE(r.size() == 2);
  checkClose(values(r[0]), {-1});
  checkClose(values(r[1]), {std::log(6.0)});
}

TEST_CASE("matrix_power by repeated products") {
  Tensor fib = floats({1, 1, 1, 0}, {2, 2});  // [[F(n+1), F(n)], [F(n), F(n-1)]]
  checkClose(values(callT("aten::linalg_matrix_power", {fib.toIValue(), IValue(int64_t(5))})), {8, 5, 5, 3});
  checkClose(values(callT("aten::linalg_matrix_power", {fib.toIValue(), IValue(int64_t(0))})), {1, 0, 0, 1});
}

TEST_CASE("decompositions: singular values, symmetric eigenvalues, cholesky") {
  checkClose(values(callT("aten::linalg_svdvals", {floats({3, 0, 0, 4}, {2, 2}).toIValue(), none()})), {4, 3});
  checkClose(values(callT("aten::linalg_eigvalsh", {floats({2, 1, 1, 2}, {2, 2}).toIValue(), IValue(std::string("L"))})), {1, 3});
  // [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt(2)]]
  checkClose(values(callT("aten::linalg_cholesky", {floats({4, 2, 2, 3}, {2, 2}).toIValue(), IValue(false)})), {2, 0, 1, std::sqrt(2.0)});
}

TEST_CASE("matrix norms: 1 is the largest column sum, inf the largest row sum") {
  Tensor m = floats({1, -2, 3, 4}, {2, 2});
  IValue dims = ints({-2, -1});
  checkClose(values(callT("aten::linalg_matrix_norm", {m.toIValue(), IValue(1.0), dims, IValue(false), none()})), {6});
  checkClose(values(callT("aten::linalg_matrix_norm", {m.toIValue(), IValue(INFINITY), dims, IValue(false), none()})), {7});
  checkClose(values(callT("aten::linalg_vector_norm", {floats({3, -4}).toIValue(), IValue(int64_t(2)), none(), IValue(false), none()})), {5});
}

TEST_CASE("einsum with an ellipsis broadcasts batch dims") {
  Tensor a = callT("aten::arange", {IValue(int64_t(8)), none(), none(), none(), none()}).to(ScalarType::Float).reshape({2, 2, 2});
  Tensor eye = floats({1, 0, 0, 1}, {2, 2});
  Tensor r = callT("aten::einsum", {IValue(std::string("...ij,...jk->...ik")), fromTensorList({a, eye}), none()});
  CHECK(r.sizes() == IntArray{2, 2, 2});
  checkClose(values(r), values(a));
  // "ii->i" is the diagonal; implicit output of "ij,jk" is "ik".
  checkClose(values(callT("aten::einsum", {IValue(std::string("ii->i")), fromTensorList({floats({1, 2, 3, 4}, {2, 2})}), none()})), {1, 4});
  CHECK_THROWS_AS(call("aten::einsum", {IValue(std::string("ij,jk->ik")), fromTensorList({eye}), none()}), wick::lang::Error);
}

TEST_CASE("cross, kron and tensordot") {
  checkClose(values(callT("aten::linalg_cross", {floats({1, 0, 0}).toIValue(), floats({0, 1, 0}).toIValue(), IValue(int64_t(-1))})), {0, 0, 1});
  Tensor k = callT("aten::kron", {floats({1, 2}).toIValue(), floats({1, 10}).toIValue()});
  checkClose(values(k), {1, 10, 2, 20});
  Tensor a = floats({1, 2, 3, 4}, {2, 2});
  checkClose(values(callT("aten::tensordot", {a.toIValue(), a.toIValue(), ints({1}), ints({0})})), {7, 10, 15, 22});
}
