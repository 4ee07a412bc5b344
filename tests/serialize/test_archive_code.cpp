// The code/ files of every fixture archive compile in the archive dialect:
// each class they define is declared and all its methods type-check.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "frontend/compiler.h"
#include "interpreter/runtime.h"
#include "lang/error.h"
#include "ops/tensor/tensor.h"
#include "serialize/zip_reader.h"

using namespace wick;

namespace {
std::string text(const serialize::ZipReader& zip, const std::string& name) {
  auto b = zip.read(name);
  return std::string(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size());
}
}  // namespace

TEST_CASE("archive code of every fixture compiles") {
  std::filesystem::path dir = std::filesystem::path(WICK_SHARED_DIR) / "fixtures";
  if (!std::filesystem::exists(dir)) return;
  int classes = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".pt") continue;
    auto zip = std::make_shared<serialize::ZipReader>(f.path().string());
    std::string prefix = zip->entries().front().name.substr(0, zip->entries().front().name.find('/') + 1);
    frontend::CompileOptions opts;
    opts.load_namespace = [zip, prefix](const std::string& ns) -> std::shared_ptr<const lang::Source> {
      std::string rec = prefix + "code/" + std::regex_replace(ns, std::regex("\\."), "/") + ".py";
      if (!zip->has(rec)) return nullptr;
      return std::make_shared<const lang::Source>(rec, text(*zip, rec));
    };
    // Only the constants' types matter for type checking; these archives' are tensors.
    opts.constants.assign(16, ops::Tensor::zeros({1}, ops::ScalarType::Float).toIValue());
    auto code = frontend::compileArchiveCode(opts);
    for (const auto& e : zip->entries()) {
      if (e.name.rfind(prefix + "code/", 0) != 0 || !e.name.ends_with(".py")) continue;
      std::string ns = e.name.substr(prefix.size() + 5, e.name.size() - prefix.size() - 8);
      for (char& c : ns)
        if (c == '/') c = '.';
      std::string src = text(*zip, e.name);
      std::smatch m;
      for (auto it = src.cbegin(); std::regex_search(it, src.cend(), m, std::regex("(^|\n)class ([A-Za-z_0-9]+)")); it = m[0].second) {
        INFO(f.path().filename().string() << ": " << ns << "." << m[2].str());
        try {
          CHECK(code->findType(ns + "." + m[2].str()) != nullptr);
        } catch (const lang::CompileError& err) {
          FAIL_CHECK(err.what());
        }
        ++classes;
      }
    }
  }
  CHECK(classes > 40);
}

namespace {
// Runs __torch__.f of `code` compiled as the code of an archive of `version`.
ops::Tensor runArchiveFunction(const std::string& code, int64_t version, std::vector<lang::IValue> args) {
  frontend::CompileOptions opts;
  opts.archive_dialect = true;
  opts.archive_version = version;
  opts.load_namespace = [code](const std::string& ns) -> std::shared_ptr<const lang::Source> {
    return ns == "__torch__" ? std::make_shared<const lang::Source>("code/__torch__.py", code) : nullptr;
  };
  auto compiled = frontend::compileArchiveCode(opts);
  lang::Function* f = compiled->function("__torch__.f");
  REQUIRE(f != nullptr);
  return ops::Tensor::fromIValue(interp::run(*f, std::move(args)));
}
ops::Tensor ints(std::vector<int64_t> v) {
  auto t = ops::Tensor::empty({static_cast<int64_t>(v.size())}, ops::ScalarType::Long);
  for (size_t i = 0; i < v.size(); ++i) t.data<int64_t>()[i] = v[i];
  return t;
}
std::vector<double> values(const ops::Tensor& t) {
  std::vector<double> out;
  auto c = t.to(ops::ScalarType::Double).contiguous();
  for (int64_t i = 0; i < c.numel(); ++i) out.push_back(c.data<double>()[i]);
  return out;
}
}  // namespace

