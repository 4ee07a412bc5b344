#pragma once
// Internal to the frontend: the module-level compiler and the per-function
// emitter that lowers statements and expressions to the graph IR.
//
// Note [Exits]: early `return`, `break` and `continue` are lowered into the
// structured prim::If / prim::Loop blocks as TorchScript does. A statement
// reports how it exits (never, maybe, always). When one branch of an `if`
// always exits, the statements that follow the `if` are emitted inside the
// other branch. Exits from inside loops set flag variables ($ret, $brk, $cnt)
// that the loop condition and the code after the loop test. The return value
// travels in the variable $retv, filled with prim::Uninitialized on paths that
// do not return.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frontend/compiler.h"
#include "lang/function.h"
#include "lang/ir.h"

namespace wick::frontend {

using lang::Block;
using lang::ClassTypePtr;
using lang::Graph;
using lang::Node;
using lang::SourceRange;
using lang::TypePtr;
using lang::Value;

[[noreturn]] void errorAt(const SourceRange& r, const std::string& msg);
// `ops.prim.RaiseException(...)`: the archive dialect's raise statement.
bool isPrimRaise(const Expr& e);

enum class Exit { Never, Maybe, Always };

struct ClassInfo {
  const Stmt* def = nullptr;
  TypePtr type;                 // ClassType, EnumType or named tuple type
  enum Kind { Plain, NamedTuple, Enum, Module, Interface } kind = Plain;
  bool methods_compiled = false;
  std::set<std::string> properties;     // @property methods, read as attributes
  std::set<std::string> static_methods; // @staticmethod methods, called on the class
  std::map<std::string, const Stmt*> methods;
  std::vector<const Expr*> field_defaults;  // NamedTuple defaults, by field (null when none)
  std::vector<lang::IValue> enum_values;    // Enum member values, by member
  std::map<std::string, const Expr*> constants;  // `name : Final[T] = literal` class constants
  // torch.nn modules (Note [Module phases] in module_builder.cpp).
  enum Container { NoContainer, ModuleList, Sequential, ModuleDict } container = NoContainer;
  std::string key;              // the name the compiler finds the class by
  bool specialized = false;     // typed from one built instance's attribute values
  // Specialized modules: the scalar values of the attributes `__constants__`
  // names, read as constants (Note [Module constants] in module_builder.cpp).
  std::map<std::string, lang::IValue> constant_values;
  std::set<std::string> exported;  // @torch.jit.export methods
};

class ModuleCompiler;

// Emits one function body into a graph.
class FunctionEmitter {
 public:
  FunctionEmitter(ModuleCompiler& module, lang::Function& fn, const Stmt& def, ClassTypePtr self_class);
  // Emits the body; returns the return type it inferred (or checked).
  TypePtr emit(TypePtr declared_return);

  // ---- statements (emit_stmt.cpp) ----
  // What follows a statement list in its enclosing blocks (Note [Exits]).
  struct Continuation {
    const StmtList* stmts;
    size_t from;
    const Continuation* next;
  };
  Exit emitStatements(const StmtList& stmts, size_t from = 0, const Continuation* cont = nullptr);
  Exit emitContinuation(const Continuation* cont);
  Exit emitStatement(const StmtList& stmts, size_t index);
  Exit emitIf(const Stmt& s, const Continuation* rest);
  Exit emitWith(const Stmt& s);
  Exit guardRest(const Continuation* rest, const SourceRange& range);
  Exit emitWhile(const Stmt& s);
  Exit emitFor(const Stmt& s);
  Exit emitReturn(const Stmt& s);
  Value* implicitConvert(Value* v, const TypePtr& to, const SourceRange& r);
  void emitAssign(const Stmt& s);
  void emitAugAssign(const Stmt& s);
  void emitAssignTo(const Expr& target, Value* value, const SourceRange& range, TypePtr annotation = nullptr);
  void emitRaise(const SourceRange& range, Value* message, const std::string& kind);
  // obj.name = value: declares the attribute in __init__, checks its type elsewhere.
  void assignAttribute(Value* obj, const std::string& name, Value* value, const SourceRange& range,
                       TypePtr annotation = nullptr, const SourceRange& target_range = {});
  void emitDel(const Expr& target);

