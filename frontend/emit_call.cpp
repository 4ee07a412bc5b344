// Calls: user functions and methods, class construction, module functions
// (math.*, torch.*, F.*), and the Python builtins that need the emitter
// (print, isinstance, int()/float()/str(), min/max of several values...).
#include <cstring>
#include <set>
#include <string_view>

#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;
namespace prim = lang::prim;
namespace attr = lang::attr;

std::string FunctionEmitter::qualifiedName(const Expr& e) {
  // The root name decides; the attributes above it are appended in one
  // buffer, sized first (archive code spells long dotted names).
  size_t attrs_size = 0;
  const Expr* root = &e;
  for (; root->kind == ExprKind::Attribute; root = root->a.get()) attrs_size += root->name.size() + 1;
  if (root->kind != ExprKind::Name || lookup(root->name)) return "";
  std::string out = module_.aliasOf(root->name);
  if (out.empty()) {
    if (root->name != "torch" && root->name != "math" && !isArchiveRoot(root->name)) return "";
    out = root->name;
  }
  size_t base = out.size();
  out.resize(base + attrs_size);
  char* end = out.data() + out.size();
  for (const Expr* p = &e; p != root; p = p->a.get()) {
    end -= p->name.size();
    std::memcpy(end, p->name.data(), p->name.size());
    *--end = '.';
  }
  return out;
}

std::vector<Value*> FunctionEmitter::emitArgs(const Expr& call, const std::vector<TypePtr>& hints) {
  std::vector<Value*> out;
  for (size_t i = 0; i < call.elts.size(); ++i) {
    if (call.elts[i]->kind == ExprKind::Starred) errorAt(call.elts[i]->range, "starred arguments are not supported");
    out.push_back(emitExpr(*call.elts[i], i < hints.size() ? hints[i] : nullptr));
  }
  return out;
}

std::vector<std::pair<std::string, Value*>> FunctionEmitter::emitKwargs(const Expr& call) {
  std::vector<std::pair<std::string, Value*>> out;
  for (const Keyword& k : call.extra().keywords) out.emplace_back(k.name, emitExpr(*k.value));
  return out;
}

// The prelude's torch.nn.functional stands in for aten ops, whose int[2]
// arguments take a tuple of ints or one int for both: made a List[int] here.
Value* FunctionEmitter::intListArgument(Value* v, const TypePtr& formal, const SourceRange& r) {
  if (formal->kind() != TypeKind::List || formal->elem()->kind() != TypeKind::Int) return nullptr;
  std::vector<Value*> items;
  if (v->type()->kind() == TypeKind::Int) {
    items = {v, v};
  } else if (v->type()->kind() == TypeKind::Tuple) {
    for (size_t i = 0; i < v->type()->contained().size(); ++i) {
      if (v->type()->contained()[i]->kind() != TypeKind::Int) return nullptr;
      items.push_back(tupleIndex(v, i, r));
    }
  } else {
    return nullptr;
  }
  Node* n = graph_->insertNode(graph_->create(prim::ListConstruct, items));
  n->output()->setType(formal);
  return n->output();
}

