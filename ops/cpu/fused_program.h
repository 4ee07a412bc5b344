#pragma once
// A fused group compiled to a loop program (internal to fused_*.cpp).
//
// Each instruction computes one value over a chunk of the result from one or
// two earlier values; a value is, within a chunk, either a run of elements
// (a pointer: an input's memory, a scratch buffer, or an output's memory)
// or one element (a Python number, a 0-dim tensor, a row of an [N,1] input),
// so `x - m` with m of shape [N,1] costs one subtraction per element, and an
// op on single elements only is computed once per chunk.
//
//   %t = aten::mul(%x, %a); %r = aten::add(%t, %b, 1)    (x, a, b: values 0..2)
//   ->  v3 = Mul v0 v1      (scratch buffer 0)
//       v4 = Add v3 v2      (written straight into output 0)
#include <cstdint>
#include <vector>

#include "lang/ivalue.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {

// Grep FUSED OPS when adding one: fused_elementwise.cpp maps aten ops to
// these, fused_eval.cpp evaluates them.
enum class FusedOp : uint8_t {
  Add, Sub, Mul, Div, Pow, Maximum, Minimum, ClampMin, ClampMax,  // binary
  Neg, Abs, Relu, Sigmoid, Tanh, Exp, Log, Sqrt, Rsqrt, Reciprocal, Gelu, GeluTanh, Silu,  // unary
};
inline bool isBinary(FusedOp op) { return op <= FusedOp::ClampMax; }

struct FusedInstr {
  FusedOp op;
  int32_t dst, a, b;  // value numbers; b is -1 for unary ops
};

struct FusedProgram {
  size_t num_inputs = 0;
  size_t num_values = 0;          // inputs, step results, temporaries (alpha products)
  std::vector<FusedInstr> instrs;
  std::vector<bool> operand_input;  // per input: read by some instruction (so guarded)
  std::vector<int32_t> outputs;     // value numbers
  std::vector<int32_t> buffer_of;   // per value: its scratch buffer, -1 when none (inputs, outputs)
  int32_t num_buffers = 0;
  // Per output: whether it reads every tensor input (then its shape is the
  // broadcast of all of them), else the inputs it reads.
  std::vector<std::vector<int32_t>> output_inputs;
  std::vector<bool> output_reads_all;
};

// Evaluates the program when the inputs pass Note [Fused guards]; returns
// false (having written nothing) when they do not.
bool runFusedProgram(const FusedProgram& p, const lang::IValue* inputs, lang::IValue* outputs);

}  // namespace wick::ops
