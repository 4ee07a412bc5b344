#pragma once
// Running compiled functions.
//
//   lang::IValue r = wick::interp::run(*fn, {lang::IValue(int64_t(3))});
//
// Safe to call from several threads at once on the same Function: lowering
// happens once, and every thread has its own register stack.
#include <vector>

#include "lang/function.h"
#include "lang/ivalue.h"

namespace wick::interp {

// Calls `fn` with `args` (already of the parameter types). Throws lang::Error
// with a traceback on a runtime error.
lang::IValue run(lang::Function& fn, std::vector<lang::IValue> args);

// Frames deeper than this raise RecursionError instead of overflowing the stack.
constexpr int kMaxCallDepth = 2000;

}  // namespace wick::interp