  // ---- expressions (emit_expr.cpp) ----
  Value* emitExpr(const Expr& e, TypePtr hint = nullptr);
  Value* emitBinOp(const Expr& e);
  Value* emitCompare(const Expr& e);
  Value* emitBoolOp(const Expr& e);
  Value* emitIfExp(const Expr& e, TypePtr hint);
  // The value of a condition known at compile time (a bool constant), as TorchScript's static if.
  std::optional<bool> staticCondition(Value* cond);
  Value* emitSubscript(const Expr& e);
  Value* emitTensorIndex(Value* obj, const Expr& e, Value** indices);
  Value* emitContainerSubscript(Value* obj, const Expr& e);
  Value* emitSlice(Value* obj, const Expr& slice, const SourceRange& range);
  Value* emitAttribute(const Expr& e);
  Value* emitListLit(const Expr& e, TypePtr hint);
  Value* emitDictLit(const Expr& e, TypePtr hint);
  Value* emitTupleLit(const Expr& e, TypePtr hint);
  Value* emitFString(const Expr& e);
  Value* emitListComp(const Expr& e, TypePtr hint);
  Value* emitDictComp(const Expr& e, TypePtr hint);
  Value* emitName(const Expr& e);
  // Reads attribute `name` of a class instance (or a Final class constant).
  Value* classAttribute(Value* obj, const std::string& name, const SourceRange& r);
  Value* constant(const lang::IValue& v, const SourceRange& r = {}, TypePtr type = nullptr);
  Value* toBool(Value* v, const SourceRange& r);
  Value* tupleIndex(Value* tuple, size_t i, const SourceRange& r);
  std::vector<Value*> unpack(Value* v, size_t n, const SourceRange& r);

  // ---- calls (emit_call.cpp) ----
  Value* emitCall(const Expr& e, TypePtr hint);
  // Calls op `name` ("aten::add") with already-emitted arguments; errors list the schemas tried.
  // method: args[0] is the receiver of `t.name(...)`, bound to the parameter named self.
  Value* callOp(const std::string& name, std::vector<Value*> args, const SourceRange& r,
                std::vector<std::pair<std::string, Value*>> kwargs = {}, const std::string& display = "", bool method = false);
  std::optional<Value*> tryCallOp(const std::string& name, const std::vector<Value*>& args,
                                  const std::vector<std::pair<std::string, Value*>>& kwargs, const SourceRange& r,
                                  std::string* why = nullptr, bool method = false);
  // An old archive's call of an op whose meaning changed since (Note
  // [Upgraders], upgraders.cpp): the old meaning emitted over `inputs`, or
  // nullopt when the op is current.
  std::optional<Value*> emitUpgraded(const lang::Operator& op, const std::vector<Value*>& inputs);
  // The overloads an old archive's call of `name` is matched against: `current` with the
  // old schemas of Note [Upgraders] in place of today's, into `out`; false (and `out`
  // untouched) when no old schema applies.
  bool withOldOverloads(const std::string& name, const std::vector<const lang::Operator*>& current,
                        std::vector<const lang::Operator*>& out) const;
  Value* callFunction(lang::Function* fn, Value* self, std::vector<Value*> args,
                      std::vector<std::pair<std::string, Value*>> kwargs, const SourceRange& r);
  Value* intListArgument(Value* v, const TypePtr& formal, const SourceRange& r);
  // Calls a user function with a call expression's arguments (typed by its parameters).
  Value* callUserFunction(lang::Function* fn, const Expr& call);
  Value* emitBuiltinCall(const std::string& name, const Expr& call, TypePtr hint);
  Value* emitQualifiedCall(const std::string& qualname, const Expr& call, TypePtr hint);
  Value* emitMethodCall(Value* self, const std::string& name, const Expr& call, TypePtr hint);
  Value* emitTolist(Value* self, const Expr& call, TypePtr hint);
  Value* emitBooleanDispatch(const std::string& qualname, const Expr& call);
  Value* emitIsInstance(const Expr& call);
  std::vector<TypePtr> isinstanceTargets(const Expr& types);
  Value* emitPrint(const Expr& call);
  Value* constructClass(ClassInfo& cls, const Expr& call);
  // Calls `callee` (a value): a module's forward, or a function value.
  Value* callValue(Value* callee, const Expr& call);

