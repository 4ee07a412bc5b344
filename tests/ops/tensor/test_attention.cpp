// scaled_dot_product_attention against attention written out in loops
// (torch 2's documented reference: softmax(q k^T * scale + bias) v).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tests/ops/tensor/tensor_test_util.h"

using namespace wick::ops;
using namespace wick::ops::testing;
using wick::lang::IValue;

namespace {

Tensor ramp(IntArray shape, double step, double offset) {
  Tensor t = Tensor::empty(shape, ScalarType::Float);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(std::sin(i * step + offset));
  return t;
}

// q [H, L, E], k/v [Hk, S, E] (Hk divides H: head h reads key head h / (H / Hk)); bias(l, s)
// is added, -inf drops a pair.
template <class Bias>
std::vector<double> reference(const Tensor& q, const Tensor& k, const Tensor& v, double scale, Bias bias) {
  int64_t H = q.size(0), L = q.size(1), E = q.size(2), Hk = k.size(0), S = k.size(1);
  std::vector<double> qv = values(q), kv = values(k), vv = values(v), out(H * L * E, 0.0);
  for (int64_t h = 0; h < H; ++h) {
    int64_t hk = h / (H / Hk);
    for (int64_t l = 0; l < L; ++l) {
      std::vector<double> w(S);
      double top = -std::numeric_limits<double>::infinity();
      for (int64_t s = 0; s < S; ++s) {
        double dot = 0;
        for (int64_t e = 0; e < E; ++e) dot += qv[(h * L + l) * E + e] * kv[(hk * S + s) * E + e];
        w[s] = dot * scale + bias(l, s);
        top = std::max(top, w[s]);
      }
      double sum = 0;
      for (double& x : w) sum += (x = std::exp(x - top));
      for (int64_t s = 0; s < S; ++s)
        for (int64_t e = 0; e < E; ++e) out[(h * L + l) * E + e] += w[s] / sum * vv[(hk * S + s) * E + e];
    }
  }
  return out;
}

void checkClose(const Tensor& got, const std::vector<double>& want) {
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) CHECK(g[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

IValue sdpa(const Tensor& q, const Tensor& k, const Tensor& v, IValue mask, bool causal, IValue scale, bool gqa = false) {
  return call("aten::scaled_dot_product_attention",
              {q.toIValue(), k.toIValue(), v.toIValue(), mask, IValue(0.0), IValue(causal), scale, IValue(gqa)});
}

}  // namespace

TEST_CASE("scaled_dot_product_attention: plain, scaled, masked, causal and grouped") {
  Tensor q = ramp({2, 3, 4}, 0.37, 0.1), k = ramp({2, 5, 4}, 0.23, 0.7), v = ramp({2, 5, 4}, 0.51, 1.3);
  double base = 1.0 / std::sqrt(4.0);
  auto none = [](int64_t, int64_t) { return 0.0; };
  checkClose(Tensor::fromIValue(sdpa(q, k, v, IValue(), false, IValue())), reference(q, k, v, base, none));
  checkClose(Tensor::fromIValue(sdpa(q, k, v, IValue(), false, IValue(0.9))), reference(q, k, v, 0.9, none));

  // A bool mask keeps the true pairs; a float mask is added.
  Tensor keep = Tensor::empty({3, 5}, ScalarType::Bool);
  for (int64_t i = 0; i < 15; ++i) keep.data<bool>()[i] = (i % 5) != (i / 5) + 1;
  auto kept = [&](int64_t l, int64_t s) { return keep.data<bool>()[l * 5 + s] ? 0.0 : -INFINITY; };
  checkClose(Tensor::fromIValue(sdpa(q, k, v, keep.toIValue(), false, IValue())), reference(q, k, v, base, kept));
  Tensor add = ramp({3, 5}, 0.9, 0.0);
  auto added = [&](int64_t l, int64_t s) { return static_cast<double>(add.data<float>()[l * 5 + s]); };
  checkClose(Tensor::fromIValue(sdpa(q, k, v, add.toIValue(), false, IValue())), reference(q, k, v, base, added));

  // is_causal: query l sees keys 0..l.
  auto causal = [](int64_t l, int64_t s) { return s <= l ? 0.0 : -INFINITY; };
  checkClose(Tensor::fromIValue(sdpa(q, k, v, IValue(), true, IValue())), reference(q, k, v, base, causal));
  CHECK_THROWS(sdpa(q, k, v, keep.toIValue(), true, IValue()));

  // enable_gqa: four query heads over two key/value heads.
  Tensor q4 = ramp({4, 3, 4}, 0.29, 0.4);
  checkClose(Tensor::fromIValue(sdpa(q4, k, v, IValue(), false, IValue(), true)), reference(q4, k, v, base, none));
}
