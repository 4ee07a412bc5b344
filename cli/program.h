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
  lang::IValue self;  // the module built by --module
  lang::Function* function = nullptr;
  std::vector<lang::IValue> args;
};

enum class Failure { None, Usage, Compile, Runtime };

// Options for compiling a script: modules' __init__ runs in wick's interpreter.
frontend::CompileOptions scriptOptions();

// Compiles `path` and prepares a call of `name` with the arguments in
// `args_json` (may be empty); for a .pt archive, `name` is a method of its
// module. Prints diagnostics to stderr; on failure returns nullopt and sets
// `failure`.
// With `module_class`, a script's torch.nn.Module subclass is built (its
// __init__ run with no arguments) and `name` is its method. `weights` names a
// state_dict or archive whose tensors the script's modules load; `eval` puts
// the --module one in evaluation mode (module.eval()).
std::optional<Program> loadProgram(const std::string& path, const std::string& name, const std::string& args_json,
                                   Failure& failure, const std::string& module_class = "", const std::string& weights = "",
                                   bool eval = false);

// Runs the call; prints a traceback on a runtime error.
std::optional<lang::IValue> callProgram(Program& p);

// Note [No teardown at exit]: a command ends the process soon after its last
// call, and freeing a loaded model (its code's graphs and syntax trees, its
// tensors) costs milliseconds for memory the OS takes back anyway. Commands
// hand their program here instead; it stays reachable, so leak checkers
// stay quiet.
void keepUntilExit(Program&& p);

}  // namespace wick::cli