TEST_CASE("old archives keep the meaning their ops had (Note [Upgraders])") {
  auto a = ints({7, -7, 5}), b = ints({2, 2, -2});
  const std::string div = "def f(a: Tensor, b: Tensor) -> Tensor:\n  return torch.div(a, b)\n";
  // Up to version 3 integer division truncated; since version 4 it is true division.
  auto v3 = runArchiveFunction(div, 3, {a.toIValue(), b.toIValue()});
  CHECK(v3.dtype() == ops::ScalarType::Long);
  CHECK(values(v3) == std::vector<double>{3, -3, -2});
  auto v4 = runArchiveFunction(div, 4, {a.toIValue(), b.toIValue()});
  CHECK(v4.dtype() == ops::ScalarType::Float);
  CHECK(values(v4) == std::vector<double>{3.5, -3.5, -2.5});
  // Floating inputs divide truly in every version.
  auto f3 = runArchiveFunction(div, 3, {a.to(ops::ScalarType::Float).toIValue(), b.toIValue()});
  CHECK(values(f3) == std::vector<double>{3.5, -3.5, -2.5});

  const std::string scalar = "def f(a: Tensor, b: Tensor) -> Tensor:\n  return torch.add(torch.div(a, 2), torch.div(b, 2.))\n";
  CHECK(values(runArchiveFunction(scalar, 3, {a.toIValue(), b.toIValue()})) == std::vector<double>{4, -2, 1});

  const std::string inplace = "def f(a: Tensor, b: Tensor) -> Tensor:\n  c = torch.clone(a)\n  _0 = torch.div_(c, b)\n  return c\n";
  auto c3 = runArchiveFunction(inplace, 3, {a.toIValue(), b.toIValue()});
  CHECK(c3.dtype() == ops::ScalarType::Long);
  CHECK(values(c3) == std::vector<double>{3, -3, -2});

  // Up to version 4 an integer fill value made a float tensor.
  const std::string full = "def f(a: Tensor, b: Tensor) -> Tensor:\n  return torch.full([2], 3)\n";
  CHECK(runArchiveFunction(full, 4, {a.toIValue(), b.toIValue()}).dtype() == ops::ScalarType::Float);
  CHECK(runArchiveFunction(full, 5, {a.toIValue(), b.toIValue()}).dtype() == ops::ScalarType::Long);
  const std::string typed = "def f(a: Tensor, b: Tensor) -> Tensor:\n  return torch.full([2], 3, dtype=4)\n";
  CHECK(runArchiveFunction(typed, 4, {a.toIValue(), b.toIValue()}).dtype() == ops::ScalarType::Long);
}

TEST_CASE("old archives' calls match the schemas their ops had then (Note [Upgraders])") {
  auto a = ints({7, -7, 5}), b = ints({2, 2, -2});
  // linspace's steps could be left out up to version 7, and logspace's up to 8: 100 points.
  const std::string lin = "def f(a: Tensor, b: Tensor) -> Tensor:\n  return torch.linspace(0., 1.)\n";
  auto l7 = values(runArchiveFunction(lin, 7, {a.toIValue(), b.toIValue()}));
  REQUIRE(l7.size() == 100);
  CHECK(l7[1] == doctest::Approx(1.0 / 99));
  CHECK_THROWS(runArchiveFunction(lin, 8, {a.toIValue(), b.toIValue()}));  // steps is required since
  const std::string lin5 = "def f(a: Tensor, b: Tensor) -> Tensor:\n  return torch.linspace(0., 1., 5)\n";
  CHECK(values(runArchiveFunction(lin5, 7, {a.toIValue(), b.toIValue()})) ==
        std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  const std::string log = "def f(a: Tensor, b: Tensor) -> Tensor:\n  return torch.logspace(0., 2., None, 2.)\n";
  auto g8 = values(runArchiveFunction(log, 8, {a.toIValue(), b.toIValue()}));
  REQUIRE(g8.size() == 100);
  CHECK(g8.back() == doctest::Approx(4.0));
  const std::string log_out =
      "def f(a: Tensor, b: Tensor) -> Tensor:\n  o = torch.empty([0])\n  _0 = torch.logspace(0., 1., out=o)\n  return o\n";
  CHECK(values(runArchiveFunction(log_out, 8, {a.toIValue(), b.toIValue()})).size() == 100);
  // div with out= up to version 3: true division when any of the three is floating.
  const std::string div_out =
      "def f(a: Tensor, b: Tensor) -> Tensor:\n  o = torch.empty([0])\n  _0 = torch.div(a, b, out=o)\n  return o\n";
  CHECK(values(runArchiveFunction(div_out, 3, {a.toIValue(), b.toIValue()})) == std::vector<double>{3.5, -3.5, -2.5});
  const std::string div_out_int =
      "def f(a: Tensor, b: Tensor) -> Tensor:\n  o = torch.empty([0], dtype=4)\n  _0 = torch.div(a, b, out=o)\n  return o\n";
  CHECK(values(runArchiveFunction(div_out_int, 3, {a.toIValue(), b.toIValue()})) == std::vector<double>{3, -3, -2});
}
