// Saving scripts: a function is compiled, saved as torch.jit.save saves a
// scripted function (serialize::saveCompiled), loaded back with wick's own
// archive loader (the code compiled again in the archive dialect) and called;
// it must give what the original gives. Also: the printed text of a few
// constructs, the version record, and the refusal of recursion.
#include <doctest/doctest.h>

#include <filesystem>
#include <unistd.h>

#include "frontend/compiler.h"
#include "interpreter/runtime.h"
#include "lang/error.h"
#include "ops/tensor/tensor.h"
#include "serialize/archive.h"
#include "serialize/format_version.h"
#include "serialize/python_printer.h"
#include "serialize/zip_reader.h"

using namespace wick;
using lang::IValue;

namespace {

struct TempFile {
  std::string path;
  TempFile() {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() /
            ("wick_save_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".pt")).string();
  }
  ~TempFile() { std::filesystem::remove(path); }
};

std::unique_ptr<frontend::CompiledModule> compile(const std::string& text) {
  return frontend::compileSource(std::make_shared<const lang::Source>("t.py", text));
}

// Saves `name` of `text` to a file; returns the loaded archive.
std::unique_ptr<serialize::Archive> saveAndLoad(const std::string& text, const std::string& name, const TempFile& file) {
  auto module = compile(text);
  lang::Function* fn = module->function(name);
  REQUIRE(fn);
  serialize::saveCompiled(serialize::functionAsModule(module->unit(), *fn), {}, file.path);
  return serialize::loadArchive(file.path);
}

// The code/__torch__.py text of the archive saved from `name`.
std::string savedCode(const std::string& text, const std::string& name) {
  TempFile file;
  auto a = saveAndLoad(text, name, file);
  return a->recordText("code/__torch__.py");
}

// Calls `name` directly and through a saved and reloaded archive; the
// results (printed with str()) must agree. Returns the reloaded result.
std::string roundTrip(const std::string& text, const std::string& name, std::vector<IValue> args = {}) {
  auto module = compile(text);
  lang::Function* fn = module->function(name);
  REQUIRE(fn);
  std::string direct;
  try {
    direct = lang::toRepr(interp::run(*fn, args));
  } catch (const lang::Error& e) {
    direct = "raised " + e.kind();
  }
  TempFile file;
  auto a = saveAndLoad(text, name, file);
  std::vector<IValue> with_self = {a->root};
  with_self.insert(with_self.end(), args.begin(), args.end());
  std::string reloaded;
  try {
    reloaded = lang::toRepr(interp::run(*a->method("forward"), with_self));
  } catch (const lang::Error& e) {
    reloaded = "raised " + e.kind();
  }
  INFO("saved code:\n" << a->recordText("code/__torch__.py"));
  CHECK(reloaded == direct);
  return reloaded;
}

}  // namespace

TEST_CASE("if / elif / else, and values merged after them") {
  const char* src = R"(
def f(x: int) -> str:
    if x < 0:
        s = "neg"
    elif x == 0:
        s = "zero"
    else:
        s = "pos"
        if x > 100:
            s = s + "!"
    return s
)";
  CHECK(roundTrip(src, "f", {IValue(int64_t(-3))}) == "'neg'");
  CHECK(roundTrip(src, "f", {IValue(int64_t(0))}) == "'zero'");
  CHECK(roundTrip(src, "f", {IValue(int64_t(500))}) == "'pos!'");
}

TEST_CASE("while and for loops with carried values, break, continue and early return") {
  const char* src = R"(
from typing import List
def loops(n: int) -> List[int]:
    out: List[int] = []
    i = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        out.append(i)
    total = 0
    for k in range(n):
        if k > 5:
            break
        total += k
    out.append(total)
    for x in [10, 20, 30]:
        total = total + x
    out.append(total)
    return out

def first_big(xs: List[int]) -> int:
    for i in range(len(xs)):
        if xs[i] > 10:
            return i
    return -1

def count_down(n: int) -> int:
    steps = 0
    while True:
        if n <= 0:
            break
        n -= 3
        steps += 1
    return steps
)";
  CHECK(roundTrip(src, "loops", {IValue(int64_t(9))}) == "[1, 3, 5, 7, 9, 15, 75]");
  CHECK(roundTrip(src, "loops", {IValue(int64_t(0))}) == "[0, 60]");
  auto list = [](std::vector<IValue> v) { return IValue(lang::Ref<lang::ListObj>::make(lang::intType(), std::move(v))); };
  CHECK(roundTrip(src, "first_big", {list({IValue(int64_t(1)), IValue(int64_t(12))})}) == "1");
  CHECK(roundTrip(src, "first_big", {list({})}) == "-1");
  CHECK(roundTrip(src, "count_down", {IValue(int64_t(10))}) == "4");
}

