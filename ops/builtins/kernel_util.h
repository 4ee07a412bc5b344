#pragma once
// Small helpers that keep builtin kernels one-liners (Note [Kernel stack] in
// lang/operator.h: arguments are the last N stack entries, results replace them).
#include <cmath>
#include <string>

#include "lang/error.h"
#include "lang/ivalue.h"
#include "lang/operator.h"

namespace wick::ops {

using lang::IValue;
using lang::Stack;

inline IValue pop(Stack& s) {
  IValue v = std::move(s.back());
  s.pop_back();
  return v;
}
// The i-th of the last n arguments (0-based), without popping.
inline IValue& arg(Stack& s, size_t n, size_t i) { return s[s.size() - n + i]; }
// Drops the n arguments and pushes one result.
inline void ret(Stack& s, size_t n, IValue v) {
  s.resize(s.size() - n + 1);
  s.back() = std::move(v);
}

inline lang::Ref<lang::ListObj> newList(lang::TypePtr elem, std::vector<IValue> items = {}) {
  return lang::Ref<lang::ListObj>::make(std::move(elem), std::move(items));
}

// Python's floor division and modulo on ints; both raise on a zero divisor.
inline int64_t floordivInt(int64_t a, int64_t b) {
  if (b == 0) lang::raise("ZeroDivisionError", "integer division or modulo by zero");
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline int64_t modInt(int64_t a, int64_t b) {
  if (b == 0) lang::raise("ZeroDivisionError", "integer division or modulo by zero");
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}
// Float // and % by zero give inf/nan in TorchScript, as float / does.
inline double modFloat(double a, double b) {
  if (b == 0) return NAN;
  double r = std::fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}
inline double floordivFloat(double a, double b) {
  return std::floor(a / b);
}

// Normalizes a Python index against a length; raises IndexError when out of range.
inline size_t normalizeIndex(int64_t i, size_t size, const char* what) {
  int64_t n = static_cast<int64_t>(size);
  if (i < 0) i += n;
  if (i < 0 || i >= n) lang::raise("IndexError", std::string(what) + " index out of range");
  return static_cast<size_t>(i);
}

// Python slice bounds: fills start and the element count for a step.
struct SliceBounds {
  int64_t start;
  int64_t step;
  int64_t count;
};
SliceBounds sliceBounds(const IValue& start, const IValue& end, int64_t step, int64_t size);

}  // namespace wick::ops