  // ---- torch.nn in scripts (emit_nn.cpp; Note [Module phases]) ----
  // torch.nn.* calls (Parameter, containers, layers, torch.nn.init); null when `q` is none of them.
  Value* emitNnCall(const std::string& q, const Expr& call);
  // Construction phase: a container module built from its arguments.
  Value* buildContainer(ClassInfo::Container kind, const Expr& call);
  // Construction phase: self.register_buffer / register_parameter / add_module
  // / super().__init__(); null when `call` is none of them.
  Value* emitModuleSelfCall(Value* self, const std::string& name, const Expr& call);
  // Compiled phase: a module built while compiling, as a constant.
  Value* buildModuleConstant(ClassInfo& cls, const Expr& call);
  // module.train(mode) / eval() / parameters() / buffers() / named_parameters() /
  // named_buffers() / state_dict(); null for other names.
  Value* emitModuleMethod(Value* self, const std::string& name, const Expr& call);
  // Compiled phase: the submodules of a container, unrolled ("0", "1", ... or the dict keys).
  std::vector<std::pair<std::string, Value*>> containerItems(Value* container, const SourceRange& r);
  // container[i] / container["key"] with a constant index; null when `obj` is no container.
  Value* containerSubscript(Value* obj, const Expr& index, const SourceRange& r);
  std::vector<Value*> emitArgs(const Expr& call, const std::vector<TypePtr>& hints = {});
  std::vector<std::pair<std::string, Value*>> emitKwargs(const Expr& call);
  // Resolves a dotted expression (math.sqrt, torch.nn.functional.relu, F.relu) to a
  // qualified module path, or "" when it is not a module reference.
  std::string qualifiedName(const Expr& e);

  // ---- the archive dialect's predefined names (emit_archive.cpp) ----
  bool isArchiveRoot(const std::string& name);
  Value* emitArchiveName(const Expr& e);                                   // inf, nan
  Value* emitArchiveValue(const std::string& qualname, const SourceRange& r);  // __torch__.f, CONSTANTS.c0
  bool isArchiveEnumMember(const std::string& qualname);                      // __torch__.Color.RED
  Value* emitArchiveCall(const std::string& qualname, const Expr& call, TypePtr hint);
  Value* emitArchiveBuiltin(const std::string& name, const Expr& call);    // annotate, getattr, ...
  void emitPrimRaise(const Expr& call);

  // ---- iteration (emit_iter.cpp) ----
  // What a `for` loop walks: a count and the element at index i, or, for
  // tuples (heterogeneous), the elements themselves, unrolled.
  struct Iterable {
    Value* count = nullptr;
    std::function<Value*(Value* index)> element;
    std::vector<Value*> unrolled;
    bool is_unrolled = false;
  };
  Iterable iterableOf(const Expr& e);
  Iterable iterableOfValue(Value* v, const SourceRange& r);
  Iterable enumerateUnrolled(const Iterable& inner, Value* start, const SourceRange& r);
  // list(x) and the like: the elements of an iterable in a new list.
  Value* materializeList(const Expr& e, TypePtr hint);

