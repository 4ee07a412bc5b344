#include "cli/program.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/value_json.h"
#include "interpreter/runtime.h"
#include "lang/error.h"

namespace wick::cli {

std::optional<Program> loadProgram(const std::string& path, const std::string& name, const std::string& args_json,
                                   Failure& failure) {
  Program p;
  std::shared_ptr<const lang::Source> src;
  try {
    src = lang::Source::fromFile(path);
  } catch (const std::exception& e) {
    std::cerr << path << ": error: cannot read the file\n";
    failure = Failure::Usage;
    return std::nullopt;
  }
  try {
    p.module = frontend::compileSource(src);
    p.function = p.module->function(name);
  } catch (const lang::CompileError& e) {
    std::cerr << e.what();
    failure = Failure::Compile;
    return std::nullopt;
  } catch (const std::exception& e) {
    // A wick bug, not the user's: say so, and fail like a compile error instead of crashing.
    std::cerr << path << ": internal error while compiling (please report): " << e.what() << "\n";
    failure = Failure::Compile;
    return std::nullopt;
  }
  if (!p.function) {
    std::cerr << path << ": error: no function named '" << name << "'\n";
    failure = Failure::Usage;
    return std::nullopt;
  }
  const auto& formals = p.function->schema().arguments;
  if (!args_json.empty()) {
    std::ifstream in(args_json);
    if (!in) {
      std::cerr << args_json << ": error: cannot read the arguments file\n";
      failure = Failure::Usage;
      return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<lang::TypePtr> types;
    for (const auto& a : formals) types.push_back(a.type);
    try {
      p.args = argsFromJson(ss.str(), types, args_json);
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      failure = Failure::Usage;
      return std::nullopt;
    }
  }
  for (size_t i = p.args.size(); i < formals.size(); ++i) {
    if (!formals[i].default_value) {
      std::cerr << path << ": error: " << name << "() is missing a value for argument '" << formals[i].name << "'\n";
      failure = Failure::Usage;
      return std::nullopt;
    }
    p.args.push_back(*formals[i].default_value);
  }
  return p;
}

std::optional<lang::IValue> callProgram(Program& p) {
  try {
    return interp::run(*p.function, p.args);
  } catch (const lang::Error& e) {
    std::fflush(stdout);
    std::cerr << e.format();
    return std::nullopt;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "wick: internal error while running (please report): " << e.what() << "\n";
    return std::nullopt;
  }
}

}  // namespace wick::cli
