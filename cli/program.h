#pragma once
// Loading a script and calling one of its functions, shared by run and bench.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/compiler.h"
#include "lang/ivalue.h"

namespace wick::serialize { struct Archive; }

namespace wick::cli {

struct Program {
  std::shared_ptr<serialize::Archive> archive;  // set when running a .pt archive's method
  std::unique_ptr<frontend::CompiledModule> module;
  lang::Function* function = nullptr;
  std::vector<lang::IValue> args;
};

enum class Failure { None, Usage, Compile, Runtime };

// Compiles `path` and prepares a call of `name` with the arguments in
// `args_json` (may be empty); for a .pt archive, `name` is a method of its
// module. Prints diagnostics to stderr; on failure returns nullopt and sets
// `failure`.
std::optional<Program> loadProgram(const std::string& path, const std::string& name, const std::string& args_json,
                                   Failure& failure);

// Runs the call; prints a traceback on a runtime error.
std::optional<lang::IValue> callProgram(Program& p);

}  // namespace wick::cli
