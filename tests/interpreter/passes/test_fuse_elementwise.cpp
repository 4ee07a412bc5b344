// Elementwise fusion: the groups the pass forms, and fused results against
// the unfused ops (the same program compiled with fusion off) and against
// values worked out by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "frontend/compiler.h"
#include "interpreter/code.h"
#include "interpreter/passes/passes.h"
#include "interpreter/runtime.h"
#include "ops/cpu/fast_math.h"
#include "ops/cpu/fused_elementwise.h"
#include "ops/tensor/tensor.h"

using namespace wick;
using lang::IValue;
using ops::ScalarType;
using ops::Tensor;

namespace {

std::unique_ptr<frontend::CompiledModule> compileWith(const std::string& src, bool fusion) {
  bool was = interp::fusionEnabled();
  interp::setFusionEnabled(fusion);
  auto m = frontend::compileSource(std::make_shared<const lang::Source>("p.py", src));
  interp::setFusionEnabled(was);
  return m;
}

// The program run twice: fused and with fusion off (lowering happens on the
// first call, so the flag is set around it).
std::vector<IValue> runBoth(const std::string& src, const std::string& fn, const std::vector<IValue>& args) {
  std::vector<IValue> out;
  for (bool fusion : {true, false}) {
    auto m = compileWith(src, fusion);
    bool was = interp::fusionEnabled();
    interp::setFusionEnabled(fusion);
    out.push_back(interp::run(*m->function(fn), args));
    interp::setFusionEnabled(was);
  }
  return out;
}

std::vector<const lang::Node*> fusionGroups(const lang::Graph& g) {
  std::vector<const lang::Node*> groups;
  for (const lang::Node* n : *g.block())
    if (n->kind() == lang::prim::FusionGroup) groups.push_back(n);
  return groups;
}

const ops::FusedKernel& kernelOf(const lang::Node* group) {
  const lang::Node* k = group->input(0)->node();
  REQUIRE(k->kind() == lang::prim::Constant);
  return *static_cast<const ops::FusedKernel*>(k->ival(lang::attr::value).toObject());
}

// The group's inputs (after the kernel): constants from the graph, the
// function's parameters by name from `args`.
std::vector<IValue> groupInputs(const lang::Node* group, const std::map<std::string, IValue>& args) {
  std::vector<IValue> in;
  for (size_t i = 1; i < group->inputs().size(); ++i) {
    const lang::Value* v = group->input(i);
    const lang::Node* def = v->node();
    if (def->kind() == lang::prim::Constant)
      in.push_back(def->hasAttribute(lang::attr::value) ? def->ival(lang::attr::value) : IValue());
    else in.push_back(args.at(v->debugName()));
  }
  return in;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// Values spread over [lo, hi], with a few special ones mixed in.
Tensor ramp(const ops::IntArray& sizes, ScalarType dt, double lo, double hi, bool specials = false) {
  Tensor t = Tensor::empty(sizes, dt);
  int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) {
    double v = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(std::max<int64_t>(n - 1, 1));
    if (specials && i % 97 == 5) v = (i / 97) % 3 == 0 ? NAN : (i / 97) % 3 == 1 ? INFINITY : -0.0;
    if (dt == ScalarType::Float) t.data<float>()[i] = static_cast<float>(v);
    else t.data<double>()[i] = v;
  }
  return t;
}

// Same shape, dtype and bits (NaN matches NaN).
void checkSame(const IValue& a, const IValue& b) {
  Tensor x = Tensor::fromIValue(a), y = Tensor::fromIValue(b);
  REQUIRE(x.sizes() == y.sizes());
  REQUIRE(x.dtype() == y.dtype());
  x = x.contiguous(), y = y.contiguous();
  size_t bad = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    double u = x.dtype() == ScalarType::Float ? x.data<float>()[i] : x.data<double>()[i];
    double v = y.dtype() == ScalarType::Float ? y.data<float>()[i] : y.data<double>()[i];
    if (!(std::isnan(u) && std::isnan(v)) && std::memcmp(&u, &v, sizeof u) != 0) ++bad;
  }
  CHECK(bad == 0);
}