  // ---- control flow helpers ----
  struct Var {
    Value* value;             // null: not defined on every path (see `undefined_at`)
    TypePtr declared;
    bool refinement = false;
    SourceRange undefined_at;  // the `if` that defined it on one branch only
  };
  struct Scope {
    std::unordered_map<std::string, Var> vars;
    std::set<std::string> assigned;  // names assigned in this scope (not refinements)
    Scope* parent = nullptr;
  };
  Var* lookup(const std::string& name);
  void define(const std::string& name, Value* v, TypePtr declared, const SourceRange& r);
  void refine(const std::string& name, TypePtr type, const SourceRange& r);
  using Refinements = std::map<std::string, TypePtr>;
  struct CondRefinements {
    Refinements when_true, when_false;
  };
  CondRefinements refinementsOf(const Expr& cond);
  void applyRefinements(const Refinements& r, const SourceRange& range);
  // Emits `cond ? then_fn : else_fn` as a prim::If, merging the variables
  // both sides assign. Each side reports its Exit.
  Exit emitIfBlocks(Value* cond, const SourceRange& range, const std::function<Exit()>& then_fn,
                    const std::function<Exit()>& else_fn);
  Exit emitLoop(Value* max_trip, Value* start_cond, const SourceRange& range, const std::set<std::string>& assigned,
                const std::function<Exit(Value* iter)>& body, const std::function<Value*()>& recheck_cond);

  Graph& graph() { return *graph_; }
  ModuleCompiler& module() { return module_; }
  const TypePtr& returnType() const { return return_type_; }

 private:
  ModuleCompiler& module_;
  lang::Function& fn_;
  const Stmt& def_;
  ClassTypePtr self_class_;
  std::shared_ptr<Graph> graph_;
  std::vector<std::unique_ptr<Scope>> scopes_;
  Scope* scope_ = nullptr;
  TypePtr return_type_;      // declared, or inferred so far
  bool return_declared_ = false;
  int loop_depth_ = 0;
  bool uses_ret_flag_ = false;  // a return inside a loop
  // `[]` literals not (yet) bound to a name: a call's schema may type them
  // (`t.sum([])`); once assigned they are List[Tensor], as in TorchScript.
  std::set<Value*> empty_list_literals_;
  std::vector<bool> loop_has_break_;
  bool upgrading_ = false;  // emitting an upgrader: its own calls are current

  friend struct ScopeGuard;
};

// Compiles a whole file lazily: functions and classes on first use.
//
// Names: a single file's functions and classes are found by their simple
// names (classes get the qualified name options.class_prefix + name). In the
// archive dialect every name is qualified ("__torch__.a.b.f"), and the file of
// a namespace is loaded the first time a name in it is looked up.
class ModuleCompiler : public CompiledModule {
 public:
  // `module` is the single file, or null in the archive dialect.
  ModuleCompiler(std::unique_ptr<Module> module, CompileOptions options, bool construction_phase = false);
  lang::CompilationUnit& unit() override { return cu_; }
  lang::Function* function(const std::string& name) override;
  void compileAll() override;
  lang::TypePtr findType(const std::string& qualname) override;
  lang::TypePtr parseType(const std::string& text) override;
  lang::IValue constructModule(const std::string& class_name, std::vector<lang::IValue> args) override;

  const Stmt* findDef(const std::string& name);
  ClassInfo* findClass(const std::string& name);
  bool archiveDialect() const { return options_.archive_dialect; }
  ClassInfo* classOfType(const TypePtr& t);
  // An imported alias ("F" -> "torch.nn.functional", "List" -> "typing.List"), or "".
  std::string aliasOf(const std::string& name) const;
  const Expr* globalConstant(const std::string& name) const;
  lang::Function* method(ClassInfo& cls, const std::string& name);
  void compileClass(ClassInfo& cls);
  // The class body's `name: T` annotation, or null.
  TypePtr classBodyType(const ClassInfo& cls, const std::string& name);
  TypePtr resolveType(const Expr& annotation);  // type_annotation.cpp
  const CompileOptions& options() const { return options_; }

