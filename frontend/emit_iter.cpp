// Iteration: for loops over range/lists/strings/dicts/tuples and the
// enumerate/zip/reversed adaptors, comprehensions, and list()/dict()/sum()
// over iterables.
#include <limits>

#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;
namespace prim = lang::prim;

namespace {
void targetNames(const Expr& t, std::set<std::string>& out) {
  if (t.kind == ExprKind::Name) out.insert(t.name);
  else if (t.kind == ExprKind::TupleLit || t.kind == ExprKind::ListLit)
    for (const ExprPtr& e : t.elts) targetNames(*e, out);
}
void bodyNames(const StmtList& body, std::set<std::string>& out);
void stmtNames(const Stmt& s, std::set<std::string>& out) {
  for (const ExprPtr& t : s.targets) targetNames(*t, out);
  bodyNames(s.body, out);
  bodyNames(s.orelse, out);
}
void bodyNames(const StmtList& body, std::set<std::string>& out) {
  for (const StmtPtr& s : body)
    if (s->kind != StmtKind::Def && s->kind != StmtKind::ClassDef) stmtNames(*s, out);
}
bool hasJump(const StmtList& body, StmtKind k) {
  for (const StmtPtr& s : body) {
    if (s->kind == k) return true;
    if (s->kind == StmtKind::If || s->kind == StmtKind::With)
      if (hasJump(s->body, k) || hasJump(s->orelse, k)) return true;
  }
  return false;
}
}  // namespace

FunctionEmitter::Iterable FunctionEmitter::iterableOfValue(Value* v, const SourceRange& r) {
  Iterable it;
  TypePtr t = v->type();
  switch (t->kind()) {
    case TypeKind::List:
    case TypeKind::Str:
      it.count = callOp("aten::len", {v}, r);
      it.element = [this, v, r](Value* i) { return callOp("aten::__getitem__", {v, i}, r); };
      return it;
    case TypeKind::Dict: return iterableOfValue(callOp("aten::keys", {v}, r), r);
    case TypeKind::Tuple:
      it.is_unrolled = true;
      for (size_t i = 0; i < t->contained().size(); ++i) it.unrolled.push_back(tupleIndex(v, i, r));
      return it;
    case TypeKind::Class:
      if (ClassInfo* c = module_.classOfType(t); c && c->container != ClassInfo::NoContainer && !module_.constructionPhase()) {
        // A module container's submodules have their own types: unrolled. A
        // ModuleDict iterates its keys, as a dict does.
        it.is_unrolled = true;
        for (auto& [name, m] : containerItems(v, r))
          it.unrolled.push_back(c->container == ClassInfo::ModuleDict ? constant(IValue(name), r) : m);
        return it;
      }
      errorAt(r, "'" + t->str() + "' object is not iterable");
    case TypeKind::Tensor:
      it.count = callOp("aten::len", {v}, r);
      it.element = [this, v, r](Value* i) { return callOp("aten::select", {v, constant(IValue(int64_t(0))), i}, r); };
      return it;
    default: errorAt(r, "'" + t->str() + "' object is not iterable");
  }
}

FunctionEmitter::Iterable FunctionEmitter::enumerateUnrolled(const Iterable& inner, Value* start, const SourceRange& r) {
  Iterable it;
  it.is_unrolled = true;
  for (size_t i = 0; i < inner.unrolled.size(); ++i) {
    Value* idx = constant(IValue(static_cast<int64_t>(i)), r);
    if (start) idx = callOp("aten::add", {idx, start}, r);
    Value* x = inner.unrolled[i];
    Node* t = graph_->insertNode(graph_->create(prim::TupleConstruct, {idx, x}));
    t->output()->setType(lang::tupleType({idx->type(), x->type()}));
    it.unrolled.push_back(t->output());
  }
  return it;
}

