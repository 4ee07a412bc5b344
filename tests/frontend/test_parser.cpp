#include <doctest/doctest.h>

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iterator>

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
// The expression fully parenthesized, to compare with how Python groups it.
std::string show(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Name: return e.name;
    case ExprKind::IntLit: return std::to_string(e.int_value);
    case ExprKind::Attribute: return show(*e.a) + "." + e.name;
    case ExprKind::Subscript: return show(*e.a) + "[" + show(*e.elts.at(0)) + "]";
    case ExprKind::Call: return show(*e.a) + "(" + (e.elts.empty() ? "" : show(*e.elts[0])) + ")";
    case ExprKind::BinOp: return "(" + show(*e.a) + " " + binOpSymbol(e.bin_op) + " " + show(*e.b) + ")";
    case ExprKind::UnaryOp:
      return std::string("(") + unaryOpSymbol(e.unary_op) + (e.unary_op == UnaryOpKind::Not ? " " : "") + show(*e.a) + ")";
    case ExprKind::BoolOp: {
      std::string out = "(" + show(*e.elts[0]);
      for (size_t i = 1; i < e.elts.size(); ++i) out += (e.bool_op == BoolOpKind::And ? " and " : " or ") + show(*e.elts[i]);
      return out + ")";
    }
    case ExprKind::Compare: {
      std::string out = "(" + show(*e.a);
      for (const auto& c : e.extra().comparisons) out += std::string(" ") + cmpOpSymbol(c.op) + " " + show(*c.rhs);
      return out + ")";
    }
    case ExprKind::IfExp: return "(" + show(*e.b) + " if " + show(*e.a) + " else " + show(*e.c) + ")";
    default: return "?";
  }
}
std::string grouped(const std::string& text) {
  return show(*parseExpression(std::make_shared<const lang::Source>("e", text)));
}
}  // namespace

TEST_CASE("operators group as in Python (Note [Flat expressions])") {
  // Expectations written from Python's grammar (ast.dump of each).
  CHECK(grouped("a or b and not c") == "(a or (b and (not c)))");
  CHECK(grouped("not a and b") == "((not a) and b)");
  CHECK(grouped("not a not in b") == "(not (a not in b))");
  CHECK(grouped("a is not b") == "(a is not b)");
  CHECK(grouped("not -a < b") == "(not ((-a) < b))");
  CHECK(grouped("a < b < c") == "(a < b < c)");
  CHECK(grouped("(a < b) < c") == "((a < b) < c)");
  CHECK(grouped("a == b in c is d") == "(a == b in c is d)");
  CHECK(grouped("a & b == c | d") == "((a & b) == (c | d))");
  CHECK(grouped("a ** b ** c") == "(a ** (b ** c))");
  CHECK(grouped("2 ** -1 ** 2") == "(2 ** (-(1 ** 2)))");
  CHECK(grouped("-a ** b") == "(-(a ** b))");
  CHECK(grouped("~a + b") == "((~a) + b)");
  CHECK(grouped("a + -b * c") == "(a + ((-b) * c))");
  CHECK(grouped("- - a") == "(-(-a))");
  CHECK(grouped("-x.y(z)[0] ** 2") == "(-(x.y(z)[0] ** 2))");
  CHECK(grouped("a if b or c else d") == "(a if (b or c) else d)");
  CHECK(grouped("a + b if not c else d * e") == "((a + b) if (not c) else (d * e))");
  CHECK(grouped("not a or b") == "((not a) or b)");
  CHECK(grouped("a or b if c else d") == "((a or b) if c else d)");
  CHECK(grouped("a if b else c or d") == "(a if b else (c or d))");
  CHECK(grouped("not a if b and c else d") == "((not a) if (b and c) else d)");
  CHECK(grouped("a < b if c < d else e < f") == "((a < b) if (c < d) else (e < f))");
  // Calls, subscripts and attributes bind tighter than any operator.
  CHECK(grouped("a + b.c(d)[e] * f") == "(a + (b.c(d)[e] * f))");
  CHECK(grouped("a ** b.c") == "(a ** b.c)");
  CHECK(grouped("(a + b).c") == "(a + b).c");
  CHECK(grouped("~a[b] | c(d)") == "((~a[b]) | c(d))");
  // Comparison operands are arithmetic: `not` cannot follow a comparison operator.
  CHECK(errorOf("x = a < not b\n") != "");
}

TEST_CASE("statements, indentation and blocks") {
  auto m = parse("import torch\n\n# c\ndef f(x: int, y=2) -> int:\n    if x < y:\n        return x\n    elif x == 3:\n        pass\n    else:\n        x += 1\n    return y\n");
  REQUIRE(m->body.size() == 2);
  const Stmt& def = *m->body[1];
  CHECK(def.kind == StmtKind::Def);
  CHECK(def.extra().params.size() == 2);
  CHECK(def.extra().params[1].default_value->int_value == 2);
  REQUIRE(def.body.size() == 2);
  const Stmt& ifs = *def.body[0];
  CHECK(ifs.kind == StmtKind::If);
  REQUIRE(ifs.orelse.size() == 1);
  CHECK(ifs.orelse[0]->kind == StmtKind::If);  // elif nests
  CHECK(ifs.orelse[0]->orelse[0]->kind == StmtKind::AugAssign);
}

