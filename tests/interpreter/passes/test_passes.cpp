// Each pass on a small compiled program: the graph before and after.
#include <doctest/doctest.h>

#include "frontend/compiler.h"
#include "interpreter/passes/passes.h"
#include "interpreter/runtime.h"

using namespace wick;

namespace {
struct Compiled {
  std::unique_ptr<frontend::CompiledModule> m;
  lang::Function* f;
};
Compiled compile(const std::string& src, const std::string& fn) {
  auto m = frontend::compileSource(std::make_shared<const lang::Source>("p.py", src));
  lang::Function* f = m->function(fn);
  REQUIRE(f != nullptr);
  return {std::move(m), f};
}
size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("dead code elimination removes unused pure nodes and keeps side effects") {
  auto c = compile("def f(x: int) -> int:\n    y = x * 3\n    print(x)\n    return x\n", "f");
  auto g = c.f->graph().copy();
  REQUIRE(count(lang::graphToString(*g), "aten::mul") == 1);
  interp::eliminateDeadCode(*g);
  lang::verifyGraph(*g);
  std::string after = lang::graphToString(*g);
  CHECK(count(after, "aten::mul") == 0);
  CHECK(count(after, "prim::Print") == 1);
}

TEST_CASE("dead code elimination drops unused if outputs and loop-carried values") {
  auto c = compile("def f(n: int) -> int:\n    a = 0\n    b = 0\n    for i in range(n):\n        a += i\n        b += 1\n    return a\n", "f");
  auto g = c.f->graph().copy();
  interp::eliminateDeadCode(*g);
  lang::verifyGraph(*g);
  std::string after = lang::graphToString(*g);
  CHECK(count(after, "aten::add") == 1);  // b's update is gone
}

TEST_CASE("common subexpression elimination merges constants and pure scalar ops, not container reads") {
  auto c = compile("from typing import List\n"
                   "def f(x: int, l: List[int]) -> int:\n    a = x * 7\n    b = x * 7\n    c = len(l)\n    l.append(1)\n"
                   "    d = len(l)\n    return a + b + c + d\n", "f");
  auto g = c.f->graph().copy();
  interp::eliminateCommonSubexpressions(*g);
  interp::eliminateDeadCode(*g);
  lang::verifyGraph(*g);
  std::string after = lang::graphToString(*g);
  CHECK(count(after, "aten::mul") == 1);
  CHECK(count(after, "aten::len") == 2);  // the list changed in between
  CHECK(count(after, "value=7") == 1);
}

TEST_CASE("inlining replaces small calls, keeps recursion, and results do not change") {
  auto c = compile("def sq(x: int) -> int:\n    return x * x\n"
                   "def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
                   "def f(n: int) -> int:\n    return sq(n) + fib(n)\n", "f");
  auto g = c.f->graph().copy();
  interp::inlineCalls(*g, c.f);
  lang::verifyGraph(*g);
  std::string after = lang::graphToString(*g);
  CHECK(count(after, "aten::mul") == 1);          // sq is inlined
  CHECK(count(after, "prim::CallFunction") >= 1);  // fib's own recursion stays a call
  CHECK(interp::run(*c.f, {lang::IValue(int64_t(10))}).toInt() == 100 + 55);
}

TEST_CASE("constant propagation folds pure scalar ops and keeps run-time errors") {
  auto c = compile("def f(x: int) -> int:\n    a = 2 * 3 + 1\n    b = 10 // 0 if x > 100 else 1\n    return x + a + b\n", "f");
  auto g = c.f->graph().copy();
  REQUIRE(count(lang::graphToString(*g), "aten::mul") == 1);
  interp::propagateConstants(*g);
  interp::eliminateDeadCode(*g);
  lang::verifyGraph(*g);
  std::string after = lang::graphToString(*g);
  CHECK(count(after, "aten::mul") == 0);
  CHECK(count(after, "value=7") == 1);       // 2 * 3 + 1
  CHECK(count(after, "aten::floordiv") == 1);  // 10 // 0 raises ZeroDivisionError when run: not folded
  CHECK(interp::run(*c.f, {lang::IValue(int64_t(5))}).toInt() == 13);
}

TEST_CASE("constant propagation keeps the taken branch of a constant if and never folds mutable results") {
  auto c = compile(
      "from typing import List\n"
      "def f(x: int) -> List[int]:\n"
      "    n = 3\n"
      "    if n > 2:\n        y = x + n\n    else:\n        y = x - n\n"
      "    return [y, y]\n",
      "f");
  auto g = c.f->graph().copy();
  REQUIRE(count(lang::graphToString(*g), "prim::If") == 1);
  interp::propagateConstants(*g);
  interp::eliminateDeadCode(*g);
  lang::verifyGraph(*g);
  std::string after = lang::graphToString(*g);
  CHECK(count(after, "prim::If") == 0);
  CHECK(count(after, "aten::sub") == 0);
  CHECK(count(after, "prim::ListConstruct") == 1);  // a list result is built at run time
}
