#pragma once
// How a call of one of wick's operators is written in saved code so that
// torch.jit.load finds an operator that does the same.
//
// Most of wick's operators have torch's name and print as `torch.<name>(...)`
// (aten) or `ops.<ns>.<name>(...)`. The exceptions are listed here, once:
//   - ops wick keeps under aten that torch has under prim (min/max/abs of
//     scalars, max of a list): `ops.prim.max(l)`;
//   - ops torch.jit.script lowers to other ops before saving (`t.float()`
//     is `torch.to(t, 6)`, `2 / t` is `torch.mul(torch.reciprocal(t), 2)`,
//     F.softsign is its formula), written the way torch writes them;
//   - ops torch has no equivalent for (F.interpolate, which torch compiles
//     from Python source into the archive): saving them is refused.
#include <optional>
#include <string>
#include <vector>

#include "lang/ir.h"
#include "lang/operator.h"

namespace wick::serialize {

// `torch.add`, `ops.prim.max`, `ops.prim.dtype`: the callee for the
// ordinary spelling, `callee(args...)`.
std::string torchCallee(const lang::FunctionSchema& schema);

// The whole call for ops torch writes differently, given the printed
// inputs (names or literals, safe to repeat); nullopt for the ordinary
// spelling. Throws lang::CompileError at the node for ops PyTorch lacks.
std::optional<std::string> torchRewrite(const lang::Node& node, const std::vector<std::string>& args);

}  // namespace wick::serialize
