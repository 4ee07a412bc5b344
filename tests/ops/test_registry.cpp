// The operator registry: names filed at registration, schemas parsed on
// first use (Note [Lazy schemas] in lang/operator.h).
#include <doctest/doctest.h>

#include <stdexcept>

#include "lang/operator.h"

using namespace wick::lang;

namespace {
void noKernel(Stack&) {}
}  // namespace

TEST_CASE("every registered schema parses") {
  const auto& registry = OperatorRegistry::global();
  CHECK(registry.parseAll() > 1000);
  const Operator* add = registry.find("aten::add.Tensor");
  REQUIRE(add != nullptr);
  CHECK(add->schema.name == "aten::add");
  CHECK(add->schema.overload == "Tensor");
  CHECK(add->schema.arguments.size() == 3);
  for (const Operator* op : registry.lookup("aten::add")) CHECK(op->schema.name == "aten::add");
}

TEST_CASE("a schema is parsed when the op is first looked up") {
  OperatorRegistry registry;
  registry.add({"test_op.one(int a, int b=2) -> int", noKernel});
  registry.add({"test_op(Tensor(a!) self) -> Tensor(a!)", noKernel});
  registry.add({"wick::other . two ( str s ) -> str", noKernel});
  const auto& ops = registry.lookup("aten::test_op");
  REQUIRE(ops.size() == 2);
  CHECK(ops[0]->schema.overload == "one");
  CHECK(ops[0]->schema.arguments.size() == 2);
  CHECK(ops[0]->pure);
  CHECK(ops[1]->schema.overload.empty());
  CHECK_FALSE(ops[1]->pure);  // it writes its argument
  CHECK(registry.find("aten::test_op") == ops[1]);
  const Operator* other = registry.find("wick::other.two");
  REQUIRE(other != nullptr);
  CHECK(other->schema.name == "wick::other");
  CHECK(registry.find("aten::missing") == nullptr);
  CHECK(registry.lookup("aten::missing").empty());
}

TEST_CASE("a malformed schema is an error naming it when first used") {
  OperatorRegistry registry;
  registry.add({"broken.x(int a -> int", noKernel});
  CHECK_THROWS_WITH_AS(registry.lookup("aten::broken"), doctest::Contains("broken.x(int a -> int"),
                       std::invalid_argument);
  CHECK_THROWS_AS(registry.parseAll(), std::invalid_argument);
}