TEST_CASE("tuples, lists, dicts and unpacking") {
  const char* src = R"(
from typing import Dict, List, Tuple
def containers() -> Tuple[int, str, List[float], Dict[str, int]]:
    a, b = 1, "two"
    t = (a, b, 3.5)
    (x, y, z) = t
    one = (x,)
    d: Dict[str, int] = {}
    d["k"] = one[0]
    d2 = {"a": 1, "b": 2}
    for k in d2:
        d[k] = d2[k] * 10
    l = [z, 1.0]
    l.append(float(len(d)))
    empty: List[float] = []
    return (x + len(empty), y, l, d)
)";
  CHECK(roundTrip(src, "containers") == "(1, two, [3.5, 1., 3.], {k: 1, a: 10, b: 20})");
}

TEST_CASE("Optional refinement and None") {
  const char* src = R"(
from typing import Optional
def pick(a: Optional[int], b: int = 7) -> int:
    if a is None:
        return b
    return a * 2

def carried(n: int) -> Optional[int]:
    last: Optional[int] = None
    for i in range(n):
        last = i
    return last
)";
  CHECK(roundTrip(src, "pick", {IValue(), IValue(int64_t(7))}) == "7");
  CHECK(roundTrip(src, "pick", {IValue(int64_t(4)), IValue(int64_t(7))}) == "8");
  CHECK(roundTrip(src, "carried", {IValue(int64_t(0))}) == "None");
  CHECK(roundTrip(src, "carried", {IValue(int64_t(3))}) == "2");
}

TEST_CASE("classes: attributes, methods, properties, static methods; named tuples and enums") {
  const char* src = R"(
from typing import NamedTuple, List
from enum import Enum
import torch

class Color(Enum):
    RED = 1
    GREEN = 2

class Pair(NamedTuple):
    a: int
    b: str

class Counter:
    def __init__(self, start: int):
        self.n = start
        self.hist: List[int] = []
    def bump(self, by: int) -> int:
        self.n += by
        self.hist.append(self.n)
        return self.n
    @property
    def twice(self) -> int:
        return self.n * 2
    @staticmethod
    def make(k: int) -> "Counter":
        return Counter(k + 1)

def helper(x: int) -> int:
    return x * 3

def use_all(k: int) -> str:
    c = Counter.make(k)
    c.bump(2)
    c.bump(helper(k))
    p = Pair(c.n, "p")
    col = Color.GREEN
    return str(p.a) + p.b + str(c.twice) + str(len(c.hist)) + str(col.value) + col.name
)";
  CHECK(roundTrip(src, "use_all", {IValue(int64_t(1))}) == "'7p1422GREEN'");
  std::string code = savedCode(src, "use_all");
  CHECK(code.find("class PlaceholderModule(Module):") != std::string::npos);
  CHECK(code.find("class Counter:") != std::string::npos);
  CHECK(code.find("class Pair(NamedTuple):") != std::string::npos);
  CHECK(code.find("def helper(x: int) -> int:") != std::string::npos);
  CHECK(code.find("__torch__.helper(") != std::string::npos);
}

TEST_CASE("constants: strings with escapes and non-ASCII text, floats with inf and nan, ints, bools") {
  const char* src = R"(
from typing import List
def consts() -> List[str]:
    out: List[str] = []
    out.append("quote\" back\\ tab\t nl\n bell\a")
    out.append("café")
    out.append(str(float("inf")) + str(-float("inf")) + str(float("nan")))
    out.append(str(1e-05) + " " + str(2.0) + " " + str(-0.0) + " " + str(1.5e300))
    out.append(str(9223372036854775807) + str(True) + str(None))
    return out
)";
  roundTrip(src, "consts");
  std::string code = savedCode(src, "consts");
  CHECK(code.find("CONSTANTS.c0") != std::string::npos);  // "café" is not printed inline
  CHECK(code.find("\"quote\\\" back\\\\ tab\\t nl\\n bell\\a\"") != std::string::npos);
  CHECK(serialize::floatLiteral(2.0) == "2.");
  CHECK(serialize::floatLiteral(-0.0) == "-0.");
  CHECK(serialize::floatLiteral(1e-5) == "1e-05");
  CHECK(serialize::floatLiteral(1e20) == "1e+20");
  CHECK(serialize::floatLiteral(-1.0 / 0.0) == "-inf");
  CHECK(serialize::quotedString("\x01'") == "\"\\001\\'\"");
}

