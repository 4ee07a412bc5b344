// The names the serialized dialect of an archive's code/ files predefines
// (spec §7): qualified class and function names (`__torch__.a.B`), operator
// namespaces (`ops.prim.X`, `ops.aten.X`), `annotate`, `unchecked_cast`,
// `uninitialized`, `getattr`, `CONSTANTS.cN`, `inf` and `nan`. Everything
// else in that dialect is ordinary TorchScript and goes through the same
// emitter as a user's file.
#include <algorithm>
#include <cmath>

#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;
namespace prim = lang::prim;
namespace attr = lang::attr;

bool isPrimRaise(const Expr& e) {
  return e.kind == ExprKind::Call && dottedName(*e.a) == "ops.prim.RaiseException";
}

bool FunctionEmitter::isArchiveRoot(const std::string& name) {
  return module_.archiveDialect() && (name == "__torch__" || name == "ops" || name == "CONSTANTS") && !lookup(name);
}

Value* FunctionEmitter::emitArchiveName(const Expr& e) {
  if (!module_.archiveDialect()) return nullptr;
  if (e.name == "inf") return constant(IValue(INFINITY), e.range);
  if (e.name == "nan") return constant(IValue(NAN), e.range);
  return nullptr;
}

bool FunctionEmitter::isArchiveEnumMember(const std::string& q) {
  if (!module_.archiveDialect() || q.rfind("__torch__.", 0) != 0) return false;
  size_t dot = q.rfind('.');
  ClassInfo* c = module_.findClass(q.substr(0, dot));
  if (!c || c->kind != ClassInfo::Enum) return false;
  const auto& names = static_cast<const lang::EnumType&>(*c->type).memberNames();
  return std::find(names.begin(), names.end(), q.substr(dot + 1)) != names.end();
}

Value* FunctionEmitter::emitArchiveValue(const std::string& q, const SourceRange& r) {
  if (q.rfind("CONSTANTS.c", 0) == 0) {
    const auto& table = module_.options().constants;
    size_t i = 0;
    try {
      i = std::stoul(q.substr(11));
    } catch (const std::exception&) {
      errorAt(r, "'" + q + "' is not a constant's name (CONSTANTS.c0, c1, ...)");
    }
    if (i >= table.size())
      errorAt(r, q + " is out of range: the archive's constants.pkl has " + std::to_string(table.size()) + " values");
    return constant(table[i], r, lang::typeOf(table[i]));
  }
  if (q.rfind("__torch__.", 0) != 0) return nullptr;
  if (module_.findDef(q)) {
    lang::Function* fn = module_.function(q);
    return constant(IValue(lang::Ref<lang::FunctionObj>::make(fn)), r, lang::functionType(fn));
  }
  size_t dot = q.rfind('.');
  if (ClassInfo* c = module_.findClass(q.substr(0, dot)); c && c->kind == ClassInfo::Enum) {
    std::string member = q.substr(dot + 1);
    auto& et = static_cast<const lang::EnumType&>(*c->type);
    for (size_t i = 0; i < et.memberNames().size(); ++i)
      if (et.memberNames()[i] == member)
        return constant(IValue(lang::Ref<lang::EnumValue>::make(c->type, member, c->enum_values[i])), r, c->type);
    errorAt(r, "enum " + et.str() + " has no member '" + member + "'");
  }
  errorAt(r, "unknown name '" + q + "' (no class or function of that name in the archive's code)");
}

Value* FunctionEmitter::emitArchiveCall(const std::string& q, const Expr& e, TypePtr hint) {
  if (q.rfind("ops.", 0) == 0) {
    std::string ns = q.substr(4, q.find('.', 4) - 4);
    std::string name = q.substr(q.rfind('.') + 1);
    if (name == "RaiseException" && ns == "prim") {
      emitPrimRaise(e);
      return constant(IValue(), e.range);
    }
    std::vector<Value*> args = emitArgs(e);
    auto kwargs = emitKwargs(e);
    if (auto v = tryCallOp(ns + "::" + name, args, kwargs, e.range)) return *v;
    // prim ops that wick registers under aten (len, max, ...).
    return callOp("aten::" + name, args, e.range, kwargs, q);
  }
  if (q.rfind("__torch__.", 0) != 0) return nullptr;
  if (module_.findDef(q)) return callUserFunction(module_.function(q), e);
  if (ClassInfo* c = module_.findClass(q)) return constructClass(*c, e);
  size_t dot = q.rfind('.');
  ClassInfo* c = module_.findClass(q.substr(0, dot));
  std::string member = q.substr(dot + 1);
  if (c && member == "__new__") {
    // `__torch__.C.__new__(__torch__.C)`: an object whose __init__ is called next.
    module_.compileClass(*c);
    Node* n = graph_->insertNode(graph_->create(prim::CreateObject));
    n->output()->setType(c->type);
    n->setSourceRange(e.range);
    return n->output();
  }
  if (c && c->static_methods.count(member)) return callUserFunction(module_.method(*c, member), e);
  (void)hint;
  errorAt(e.a->range, "unknown function '" + q + "' (no class or function of that name in the archive's code)");
}

// `annotate(T, v)`, `unchecked_cast(T, v)`, `uninitialized(T)`, `getattr(obj, "name")`.
Value* FunctionEmitter::emitArchiveBuiltin(const std::string& name, const Expr& e) {
  if (!module_.archiveDialect()) return nullptr;
  auto arity = [&](size_t n) {
    if (e.elts.size() != n || !e.extra().keywords.empty())
      errorAt(e.range, name + "() takes " + std::to_string(n) + " positional argument" + (n == 1 ? "" : "s"));
  };
  if (name == "annotate") return emitQualifiedCall("torch.jit.annotate", e, nullptr);
  if (name == "unchecked_cast") {
    arity(2);
    TypePtr t = module_.resolveType(*e.elts[0]);
    Value* v = emitExpr(*e.elts[1], t);
    Node* n = graph_->insertNode(graph_->create(prim::unchecked_cast, {v}));
    n->output()->setType(t);
    return n->output();
  }
  if (name == "uninitialized") {
    arity(1);
    Node* n = graph_->insertNode(graph_->create(prim::Uninitialized));
    n->output()->setType(module_.resolveType(*e.elts[0]));
    return n->output();
  }
  if (name == "getattr") {
    arity(2);
    if (e.elts[1]->kind != ExprKind::StrLit) errorAt(e.elts[1]->range, "getattr() needs a string literal attribute name");
    Value* obj = emitExpr(*e.elts[0]);
    if (obj->type()->kind() != TypeKind::Class)
      errorAt(e.range, "getattr() on a value of type " + obj->type()->str() + "; only class attributes can be read");
    return classAttribute(obj, e.elts[1]->name, e.range);
  }
  return nullptr;
}

// `ops.prim.RaiseException(msg)` or `(msg, "builtins.ValueError")`.
void FunctionEmitter::emitPrimRaise(const Expr& e) {
  if (e.elts.empty() || e.elts.size() > 2) errorAt(e.range, "ops.prim.RaiseException takes a message and an optional class name");
  Value* msg = emitExpr(*e.elts[0]);
  if (msg->type()->kind() != TypeKind::Str) errorAt(e.elts[0]->range, "the exception message must be a str");
  std::string kind = "Exception";
  if (e.elts.size() == 2 && e.elts[1]->kind == ExprKind::StrLit) kind = e.elts[1]->name.substr(e.elts[1]->name.rfind('.') + 1);
  emitRaise(e.range, msg, kind);
}

}  // namespace wick::frontend
