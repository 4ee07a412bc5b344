#pragma once
// How a unary elementwise op picks its dtypes, shared by unary.cpp and
// unary_special.cpp: float functions compute integer inputs in the default
// float dtype (torch.sin(int_tensor)), Keep ops keep the input dtype, and
// predicates return bool.
//
//   struct SinOp { template <class M> M operator()(M a) const { return std::sin(a); } };
//   {"aten::sin(Tensor self) -> Tensor", unaryKernel<SinOp, UFamily::Float>}
#include "ops/cpu/elementwise.h"

namespace wick::ops {

enum class UFamily { Float, Keep, Predicate };

template <class Op, UFamily kFamily>
Tensor applyUnary(const Tensor& a) {
  ScalarType in = a.dtype();
  switch (kFamily) {
    case UFamily::Float: {
      ScalarType t = defaultFloatIfIntegral(in);
      return unaryOp(a, t, t, Op{});
    }
    case UFamily::Keep: return unaryOp(a, in, in, Op{});
    case UFamily::Predicate: return unaryOp(a, in, ScalarType::Bool, Op{});
  }
  return a;
}

template <class Op, UFamily kFamily>
void unaryKernel(Stack& s) { s.back() = applyUnary<Op, kFamily>(Tensor::fromIValue(s.back())).toIValue(); }

template <class Op, UFamily kFamily>
void unaryInplaceKernel(Stack& s) {
  Tensor self = Tensor::fromIValue(s.back());
  assignInPlace(self, applyUnary<Op, kFamily>(self));
}

}  // namespace wick::ops