TEST_CASE("assignments: single, chained, tuple targets; expression statements") {
  auto m = parse("a = 1\nb = c = d, e = 2\nf(x); g: int = 3\n");
  REQUIRE(m->body.size() == 4);
  CHECK(m->body[0]->kind == StmtKind::Assign);
  CHECK(m->body[0]->targets.size() == 1);
  CHECK(m->body[0]->value->int_value == 1);
  const Stmt& chain = *m->body[1];
  REQUIRE(chain.kind == StmtKind::Assign);
  REQUIRE(chain.targets.size() == 3);  // b, c, (d, e)
  CHECK(chain.targets[0]->name == "b");
  CHECK(chain.targets[2]->kind == ExprKind::TupleLit);
  CHECK(chain.value->int_value == 2);
  CHECK(chain.range.start == 6);
  CHECK(chain.range.end == 22);
  CHECK(m->body[2]->kind == StmtKind::ExprStmt);
  CHECK(m->body[3]->kind == StmtKind::AnnAssign);
  CHECK(m->body[3]->value->int_value == 3);
}

TEST_CASE("expression precedence") {
  auto e = parseExpression(std::make_shared<const lang::Source>("e", "-2 ** 2 + 3 * 4"));
  REQUIRE(e->kind == ExprKind::BinOp);
  CHECK(e->bin_op == BinOpKind::Add);
  CHECK(e->a->kind == ExprKind::UnaryOp);  // -(2 ** 2)
  CHECK(e->a->a->bin_op == BinOpKind::Pow);
  auto c = parseExpression(std::make_shared<const lang::Source>("e", "a < b <= c"));
  REQUIRE(c->kind == ExprKind::Compare);
  CHECK(c->extra().comparisons.size() == 2);
  auto s = parseExpression(std::make_shared<const lang::Source>("e", "x[1:, ::2, None]"));
  REQUIRE(s->kind == ExprKind::Subscript);
  CHECK(s->elts.size() == 3);
  CHECK(s->elts[1]->kind == ExprKind::Slice);
}

TEST_CASE("binary operators follow Python's precedence and associate left") {
  auto e = parseExpression(std::make_shared<const lang::Source>("e", "a | b ^ c & d << e + f * g"));
  REQUIRE(e->bin_op == BinOpKind::BitOr);
  const Expr* x = e->b.get();
  REQUIRE(x->bin_op == BinOpKind::BitXor);
  x = x->b.get();
  REQUIRE(x->bin_op == BinOpKind::BitAnd);
  x = x->b.get();
  REQUIRE(x->bin_op == BinOpKind::LShift);
  x = x->b.get();
  REQUIRE(x->bin_op == BinOpKind::Add);
  CHECK(x->b->bin_op == BinOpKind::Mul);
  auto l = parseExpression(std::make_shared<const lang::Source>("e", "a - b - c @ d // e"));
  REQUIRE(l->bin_op == BinOpKind::Sub);
  CHECK(l->a->bin_op == BinOpKind::Sub);  // (a - b) - ...
  REQUIRE(l->b->bin_op == BinOpKind::FloorDiv);
  CHECK(l->b->a->bin_op == BinOpKind::MatMul);  // (c @ d) // e
  auto n = parseExpression(std::make_shared<const lang::Source>("e", "not a + 1 == b"));
  REQUIRE(n->kind == ExprKind::UnaryOp);
  CHECK(n->a->kind == ExprKind::Compare);
  CHECK(n->a->a->bin_op == BinOpKind::Add);
  auto t = parse("a, *b = x * y\n");
  CHECK(t->body[0]->value->bin_op == BinOpKind::Mul);
  auto r = parseExpression(std::make_shared<const lang::Source>("e", "x.size(0) * -y[1] ** 2"));
  REQUIRE(r->bin_op == BinOpKind::Mul);
  CHECK(r->a->kind == ExprKind::Call);
  REQUIRE(r->b->kind == ExprKind::UnaryOp);
  CHECK(r->b->a->bin_op == BinOpKind::Pow);
}

TEST_CASE("string literals and f-strings") {
  auto e = parseExpression(std::make_shared<const lang::Source>("e", "'a\\n' \"b\" r'\\n'"));
  CHECK(e->name == "a\nb\\n");
  auto f = parseExpression(std::make_shared<const lang::Source>("e", "f'x={x:.2f} {{y}} {z!r}'"));
  REQUIRE(f->kind == ExprKind::FStr);
  REQUIRE(f->elts.size() == 4);
  CHECK(f->elts[0]->name == "x=");
  CHECK(f->extra().format_specs[1] == "{:.2f}");
  CHECK(f->elts[2]->name == " {y} ");
  CHECK(f->extra().format_specs[3] == "{!r}");
}