const char* kChain =
    "import torch\nfrom torch import Tensor\n"
    "def f(x: Tensor, a: float, b: float) -> Tensor:\n"
    "    return (x * a + b).relu() * torch.sigmoid(x) - torch.tanh(x) / 2 + torch.exp(-x) * 0.25\n";

}  // namespace

TEST_CASE("fusion turns a chain into one group whose block holds the ops") {
  auto m = compileWith(kChain, true);
  auto g = m->function("f")->graph().copy();
  interp::fuseElementwise(*g);
  lang::verifyGraph(*g);
  std::string text = lang::graphToString(*g);
  auto groups = fusionGroups(*g);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0]->outputs().size() == 1);
  CHECK(groups[0]->blocks().size() == 1);
  CHECK(count(text, "aten::tanh") == 1);  // inside the block only
  CHECK(count(text, "aten::sigmoid") == 1);
  CHECK(groups[0]->block(0)->returnNode()->inputs().size() == 1);
  // The kernel constant prints by class, not by address: the text is the same every run.
  CHECK(count(text, "value=<__wick__.FusedKernel>]") == 1);
  CHECK(count(text, " at 0x") == 0);
  // Nothing outside the group but constants and the return.
  for (const lang::Node* n : *g->block())
    CHECK((n->kind() == lang::prim::Constant || n->kind() == lang::prim::FusionGroup));
}

TEST_CASE("fused chains give the unfused results to the bit, float32 and float64") {
  auto m = compileWith(kChain, true);
  auto g = interp::optimizedGraph(*m->function("f"));
  REQUIRE(fusionGroups(*g).size() == 1);
  const lang::Node* group = fusionGroups(*g)[0];
  for (ScalarType dt : {ScalarType::Float, ScalarType::Double}) {
    for (int64_t n : {int64_t(1), int64_t(7), int64_t(1000), int64_t(70001)}) {
      Tensor x = ramp({n}, dt, -12.0, 12.0, true);
      auto in = groupInputs(group, {{"x", x.toIValue()}, {"a", IValue(1.5)}, {"b", IValue(0.25)}});
      IValue fused, unfused;
      REQUIRE(kernelOf(group).runFused(in.data(), &fused));
      kernelOf(group).runUnfused(in.data(), &unfused);
      checkSame(fused, unfused);
      auto r = runBoth(kChain, "f", {x.toIValue(), IValue(1.5), IValue(0.25)});
      checkSame(r[0], r[1]);
    }
  }
}

TEST_CASE("fused arithmetic matches values worked out by hand") {
  auto m = compileWith("from torch import Tensor\ndef f(x: Tensor) -> Tensor:\n    return (x * 2 + 1).relu() - x / 4\n", true);
  REQUIRE(fusionGroups(*interp::optimizedGraph(*m->function("f"))).size() == 1);
  Tensor x = Tensor::empty({4}, ScalarType::Float);
  float in[] = {-1.0f, 0.0f, 2.0f, 8.0f};
  std::memcpy(x.data<float>(), in, sizeof in);
  Tensor y = Tensor::fromIValue(interp::run(*m->function("f"), {x.toIValue()}));
  REQUIRE(y.dtype() == ScalarType::Float);
  float want[] = {0.25f, 1.0f, 4.5f, 15.0f};  // relu(2x+1) - x/4
  for (int i = 0; i < 4; ++i) CHECK(y.data<float>()[i] == want[i]);
}

TEST_CASE("fused relu passes NaN through, as torch's relu does") {
  auto m = compileWith("from torch import Tensor\ndef f(x: Tensor) -> Tensor:\n    return (x * 2 + 1).relu() + 0.5\n", true);
  REQUIRE(fusionGroups(*interp::optimizedGraph(*m->function("f"))).size() == 1);
  Tensor x = Tensor::empty({2}, ScalarType::Float);
  x.data<float>()[0] = std::numeric_limits<float>::quiet_NaN();
  x.data<float>()[1] = -3.0f;
  Tensor y = Tensor::fromIValue(interp::run(*m->function("f"), {x.toIValue()}));
  CHECK(std::isnan(y.data<float>()[0]));
  CHECK(y.data<float>()[1] == 0.5f);  // relu(-5) + 0.5
}