Value* FunctionEmitter::callFunction(lang::Function* fn, Value* self, std::vector<Value*> args,
                                     std::vector<std::pair<std::string, Value*>> kwargs, const SourceRange& r) {
  const auto& formals = fn->schema().arguments;
  size_t first = self ? 1 : 0;
  std::vector<Value*> inputs(formals.size(), nullptr);
  if (self) inputs[0] = self;
  if (args.size() + first > formals.size())
    errorAt(r, fn->name() + "() takes " + std::to_string(formals.size() - first) + " positional arguments but " +
                   std::to_string(args.size()) + " were given");
  for (size_t i = 0; i < args.size(); ++i) inputs[first + i] = args[i];
  for (auto& [name, v] : kwargs) {
    size_t k = first;
    while (k < formals.size() && formals[k].name != name) ++k;
    if (k == formals.size()) errorAt(r, fn->name() + "() got an unexpected keyword argument '" + name + "'");
    if (inputs[k]) errorAt(r, fn->name() + "() got multiple values for argument '" + name + "'");
    inputs[k] = v;
  }
  for (size_t i = first; i < formals.size(); ++i) {
    if (!inputs[i]) {
      if (!formals[i].default_value) errorAt(r, fn->name() + "() is missing a value for argument '" + formals[i].name + "'");
      inputs[i] = constant(*formals[i].default_value, r, formals[i].type);
      continue;
    }
    if (!lang::isSubtypeOf(inputs[i]->type(), formals[i].type)) {
      if (inputs[i]->type()->kind() == TypeKind::Int && formals[i].type->kind() == TypeKind::Float) {
        inputs[i] = callOp("aten::Float", {inputs[i]}, r);
        continue;
      }
      if (Value* l = fn->qualname().rfind("torch.nn.functional.", 0) == 0 ? intListArgument(inputs[i], formals[i].type, r) : nullptr) {
        inputs[i] = l;
        continue;
      }
      errorAt(r, fn->name() + "() expected a value of type " + formals[i].type->str() + " for argument '" + formals[i].name +
                     "' but found " + inputs[i]->type()->str());
    }
  }
  if (fn->schema().returns.empty())
    errorAt(r, "recursive call to '" + fn->name() + "' needs a return type annotation on its definition");
  if (&fn_ == fn) fn_.noteExtension(lang::Extension::Recursion, r);
  Node* n = graph_->insertNode(graph_->create(self ? prim::CallMethod : prim::CallFunction, inputs));
  n->setCallee(fn)->setSourceRange(r);
  if (self) n->s_(attr::name, fn->name());
  n->output()->setType(fn->schema().returns[0].type);
  return n->output();
}

Value* FunctionEmitter::callUserFunction(lang::Function* fn, const Expr& call) {
  std::vector<TypePtr> hints;
  for (const auto& a : fn->schema().arguments) hints.push_back(a.type);
  return callFunction(fn, nullptr, emitArgs(call, hints), emitKwargs(call), call.range);
}

Value* FunctionEmitter::constructClass(ClassInfo& cls, const Expr& call) {
  if (cls.kind == ClassInfo::NamedTuple) {
    const TypePtr& t = cls.type;
    const auto& names = t->fieldNames();
    std::vector<Value*> items(names.size(), nullptr);
    for (size_t i = 0; i < call.elts.size() && i < names.size(); ++i) items[i] = emitExpr(*call.elts[i], t->contained()[i]);
    if (call.elts.size() > names.size()) errorAt(call.range, "too many arguments for " + t->str());
    for (const Keyword& k : call.extra().keywords) {
      size_t i = 0;
      while (i < names.size() && names[i] != k.name) ++i;
      if (i == names.size()) errorAt(k.range, t->str() + " has no field '" + k.name + "'");
      items[i] = emitExpr(*k.value, t->contained()[i]);
    }
    for (size_t i = 0; i < names.size(); ++i) {
      if (!items[i]) {
        if (!cls.field_defaults[i]) errorAt(call.range, t->str() + "() is missing a value for field '" + names[i] + "'");
        items[i] = emitExpr(*cls.field_defaults[i], t->contained()[i]);
      }
      if (!lang::isSubtypeOf(items[i]->type(), t->contained()[i]))
        errorAt(call.range, "field '" + names[i] + "' of " + t->str() + " expects " + t->contained()[i]->str() + ", found " +
                                items[i]->type()->str());
    }
    Node* n = graph_->insertNode(graph_->create(prim::TupleConstruct, items));
    n->output()->setType(t);
    return n->output();
  }
  if (cls.kind == ClassInfo::Enum) errorAt(call.range, "enum classes cannot be called");
  bool is_module = cls.kind == ClassInfo::Module && !module_.archiveDialect();
  if (is_module && !module_.constructionPhase()) return buildModuleConstant(cls, call);
  if (cls.container != ClassInfo::NoContainer) return buildContainer(cls.container, call);
  module_.compileClass(cls);
  Node* n = graph_->insertNode(graph_->create(prim::CreateObject));
  n->output()->setType(cls.type);
  n->setSourceRange(call.range);
  if (is_module) {
    Node* t = graph_->insertNode(graph_->create(prim::SetAttr, {n->output(), constant(IValue(true))}, 0));
    t->s_(attr::name, "training");
  }
  if (lang::Function* init = module_.method(cls, "__init__")) {
    std::vector<TypePtr> hints;
    for (size_t i = 1; i < init->schema().arguments.size(); ++i) hints.push_back(init->schema().arguments[i].type);
    callFunction(init, n->output(), emitArgs(call, hints), emitKwargs(call), call.range);
  }
  return n->output();
}