TEST_CASE("exceptions and asserts raise again after the round trip") {
  const char* src = R"(
def check(x: int) -> int:
    assert x != 3, "three"
    if x < 0:
        raise ValueError("negative")
    return x
)";
  CHECK(roundTrip(src, "check", {IValue(int64_t(3))}) == "raised AssertionError");
  CHECK(roundTrip(src, "check", {IValue(int64_t(-1))}) == "raised ValueError");
  CHECK(roundTrip(src, "check", {IValue(int64_t(5))}) == "5");
}

TEST_CASE("the version record follows the operators used") {
  auto version = [](const std::string& text) {
    TempFile file;
    return saveAndLoad(text, "f", file)->version;
  };
  CHECK(version("def f(a: int, b: int) -> float:\n    return a / b\n") == 3);
  CHECK(version("import torch\ndef f(x: torch.Tensor) -> torch.Tensor:\n    return x / 2\n") == 4);
  CHECK(version("import torch\ndef f(x: torch.Tensor) -> torch.Tensor:\n    return torch.div(x, x, rounding_mode='floor')\n") == 4);
  CHECK(version("import torch\ndef f(x: torch.Tensor) -> torch.Tensor:\n    return torch.full([2], 3)\n") == 5);
  CHECK(version("import torch\ndef f(x: torch.Tensor) -> torch.Tensor:\n    return torch.nn.functional.gelu(x)\n") == 10);
  CHECK(serialize::operatorVersionBump("aten::linspace") == 8);
  CHECK(serialize::operatorVersionBump("aten::logspace.out") == 9);
  CHECK(serialize::operatorVersionBump("aten::add.Tensor") == 0);
  CHECK(serialize::FormatVersion::recordName(10) == ".data/version");
  CHECK(serialize::FormatVersion::recordName(4) == "version");
}

TEST_CASE("recursion, wick's extension, is refused with the function and the call named") {
  TempFile file;
  auto refused = [&](const std::string& text, const std::string& name) -> std::string {
    auto module = compile(text);
    lang::Function* fn = module->function(name);
    REQUIRE(fn);
    try {
      serialize::saveCompiled(serialize::functionAsModule(module->unit(), *fn), {}, file.path);
    } catch (const lang::CompileError& e) {
      return e.what();
    }
    return "saved";
  };
  std::string direct = refused("def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n", "fib");
  CHECK(direct.find("t.py:4:12: error: cannot save: function 'fib' calls itself (recursion is a wick extension; "
                    "torch.jit.load would reject it)") == 0);
  std::string mutual = refused(R"(
def is_even(n: int) -> bool:
    if n == 0:
        return True
    return is_odd(n - 1)

def is_odd(n: int) -> bool:
    if n == 0:
        return False
    return is_even(n - 1)

def top(n: int) -> bool:
    return is_even(n)
)", "top");
  CHECK(mutual.find("error: cannot save: function 'is_odd' calls 'is_even', which leads back to it "
                    "(is_even -> is_odd -> is_even)") != std::string::npos);
  CHECK(!std::filesystem::exists(file.path));  // nothing was written
}