TEST_CASE("fusion broadcasts [N,1] and [M] against [N,M], and 0-dim tensors") {
  const char* src =
      "import torch\nfrom torch import Tensor\n"
      "def f(x: Tensor, m: Tensor, b: Tensor, s: Tensor) -> Tensor:\n"
      "    return torch.exp(x - m) * b + s\n";
  auto m = compileWith(src, true);
  auto g = interp::optimizedGraph(*m->function("f"));
  auto groups = fusionGroups(*g);
  REQUIRE(groups.size() == 1);
  const ops::FusedKernel& k = kernelOf(groups[0]);
  // M = 3 copies the broadcast rows per chunk; M = 300 and 5000 read them in place.
  for (int64_t cols : {int64_t(3), int64_t(300), int64_t(5000)}) {
    Tensor x = ramp({7, cols}, ScalarType::Float, -3.0, 3.0);
    Tensor mx = ramp({7, 1}, ScalarType::Float, -1.0, 1.0);
    Tensor b = ramp({cols}, ScalarType::Float, 0.5, 2.0);
    Tensor s = Tensor::full({}, 0.125, ScalarType::Float);
    IValue fused;
    auto in = groupInputs(groups[0], {{"x", x.toIValue()}, {"m", mx.toIValue()}, {"b", b.toIValue()}, {"s", s.toIValue()}});
    REQUIRE(k.runFused(in.data(), &fused));  // the broadcasts are supported, not left to the fallback
    auto r = runBoth(src, "f", {x.toIValue(), mx.toIValue(), b.toIValue(), s.toIValue()});
    checkSame(r[0], r[1]);
    checkSame(fused, r[1]);
    Tensor y = Tensor::fromIValue(r[0]);
    REQUIRE(y.sizes() == ops::IntArray{7, cols});
    int64_t i = 5, j = cols - 1;
    float want = ops::fastmath::expf(x.data<float>()[i * cols + j] - mx.data<float>()[i]) * b.data<float>()[j] + 0.125f;
    CHECK(y.data<float>()[i * cols + j] == want);
  }
  CHECK(k.numOutputs() == 1);
}

TEST_CASE("int tensors, mixed dtypes and non-contiguous inputs fall back to the unfused ops") {
  const char* src = "from torch import Tensor\ndef f(x: Tensor) -> Tensor:\n    return (x * 1.5 + 1).relu()\n";
  auto m = compileWith(src, true);
  auto g = interp::optimizedGraph(*m->function("f"));
  auto groups = fusionGroups(*g);
  REQUIRE(groups.size() == 1);
  const ops::FusedKernel& k = kernelOf(groups[0]);
  std::vector<IValue> in(groups[0]->inputs().size() - 1);
  for (size_t i = 1; i < groups[0]->inputs().size(); ++i) {
    const lang::Node* def = groups[0]->input(i)->node();
    if (def->kind() == lang::prim::Constant) in[i - 1] = def->ival(lang::attr::value);
  }
  IValue out;
  SUBCASE("int64 tensor: no fused path; int * float is float32") {
    Tensor x = Tensor::empty({3}, ScalarType::Long);
    for (int i = 0; i < 3; ++i) x.data<int64_t>()[i] = i - 1;
    in[0] = x.toIValue();
    CHECK_FALSE(k.runFused(in.data(), &out));
    Tensor y = Tensor::fromIValue(interp::run(*m->function("f"), {x.toIValue()}));
    REQUIRE(y.dtype() == ScalarType::Float);
    CHECK(y.data<float>()[0] == 0.0f);  // relu(-1.5 + 1)
    CHECK(y.data<float>()[1] == 1.0f);
    CHECK(y.data<float>()[2] == 2.5f);
  }
  SUBCASE("a transposed view: no fused path, same result as unfused") {
    Tensor x = ramp({30, 40}, ScalarType::Float, -2.0, 2.0).transpose(0, 1);
    in[0] = x.toIValue();
    CHECK_FALSE(k.runFused(in.data(), &out));
    auto r = runBoth(src, "f", {x.toIValue()});
    checkSame(r[0], r[1]);
  }
  SUBCASE("a contiguous float32 tensor takes the fused path") {
    Tensor x = ramp({30, 40}, ScalarType::Float, -2.0, 2.0);
    in[0] = x.toIValue();
    REQUIRE(k.runFused(in.data(), &out));
    IValue unfused;
    k.runUnfused(in.data(), &unfused);
    checkSame(out, unfused);
  }
}