Value* FunctionEmitter::emitCall(const Expr& e, TypePtr hint) {
  const Expr& callee = *e.a;
  if (callee.kind == ExprKind::Name && !lookup(callee.name)) {
    const std::string& name = callee.name;
    if (module_.findDef(name)) return callUserFunction(module_.function(name), e);
    if (ClassInfo* c = module_.findClass(name)) return constructClass(*c, e);
    std::string q = module_.aliasOf(name);
    if (!q.empty()) return emitQualifiedCall(q, e, hint);
    if (Value* v = emitArchiveBuiltin(name, e)) return v;
    return emitBuiltinCall(name, e, hint);
  }
  if (callee.kind == ExprKind::Attribute && callee.a->kind == ExprKind::Call && callee.a->a->kind == ExprKind::Name &&
      callee.a->a->name == "super" && !lookup("super")) {
    // super().__init__(): nn.Module's own __init__ only sets `training`, which
    // wick's modules get when they are created.
    if (callee.name != "__init__") errorAt(callee.range, "super() is only supported as super().__init__()");
    return constant(IValue(), e.range);
  }
  if (callee.kind == ExprKind::Attribute) {
    std::string q = qualifiedName(callee);
    if (!q.empty()) return emitQualifiedCall(q, e, hint);
    if (callee.a->kind == ExprKind::Name && !lookup(callee.a->name)) {
      if (ClassInfo* c = module_.findClass(callee.a->name); c && c->static_methods.count(callee.name))
        return callUserFunction(module_.method(*c, callee.name), e);
    }
    Value* self = emitExpr(*callee.a);
    return emitMethodCall(self, callee.name, e, hint);
  }
  // A local bound to a function (`_0 = __torch__.f` then `_0(x)`), a module
  // (`layer(x)`, `self.layers[0](x)`): known statically from the value's type.
  return callValue(emitExpr(callee), e);
}

Value* FunctionEmitter::callValue(Value* f, const Expr& call) {
  TypePtr t = f->type();
  if (t->kind() == TypeKind::Function) return callUserFunction(static_cast<const lang::FunctionType&>(*t).function(), call);
  if (t->kind() == TypeKind::Class) {
    ClassInfo* cls = module_.classOfType(t);
    const char* name = cls && cls->kind == ClassInfo::Module ? "forward" : "__call__";
    if (lang::Function* m = cls ? module_.method(*cls, name) : nullptr) {
      std::vector<TypePtr> hints;
      for (size_t i = 1; i < m->schema().arguments.size(); ++i) hints.push_back(m->schema().arguments[i].type);
      return callFunction(m, f, emitArgs(call, hints), emitKwargs(call), call.range);
    }
  }
  std::string what = call.a->kind == ExprKind::Name ? "'" + call.a->name + "' is a value" : "this is a value";
  errorAt(call.a->range, what + " of type " + t->str() + ", which cannot be called");
}

