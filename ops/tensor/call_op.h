#pragma once
// Calling another registered op from a kernel (composite ops such as lerp or
// cross_entropy reuse the elementwise kernels this way). All arguments,
// defaults included, are passed; the op is looked up once per call site.
//
//   static const lang::Operator* mul = findOp("aten::mul.Tensor");
//   Tensor y = callOp(mul, {a.toIValue(), b.toIValue()}).toTensor...
#include <initializer_list>

#include "lang/operator.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {

const lang::Operator* findOp(const char* qualified_name);  // WICK_ASSERTs it exists
lang::IValue callOp(const lang::Operator* op, std::initializer_list<lang::IValue> args);
lang::IValue callOp(const lang::Operator* op, std::vector<lang::IValue> args);
inline Tensor callTensorOp(const lang::Operator* op, std::initializer_list<lang::IValue> args) {
  return Tensor::fromIValue(callOp(op, args));
}

// Shorthands for the common composites (Tensor or Python-number operands).
Tensor add(const lang::IValue& a, const lang::IValue& b);
Tensor sub(const lang::IValue& a, const lang::IValue& b);
Tensor mul(const lang::IValue& a, const lang::IValue& b);
Tensor div(const lang::IValue& a, const lang::IValue& b);

}  // namespace wick::ops