TEST_CASE("a value used inside and outside the group becomes a second output") {
  const char* src =
      "import torch\nfrom torch import Tensor\nfrom typing import Tuple\n"
      "def f(x: Tensor) -> Tuple[Tensor, Tensor]:\n"
      "    t = torch.tanh(x * 3.0)\n"
      "    return t * 2.0 + 1.0, t\n";
  auto m = compileWith(src, true);
  auto g = interp::optimizedGraph(*m->function("f"));
  auto groups = fusionGroups(*g);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0]->outputs().size() == 2);  // t * 2 + 1, and t itself
  Tensor x = ramp({5000}, ScalarType::Float, -1.0, 1.0);
  auto r = runBoth(src, "f", {x.toIValue()});
  for (size_t i = 0; i < 2; ++i) checkSame(r[0].toTuple()->items[i], r[1].toTuple()->items[i]);
}

TEST_CASE("zero-element tensors keep their shape through a fused group") {
  Tensor x = Tensor::empty({0, 5}, ScalarType::Float);
  auto r = runBoth(kChain, "f", {x.toIValue(), IValue(1.5), IValue(0.25)});
  CHECK(Tensor::fromIValue(r[0]).sizes() == ops::IntArray{0, 5});
  checkSame(r[0], r[1]);
}

TEST_CASE("in-place ops end a group: reads before a mutation see the old values") {
  const char* src =
      "from torch import Tensor\n"
      "def f(x: Tensor) -> Tensor:\n"
      "    y = x * 2.0 + 1.0\n"
      "    x.add_(10.0)\n"
      "    return y * 3.0 - x\n";
  auto m = compileWith(src, true);
  std::string text = lang::graphToString(*interp::optimizedGraph(*m->function("f")));
  CHECK(count(text, "aten::add_") == 1);
  Tensor x = Tensor::full({4}, 1.0, ScalarType::Float);
  Tensor y = Tensor::fromIValue(interp::run(*m->function("f"), {x.toIValue()}));
  CHECK(y.data<float>()[0] == 9.0f - 11.0f);  // (1*2+1)*3 - (1+10)
}

TEST_CASE("clamp with constant bounds fuses and keeps NaN as the unfused kernel does") {
  const char* src =
      "import torch\nfrom torch import Tensor\n"
      "def f(x: Tensor) -> Tensor:\n"
      "    return torch.clamp(x * 2.0, min=-1.5, max=0.5) + x.clamp_min(0.25) - torch.clamp(x, max=1.0)\n";
  auto m = compileWith(src, true);
  auto g = interp::optimizedGraph(*m->function("f"));
  auto groups = fusionGroups(*g);
  REQUIRE(groups.size() == 1);
  CHECK(count(lang::graphToString(*g), "aten::clamp(") == 2);  // both in the block
  Tensor x = ramp({3000}, ScalarType::Float, -3.0, 3.0, true);
  auto in = groupInputs(groups[0], {{"x", x.toIValue()}});
  IValue fused;
  REQUIRE(kernelOf(groups[0]).runFused(in.data(), &fused));
  auto r = runBoth(src, "f", {x.toIValue()});
  checkSame(r[0], r[1]);
  checkSame(fused, r[1]);
  Tensor y = Tensor::fromIValue(r[0]);
  CHECK(y.data<float>()[0] == -1.5f + 0.25f - -3.0f);  // x = -3
}

