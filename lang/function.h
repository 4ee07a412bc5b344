#pragma once
// Compiled functions and the compilation unit that owns them.
//
// A Function is a name, a schema (typed parameters with defaults, return
// types) and a graph. Methods are Functions whose first parameter is `self`
// and whose `owner` is the class. The interpreter attaches its lowered
// bytecode lazily (`code`), once per function, guarded by a once-flag so
// several threads can run the same module.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lang/extensions.h"
#include "lang/ir.h"
#include "lang/operator.h"
#include "lang/source.h"
#include "lang/types.h"

namespace wick::lang {

class Function {
 public:
  Function(std::string qualname, std::shared_ptr<Graph> graph, FunctionSchema schema)
      : qualname_(std::move(qualname)), graph_(std::move(graph)), schema_(std::move(schema)) {}

  const std::string& qualname() const { return qualname_; }  // "__torch__.Foo.forward" or "fib"
  const std::string& name() const { return schema_.name; }    // "forward"
  Graph& graph() const { return *graph_; }
  std::shared_ptr<Graph> graphPtr() const { return graph_; }
  void setGraph(std::shared_ptr<Graph> g) { graph_ = std::move(g); }
  const FunctionSchema& schema() const { return schema_; }
  FunctionSchema& schema() { return schema_; }
  ClassTypePtr owner() const { return owner_.lock(); }
  void setOwner(const ClassTypePtr& c) { owner_ = c; }
  const SourceRange& range() const { return range_; }
  void setRange(SourceRange r) { range_ = std::move(r); }

  // Decorator flags.
  bool isExported() const { return exported_; }
  void setExported(bool e) { exported_ = e; }
  // Uses of wick's language extensions (lang/extensions.h) in this body:
  // `wick save` refuses them, the inliner leaves such callees alone.
  const std::vector<ExtensionUse>& extensionsUsed() const { return extensions_; }
  void noteExtension(Extension kind, SourceRange where) { extensions_.push_back({kind, std::move(where)}); }

  // Interpreter-owned lowered code (Note [Lazy lowering]): `code` owns it,
  // `code_ptr` is the lock-free fast path every call reads.
  std::once_flag code_once;
  std::shared_ptr<void> code;
  std::atomic<const void*> code_ptr{nullptr};

 private:
  std::string qualname_;
  std::shared_ptr<Graph> graph_;
  FunctionSchema schema_;
  std::weak_ptr<ClassType> owner_;
  SourceRange range_;
  bool exported_ = false;
  std::vector<ExtensionUse> extensions_;
};

// Everything compiled from one source file (or one archive): free functions and
// classes by qualified name. Owns the Functions; ClassTypes hold raw pointers to
// their methods, valid while the unit lives.
class CompilationUnit {
 public:
  Function* addFunction(std::unique_ptr<Function> fn);
  Function* findFunction(const std::string& qualname) const;
  const std::vector<std::unique_ptr<Function>>& functions() const { return functions_; }

  void addType(TypePtr t);  // ClassType, EnumType or named tuple
  TypePtr findType(const std::string& qualname) const;
  const std::vector<TypePtr>& types() const { return type_list_; }

 private:
  std::vector<std::unique_ptr<Function>> functions_;
  std::map<std::string, Function*> by_name_;
  std::map<std::string, TypePtr> types_;
  std::vector<TypePtr> type_list_;
};

}  // namespace wick::lang
