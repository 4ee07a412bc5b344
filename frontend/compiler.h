#pragma once
// Compiling TorchScript source into typed SSA graphs.
//
//   auto cu = wick::frontend::compileSource(wick::lang::Source::fromFile("prog.py"));
//   wick::lang::Function* f = cu->findFunction("main");
//
// Type checking happens while emitting: every Value carries its static type,
// every call is resolved against the operator registry's schemas (or a user
// function), and every error is a lang::CompileError at the offending range.
#include <memory>
#include <string>

#include "frontend/ast.h"
#include "lang/function.h"

namespace wick::frontend {

struct CompileOptions {
  // Prefix of user class names (PyTorch's "__torch__").
  std::string class_prefix = "__torch__.";
};

// A compiled file: its AST stays alive because functions are compiled lazily
// (only what is reachable from what the user calls, as torch.jit.script does).
class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  virtual lang::CompilationUnit& unit() = 0;
  // The top-level function `name`, compiled with everything it reaches.
  // Returns nullptr when there is no such function; throws lang::CompileError.
  virtual lang::Function* function(const std::string& name) = 0;
  // Compiles every top-level function and class (for `wick graph` and tests).
  virtual void compileAll() = 0;
};

std::unique_ptr<CompiledModule> compileSource(std::shared_ptr<const lang::Source> source,
                                              const CompileOptions& options = {});

}  // namespace wick::frontend
