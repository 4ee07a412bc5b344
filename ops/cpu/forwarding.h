#pragma once
// Kernels defined by another registered op, for ops that are another op
// under a second name (torch.divide is aten::div) or its in-place form:
//
//   {"aten::divide.Tensor(Tensor self, Tensor other) -> Tensor", forwardTo<"aten::div.Tensor">}
//   {"aten::lerp_.Scalar(Tensor(a!) self, ...) -> Tensor(a!)", inplaceOf<"aten::lerp.Scalar", 3>}
//
// forwardTo needs the two schemas to take the same arguments in the same
// order (the stack is handed over as is).
#include <algorithm>

#include "ops/cpu/elementwise.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {

// A string literal usable as a template argument.
template <size_t N>
struct OpName {
  constexpr OpName(const char (&s)[N]) { std::copy_n(s, N, name); }
  char name[N];
};

template <OpName kOp>
void forwardTo(Stack& s) {
  static const lang::Operator* op = findOp(kOp.name);
  op->kernel(s);
}

// The result of kOp on the same kArgs arguments, written back through self.
template <OpName kOp, size_t kArgs>
void inplaceOf(Stack& s) {
  static const lang::Operator* op = findOp(kOp.name);
  Tensor self = tensorAt(s, kArgs, 0);
  Stack args(s.end() - kArgs, s.end());
  op->kernel(args);
  assignInPlace(self, Tensor::fromIValue(args.back()));
  pushResult(s, kArgs, self);
}

}  // namespace wick::ops
