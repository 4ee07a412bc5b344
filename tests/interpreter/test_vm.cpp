#include <doctest/doctest.h>

#include "frontend/compiler.h"
#include "interpreter/code.h"
#include "interpreter/runtime.h"
#include "lang/error.h"

using namespace wick;
using lang::IValue;

namespace {
struct Prog {
  std::unique_ptr<frontend::CompiledModule> m;
  IValue call(const std::string& fn, std::vector<IValue> args = {}) {
    return interp::run(*m->function(fn), std::move(args));
  }
};
Prog compile(const std::string& src) { return {frontend::compileSource(std::make_shared<const lang::Source>("p.py", src))}; }
}  // namespace

TEST_CASE("loops, calls and Python's integer semantics") {
  Prog p = compile(
      "def fib(n: int) -> int:\n    a = 0\n    b = 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n"
      "def mods() -> List[int]:\n    return [7 // -2, -7 % 3, 7 % -3]\n"
      "from typing import List\n");
  CHECK(p.call("fib", {IValue(int64_t(30))}).toInt() == 832040);
  IValue m = p.call("mods");
  REQUIRE(m.isList());
  CHECK(m.toList()->items[0].toInt() == -4);
  CHECK(m.toList()->items[1].toInt() == 2);
  CHECK(m.toList()->items[2].toInt() == -2);
}

TEST_CASE("all-zero bytes are a None value (the register stack is calloc'd)") {
  alignas(IValue) unsigned char bytes[sizeof(IValue)] = {};
  CHECK(reinterpret_cast<IValue*>(bytes)->isNone());
}

TEST_CASE("registers of a finished deep recursion are reused and released") {
  Prog p = compile("def deep(n: int) -> int:\n    xs = [n, n]\n    if n == 0:\n        return len(xs)\n"
                   "    return deep(n - 1) + len(xs)\n");
  CHECK(p.call("deep", {IValue(int64_t(1500))}).toInt() == 3002);
  CHECK(p.call("deep", {IValue(int64_t(10))}).toInt() == 22);
}

TEST_CASE("recursion works (wick's extension) and is bounded") {
  Prog p = compile("def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
                   "def down(n: int) -> int:\n    return down(n + 1)\n");
  CHECK(p.call("fib", {IValue(int64_t(20))}).toInt() == 6765);
  CHECK_THROWS_WITH_AS(p.call("down", {IValue(int64_t(0))}), doctest::Contains("maximum recursion depth"), lang::Error);
}

TEST_CASE("break, continue and return inside nested loops") {
  Prog p = compile(
      "from typing import List, Tuple\n"
      "def find(m: List[List[int]], t: int) -> Tuple[int, int]:\n"
      "    for i in range(len(m)):\n        for j in range(len(m[i])):\n            if m[i][j] == t:\n                return i, j\n"
      "    return -1, -1\n"
      "def skip() -> int:\n    s = 0\n    for i in range(10):\n        if i == 7:\n            break\n        if i % 2 == 1:\n            continue\n        s += i\n    return s\n"
      "def a() -> Tuple[int, int]:\n    return find([[1, 2], [3, 4]], 4)\n"
      "def b() -> Tuple[int, int]:\n    return find([[1, 2]], 9)\n");
  IValue r = p.call("a");
  CHECK(r.toTuple()->items[0].toInt() == 1);
  CHECK(r.toTuple()->items[1].toInt() == 1);
  CHECK(p.call("b").toTuple()->items[0].toInt() == -1);
  CHECK(p.call("skip").toInt() == 0 + 2 + 4 + 6);
}

TEST_CASE("runtime errors carry a traceback with each frame's line") {
  Prog p = compile("def inner(x: int) -> int:\n    return 10 // x\ndef outer() -> int:\n    return inner(0)\n");
  try {
    p.call("outer");
    FAIL("expected an error");
  } catch (const lang::Error& e) {
    std::string t = e.format();
    CHECK(t.find("line 4, in outer") != std::string::npos);
    CHECK(t.find("line 2, in inner") != std::string::npos);
    CHECK(t.find("return 10 // x") != std::string::npos);
    CHECK(t.find("ZeroDivisionError") != std::string::npos);
  }
}

TEST_CASE("classes, dicts and strings") {
  Prog p = compile(
      "from typing import Dict, List\n"
      "class Counter:\n    def __init__(self):\n        self.counts: Dict[str, int] = {}\n"
      "    def add(self, w: str) -> None:\n        self.counts[w] = self.counts.get(w, 0) + 1\n"
      "def run() -> str:\n    c = Counter()\n    for w in \"a b a c a\".split():\n        c.add(w)\n"
      "    return \",\".join([k + \"=\" + str(v) for k, v in c.counts.items()])\n");
  CHECK(p.call("run").toStr() == "a=3,b=1,c=1");
}

TEST_CASE("scalar arithmetic lowers to specialized opcodes") {
  Prog p = compile("def f(a: int, b: int) -> int:\n    return a * b + 1\n");
  const interp::Code& code = interp::codeFor(*p.m->function("f"));
  std::string d = code.disassemble();
  CHECK(d.find("MUL_I") != std::string::npos);
  CHECK(d.find("ADD_I") != std::string::npos);
  CHECK(d.find(" OP ") == std::string::npos);
}
