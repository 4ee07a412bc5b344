#include "ops/tensor/kernel_args.h"

#include <algorithm>

#include "lang/types.h"

namespace wick::ops {

void pushResults(Stack& s, size_t n, std::vector<IValue> items) {
  s.resize(s.size() - n);
  for (IValue& v : items) s.push_back(std::move(v));
}

IntArray toIntArray(const IValue& v) {
  if (v.isInt()) return {v.toInt()};
  IntArray out;
  for (const IValue& x : v.toList()->items) out.push_back(x.toInt());
  return out;
}

std::optional<int64_t> toOptInt(const IValue& v) {
  if (v.isNone()) return std::nullopt;
  return v.toInt();
}
std::optional<bool> toOptBool(const IValue& v) {
  if (v.isNone()) return std::nullopt;
  return v.toBool();
}
std::optional<std::string> toOptStr(const IValue& v) {
  if (v.isNone()) return std::nullopt;
  return v.toStr();
}
std::optional<Tensor> toOptTensor(const IValue& v) {
  if (v.isNone()) return std::nullopt;
  return Tensor::fromIValue(v);
}

std::optional<ScalarType> toOptDtype(const IValue& v) {
  if (v.isNone()) return std::nullopt;
  auto t = dtypeFromInt(v.toInt());
  if (!t) lang::raise("RuntimeError", "invalid dtype " + std::to_string(v.toInt()));
  return t;
}

std::vector<Tensor> toTensorList(const IValue& v) {
  std::vector<Tensor> out;
  const auto& items = v.isTuple() ? v.toTuple()->items : v.toList()->items;
  for (const IValue& x : items) out.push_back(Tensor::fromIValue(x));
  return out;
}

std::vector<std::optional<Tensor>> toOptTensorList(const IValue& v) {
  std::vector<std::optional<Tensor>> out;
  for (const IValue& x : v.toList()->items) out.push_back(x.isNone() ? std::nullopt : std::optional(Tensor::fromIValue(x)));
  return out;
}

IValue fromTensorList(const std::vector<Tensor>& ts) {
  std::vector<IValue> items;
  items.reserve(ts.size());
  for (const Tensor& t : ts) items.push_back(t.toIValue());
  return IValue(lang::Ref<lang::ListObj>::make(lang::tensorType(), std::move(items)));
}

IValue fromIntArray(const IntArray& a) {
  std::vector<IValue> items(a.begin(), a.end());
  return IValue(lang::Ref<lang::ListObj>::make(lang::intType(), std::move(items)));
}

Tensor longTensor(const IntArray& values) {
  Tensor t = Tensor::empty({static_cast<int64_t>(values.size())}, ScalarType::Long);
  std::copy(values.begin(), values.end(), t.data<int64_t>());
  return t;
}

ScalarType scalarDefaultDtype(const IValue& scalar) {
  if (scalar.isBool()) return ScalarType::Bool;
  if (scalar.isInt()) return ScalarType::Long;
  return ScalarType::Float;
}

Tensor scalarToTensor(const IValue& scalar, ScalarType dtype) { return Tensor::scalarTensor(scalar, dtype); }

ResultType& ResultType::add(const Tensor& t) {
  ScalarType& slot = t.dim() == 0 ? zero_result : dim_result;
  slot = promoteTypes(slot, t.dtype());
  return *this;
}

ResultType& ResultType::add(const IValue& scalar) {
  wrapped_result = promoteTypes(wrapped_result, scalarDefaultDtype(scalar));
  return *this;
}

namespace {
// c10's combine_categories: the lower-priority class only contributes a higher category.
ScalarType combineCategories(ScalarType higher, ScalarType lower) {
  if (isFloatingType(higher)) return higher;
  if (higher == ScalarType::Bool || isFloatingType(lower)) return promoteTypes(higher, lower);
  if (higher != ScalarType::Undefined) return higher;
  return lower;
}
}  // namespace

ScalarType ResultType::finish() const {
  return combineCategories(dim_result, combineCategories(zero_result, wrapped_result));
}

ScalarType resultType(const Tensor& a, const Tensor& b) { return ResultType().add(a).add(b).finish(); }
ScalarType resultType(const Tensor& a, const IValue& scalar) { return ResultType().add(a).add(scalar).finish(); }

ScalarType defaultFloatIfIntegral(ScalarType t) { return isFloatingType(t) ? t : ScalarType::Float; }

void checkNoInternalOverlap(const Tensor& t) {
  for (int64_t i = 0; i < t.dim(); ++i)
    if (t.strides()[i] == 0 && t.sizes()[i] > 1)
      lang::raise("RuntimeError", "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
}

void checkCanCast(ScalarType from, ScalarType to) {
  bool ok = true;
  if (isFloatingType(from) && isIntegralType(to, true)) ok = false;
  if (from != ScalarType::Bool && to == ScalarType::Bool) ok = false;
  if (!ok) {
    lang::raise("RuntimeError", std::string("result type ") + scalarTypeName(from) + " can't be cast to the desired output type " + scalarTypeName(to));
  }
}

}  // namespace wick::ops
