#include <doctest/doctest.h>

#include <thread>

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

TEST_CASE("handlers release what they build: unpacking, dicts and tuples leak nothing (Note [Handler scopes])") {
  Prog p = compile("from typing import List\n"
                   "def churn(xs: List[int]) -> int:\n"
                   "    n = 0\n"
                   "    for i in range(100):\n"
                   "        pairs = [(xs, i)]\n"
                   "        a, b = pairs[0]\n"
                   "        d = {'k': a}\n"
                   "        n += len(d) + b\n"
                   "    return n\n");
  IValue xs(lang::Ref<lang::ListObj>::make(lang::intType(), std::vector<IValue>{IValue(int64_t(1))}));
  CHECK(p.call("churn", {xs}).toInt() == 100 + 4950);
  // Only ours: nothing left behind by 100 iterations.
  CHECK(xs.toList()->refcount() == 1);
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

TEST_CASE("recursion is bounded at exactly kMaxCallDepth frames") {
  Prog p = compile("def d(n: int) -> int:\n    if n == 0:\n        return 0\n    return d(n - 1) + 1\n"
                   "def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n");
  // The entry frame plus n recursive calls: n + 1 frames.
  CHECK(p.call("d", {IValue(int64_t(interp::kMaxCallDepth - 1))}).toInt() == interp::kMaxCallDepth - 1);
  try {
    p.call("d", {IValue(int64_t(interp::kMaxCallDepth))});
    FAIL("expected RecursionError");
  } catch (const lang::Error& e) {
    CHECK(e.format().find("RecursionError: maximum recursion depth exceeded") != std::string::npos);
    CHECK(e.traceback().size() == static_cast<size_t>(interp::kMaxCallDepth));
    CHECK(e.format().find("return d(n - 1) + 1") != std::string::npos);
  }
  // The thread's frames were unwound: the next run starts from the bottom.
  CHECK(p.call("fib", {IValue(int64_t(22))}).toInt() == 17711);
  CHECK(p.call("d", {IValue(int64_t(1500))}).toInt() == 1500);
}

TEST_CASE("an error through calls and method calls names every frame's line") {
  Prog p = compile(
      "class A:\n    def __init__(self, k: int):\n        self.k = k\n"
      "    def div(self, x: int) -> int:\n        return self.k % x\n"
      "def mid(a: A, x: int) -> int:\n    y = x - 1\n    return a.div(y) + 1\n"
      "def top(x: int) -> int:\n    a = A(7)\n    return mid(a, x) * 2\n");
  CHECK(p.call("top", {IValue(int64_t(3))}).toInt() == (7 % 2 + 1) * 2);
  try {
    p.call("top", {IValue(int64_t(1))});
    FAIL("expected an error");
  } catch (const lang::Error& e) {
    std::string t = e.format();
    size_t top = t.find("line 11, in top"), mid = t.find("line 8, in mid"), div = t.find("line 5, in __torch__.A.div");
    CHECK(top != std::string::npos);
    CHECK(mid != std::string::npos);
    CHECK(div != std::string::npos);
    CHECK(top < mid);
    CHECK(mid < div);
    CHECK(t.find("ZeroDivisionError") != std::string::npos);
  }
}

TEST_CASE("an error releases what the unwound frames' registers held") {
  Prog p = compile("from typing import List\n"
                   "def inner(l: List[int], x: int) -> int:\n    m = [l, l]\n    return len(m) // x\n"
                   "def outer(l: List[int]) -> int:\n    return inner(l, 0)\n");
  Prog q = compile("from typing import List\ndef make() -> List[int]:\n    return [1, 2]\n");
  IValue l = q.call("make");
  REQUIRE(l.isList());
  CHECK_THROWS_AS(p.call("outer", {l}), lang::Error);
  CHECK(l.heapPtr()->refcount() == 1);
}

TEST_CASE("last uses move their operand; other uses copy it") {
  Prog p = compile("def f(a: str, b: str) -> str:\n    c = a + b\n    return c + a\n");
  std::string d = interp::codeFor(*p.m->function("f")).disassemble();
  // a (r0) is read again by the second add; b (r1) and c (r2) are not.
  CHECK(d.find("[r0 r1* r2]") != std::string::npos);
  CHECK(d.find("[r2* r0* r3]") != std::string::npos);
  CHECK(p.call("f", {IValue("x"), IValue("y")}).toStr() == "xyx");
}

TEST_CASE("strings built in place stay unaliased") {
  Prog p = compile(
      "from typing import List\n"
      "def g(n: int) -> str:\n    s = ''\n    for i in range(n):\n        s = s + str(i)\n    return s\n"
      "def h() -> List[str]:\n    s = 'a'\n    out: List[str] = [s]\n    for i in range(3):\n"
      "        t = s\n        s = s + 'b'\n        out.append(t)\n    out.append(s)\n    return out\n"
      "def k(s: str) -> str:\n    return s + '!'\n"
      "def pre(x: int) -> str:\n    return 'k' + str(x) + ':' + str(x * 2)\n"
      "def keep(x: int) -> str:\n    s = str(x)\n    t = 'k' + s\n    return s + t + s\n");
  CHECK(p.call("g", {IValue(int64_t(12))}).toStr() == "01234567891011");
  IValue out = p.call("h");
  REQUIRE(out.isList());
  std::vector<std::string> got;
  for (const IValue& v : out.toList()->items) got.push_back(v.toStr());
  CHECK(got == std::vector<std::string>{"a", "a", "ab", "abb", "abbb"});
  // The caller still holds the argument: it must not change.
  IValue s("caller's");
  CHECK(p.call("k", {s}).toStr() == "caller's!");
  CHECK(s.toStr() == "caller's");
  CHECK(p.call("pre", {IValue(int64_t(21))}).toStr() == "k21:42");
  CHECK(p.call("keep", {IValue(int64_t(5))}).toStr() == "5k55");
}

TEST_CASE("str of ints and one-byte indexing") {
  Prog p = compile(
      "from typing import List\n"
      "def f() -> List[str]:\n    return [str(0), str(-123), str(9223372036854775807), str(-9223372036854775807 - 1), str(2.5), str(True)]\n"
      "def g(s: str) -> List[str]:\n    return [s[0], s[-1], s[1]]\n"
      "def o(s: str) -> int:\n    return ord(s[2]) * 1000 + ord(s[0])\n");
  IValue r = p.call("f");
  std::vector<std::string> got;
  for (const IValue& v : r.toList()->items) got.push_back(v.toStr());
  CHECK(got == std::vector<std::string>{"0", "-123", "9223372036854775807", "-9223372036854775808", "2.5", "True"});
  IValue c = p.call("g", {IValue("abc")});
  CHECK(c.toList()->items[0].toStr() == "a");
  CHECK(c.toList()->items[1].toStr() == "c");
  CHECK(c.toList()->items[2].toStr() == "b");
  CHECK(p.call("o", {IValue("a~z")}).toInt() == 122 * 1000 + 97);
}

TEST_CASE("a call names its callee's lowered code; a call back up a cycle reads it when run") {
  // Bodies too large to inline, so is_even and is_odd stay a cycle of calls.
  std::string filler;
  for (int i = 0; i < 12; ++i) filler += "    s = (s * 3 + n) % 1000\n";
  Prog p = compile(
      "def is_even(n: int) -> bool:\n    if n == 0:\n        return True\n    s = n\n" + filler +
      "    return is_odd(n - 1 + s - s)\n"
      "def is_odd(n: int) -> bool:\n    if n == 0:\n        return False\n    s = n\n" + filler +
      "    return is_even(n - 1 + s - s)\n"
      "def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
      "def twice(n: int) -> int:\n    return fib(n) + fib(n)\n");
  // Lowering twice lowers fib, its callee, first (Note [Direct calls]).
  REQUIRE(p.m->function("fib")->code_ptr.load() == nullptr);
  std::string twice = interp::codeFor(*p.m->function("twice")).disassemble();
  CHECK(p.m->function("fib")->code_ptr.load() != nullptr);
  CHECK(twice.find("CALL ") != std::string::npos);
  CHECK(twice.find("CALL_FN") == std::string::npos);
  CHECK(interp::codeFor(*p.m->function("fib")).disassemble().find("CALL_FN") == std::string::npos);
  // is_even lowers is_odd while it is itself being lowered: is_odd's call
  // back to it must read its code when it runs.
  std::string even = interp::codeFor(*p.m->function("is_even")).disassemble();
  std::string odd = interp::codeFor(*p.m->function("is_odd")).disassemble();
  CHECK(even.find("CALL_FN") == std::string::npos);
  CHECK(odd.find("CALL_FN") != std::string::npos);
  CHECK(p.call("is_even", {IValue(int64_t(10))}).toBool() == true);
  CHECK(p.call("is_odd", {IValue(int64_t(7))}).toBool() == true);
  CHECK(p.call("is_even", {IValue(int64_t(7))}).toBool() == false);
  CHECK(p.call("twice", {IValue(int64_t(15))}).toInt() == 2 * 610);
}

TEST_CASE("two threads first calling the two ends of a call cycle both finish") {
  // Each thread lowers one end and, through it, the other (Note [Lazy
  // lowering]); without one lock over all lowering they could deadlock.
  for (int round = 0; round < 20; ++round) {
    std::string filler;
    for (int i = 0; i < 12; ++i) filler += "    s = (s * 3 + n) % 1000\n";
    Prog p = compile("def ping(n: int) -> int:\n    if n <= 0:\n        return 0\n    s = n\n" + filler +
                     "    return pong(n - 1 + s - s) + 1\n"
                     "def pong(n: int) -> int:\n    if n <= 0:\n        return 0\n    s = n\n" + filler +
                     "    return ping(n - 1 + s - s) + 2\n");
    // The frontend compiles a function on first lookup: look both up here.
    lang::Function* ping = p.m->function("ping");
    lang::Function* pong = p.m->function("pong");
    REQUIRE(ping->code_ptr.load() == nullptr);
    int64_t a = 0, b = 0;
    std::thread t1([&] { a = interp::run(*ping, {IValue(int64_t(10))}).toInt(); });
    std::thread t2([&] { b = interp::run(*pong, {IValue(int64_t(10))}).toInt(); });
    t1.join();
    t2.join();
    CHECK(a == 15);
    CHECK(b == 15);
  }
}

TEST_CASE("a return releases what the caller's destination register held") {
  // x's register receives get(l) on every trip and keeps it (x is read in a
  // nested block, so never moved out); each return must drop the reference
  // the previous trip left there, and leave none in the callee.
  // Bodies too large to inline, so the calls stay calls.
  std::string filler = "    s = len(l)\n";
  for (int i = 0; i < 12; ++i) filler += "    s = (s * 3 + 1) % 1000\n";
  Prog p = compile("from typing import List\n"
                   "def get(l: List[int]) -> List[int]:\n" + filler + "    m = [l, l]\n    return m[s - s]\n"
                   "def loop(l: List[int]) -> int:\n    n = 0\n    for i in range(5):\n"
                   "        x = get(l)\n        if n >= 0:\n            n += len(x)\n    return n\n"
                   "def fresh(l: List[int]) -> List[int]:\n" + filler + "    return [1, 2, s - s + 3]\n"
                   "def outer(l: List[int]) -> List[int]:\n    a = fresh(l)\n    return a\n");
  Prog q = compile("from typing import List\ndef make() -> List[int]:\n    return [1, 2]\n");
  IValue l = q.call("make");
  REQUIRE(l.isList());
  CHECK(p.call("loop", {l}).toInt() == 10);
  CHECK(l.heapPtr()->refcount() == 1);
  // A returned reference is moved out: the callee's clearing must not drop it.
  IValue r = p.call("outer", {l});
  REQUIRE(r.isList());
  CHECK(r.heapPtr()->refcount() == 1);
  CHECK(r.toList()->items.size() == 3);
}

TEST_CASE("scalar results overwrite registers a finished call left other scalars in") {
  // f's int registers and g's float and bool registers share stack slots
  // (Note [Typed registers]): each store must set the tag too.
  Prog p = compile("def f(n: int) -> int:\n    a = n * 3\n    b = a - 1\n    return b + 1\n"
                   "def g(x: float) -> float:\n    y = x * 0.5\n    z = y + 1.0\n    return z / 2.0\n"
                   "def h(n: int) -> bool:\n    return n < 3\n"
                   "def run(n: int) -> float:\n    k = f(n)\n    v = g(2.0)\n    if h(k):\n        return -1.0\n"
                   "    return v + float(k)\n");
  IValue r = p.call("run", {IValue(int64_t(4))});
  REQUIRE(r.isFloat());
  CHECK(r.toDouble() == doctest::Approx(1.0 + 12.0));
}
