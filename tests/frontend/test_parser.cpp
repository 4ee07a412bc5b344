#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "frontend/ast.h"

using namespace wick;
using namespace wick::frontend;

namespace {
std::unique_ptr<Module> parse(const std::string& text) {
  return parseModule(std::make_shared<const lang::Source>("t.py", text));
}
std::string errorOf(const std::string& text) {
  try {
    parse(text);
  } catch (const lang::CompileError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("statements, indentation and blocks") {
  auto m = parse("import torch\n\n# c\ndef f(x: int, y=2) -> int:\n    if x < y:\n        return x\n    elif x == 3:\n        pass\n    else:\n        x += 1\n    return y\n");
  REQUIRE(m->body.size() == 2);
  const Stmt& def = *m->body[1];
  CHECK(def.kind == StmtKind::Def);
  CHECK(def.params.size() == 2);
  CHECK(def.params[1].default_value->int_value == 2);
  REQUIRE(def.body.size() == 2);
  const Stmt& ifs = *def.body[0];
  CHECK(ifs.kind == StmtKind::If);
  REQUIRE(ifs.orelse.size() == 1);
  CHECK(ifs.orelse[0]->kind == StmtKind::If);  // elif nests
  CHECK(ifs.orelse[0]->orelse[0]->kind == StmtKind::AugAssign);
}

TEST_CASE("expression precedence") {
  auto e = parseExpression(std::make_shared<const lang::Source>("e", "-2 ** 2 + 3 * 4"));
  REQUIRE(e->kind == ExprKind::BinOp);
  CHECK(e->bin_op == BinOpKind::Add);
  CHECK(e->a->kind == ExprKind::UnaryOp);  // -(2 ** 2)
  CHECK(e->a->a->bin_op == BinOpKind::Pow);
  auto c = parseExpression(std::make_shared<const lang::Source>("e", "a < b <= c"));
  REQUIRE(c->kind == ExprKind::Compare);
  CHECK(c->comparisons.size() == 2);
  auto s = parseExpression(std::make_shared<const lang::Source>("e", "x[1:, ::2, None]"));
  REQUIRE(s->kind == ExprKind::Subscript);
  CHECK(s->elts.size() == 3);
  CHECK(s->elts[1]->kind == ExprKind::Slice);
}

TEST_CASE("string literals and f-strings") {
  auto e = parseExpression(std::make_shared<const lang::Source>("e", "'a\\n' \"b\" r'\\n'"));
  CHECK(e->name == "a\nb\\n");
  auto f = parseExpression(std::make_shared<const lang::Source>("e", "f'x={x:.2f} {{y}} {z!r}'"));
  REQUIRE(f->kind == ExprKind::FStr);
  REQUIRE(f->elts.size() == 4);
  CHECK(f->elts[0]->name == "x=");
  CHECK(f->format_specs[1] == "{:.2f}");
  CHECK(f->elts[2]->name == " {y} ");
  CHECK(f->format_specs[3] == "{!r}");
}

TEST_CASE("integer literals") {
  auto e = parseExpression(std::make_shared<const lang::Source>("e", "[0x1F, 0o17, 0b101, 1_000]"));
  CHECK(e->elts[0]->int_value == 31);
  CHECK(e->elts[1]->int_value == 15);
  CHECK(e->elts[2]->int_value == 5);
  CHECK(e->elts[3]->int_value == 1000);
}

TEST_CASE("syntax errors name the line and say what was expected") {
  CHECK(errorOf("def f():\n    x = (1 + )\n").rfind("t.py:2:14: error:", 0) == 0);
  CHECK(errorOf("def f():\nreturn 1\n").find("t.py:2:") != std::string::npos);
  CHECK(errorOf("x = [1, 2)\n").find("does not match opening bracket '['") != std::string::npos);
  CHECK(errorOf("if x:\n        y = 1\n    z = 2\n").find("unindent does not match") != std::string::npos);
  CHECK(errorOf("x = 'abc\n").find("unterminated string") != std::string::npos);
}

#ifdef WICK_SHARED_DIR
TEST_CASE("every program of the shared corpus parses; syntax_ cases fail on their line") {
  namespace fs = std::filesystem;
  fs::path root(WICK_SHARED_DIR);
  if (!fs::exists(root / "conformance")) {
    MESSAGE("no shared corpus; skipped");
    return;
  }
  int parsed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".py" || entry.path().string().find("/cases/") == std::string::npos) continue;
    std::string name = entry.path().filename().string();
    bool bad = name.rfind("syntax_", 0) == 0;
    INFO(entry.path().string());
    try {
      parseModule(lang::Source::fromFile(entry.path().string()));
      CHECK(!bad);
      ++parsed;
    } catch (const lang::CompileError& e) {
      // err_ cases may be rejected by the parser or later by the checker.
      if (!bad && name.rfind("err_", 0) != 0) FAIL_CHECK(e.what());
    }
  }
  CHECK(parsed > 150);
}
#endif
