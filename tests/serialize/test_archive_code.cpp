// The code/ files of every fixture archive compile in the archive dialect:
// each class they define is declared and all its methods type-check.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "frontend/compiler.h"
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
