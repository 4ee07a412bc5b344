// Python builtins called by name: the ones that need the emitter (print,
// isinstance, int()/float()/str()/bool(), list()/dict(), min/max over several
// values, getattr/hasattr); the rest resolve to aten::<name> in the registry.
#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;

Value* FunctionEmitter::emitBuiltinCall(const std::string& name, const Expr& e, TypePtr hint) {
  const SourceRange& r = e.range;
  if (name == "print") return emitPrint(e);
  if (name == "isinstance") return emitIsInstance(e);
  if (name == "range" || name == "enumerate" || name == "zip" || name == "reversed") {
    if (name == "reversed") return materializeList(e, hint);
    errorAt(r, name + "() can only be used as the iterable of a for loop or inside list()");
  }
  if (name == "int" || name == "float" || name == "bool" || name == "str") {
    static const std::map<std::string, std::pair<const char*, TypeKind>> conv = {
        {"int", {"aten::Int", TypeKind::Int}}, {"float", {"aten::Float", TypeKind::Float}},
        {"bool", {"aten::Bool", TypeKind::Bool}}, {"str", {"aten::str", TypeKind::Str}}};
    auto [op, kind] = conv.at(name);
    if (e.elts.empty()) {
      if (name == "int") return constant(IValue(int64_t(0)), r);
      if (name == "float") return constant(IValue(0.0), r);
      if (name == "bool") return constant(IValue(false), r);
      return constant(IValue(std::string()), r);
    }
    Value* v = emitExpr(*e.elts[0]);
    if (v->type()->kind() == kind) return v;
    return callOp(op, {v}, r, {}, name);
  }
  if (name == "list") {
    if (e.elts.empty()) {
      Node* n = graph_->insertNode(graph_->create(lang::prim::ListConstruct));
      n->output()->setType(hint && hint->kind() == TypeKind::List ? hint : lang::listType(lang::tensorType()));
      return n->output();
    }
    const Expr& arg = *e.elts[0];
    if (arg.kind == ExprKind::Call || arg.kind == ExprKind::ListComp) return materializeList(arg, hint);
    Value* v = emitExpr(arg);
    if (v->type()->kind() == TypeKind::List) return callOp("aten::list", {v}, r);
    return materializeList(arg, hint);
  }
  if (name == "dict") {
    TypePtr t = hint && hint->kind() == TypeKind::Dict ? hint : nullptr;
    if (e.elts.empty()) {
      Node* n = graph_->insertNode(graph_->create(lang::prim::DictConstruct));
      n->output()->setType(t ? t : lang::dictType(lang::strType(), lang::tensorType()));
      return n->output();
    }
    if (e.elts[0]->kind == ExprKind::Name || e.elts[0]->kind == ExprKind::Attribute) {
      Value* v = emitExpr(*e.elts[0]);
      if (v->type()->kind() == TypeKind::Dict) return callOp("aten::copy", {v}, r);
    }
    Value* pairs = materializeList(*e.elts[0], nullptr);
    TypePtr pt = pairs->type()->elem();
    if (pt->kind() == TypeKind::Dict) return callOp("aten::copy", {pairs}, r);
    if (pt->kind() != TypeKind::Tuple || pt->contained().size() != 2) errorAt(r, "dict() needs an iterable of pairs");
    Node* n = graph_->insertNode(graph_->create(lang::prim::DictConstruct));
    n->output()->setType(t ? t : lang::dictType(pt->contained()[0], pt->contained()[1]));
    Iterable it = iterableOfValue(pairs, r);
    emitLoop(it.count, constant(IValue(true)), r, {}, [&](Value* i) {
      Value* p = it.element(i);
      callOp("aten::_set_item", {n->output(), tupleIndex(p, 0, r), tupleIndex(p, 1, r)}, r);
      return Exit::Never;
    }, nullptr);
    return n->output();
  }
  if ((name == "min" || name == "max") && e.elts.size() > 2) {
    Value* acc = emitExpr(*e.elts[0]);
    for (size_t i = 1; i < e.elts.size(); ++i) acc = callOp("aten::" + name, {acc, emitExpr(*e.elts[i])}, r, {}, name);
    return acc;
  }
  if (name == "hasattr" || name == "getattr") {
    if (e.elts.size() < 2 || e.elts[1]->kind != ExprKind::StrLit) errorAt(r, name + "() needs a string constant attribute name");
    Value* obj = emitExpr(*e.elts[0]);
    const std::string& attr_name = e.elts[1]->name;
    if (name == "hasattr") {
      bool has = obj->type()->kind() == TypeKind::Class &&
                 static_cast<const lang::ClassType&>(*obj->type()).findAttribute(attr_name).has_value();
      return constant(IValue(has), r);
    }
    if (obj->type()->kind() != TypeKind::Class) errorAt(r, "getattr() is only supported on class instances and modules");
    if (e.elts.size() > 2 && !static_cast<const lang::ClassType&>(*obj->type()).findAttribute(attr_name))
      return emitExpr(*e.elts[2]);  // getattr(obj, "name", default)
    return classAttribute(obj, attr_name, r);
  }
  if (name == "setattr") {
    if (e.elts.size() != 3 || e.elts[1]->kind != ExprKind::StrLit) errorAt(r, "setattr() needs an object, a string constant name and a value");
    Value* obj = emitExpr(*e.elts[0]);
    if (obj->type()->kind() != TypeKind::Class) errorAt(r, "setattr() is only supported on class instances and modules");
    assignAttribute(obj, e.elts[1]->name, emitExpr(*e.elts[2]), r);
    return constant(IValue(), r);
  }
  if (name == "sum" && e.elts.size() == 1) {
    Value* v = emitExpr(*e.elts[0]);
    if (v->type()->kind() != TypeKind::List) v = materializeList(*e.elts[0], nullptr);
    return callOp("aten::sum", {v}, r);
  }
  if (name == "len" && e.elts.size() == 1) {
    Value* v = emitExpr(*e.elts[0]);
    if (v->type()->kind() == TypeKind::Tuple) return constant(IValue(static_cast<int64_t>(v->type()->contained().size())), r);
    if (ClassInfo* c = module_.classOfType(v->type()); c && c->container != ClassInfo::NoContainer && !module_.constructionPhase())
      return constant(IValue(static_cast<int64_t>(containerItems(v, r).size())), r);
    return callOp("aten::len", {v}, r, {}, name);
  }
  if (name == "len" || name == "abs" || name == "min" || name == "max" || name == "sorted" || name == "divmod" ||
      name == "ord" || name == "chr" || name == "round" || name == "all" || name == "any" || name == "bin" ||
      name == "hex" || name == "oct" || name == "repr" || name == "pow") {
    std::string op = name == "pow" ? "pow" : name == "hash" ? "hash" : name;
    return callOp("aten::" + op, emitArgs(e), r, emitKwargs(e), name);
  }
  if (name == "hash") return callOp("aten::hash", emitArgs(e), r, {}, name);
  if (name == "eval" || name == "exec" || name == "open" || name == "input" || name == "globals" || name == "locals")
    errorAt(e.a->range, "python builtin '" + name + "' is not supported in TorchScript");
  errorAt(e.a->range, "undefined value '" + name + "'");
}

}  // namespace wick::frontend
