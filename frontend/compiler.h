#pragma once
// Compiling TorchScript source into typed SSA graphs.
//
//   auto cu = wick::frontend::compileSource(wick::lang::Source::fromFile("prog.py"));
//   wick::lang::Function* f = cu->findFunction("main");
//
// Type checking happens while emitting: every Value carries its static type,
// every call is resolved against the operator registry's schemas (or a user
// function), and every error is a lang::CompileError at the offending range.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "frontend/ast.h"
#include "lang/function.h"
#include "lang/ivalue.h"

namespace wick::frontend {

struct CompileOptions {
  // Prefix of user class names (PyTorch's "__torch__").
  std::string class_prefix = "__torch__.";

  // The serialized dialect of a .pt archive's code/ files (spec §7): every
  // class and function is named by its qualified name (`__torch__.a.B`),
  // each namespace lives in its own file, and the names `ops`, `annotate`,
  // `uninitialized`, `unchecked_cast`, `getattr`, `CONSTANTS`, `inf` and
  // `nan` are predefined.
  bool archive_dialect = false;
  // Archive dialect: the source of a namespace ("__torch__.a.b"), or null
  // when the archive has none. Called once per namespace, when a name in it
  // is first needed, as torch does.
  std::function<std::shared_ptr<const lang::Source>(const std::string& ns)> load_namespace;
  // Archive dialect: the values of CONSTANTS.c0, c1, ... (constants.pkl).
  std::vector<lang::IValue> constants;
  // Archive dialect: the archive's format version (its `version` record);
  // calls of ops whose meaning changed after it keep their old meaning
  // (Note [Upgraders] in upgraders.cpp). 0: current code.
  int64_t archive_version = 0;

  // Runs a compiled function. A torch.nn.Module subclass is built as PyTorch
  // builds one before scripting it: its __init__ runs first, then forward is
  // compiled against the attribute values __init__ produced (Note [Module
  // phases] in frontend/module_builder.cpp). So constructing a module inside
  // a function (`net = Net()` in main) runs __init__ while that function
  // compiles, through this callback; without it such code is a compile error.
  std::function<lang::IValue(lang::Function&, std::vector<lang::IValue>)> run;
  // Tensors copied, by state_dict name ("fc1.weight"), into every module the
  // script builds at top level, as load_state_dict(strict=True) would
  // (`wick run net.py --weights W.pt`). Empty: modules keep their own init.
  std::vector<std::pair<std::string, lang::IValue>> weights;
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
  // The class, enum or named tuple with this qualified name ("__torch__.a.B"),
  // declared with its attributes and with every method compiled; nullptr when
  // there is none. Throws lang::CompileError.
  virtual lang::TypePtr findType(const std::string& qualname) = 0;
  // A type written as TorchScript spells it ("Dict[str, List[int]]").
  virtual lang::TypePtr parseType(const std::string& text) = 0;
  // Constructs the torch.nn.Module subclass `class_name` with `args` (runs
  // its __init__, needs options.run) and returns the module object, its
  // forward and exported methods compiled. Throws lang::CompileError, or
  // lang::Error when __init__ raises.
  virtual lang::IValue constructModule(const std::string& class_name, std::vector<lang::IValue> args) = 0;
};

std::unique_ptr<CompiledModule> compileSource(std::shared_ptr<const lang::Source> source,
                                              const CompileOptions& options = {});
// The code/ files of an archive (options.archive_dialect and load_namespace set).
std::unique_ptr<CompiledModule> compileArchiveCode(CompileOptions options);

}  // namespace wick::frontend
