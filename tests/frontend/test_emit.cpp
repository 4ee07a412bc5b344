#include <doctest/doctest.h>

#include "frontend/compiler.h"
#include "lang/error.h"

using namespace wick;

namespace {
std::string graphOf(const std::string& src, const std::string& fn) {
  auto m = frontend::compileSource(std::make_shared<const lang::Source>("t.py", src));
  lang::Function* f = m->function(fn);
  REQUIRE(f != nullptr);
  lang::verifyGraph(f->graph());
  return lang::graphToString(f->graph());
}
std::string compileError(const std::string& src, const std::string& fn) {
  try {
    frontend::compileSource(std::make_shared<const lang::Source>("t.py", src))->function(fn);
  } catch (const lang::CompileError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("scalar arithmetic resolves to typed overloads") {
  std::string g = graphOf("def f(a: int, b: float) -> float:\n    return a * 2 + b\n", "f");
  CHECK(g.find("aten::mul(%a, ") != std::string::npos);
  CHECK(g.find(": float = aten::add") != std::string::npos);
}

TEST_CASE("if/else assigns become prim::If outputs, loops carry values") {
  std::string g = graphOf(
      "def f(n: int) -> int:\n    s = 0\n    for i in range(n):\n        if i % 2 == 0:\n            s += i\n    return s\n", "f");
  CHECK(g.find("prim::Loop") != std::string::npos);
  CHECK(g.find("prim::If") != std::string::npos);
  CHECK(g.find(" : int = prim::If") != std::string::npos);  // s merges out of the if
}

TEST_CASE("a function whose every path raises returns None, as in TorchScript") {
  // It used to crash the compiler: no return ran, so there was no result value.
  std::string g = graphOf("def f():\n    raise ValueError('x')\n", "f");
  CHECK(g.find("prim::RaiseException") != std::string::npos);
  CHECK(g.find(": NoneType = prim::Uninitialized") != std::string::npos);
  std::string declared = graphOf("def f(x: int) -> int:\n    if x > 0:\n        raise ValueError('a')\n    else:\n        raise ValueError('b')\n", "f");
  CHECK(declared.find(": int = prim::Uninitialized") != std::string::npos);
}

TEST_CASE("Optional is refined by `is not None` and by early return") {
  std::string g = graphOf(
      "from typing import Optional\ndef f(x: Optional[int]) -> int:\n    if x is None:\n        return 0\n    return x + 1\n", "f");
  CHECK(g.find("prim::unchecked_cast") != std::string::npos);
}

TEST_CASE("type errors name both types and the line") {
  std::string e = compileError("def f(flag: bool) -> float:\n    if flag:\n        r = 1\n    else:\n        r = 2.5\n    return r\n", "f");
  CHECK(e.find("t.py:2:") == 0);
  CHECK(e.find("int") != std::string::npos);
  CHECK(e.find("float") != std::string::npos);
  std::string r = compileError("def f(n: int) -> int:\n    if n > 2:\n        return n\n    return \"small\"\n", "f");
  CHECK(r.find("t.py:4:") == 0);
  CHECK(r.find("str") != std::string::npos);
}

TEST_CASE("overload errors list the schemas tried") {
  std::string e = compileError("def f() -> str:\n    return \"-\" * 10\n", "f");
  CHECK(e.find("t.py:2:") == 0);
  CHECK(e.find("tried:") != std::string::npos);
  CHECK(e.find("aten::mul.int(int a, int b)") != std::string::npos);
}

TEST_CASE("calls check arity and keyword names") {
  std::string src = "def g(a: float, b: float, c: float) -> float:\n    return a\ndef f() -> float:\n    return g(1.0, 2.0)\n";
  std::string e = compileError(src, "f");
  CHECK(e.find("t.py:4:") == 0);
  CHECK(e.find("'c'") != std::string::npos);
}

TEST_CASE("undefined names and variables defined on one branch are errors") {
  CHECK(compileError("def f() -> int:\n    return g(1)\n", "f").find("undefined value 'g'") != std::string::npos);
  std::string e = compileError("def f(x: int) -> int:\n    if x > 0:\n        y = 1\n    return y\n", "f");
  CHECK(e.find("t.py:2:") == 0);
}

TEST_CASE("constant conditions compile only the branch taken, as TorchScript's") {
  // torch.jit.script gives both `def f(x: Tensor) -> Tuple[Tensor, Tensor]`.
  std::string g = graphOf(
      "from torch import Tensor\ndef f(x: Tensor):\n    if not False:\n        return x, x\n    return x\n", "f");
  CHECK(g.find("prim::If") == std::string::npos);
  CHECK(g.find("Tuple[Tensor, Tensor]") != std::string::npos);
  std::string t = graphOf("from torch import Tensor\ndef f(x: Tensor):\n    return x if False else (x, x)\n", "f");
  CHECK(t.find("prim::If") == std::string::npos);
  CHECK(t.find("Tuple[Tensor, Tensor]") != std::string::npos);
  std::string b = graphOf(
      "from torch import Tensor\nfrom typing import Optional\ndef f(x: Tensor, y: Optional[Tensor]):\n"
      "    if False and y is None:\n        return x\n    return x, x\n", "f");
  CHECK(b.find("prim::If") == std::string::npos);
  // `1 == 1` is no constant to TorchScript: both branches compile, and their types clash.
  CHECK(compileError("from torch import Tensor\ndef f(x: Tensor):\n    if 1 == 1:\n        return x, x\n    return x\n", "f") != "");
}

TEST_CASE("with over an object calls its __enter__, binds the result and calls __exit__ after the body") {
  const std::string cls =
      "class Counter:\n"
      "    def __init__(self, start: int):\n        self.n = start\n"
      "    def __enter__(self) -> int:\n        return self.n + 1\n"
      "    def __exit__(self, a: Any, b: Any, c: Any) -> None:\n        self.n = 0\n";
  std::string g = graphOf(cls + "def f() -> int:\n    c = Counter(4)\n    with c as k:\n        t = k * 10\n    return t + c.n\n", "f");
  size_t enter = g.find("prim::CallMethod[name=\"__enter__\"](%c)");
  size_t body = g.find("aten::mul(%k");
  size_t exit = g.find("prim::CallMethod[name=\"__exit__\"](%c,");
  REQUIRE(enter != std::string::npos);
  REQUIRE(body != std::string::npos);
  REQUIRE(exit != std::string::npos);
  CHECK(enter < body);
  CHECK(body < exit);
  CHECK(compileError(cls + "def g() -> int:\n    c = Counter(4)\n    with c as k:\n        return k\n", "g").find("would skip its __exit__") !=
        std::string::npos);
  CHECK(compileError("def h(x: int) -> int:\n    with x:\n        y = 1\n    return x\n", "h").find("no __enter__ and __exit__") !=
        std::string::npos);
}
