#pragma once
// Optimization passes over the graph IR, one per file, and the pipeline that
// runs them before lowering. Each pass keeps the graph valid; in debug builds
// the pipeline runs the verifier after every pass.
#include <optional>
#include <string>
#include <vector>

#include "lang/ir.h"

namespace wick::interp {

// The value of a prim::Constant's output (None when it has no value
// attribute), or nullopt when `v` is not a constant.
std::optional<lang::IValue> constantValue(const lang::Value* v);

// Removes nodes without side effects whose results are unused, unused
// prim::If outputs and unused loop-carried values.
//
// Given:   %a = aten::add(%x, %y); %b = aten::mul(%x, %x); return (%b)
// Result:  %b = aten::mul(%x, %x); return (%b)
void eliminateDeadCode(lang::Graph& g);

// Folds pure ops whose inputs are all constants and whose results are
// immutable (int, float, bool, str, None, device), by running their kernel
// now; an op that raises is left to raise at run time. A prim::If on a
// constant condition is replaced by the branch it takes.
//
// Given:   %a = prim::Constant[value=2](); %b = aten::mul(%a, %a)
//          %c = prim::If(%t)  (with %t constant True)  block0: -> (%b)  block1: -> (%x)
// Result:  %b = prim::Constant[value=4](); uses of %c read %b
void propagateConstants(lang::Graph& g);

// Replaces prim::CallFunction / prim::CallMethod of small, finished,
// non-recursive callees with a copy of the callee's graph.
void inlineCalls(lang::Graph& g, const lang::Function* self);

// Merges equal constants and pure nodes with equal kind, op and inputs,
// where the first dominates the second.
void eliminateCommonSubexpressions(lang::Graph& g);

// Groups runs of pure elementwise tensor ops (add, mul, tanh, ...) into
// prim::FusionGroup nodes that evaluate them in one pass over memory, with
// guards on the actual inputs and the original ops as the fallback
// (fuse_elementwise.cpp; the evaluator is ops/cpu/fused_elementwise.h).
// Runs last: the group's block is for reading, not for other passes.
void fuseElementwise(lang::Graph& g);

// Fusion is on unless the environment sets WICK_NO_FUSION=1 (for A/B
// timings); tests turn it off to compare against unfused execution. Affects
// functions lowered afterwards.
bool fusionEnabled();
void setFusionEnabled(bool on);

struct Pass {
  const char* name;
  void (*run)(lang::Graph&, const lang::Function*);
};

// The default pipeline: inline, constants, common subexpressions, dead code,
// elementwise fusion.
void optimize(lang::Graph& g, const lang::Function* self);

}  // namespace wick::interp
