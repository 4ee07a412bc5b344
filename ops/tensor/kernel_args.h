#pragma once
// Reading kernel arguments off the stack and writing results back
// (Note [Kernel stack] in lang/operator.h), plus type promotion the way
// aten's TensorIterator computes it (Python scalars and 0-dim tensors count
// only by category).
#include <optional>
#include <string>
#include <vector>

#include "lang/error.h"
#include "lang/operator.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {

using lang::IValue;
using lang::Stack;

// The i-th of the last n stack entries.
inline IValue& argAt(Stack& s, size_t n, size_t i) { return s[s.size() - n + i]; }
inline Tensor tensorAt(Stack& s, size_t n, size_t i) { return Tensor::fromIValue(argAt(s, n, i)); }
// Drops n arguments, pushes one result.
inline void pushResult(Stack& s, size_t n, IValue v) {
  s.resize(s.size() - n + 1);
  s.back() = std::move(v);
}
inline void pushResult(Stack& s, size_t n, const Tensor& t) { pushResult(s, n, t.toIValue()); }
// Drops n arguments, pushes each result of a multi-return op ((Tensor values, Tensor indices)).
void pushResults(Stack& s, size_t n, std::vector<IValue> items);

IntArray toIntArray(const IValue& v);  // an int list (or a single int)
std::optional<int64_t> toOptInt(const IValue& v);
std::optional<bool> toOptBool(const IValue& v);
std::optional<std::string> toOptStr(const IValue& v);
std::optional<Tensor> toOptTensor(const IValue& v);
std::optional<ScalarType> toOptDtype(const IValue& v);  // None or a ScalarType number
std::vector<Tensor> toTensorList(const IValue& v);
std::vector<std::optional<Tensor>> toOptTensorList(const IValue& v);
IValue fromTensorList(const std::vector<Tensor>& ts);
IValue fromIntArray(const IntArray& a);
Tensor longTensor(const IntArray& values);  // a 1-d int64 tensor of the values

// The dtype a Python scalar would get as a tensor: bool, int64 or float32
// (default dtype) for floats.
ScalarType scalarDefaultDtype(const IValue& scalar);
// A 0-dim tensor holding a scalar in dtype.
Tensor scalarToTensor(const IValue& scalar, ScalarType dtype);

// at::native::result_type state: dim tensors, 0-dim tensors and wrapped
// numbers each promote among themselves; a lower priority class only raises
// the category (bool < int < float).
struct ResultType {
  ScalarType dim_result = ScalarType::Undefined;
  ScalarType zero_result = ScalarType::Undefined;
  ScalarType wrapped_result = ScalarType::Undefined;
  ResultType& add(const Tensor& t);
  ResultType& add(const IValue& scalar);  // a Python number (wrapped)
  ScalarType finish() const;
};
ScalarType resultType(const Tensor& a, const Tensor& b);
ScalarType resultType(const Tensor& a, const IValue& scalar);
ScalarType defaultFloatIfIntegral(ScalarType t);

// Raises when some element of t is reached by more than one index (a stride
// of 0 over a dim of size > 1, as expand makes): an in-place write there is
// ambiguous, and PyTorch refuses it.
void checkNoInternalOverlap(const Tensor& t);

// Raises unless `from` can be written into a tensor of dtype `to` in place
// (PyTorch's canCast: no float->int, no int->bool narrowing of category).
void checkCanCast(ScalarType from, ScalarType to);

}  // namespace wick::ops