TEST_CASE("row-strided views (contiguous rows, strided row starts) take the fused path") {
  const char* src =
      "import torch\nfrom torch import Tensor\n"
      "def f(a: Tensor, b: Tensor, m: Tensor, w: Tensor) -> Tensor:\n"
      "    return torch.sigmoid(a - m) * w + torch.tanh(b) * 0.5\n";
  auto m = compileWith(src, true);
  auto g = interp::optimizedGraph(*m->function("f"));
  auto groups = fusionGroups(*g);
  REQUIRE(groups.size() == 1);
  const ops::FusedKernel& k = kernelOf(groups[0]);
  // Fused against the unfused kernels, to the bit; `fuses` says whether the
  // fused path must accept the inputs.
  auto check = [&](const Tensor& a, const Tensor& b, const Tensor& mx, const Tensor& w, bool fuses) {
    auto in = groupInputs(groups[0], {{"a", a.toIValue()}, {"b", b.toIValue()}, {"m", mx.toIValue()}, {"w", w.toIValue()}});
    IValue fused, unfused;
    CHECK(k.runFused(in.data(), &fused) == fuses);
    k.runUnfused(in.data(), &unfused);
    if (fuses) {
      checkSame(fused, unfused);
      Tensor y = Tensor::fromIValue(fused);
      CHECK(y.is_contiguous());
      CHECK(y.sizes() == a.sizes());
    }
    auto r = runBoth(src, "f", {a.toIValue(), b.toIValue(), mx.toIValue(), w.toIValue()});
    checkSame(r[0], r[1]);
    checkSame(r[0], unfused);
  };
  SUBCASE("chunks of a row-major matrix: long rows read in place, short rows copied, threads") {
    for (auto [rows, cols] : {std::pair<int64_t, int64_t>{7, 300}, {50, 3}, {300, 512}, {1, 100}}) {
      Tensor g = ramp({rows, 4 * cols}, ScalarType::Float, -9.0, 9.0, true);
      std::vector<Tensor> parts;  // g.chunk(4, 1)
      for (int64_t k = 0; k < 4; ++k) parts.push_back(g.narrow(1, k * cols, cols));
      REQUIRE((rows == 1 || !parts[1].is_contiguous()));
      Tensor mx = ramp({rows, 1}, ScalarType::Float, -1.0, 1.0);
      Tensor w = ramp({cols}, ScalarType::Float, 0.5, 2.0);
      check(parts[1], parts[3], mx, w, true);
      // By hand, one element: the view's row 0, column 2 is g[0, cols + 2].
      float a0 = g.data<float>()[cols + 2], b0 = g.data<float>()[3 * cols + 2];
      auto in = groupInputs(groups[0], {{"a", parts[1].toIValue()}, {"b", parts[3].toIValue()}, {"m", mx.toIValue()}, {"w", w.toIValue()}});
      IValue out;
      REQUIRE(k.runFused(in.data(), &out));
      float want = ops::fastmath::sigmoidf(a0 - mx.data<float>()[0]) * w.data<float>()[2] + ops::fastmath::tanhf(b0) * 0.5f;
      float got = Tensor::fromIValue(out).data<float>()[2];
      CHECK((std::isnan(want) ? std::isnan(got) : got == want));
    }
  }
  SUBCASE("3-d views: evenly stepping dims merge into longer rows, several outer dims") {
    Tensor x = ramp({4, 5, 6}, ScalarType::Double, -3.0, 3.0, true);
    Tensor mx = ramp({4, 1, 1}, ScalarType::Double, -1.0, 1.0);
    Tensor a = x.slice(1, 1, std::nullopt);  // [4,4,6]: rows of 24 at stride 30
    check(a, a, mx, Tensor::full({}, 2.0, ScalarType::Double), true);
    Tensor b = x.slice(2, 1, 5);  // [4,5,4]: rows of 4, outer strides 30 and 6
    check(b, b, mx, ramp({4}, ScalarType::Double, 0.0, 1.0), true);
  }
  SUBCASE("an expanded row (outer stride 0) is read row by row too") {
    Tensor row = ramp({1, 200}, ScalarType::Float, -2.0, 2.0);
    Tensor a = row.expand({6, 200});
    check(a, ramp({6, 200}, ScalarType::Float, -1.0, 1.0), ramp({6, 1}, ScalarType::Float, 0.0, 1.0),
          ramp({200}, ScalarType::Float, 1.0, 2.0), true);
  }
  SUBCASE("a transposed view or an innermost stride of 2 still falls back") {
    Tensor x = ramp({30, 40}, ScalarType::Float, -2.0, 2.0);
    Tensor c = ramp({40, 30}, ScalarType::Float, -1.0, 1.0);
    Tensor mx = ramp({40, 1}, ScalarType::Float, 0.0, 1.0);
    Tensor w = ramp({30}, ScalarType::Float, 1.0, 2.0);
    check(x.transpose(0, 1), c, mx, w, false);
    check(c, ramp({40, 60}, ScalarType::Float, -1.0, 1.0).slice(1, 0, std::nullopt, 2), mx, w, false);
  }
  SUBCASE("a zero-size strided view gives an empty result of its shape") {
    Tensor g = ramp({0, 8}, ScalarType::Float, 0.0, 1.0);
    Tensor a = g.narrow(1, 2, 2);
    auto r = runBoth(src, "f", {a.toIValue(), a.toIValue(), ramp({0, 1}, ScalarType::Float, 0.0, 1.0).toIValue(),
                                ramp({2}, ScalarType::Float, 0.0, 1.0).toIValue()});
    CHECK(Tensor::fromIValue(r[0]).sizes() == ops::IntArray{0, 2});
    checkSame(r[0], r[1]);
    Tensor h = ramp({3, 8}, ScalarType::Float, 0.0, 1.0).narrow(1, 2, 0);  // [3,0]
    auto r2 = runBoth(src, "f", {h.toIValue(), h.toIValue(), ramp({3, 1}, ScalarType::Float, 0.0, 1.0).toIValue(),
                                 ramp({0}, ScalarType::Float, 0.0, 1.0).toIValue()});
    CHECK(Tensor::fromIValue(r2[0]).sizes() == ops::IntArray{3, 0});
  }
}