Value* FunctionEmitter::emitQualifiedCall(const std::string& q, const Expr& e, TypePtr hint) {
  if (q == "torch.jit.annotate" || q == "typing.cast") {
    if (e.elts.size() != 2) errorAt(e.range, "torch.jit.annotate takes a type and a value");
    TypePtr t = module_.resolveType(*e.elts[0]);
    Value* v = emitExpr(*e.elts[1], t);
    // With TorchScript's implicit conversions (a 0-dim tensor to a number:
    // the tracer's ImplicitTensorToNum prints as annotate(number, t)).
    if (!lang::isSubtypeOf(v->type(), t)) v = implicitConvert(v, t, e.range);
    if (!lang::isSubtypeOf(v->type(), t)) errorAt(e.range, "torch.jit.annotate: value of type " + v->type()->str() + " is not a " + t->str());
    if (*v->type() == *t) return v;
    Node* c = graph_->insertNode(graph_->create(prim::unchecked_cast, {v}));
    c->output()->setType(t);
    return c->output();
  }
  if (q == "torch.jit.is_scripting") return constant(IValue(true), e.range);
  if (!module_.archiveDialect() && q.rfind("torch.nn.", 0) == 0 && q.rfind("torch.nn.functional.", 0) != 0)
    if (Value* v = emitNnCall(q, e)) return v;
  if (Value* v = module_.archiveDialect() ? emitArchiveCall(q, e, hint) : nullptr) return v;
  if (q == "torch.jit.is_tracing") return constant(IValue(false), e.range);
  std::string name = q.substr(q.rfind('.') + 1);
  if (q.rfind("math.", 0) == 0) {
    if (name == "pow") name = "mathpow";
    return callOp("aten::" + name, emitArgs(e), e.range, emitKwargs(e), q);
  }
  // F.batch_norm and the others whose signature is not the aten op's live in the prelude.
  if (!module_.archiveDialect() && q.rfind("torch.nn.functional.", 0) == 0 && module_.loadPreludeOf(q) && module_.findDef(q))
    return callUserFunction(module_.function(q), e);
  if (Value* v = emitBooleanDispatch(q, e)) return v;
  if (q.rfind("torch.", 0) == 0) {
    // What lies between "torch." and the name: "" for torch.X, "nn.functional" for F.X.
    size_t last_dot = q.rfind('.');
    std::string_view middle = last_dot > 5 ? std::string_view(q).substr(6, last_dot - 6) : std::string_view();
    // torch.linalg.det is aten::linalg_det, torch.special.expit aten::special_expit.
    for (const char* ns : {"linalg", "special", "fft"})
      if (middle == ns) name = std::string(ns) + "_" + name;
    // Functions TorchScript compiles from Python (torch/nn/functional.py,
    // torch/functional.py) are registered as functional::X and torch::X.
    // Not in an archive's code: torch's printer writes every builtin as
    // torch.X, and an archive carries the Python-level functions it calls
    // as its own code (__torch__.torch.functional.stft calls torch.stft,
    // aten::stft).
    const auto& registry = lang::OperatorRegistry::global();
    if (middle == "nn.functional" && !registry.lookup("functional::" + name).empty())
      return callOp("functional::" + name, emitArgs(e), e.range, emitKwargs(e), q);
    if (middle.empty() && !module_.archiveDialect() && !registry.lookup("torch::" + name).empty())
      return callOp("torch::" + name, emitArgs(e), e.range, emitKwargs(e), q);
    return callOp("aten::" + name, emitArgs(e), e.range, emitKwargs(e), q);
  }
  errorAt(e.range, "unknown function '" + q + "'");
}