FunctionEmitter::Iterable FunctionEmitter::iterableOf(const Expr& e) {
  // ModuleDict.items() / keys() / values(): unrolled, as the dict's modules have their own types.
  if (e.kind == ExprKind::Call && e.a->kind == ExprKind::Attribute && e.elts.empty() &&
      (e.a->name == "items" || e.a->name == "keys" || e.a->name == "values") && !module_.constructionPhase()) {
    if (!(e.a->a->kind == ExprKind::Name && !lookup(e.a->a->name))) {
      Value* obj = emitExpr(*e.a->a);
      ClassInfo* c = module_.classOfType(obj->type());
      if (c && c->container == ClassInfo::ModuleDict) {
        Iterable it;
        it.is_unrolled = true;
        for (auto& [name, m] : containerItems(obj, e.range)) {
          Value* k = constant(IValue(name), e.range);
          if (e.a->name == "keys") it.unrolled.push_back(k);
          else if (e.a->name == "values") it.unrolled.push_back(m);
          else {
            Node* t = graph_->insertNode(graph_->create(prim::TupleConstruct, {k, m}));
            t->output()->setType(lang::tupleType({k->type(), m->type()}));
            it.unrolled.push_back(t->output());
          }
        }
        return it;
      }
      return iterableOfValue(emitMethodCall(obj, e.a->name, e, nullptr), e.range);
    }
  }
  if (e.kind == ExprKind::Call && e.a->kind == ExprKind::Name && !lookup(e.a->name)) {
    const std::string& f = e.a->name;
    const SourceRange& r = e.range;
    if (f == "range") {
      std::vector<Value*> a = emitArgs(e);
      if (a.empty() || a.size() > 3) errorAt(r, "range expected 1 to 3 arguments, got " + std::to_string(a.size()));
      for (Value* x : a)
        if (x->type()->kind() != TypeKind::Int) errorAt(r, "range() arguments must be int, found " + x->type()->str());
      Value* lo = a.size() == 1 ? constant(IValue(int64_t(0))) : a[0];
      Value* hi = a.size() == 1 ? a[0] : a[1];
      Value* step = a.size() == 3 ? a[2] : constant(IValue(int64_t(1)));
      Iterable it;
      it.count = callOp("aten::__range_length", {lo, hi, step}, r);
      bool from_zero = a.size() == 1, unit_step = a.size() < 3;
      it.element = [this, lo, step, r, from_zero, unit_step](Value* i) {
        // lo + i * step, with the common range(n) / range(a, b) cases folded.
        Value* offset = unit_step ? i : callOp("aten::mul", {i, step}, r);
        return from_zero ? offset : callOp("aten::add", {lo, offset}, r);
      };
      return it;
    }
    if (f == "enumerate") {
      if (e.elts.empty()) errorAt(r, "enumerate() needs an iterable");
      Iterable inner = iterableOf(*e.elts[0]);
      Value* start = e.elts.size() > 1 ? emitExpr(*e.elts[1]) : nullptr;
      for (const Keyword& k : e.extra().keywords)
        if (k.name == "start") start = emitExpr(*k.value);
      if (inner.is_unrolled) return enumerateUnrolled(inner, start, r);
      Iterable it;
      it.count = inner.count;
      it.element = [this, inner, start, r](Value* i) {
        Value* idx = start ? callOp("aten::add", {i, start}, r) : i;
        Value* x = inner.element(i);
        Node* t = graph_->insertNode(graph_->create(prim::TupleConstruct, {idx, x}));
        t->output()->setType(lang::tupleType({idx->type(), x->type()}));
        return t->output();
      };
      return it;
    }
    if (f == "zip") {
      std::vector<Iterable> parts;
      for (const ExprPtr& x : e.elts) parts.push_back(iterableOf(*x));
      if (parts.empty()) errorAt(r, "zip() needs at least one iterable");
      Iterable it;
      it.count = parts[0].count;
      for (size_t k = 1; k < parts.size(); ++k) it.count = callOp("aten::min", {it.count, parts[k].count}, r);
      it.element = [this, parts, r](Value* i) {
        std::vector<Value*> xs;
        std::vector<TypePtr> ts;
        for (const Iterable& p : parts) {
          xs.push_back(p.element(i));
          ts.push_back(xs.back()->type());
        }
        Node* t = graph_->insertNode(graph_->create(prim::TupleConstruct, xs));
        t->output()->setType(lang::tupleType(ts));
        return t->output();
      };
      return it;
    }
    if (f == "reversed") {
      Iterable inner = iterableOf(*e.elts.at(0));
      Iterable it;
      it.count = inner.count;
      Value* last = callOp("aten::sub", {inner.count, constant(IValue(int64_t(1)))}, r);
      it.element = [this, inner, last, r](Value* i) { return inner.element(callOp("aten::sub", {last, i}, r)); };
      return it;
    }
  }
  if (e.kind == ExprKind::Name && !lookup(e.name)) {
    // Iterating an Enum class walks its members, unrolled.
    if (ClassInfo* c = module_.findClass(e.name); c && c->kind == ClassInfo::Enum) {
      Iterable it;
      it.is_unrolled = true;
      auto& et = static_cast<const lang::EnumType&>(*c->type);
      for (size_t i = 0; i < et.memberNames().size(); ++i)
        it.unrolled.push_back(constant(IValue(lang::Ref<lang::EnumValue>::make(c->type, et.memberNames()[i], c->enum_values[i])), e.range, c->type));
      return it;
    }
  }
  return iterableOfValue(emitExpr(e), e.range);
}