TEST_CASE("an LSTM cell's gates.chunk(4, 1) feeds one fused group, same bits as unfused") {
  const char* src =
      "import torch\nfrom torch import Tensor\nfrom typing import Tuple\n"
      "def f(gates: Tensor, c: Tensor) -> Tuple[Tensor, Tensor]:\n"
      "    i, fg, g, o = gates.chunk(4, 1)\n"
      "    c2 = torch.sigmoid(fg) * c + torch.sigmoid(i) * torch.tanh(g)\n"
      "    return torch.sigmoid(o) * torch.tanh(c2), c2\n";
  Tensor gates = ramp({64, 4 * 96}, ScalarType::Float, -6.0, 6.0, true);
  Tensor c = ramp({64, 96}, ScalarType::Float, -2.0, 2.0);
  auto r = runBoth(src, "f", {gates.toIValue(), c.toIValue()});
  for (size_t i = 0; i < 2; ++i) checkSame(r[0].toTuple()->items[i], r[1].toTuple()->items[i]);
}

TEST_CASE("fused exp (whole vectors) gives the unfused kernel's bits through overflow, underflow and subnormals") {
  const char* src =
      "import torch\nfrom torch import Tensor\n"
      "def f(x: Tensor, s: float) -> Tensor:\n"
      "    return torch.exp(x - s) + torch.sigmoid(x) * 0.0\n";
  auto m = compileWith(src, true);
  auto g = interp::optimizedGraph(*m->function("f"));
  auto groups = fusionGroups(*g);
  REQUIRE(groups.size() == 1);
  // Ramps over exp's whole range (inf above 88.72, subnormal below -87.3,
  // 0 below -103.97) with NaN, inf and -0 mixed in; s = 0 and s = 1.
  for (auto [lo, hi] : {std::pair<double, double>{-110.0, 95.0}, {-88.0, -86.0}, {-105.0, -100.0}, {86.0, 90.0}}) {
    Tensor x = ramp({20011}, ScalarType::Float, lo, hi, true);
    for (double s : {0.0, 1.0}) {
      auto in = groupInputs(groups[0], {{"x", x.toIValue()}, {"s", IValue(s)}});
      IValue fused, unfused;
      REQUIRE(kernelOf(groups[0]).runFused(in.data(), &fused));
      kernelOf(groups[0]).runUnfused(in.data(), &unfused);
      checkSame(fused, unfused);
    }
  }
}