// torch.unique, F.max_pool2d(return_indices=) and friends are Python
// functions whose result type depends on constant bool flags (torch's
// boolean_dispatch): `op` returns every result and the flags, which must be
// literals, pick which of them the call gives. strip: the flags are not
// arguments of `op` (they are dropped); fallthrough: with every flag False
// the call resolves as usual (F.max_pool2d is then aten::max_pool2d).
Value* FunctionEmitter::emitBooleanDispatch(const std::string& q, const Expr& e) {
  struct Flag { const char* name; size_t position; size_t output; };
  // Views: every qualified call is compared with each, and most differ in length.
  struct Dispatch { std::string_view qualname; const char* op; std::vector<Flag> flags; bool strip, fallthrough; };
  static const Dispatch table[] = {
      {"torch.unique", "aten::_unique_all", {{"return_inverse", 2, 1}, {"return_counts", 3, 2}}, false, false},
      {"torch.unique_consecutive", "aten::unique_consecutive", {{"return_inverse", 1, 1}, {"return_counts", 2, 2}}, false, false},
      {"torch.nn.functional.max_pool1d", "aten::max_pool1d_with_indices", {{"return_indices", 6, 1}}, true, true},
      {"torch.nn.functional.max_pool2d", "aten::max_pool2d_with_indices", {{"return_indices", 6, 1}}, true, true},
      {"torch.nn.functional.max_pool3d", "aten::max_pool3d_with_indices", {{"return_indices", 6, 1}}, true, true},
      {"torch.nn.functional.adaptive_max_pool1d", "aten::adaptive_max_pool1d", {{"return_indices", 2, 1}}, true, false},
      {"torch.nn.functional.adaptive_max_pool2d", "aten::adaptive_max_pool2d", {{"return_indices", 2, 1}}, true, false},
      {"torch.nn.functional.adaptive_max_pool3d", "aten::adaptive_max_pool3d", {{"return_indices", 2, 1}}, true, false},
  };
  const Dispatch* d = nullptr;
  for (const Dispatch& x : table)
    if (q == x.qualname) d = &x;
  if (!d) return nullptr;
  std::vector<size_t> outputs = {0};
  std::set<size_t> flag_positions;
  std::set<std::string> flag_names;
  for (const Flag& f : d->flags) {
    const Expr* arg = f.position < e.elts.size() ? e.elts[f.position].get() : nullptr;
    for (const Keyword& k : e.extra().keywords)
      if (k.name == f.name) arg = k.value.get();
    if (arg && arg->kind != ExprKind::BoolLit)
      errorAt(arg->range, q + "(): '" + f.name + "' must be a constant True or False");
    if (arg && arg->bool_value) outputs.push_back(f.output);
    flag_positions.insert(f.position);
    flag_names.insert(f.name);
  }
  if (d->fallthrough && outputs.size() == 1) return nullptr;
  std::vector<Value*> args;
  for (size_t i = 0; i < e.elts.size(); ++i)
    if (!d->strip || !flag_positions.count(i)) args.push_back(emitExpr(*e.elts[i]));
  std::vector<std::pair<std::string, Value*>> kwargs;
  for (const Keyword& k : e.extra().keywords)
    if (!d->strip || !flag_names.count(k.name)) kwargs.emplace_back(k.name, emitExpr(*k.value));
  Value* all = callOp(d->op, args, e.range, kwargs, q);
  if (outputs.size() == 1) return tupleIndex(all, 0, e.range);
  std::vector<Value*> picked;
  std::vector<TypePtr> types;
  for (size_t i : outputs) {
    picked.push_back(tupleIndex(all, i, e.range));
    types.push_back(picked.back()->type());
  }
  Node* t = graph_->insertNode(graph_->create(prim::TupleConstruct, picked));
  t->output()->setType(lang::tupleType(types));
  return t->output();
}

Value* FunctionEmitter::emitMethodCall(Value* self, const std::string& name, const Expr& call, TypePtr hint) {
  TypePtr t = self->type();
  if (t->kind() == TypeKind::Class) {
    ClassInfo* cls = module_.classOfType(t);
    lang::Function* m = cls ? module_.method(*cls, name) : nullptr;
    if (!m && cls && cls->kind == ClassInfo::Module && !module_.archiveDialect()) {
      if (Value* v = emitModuleSelfCall(self, name, call)) return v;
      if (Value* v = emitModuleMethod(self, name, call)) return v;
      // self.fc(x): a submodule attribute, called.
      if (static_cast<const lang::ClassType&>(*t).findAttribute(name)) return callValue(classAttribute(self, name, call.a->range), call);
    }
    if (!m) errorAt(call.range, "'" + t->str() + "' object has no method '" + name + "'");
    std::vector<TypePtr> hints;
    for (size_t i = 1; i < m->schema().arguments.size(); ++i) hints.push_back(m->schema().arguments[i].type);
    Value* out = callFunction(m, self, emitArgs(call, hints), emitKwargs(call), call.range);
    // An interface's method is found on the object's class at run time.
    if (cls->kind == ClassInfo::Interface) out->node()->setCallee(nullptr);
    return out;
  }
  if (t->kind() == TypeKind::Tensor && name == "tolist" && hint && hint->kind() == TypeKind::List && call.elts.empty()) {
    // `xs: List[List[float]] = t.tolist()`: the annotation types the result (prim::tolist checks it at run time).
    int64_t dims = 0;
    TypePtr elem = hint;
    while (elem->kind() == TypeKind::List) elem = elem->elem(), ++dims;
    int64_t code = elem->kind() == TypeKind::Int ? 0 : elem->kind() == TypeKind::Float ? 1 : elem->kind() == TypeKind::Bool ? 2 : -1;
    if (code >= 0) {
      Value* out = callOp("prim::tolist", {self, constant(IValue(dims)), constant(IValue(code))}, call.range);
      out->setType(hint);
      return out;
    }
  }
  if (t->kind() == TypeKind::Tensor && name == "tolist") return emitTolist(self, call, hint);
  std::vector<TypePtr> hints;
  if (t->kind() == TypeKind::List) hints = {t->elem(), t->elem()};
  if (t->kind() == TypeKind::Dict) hints = {t->key(), t->value()};
  if (t->kind() == TypeKind::List && (name == "extend")) hints = {t};
  if (t->kind() == TypeKind::List && name == "insert") hints = {lang::intType(), t->elem()};
  std::vector<Value*> args = emitArgs(call, hints);
  args.insert(args.begin(), self);
  return callOp("aten::" + name, args, call.range, emitKwargs(call), t->str() + "." + name, true);
}

