#include "ops/tensor/call_op.h"

#include "lang/error.h"

namespace wick::ops {

const lang::Operator* findOp(const char* qualified_name) {
  const lang::Operator* op = lang::OperatorRegistry::global().find(qualified_name);
  WICK_ASSERT(op, std::string("op not registered: ") + qualified_name);
  return op;
}

lang::IValue callOp(const lang::Operator* op, std::initializer_list<lang::IValue> args) {
  lang::Stack stack(args);
  op->kernel(stack);
  return std::move(stack.back());
}

lang::IValue callOp(const lang::Operator* op, std::vector<lang::IValue> args) {
  lang::Stack stack(std::move(args));
  op->kernel(stack);
  return std::move(stack.back());
}

namespace {
// The .Tensor overloads accept numbers in either position (binary.cpp's operands).
Tensor binary(const char* name, const lang::IValue& a, const lang::IValue& b, bool alpha) {
  const lang::Operator* op = findOp(name);
  if (alpha) return callTensorOp(op, {a, b, lang::IValue(int64_t(1))});
  return callTensorOp(op, {a, b});
}
}  // namespace

Tensor add(const lang::IValue& a, const lang::IValue& b) { return binary("aten::add.Tensor", a, b, true); }
Tensor sub(const lang::IValue& a, const lang::IValue& b) { return binary("aten::sub.Tensor", a, b, true); }
Tensor mul(const lang::IValue& a, const lang::IValue& b) { return binary("aten::mul.Tensor", a, b, false); }
Tensor div(const lang::IValue& a, const lang::IValue& b) { return binary("aten::div.Tensor", a, b, false); }

}  // namespace wick::ops
