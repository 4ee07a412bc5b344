#include "cli/program.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/value_json.h"
#include "interpreter/runtime.h"
#include "ops/builtins/modules.h"
#include "lang/error.h"
#include "serialize/archive.h"

namespace wick::cli {

namespace {

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Fills p.args from the JSON file (after any bound `self`), then the defaults.
bool bindArgs(Program& p, const std::string& path, const std::string& name, const std::string& args_json, Failure& failure) {
  const auto& formals = p.function->schema().arguments;
  size_t bound = p.args.size();
  if (!args_json.empty()) {
    std::ifstream in(args_json);
    if (!in) {
      std::cerr << args_json << ": error: cannot read the arguments file\n";
      failure = Failure::Usage;
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<lang::TypePtr> types;
    for (size_t i = bound; i < formals.size(); ++i) types.push_back(formals[i].type);
    try {
      for (auto& v : argsFromJson(ss.str(), types, args_json)) p.args.push_back(std::move(v));
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      failure = Failure::Usage;
      return false;
    }
  }
  for (size_t i = p.args.size(); i < formals.size(); ++i) {
    if (!formals[i].default_value) {
      std::cerr << path << ": error: " << name << "() is missing a value for argument '" << formals[i].name << "'\n";
      failure = Failure::Usage;
      return false;
    }
    p.args.push_back(*formals[i].default_value);
  }
  return true;
}

std::optional<Program> loadArchiveProgram(const std::string& path, const std::string& method, const std::string& args_json,
                                          Failure& failure) {
  Program p;
  try {
    p.archive = serialize::loadArchive(path);
  } catch (const lang::CompileError& e) {
    std::cerr << e.what();
    failure = Failure::Compile;
    return std::nullopt;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    failure = Failure::Runtime;
    return std::nullopt;
  }
  p.function = p.archive->method(method);
  if (!p.function) {
    std::cerr << path << ": error: the module (" << p.archive->root.toObject()->type->str() << ") has no method '" << method
              << "'\n";
    failure = Failure::Usage;
    return std::nullopt;
  }
  p.args.push_back(p.archive->root);
  if (!bindArgs(p, path, method, args_json, failure)) return std::nullopt;
  return p;
}

}  // namespace

frontend::CompileOptions scriptOptions() {
  frontend::CompileOptions options;
  options.run = [](lang::Function& fn, std::vector<lang::IValue> args) { return interp::run(fn, std::move(args)); };
  return options;
}

std::optional<Program> loadProgram(const std::string& path, const std::string& name, const std::string& args_json,
                                   Failure& failure, const std::string& module_class, const std::string& weights,
                                   bool eval) {
  if (endsWith(path, ".pt") || endsWith(path, ".pth") || endsWith(path, ".zip"))
    return loadArchiveProgram(path, name, args_json, failure);
  Program p;
  std::shared_ptr<const lang::Source> src;
  try {
    src = lang::Source::fromFile(path);
  } catch (const std::exception& e) {
    std::cerr << path << ": error: cannot read the file\n";
    failure = Failure::Usage;
    return std::nullopt;
  }
  frontend::CompileOptions options = scriptOptions();
  if (!weights.empty()) {
    try {
      options.weights = serialize::loadWeights(weights);
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      failure = Failure::Usage;
      return std::nullopt;
    }
  }
  try {
    p.module = frontend::compileSource(src, options);
    if (!module_class.empty()) {
      p.self = p.module->constructModule(module_class, {});
      if (eval) ops::setTraining(*p.self.toObject(), false);
      p.function = p.self.toObject()->type->findMethod(name);
      if (!p.function) {
        std::cerr << path << ": error: " << module_class << " has no method '" << name << "'\n";
        failure = Failure::Usage;
        return std::nullopt;
      }
      p.args.push_back(p.self);
    } else {
      p.function = p.module->function(name);
    }
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
  if (!bindArgs(p, path, name, args_json, failure)) return std::nullopt;
  return p;
}

void keepUntilExit(Program&& p) {
  static auto* kept = new std::vector<Program>();
  kept->push_back(std::move(p));
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