TEST_CASE("tensor constants go to constants.pkl and read back as CONSTANTS.cN") {
  // Scripts make no tensor constants (torch.tensor(...) stays a call), so
  // the graph is built by hand, as a frozen module's would look.
  auto g = std::make_shared<lang::Graph>();
  lang::Value* x = g->addInput("x")->setType(lang::tensorType());
  ops::Tensor c = ops::Tensor::empty({3}, ops::ScalarType::Float);
  for (int i = 0; i < 3; ++i) c.data<float>()[i] = 0.5f * static_cast<float>(i + 1);
  lang::Value* k = g->insertConstant(c.toIValue(), {}, lang::tensorType());
  const lang::Operator* add = lang::OperatorRegistry::global().find("aten::add.Tensor");
  REQUIRE(add);
  lang::Node* n = g->insertOp(add, {x, k, g->insertConstant(IValue(int64_t(1)))}, {lang::tensorType()});
  g->registerOutput(n->output());
  lang::FunctionSchema schema;
  schema.name = "shift";
  schema.arguments.push_back(lang::Argument{"x", lang::tensorType()});
  schema.returns.push_back(lang::Argument{"", lang::tensorType()});
  lang::CompilationUnit cu;
  lang::Function* fn = cu.addFunction(std::make_unique<lang::Function>("shift", g, schema));

  TempFile file;
  serialize::saveCompiled(serialize::functionAsModule(cu, *fn), {{"note.txt", "hi"}}, file.path);
  auto a = serialize::loadArchive(file.path);
  std::string code = a->recordText("code/__torch__.py");
  CHECK(code.find("torch.add(x, CONSTANTS.c0)") != std::string::npos);  // alpha=1 is the default: left out
  REQUIRE(a->constants.size() == 1);
  CHECK(a->extra_files.at("note.txt") == "hi");
  ops::Tensor ones = ops::Tensor::full({3}, 1.0, ops::ScalarType::Float);
  ops::Tensor y = ops::Tensor::fromIValue(interp::run(*a->method("forward"), {a->root, ones.toIValue()}));
  CHECK(y.data<float>()[0] == 1.5f);
  CHECK(y.data<float>()[2] == 2.5f);
}

TEST_CASE("interfaces print as method signatures, and the saved code compiles again") {
  const char* src = R"(
import torch

@torch.jit.interface
class Shape:
    def area(self, scale: float) -> float:
        pass

def measure(s: Shape) -> float:
    return s.area(2.0)
)";
  std::string code = savedCode(src, "measure");  // loading compiles forward, which needs Shape
  CHECK(code.find("class Shape(Interface):\n  def area(self, scale: float) -> float:\n    pass\n") != std::string::npos);
  CHECK(code.find("(s).area(2., )") != std::string::npos);
}

TEST_CASE("ops written as torch writes them read back in wick: prim min/max/abs, conversions, reflected scalars") {
  const char* src = R"(
import math
import torch
import torch.nn.functional as F
from typing import List
def ops() -> List[float]:
    t = torch.tensor([1.0, -2.0, 4.0])
    out: List[float] = [float(min(3, 2)), max(1.5, 2.5), float(max([4, 9, 1])), float(abs(-3)), math.pow(2, 3)]
    out.append(float((2 / t).sum()))
    out.append(float((2 - t).sum()))
    out.append(float((3 < t).sum()))
    out.append(float(t.long().sum()) + float(t.double().dtype == torch.float64))
    out.append(float(F.softsign(t).sum()) + float(F.tanhshrink(t).sum()) + float(F.softmin(t, 0)[0]))
    out.append(float(t.ndim) + float(F.logsigmoid(t)[0]))
    l = [1, 2, 3]
    del l[0]
    out.append(float(len(l)))
    return out
)";
  roundTrip(src, "ops");
  std::string code = savedCode(src, "ops");
  CHECK(code.find("ops.prim.min(3, 2)") != std::string::npos);
  CHECK(code.find("torch.mul(torch.reciprocal(t), 2)") != std::string::npos);
  CHECK(code.find("torch.to(t, 4)") != std::string::npos);
  CHECK(code.find("torch.Delete(l, 0)") != std::string::npos);
}

TEST_CASE("ops PyTorch does not have are refused at the call") {
  auto module = compile("import torch\nimport torch.nn.functional as F\ndef f(x: torch.Tensor) -> torch.Tensor:\n"
                        "    return F.interpolate(x, scale_factor=2.0)\n");
  lang::Function* fn = module->function("f");
  REQUIRE(fn);
  TempFile file;
  CHECK_THROWS_WITH_AS(serialize::saveCompiled(serialize::functionAsModule(module->unit(), *fn), {}, file.path),
                       doctest::Contains("t.py:4:12: error: cannot save: PyTorch has no operator aten::interpolate"),
                       lang::CompileError);
}