Exit FunctionEmitter::emitFor(const Stmt& s) {
  if (!s.orelse.empty()) errorAt(s.range, "'else' on a for loop is not supported in TorchScript");
  Iterable it = iterableOf(*s.value);
  const Expr& target = *s.targets[0];
  if (it.is_unrolled) {
    if (hasJump(s.body, StmtKind::Break) || hasJump(s.body, StmtKind::Continue))
      errorAt(s.range, "break and continue are not supported in loops over tuples");
    std::set<std::string> names;
    targetNames(target, names);
    for (size_t k = 0; k < it.unrolled.size(); ++k) {
      // Each element may have its own type (a tuple's, a container's
      // modules): the loop variables are bound afresh, as TorchScript does.
      if (k > 0)
        for (const std::string& n : names) scope_->vars[n] = {nullptr, nullptr};
      emitAssignTo(target, it.unrolled[k], s.range);
      Exit e = emitStatements(s.body);
      if (e != Exit::Never) return e;
    }
    return Exit::Never;
  }
  std::set<std::string> assigned;
  bodyNames(s.body, assigned);
  targetNames(target, assigned);
  bool has_break = hasJump(s.body, StmtKind::Break), has_continue = hasJump(s.body, StmtKind::Continue);
  return emitLoop(it.count, constant(IValue(true)), s.range, assigned, [&](Value* i) {
    if (has_break) define("$brk", constant(IValue(false)), lang::boolType(), s.range);
    if (has_continue) define("$cnt", constant(IValue(false)), lang::boolType(), s.range);
    emitAssignTo(target, it.element(i), s.range);
    return emitStatements(s.body);
  }, nullptr);
}