TEST_CASE("integer literals") {
  auto e = parseExpression(std::make_shared<const lang::Source>("e", "[0x1F, 0o17, 0b101, 1_000]"));
  CHECK(e->elts[0]->int_value == 31);
  CHECK(e->elts[1]->int_value == 15);
  CHECK(e->elts[2]->int_value == 5);
  CHECK(e->elts[3]->int_value == 1000);
}

TEST_CASE("syntax errors name the line and say what was expected") {
  std::string paren = errorOf("def f():\n    x = (1 + )\n");
  CHECK(paren.rfind("t.py:2:14: error: expected an expression, found ')'", 0) == 0);
  CHECK(paren.find("note: '(' opened here, line 2 column 9") != std::string::npos);
  CHECK(errorOf("def f():\nreturn 1\n").find("t.py:2:") != std::string::npos);
  CHECK(errorOf("x = [1, 2)\n").find("does not match opening bracket '['") != std::string::npos);
  CHECK(errorOf("if x:\n        y = 1\n    z = 2\n").find("unindent does not match") != std::string::npos);
  CHECK(errorOf("x = 'abc\n").find("unterminated string") != std::string::npos);
  CHECK(errorOf("x = 1\n  y = 2\n").rfind("t.py:2:3: error: unexpected indent", 0) == 0);
  CHECK(errorOf("def f():\nreturn 1\n").find("expected an indented block, found 'return'") != std::string::npos);
  CHECK(errorOf("f(a b)\n").find("expected ',' or ')', found name") != std::string::npos);
  CHECK(errorOf("for x in y\n    pass\n").rfind("t.py:1:11: error: expected ':', found newline", 0) == 0);
  CHECK(errorOf("x = 1 +\n").find("expected an expression, found newline") != std::string::npos);
  CHECK(errorOf("global x\n").find("'global' is not supported") != std::string::npos);
  CHECK(errorOf("x = {1, 2}\n").find("set literals are not supported") != std::string::npos);
  CHECK(errorOf("@a + b\ndef f():\n    pass\n").find("a decorator must be") != std::string::npos);
  CHECK(errorOf("@(a + b)\ndef f():\n    pass\n") == "");
}

TEST_CASE("lambda, ternary, starred targets and semicolons") {
  auto m = parse("y = lambda a, b=1: a + b; z = a if c else b\na, *b = xs\n");
  REQUIRE(m->body.size() == 3);
  const Expr& lam = *m->body[0]->value;
  REQUIRE(lam.kind == ExprKind::Lambda);
  CHECK(lam.extra().params.size() == 2);
  CHECK(lam.extra().params[1].default_value->int_value == 1);
  CHECK(lam.a->kind == ExprKind::BinOp);
  CHECK(m->body[1]->value->kind == ExprKind::IfExp);
  const Expr& target = *m->body[2]->targets[0];
  REQUIRE(target.kind == ExprKind::TupleLit);
  CHECK(target.elts[1]->kind == ExprKind::Starred);
  // A star covers the whole arithmetic expression after it, in any position.
  auto l = parseExpression(std::make_shared<const lang::Source>("e", "[*a, b, *c + d]"));
  REQUIRE(l->elts.size() == 3);
  CHECK(l->elts[0]->kind == ExprKind::Starred);
  CHECK(l->elts[1]->kind == ExprKind::Name);
  REQUIRE(l->elts[2]->kind == ExprKind::Starred);
  CHECK(l->elts[2]->a->kind == ExprKind::BinOp);
  CHECK(l->elts[2]->range.start == 8);
}

#ifdef WICK_SHARED_DIR
namespace {
// The line a syntax_ case must fail on, from `"line": N` in its .expected.json.
int expectedErrorLine(const std::filesystem::path& py) {
  std::filesystem::path json = py;
  json.replace_extension(".expected.json");
  std::ifstream in(json);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = text.find("\"line\":");
  return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 7);
}
}  // namespace

TEST_CASE("every program of the shared corpus parses; syntax_ cases fail on their line") {
  namespace fs = std::filesystem;
  fs::path root(WICK_SHARED_DIR);
  if (!fs::exists(root / "conformance")) {
    MESSAGE("no shared corpus; skipped");
    return;
  }
  int parsed = 0, rejected = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string path = entry.path().string();
    bool in_corpus = path.find("/conformance/cases/") != std::string::npos || path.find("/bench/programs/") != std::string::npos;
    if (entry.path().extension() != ".py" || !in_corpus) continue;
    std::string name = entry.path().filename().string();
    bool bad = name.rfind("syntax_", 0) == 0;
    INFO(path);
    try {
      parseModule(lang::Source::fromFile(path));
      CHECK(!bad);
      ++parsed;
    } catch (const lang::CompileError& e) {
      if (bad) {
        ++rejected;
        CHECK(e.diagnostics().front().range.line() == expectedErrorLine(entry.path()));
      } else if (name.rfind("err_", 0) != 0) {  // err_ cases may be rejected here or by the checker
        FAIL_CHECK(e.what());
      }
    }
  }
  CHECK(parsed > 150);
  CHECK(rejected >= 7);
}
#endif
