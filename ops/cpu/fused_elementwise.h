#pragma once
// Fused elementwise kernels: a run of pure elementwise aten ops (add, mul,
// tanh, ...) evaluated in one pass over memory, for prim::FusionGroup nodes
// (interpreter/passes/fuse_elementwise.cpp builds them).
//
//   // %t = aten::mul(%x, %a); %r = aten::relu(%t)   with inputs x, a: values 0, 1
//   std::vector<FusedStep> steps = {{mul_scalar, {0, 1}}, {relu, {2}}};
//   auto k = FusedKernel::make(steps, {std::nullopt, std::nullopt}, /*outputs=*/{3});
//   // prim::FusionGroup(%k, %x, %a) runs k->run(stack)
//
// Values are numbered: the group's inputs first, then one per step (its
// result). Note [Fused guards]: each call checks its actual inputs — CPU,
// all tensors of one dtype, float32 or float64, each either a single
// element, contiguous and broadcast along leading or trailing dims only
// ([N,1] or [M] against [N,M]), or of the full result shape and either
// contiguous or made of contiguous rows with strided starts (a chunk() of a
// row-major matrix; Note [Row-strided inputs] in fused_eval.cpp), and every
// output of the full shape. When they hold, the steps run as a small loop program over
// chunks of the result that stay in cache, writing each output once; when
// not, the original kernels run one by one, so results (and errors) are
// exactly the unfused ones. Fused arithmetic repeats the unfused kernels'
// (same dtype, same scalar rounding, fast_math.h and activation_math.h), so
// both paths agree to the bit.
#include <optional>
#include <string>
#include <vector>

#include "lang/ivalue.h"
#include "lang/operator.h"

namespace wick::ops {

struct FusedStep {
  const lang::Operator* op;
  std::vector<int32_t> args;  // value numbers, one per schema argument
};

// Whether `op` may join a fused group; `constants` has the node's constant
// arguments (nullopt where the argument is computed at run time): some ops
// fuse only with constant attributes (gelu's `approximate`, add's alpha on a
// Python number).
bool isFusible(const lang::Operator& op, const std::vector<std::optional<lang::IValue>>& constants);

struct FusedProgram;

// The compiled group, held by the prim::Constant that is the FusionGroup's
// first input (an opaque object, as the VM passes only the stack to kernels).
class FusedKernel : public lang::Object {
 public:
  // `input_constants`: per group input, its value when constant.
  static lang::Ref<FusedKernel> make(std::vector<FusedStep> steps,
                                     std::vector<std::optional<lang::IValue>> input_constants,
                                     std::vector<int32_t> outputs);
  ~FusedKernel() override;
  // Pops the group's inputs (the kernel object, then the values), pushes its outputs.
  void run(lang::Stack& stack, size_t num_inputs) const;
  // The fused evaluation; false (nothing written) when the inputs fail the guards.
  bool runFused(const lang::IValue* inputs, lang::IValue* outputs) const;
  // Steps run one by one with their own kernels (the fallback).
  void runUnfused(const lang::IValue* inputs, lang::IValue* outputs) const;
  size_t numOutputs() const { return outputs_.size(); }
  static lang::TypePtr type();

 private:
  FusedKernel();
  std::vector<FusedStep> steps_;
  size_t num_inputs_ = 0;
  std::vector<int32_t> outputs_;
  std::unique_ptr<FusedProgram> program_;
};

}  // namespace wick::ops
