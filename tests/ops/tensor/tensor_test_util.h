#pragma once
// Helpers for the tensor tests: build tensors from initializer lists, call
// registered ops by their qualified name, read results back as vectors.
#include <initializer_list>
#include <vector>

#include "lang/operator.h"
#include "ops/tensor/call_op.h"
#include "ops/tensor/kernel_args.h"
#include "ops/tensor/tensor.h"

namespace wick::ops::testing {

inline Tensor floats(std::initializer_list<float> v, IntArray shape = {}) {
  if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
  Tensor t = Tensor::empty(shape, ScalarType::Float);
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}
inline Tensor longs(std::initializer_list<int64_t> v, IntArray shape = {}) {
  if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
  Tensor t = Tensor::empty(shape, ScalarType::Long);
  std::copy(v.begin(), v.end(), t.data<int64_t>());
  return t;
}
// Elements in row-major order as doubles (works for any dtype and strides).
inline std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(ScalarType::Double, true).contiguous();
  return std::vector<double>(c.data<double>(), c.data<double>() + c.numel());
}
inline lang::IValue call(const char* op, std::initializer_list<lang::IValue> args) { return callOp(findOp(op), args); }
inline Tensor callT(const char* op, std::initializer_list<lang::IValue> args) { return Tensor::fromIValue(call(op, args)); }
// Every result of a multi-return op ((Tensor values, Tensor indices)), in order.
inline std::vector<Tensor> callAll(const char* op, std::initializer_list<lang::IValue> args) {
  lang::Stack stack(args);
  findOp(op)->kernel(stack);
  std::vector<Tensor> out;
  for (const lang::IValue& v : stack) out.push_back(Tensor::fromIValue(v));
  return out;
}
inline lang::IValue ints(const IntArray& a) { return fromIntArray(a); }
inline lang::IValue none() { return lang::IValue(); }

}  // namespace wick::ops::testing