  // ---- torch.nn (module_builder.cpp, Note [Module phases]) ----
  // True for the compiler that runs modules' __init__ (phase 1).
  bool constructionPhase() const { return construction_phase_; }
  // The class of `torch.nn.X` / `torch.nn.modules.m.X` from wick's prelude, or null.
  ClassInfo* nnClass(const std::string& qualname);
  // Loads the prelude file a qualified name ("torch.nn.init.uniform_") lives in; false when none.
  bool loadPreludeOf(const std::string& qualname);
  // Phase 1's built-in container class (ModuleList, Sequential, ModuleDict).
  ClassInfo& containerClass(ClassInfo::Container kind);
  // Builds `cls(args, kwargs)`: runs __init__ in the construction compiler,
  // then returns the object retyped by specialize(). Errors at `r`.
  lang::IValue buildModule(const ClassInfo& cls, std::vector<lang::IValue> args,
                           std::vector<std::pair<std::string, lang::IValue>> kwargs, const SourceRange& r);
  // Phase 2 container of already specialized modules.
  lang::IValue buildContainer(ClassInfo::Container kind, std::vector<std::pair<std::string, lang::IValue>> items);
  lang::TypePtr moduleTypeFor(const ClassInfo& cls, const SourceRange& r);
  // Copies options.weights into a module built at top level (load_state_dict, strict).
  void loadWeights(const lang::IValue& module, const SourceRange& r);
  int build_depth = 0;  // modules built while building another's arguments are not top level
  std::shared_ptr<const lang::Source> source() const { return modules_.empty() ? nullptr : modules_.front()->source; }

 private:
  lang::Function* compileDef(const Stmt& def, const std::string& qualname, ClassTypePtr self_class, ClassInfo* cls,
                             bool signature_only = false);
  // Registers a file's top-level statements; `prefix` qualifies its names
  // ("" for a single file, "__torch__.a." for an archive namespace).
  void addModule(std::unique_ptr<Module> module, const std::string& prefix, const std::string& class_prefix = "");
  void declareClass(const Stmt& def, const std::string& key, const std::string& qualname);
  void alias(const std::string& name, const std::string& target, const std::string& class_prefix);
  void declareClassBody(ClassInfo& cls);
  void declareFinalConstants(ClassInfo& cls);
  // Archive dialect: loads the namespace a qualified name lives in; false when already loaded or absent.
  bool loadNamespaceOf(const std::string& qualname);

  std::vector<std::unique_ptr<Module>> modules_;
  std::set<std::string> namespaces_;
  CompileOptions options_;
  lang::CompilationUnit cu_;
  std::map<std::string, const Stmt*> defs_;
  std::map<std::string, ClassInfo> classes_;  // ordered: compileAll compiles in this order
  // classes_ by hash, for findClass: its keys are long qualified names with
  // long common prefixes, which the ordered map compares again and again.
  // Views of classes_'s keys; storeClass keeps the two in step.
  std::unordered_map<std::string_view, ClassInfo*> class_index_;
  ClassInfo& storeClass(const std::string& key, ClassInfo info);
  std::map<std::string, std::string> aliases_;
  std::map<std::string, const Expr*> globals_;
  // By qualname, from the moment compiling starts: a recursive call finds
  // its callee here (one def may compile for several classes).
  std::map<std::string, lang::Function*> compiled_;
  std::string current_prefix_;  // namespace of the def being compiled ("torch.nn.init.")

  // torch.nn (module_builder.cpp)
  void addPrelude(const std::string& ns);
  ModuleCompiler& builder();

  lang::IValue specialize(const lang::IValue& built, ModuleCompiler& from);
  ClassInfo& specializedClass(const ClassInfo& generic, std::vector<lang::ClassType::Attribute> attrs,
                              std::map<std::string, lang::IValue> constant_values = {});
  std::string freshClassName(const std::string& qualname);
  bool construction_phase_ = false;
  std::unique_ptr<ModuleCompiler> builder_;
  std::set<std::string> prelude_loaded_;
  std::map<const lang::Type*, std::string> key_of_type_;
  std::map<const lang::Object*, lang::IValue> specialized_objects_;  // one build's objects, shared submodules once
  std::set<std::string> class_names_;
};

}  // namespace wick::frontend