Value* FunctionEmitter::emitListComp(const Expr& e, TypePtr hint) {
  TypePtr elem = hint && hint->kind() == TypeKind::List ? hint->elem() : nullptr;
  Node* list = graph_->insertNode(graph_->create(prim::ListConstruct));
  list->output()->setType(lang::listType(elem ? elem : lang::anyType()));
  const std::vector<Comprehension>& comps = e.extra().comps;
  for (const Comprehension& c : comps)
    if (c.cond) errorAt(c.cond->range, "comprehension conditions ('if' in a list comprehension) are not supported in TorchScript");
  std::function<void(size_t)> level = [&](size_t k) {
    const Comprehension& c = comps[k];
    Iterable it = iterableOf(*c.iter);
    auto body = [&]() {
      if (c.cond) {
        Value* cond = toBool(emitExpr(*c.cond), c.cond->range);
        emitIfBlocks(cond, e.range, [&] {
          if (k + 1 < comps.size()) level(k + 1);
          else {
            Value* v = emitExpr(*e.a, elem);
            if (!elem) list->output()->setType(lang::listType(elem = v->type()));
            callOp("aten::append", {list->output(), v}, e.range);
          }
          return Exit::Never;
        }, [] { return Exit::Never; });
        return;
      }
      if (k + 1 < comps.size()) return level(k + 1);
      Value* v = emitExpr(*e.a, elem);
      if (!elem) list->output()->setType(lang::listType(elem = v->type()));
      callOp("aten::append", {list->output(), v}, e.range);
    };
    if (it.is_unrolled) {
      // Over a tuple (or an enum, a module container): one body per element.
      std::set<std::string> names;
      targetNames(*c.target, names);
      for (size_t j = 0; j < it.unrolled.size(); ++j) {
        if (j > 0)
          for (const std::string& n : names) scope_->vars[n] = {nullptr, nullptr};
        emitAssignTo(*c.target, it.unrolled[j], e.range);
        body();
      }
      return;
    }
    emitLoop(it.count, constant(IValue(true)), e.range, {}, [&](Value* i) {
      emitAssignTo(*c.target, it.element(i), e.range);
      body();
      return Exit::Never;
    }, nullptr);
  };
  level(0);
  if (!elem) list->output()->setType(lang::listType(lang::tensorType()));
  return list->output();
}

Value* FunctionEmitter::emitDictComp(const Expr& e, TypePtr hint) {
  TypePtr kt = hint && hint->kind() == TypeKind::Dict ? hint->key() : nullptr;
  TypePtr vt = hint && hint->kind() == TypeKind::Dict ? hint->value() : nullptr;
  Node* dict = graph_->insertNode(graph_->create(prim::DictConstruct));
  dict->output()->setType(lang::dictType(kt ? kt : lang::anyType(), vt ? vt : lang::anyType()));
  if (e.extra().comps.size() != 1) errorAt(e.range, "dict comprehensions take one for clause");
  const Comprehension& c = e.extra().comps[0];
  Iterable it = iterableOf(*c.iter);
  auto put = [&] {
    Value* k = emitExpr(*e.a, kt);
    Value* v = emitExpr(*e.b, vt);
    if (!kt) kt = k->type(), vt = v->type(), dict->output()->setType(lang::dictType(kt, vt));
    callOp("aten::_set_item", {dict->output(), k, v}, e.range);
  };
  emitLoop(it.count, constant(IValue(true)), e.range, {}, [&](Value* i) {
    emitAssignTo(*c.target, it.element(i), e.range);
    if (c.cond) {
      emitIfBlocks(toBool(emitExpr(*c.cond), c.cond->range), e.range, [&] { put(); return Exit::Never; }, [] { return Exit::Never; });
    } else {
      put();
    }
    return Exit::Never;
  }, nullptr);
  return dict->output();
}

Value* FunctionEmitter::materializeList(const Expr& e, TypePtr hint) {
  Iterable it = iterableOf(e);
  TypePtr elem = hint && hint->kind() == TypeKind::List ? hint->elem() : nullptr;
  if (it.is_unrolled) {
    Node* n = graph_->insertNode(graph_->create(prim::ListConstruct, it.unrolled));
    n->output()->setType(lang::listType(it.unrolled.empty() ? lang::tensorType() : it.unrolled[0]->type()));
    return n->output();
  }
  Node* list = graph_->insertNode(graph_->create(prim::ListConstruct));
  list->output()->setType(lang::listType(elem ? elem : lang::anyType()));
  emitLoop(it.count, constant(IValue(true)), e.range, {}, [&](Value* i) {
    Value* v = it.element(i);
    if (!elem) list->output()->setType(lang::listType(elem = v->type()));
    callOp("aten::append", {list->output(), v}, e.range);
    return Exit::Never;
  }, nullptr);
  if (!elem) list->output()->setType(lang::listType(lang::tensorType()));
  return list->output();
}

}  // namespace wick::frontend