// t.tolist(): the result type comes from the annotation it is assigned or
// returned to, as in TorchScript (prim::tolist checks it against the tensor
// at run time: list depth = dim, element int/float/bool = dtype category).
Value* FunctionEmitter::emitTolist(Value* self, const Expr& call, TypePtr hint) {
  if (!call.elts.empty() || !call.extra().keywords.empty()) errorAt(call.range, "tolist() takes no arguments");
  if (hint && hint->kind() == TypeKind::Optional) hint = hint->elem();
  if (!hint) errorAt(call.range, "Expected type hint for result of tolist()");
  int64_t dim = 0;
  TypePtr elem = hint;
  while (elem->kind() == TypeKind::List) {
    elem = elem->elem();
    ++dim;
  }
  int64_t code = elem->kind() == TypeKind::Int ? 0 : elem->kind() == TypeKind::Float ? 1 : elem->kind() == TypeKind::Bool ? 2 : -1;
  if (code < 0)
    errorAt(call.range, "Output annotation element type for tolist() must be int, float or bool, got " + hint->str());
  Value* out = callOp("prim::tolist", {self, constant(IValue(dim)), constant(IValue(code))}, call.range);
  Node* c = graph_->insertNode(graph_->create(prim::unchecked_cast, {out}));
  c->output()->setType(hint);
  return c->output();
}

std::vector<TypePtr> FunctionEmitter::isinstanceTargets(const Expr& te) {
  // Bare `list`, `dict` and `tuple` match any list, dict or tuple.
  auto one = [&](const Expr& x) -> TypePtr {
    if (x.kind == ExprKind::Name && !lookup(x.name)) {
      if (x.name == "list" || x.name == "List") return lang::anyListType();
      if (x.name == "tuple" || x.name == "Tuple") return lang::anyTupleType();
      if (x.name == "dict" || x.name == "Dict") return lang::anyDictType();
    }
    return module_.resolveType(x);
  };
  std::vector<TypePtr> out;
  if (te.kind == ExprKind::TupleLit)
    for (const ExprPtr& x : te.elts) out.push_back(one(*x));
  else
    out.push_back(one(te));
  return out;
}

Value* FunctionEmitter::emitIsInstance(const Expr& call) {
  if (call.elts.size() != 2) errorAt(call.range, "isinstance() takes exactly two arguments");
  Value* v = emitExpr(*call.elts[0]);
  std::vector<TypePtr> targets = isinstanceTargets(*call.elts[1]);
  auto matches = [&](const TypePtr& a) {
    for (const TypePtr& x : targets)
      if (lang::isSubtypeOf(a, x)) return true;
    return false;
  };
  TypePtr t = v->type();
  std::vector<TypePtr> alts = t->kind() == TypeKind::Union    ? t->contained()
                              : t->kind() == TypeKind::Optional ? std::vector<TypePtr>{t->elem(), lang::noneType()}
                                                                 : std::vector<TypePtr>{t};
  size_t yes = 0;
  for (const TypePtr& a : alts) yes += matches(a);
  if (t->kind() != TypeKind::Any) {
    if (yes == alts.size()) return constant(IValue(true), call.range);
    if (yes == 0) return constant(IValue(false), call.range);
  }
  Node* n = graph_->insertNode(graph_->create(prim::isinstance, {v}));
  n->tys_(attr::types, targets);
  n->output()->setType(lang::boolType());
  return n->output();
}

Value* FunctionEmitter::emitPrint(const Expr& call) {
  std::vector<Value*> args = emitArgs(call);
  Node* n = graph_->insertNode(graph_->create(prim::Print, args, 0));
  n->setSourceRange(call.range);
  return constant(IValue(), call.range);
}

}  // namespace wick::frontend
