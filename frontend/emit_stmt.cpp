// Statements: assignment, control flow with the exit lowering of Note [Exits],
// return/raise/assert, scopes and refinement of Optional/Union variables.
#include <algorithm>
#include <functional>
#include <limits>

#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;
namespace prim = lang::prim;
namespace attr = lang::attr;

namespace {

bool isFlag(const std::string& n) { return !n.empty() && n[0] == '$'; }

// Syntactically, does this statement list always leave the block?
bool alwaysExits(const StmtList& body) {
  if (body.empty()) return false;
  const Stmt& last = *body.back();
  switch (last.kind) {
    case StmtKind::Return:
    case StmtKind::Raise:
    case StmtKind::Break:
    case StmtKind::Continue: return true;
    case StmtKind::If: return alwaysExits(last.body) && alwaysExits(last.orelse);
    case StmtKind::ExprStmt: return isPrimRaise(*last.value);
    default: return false;
  }
}

void collectTargets(const Expr& t, std::set<std::string>& out) {
  if (t.kind == ExprKind::Name) out.insert(t.name);
  else if (t.kind == ExprKind::TupleLit || t.kind == ExprKind::ListLit)
    for (const ExprPtr& e : t.elts) collectTargets(*e, out);
  else if (t.kind == ExprKind::Starred) collectTargets(*t.a, out);
}

// Names a statement list may assign (loop-carried candidates), not looking into defs.
void assignedNames(const StmtList& body, std::set<std::string>& out, bool& has_return, bool& has_break,
                   bool& has_continue, bool nested_loop) {
  for (const StmtPtr& s : body) {
    switch (s->kind) {
      case StmtKind::Assign:
      case StmtKind::AugAssign:
      case StmtKind::AnnAssign:
        for (const ExprPtr& t : s->targets) collectTargets(*t, out);
        break;
      case StmtKind::For:
        collectTargets(*s->targets[0], out);
        [[fallthrough]];
      case StmtKind::While:
        assignedNames(s->body, out, has_return, has_break, has_continue, true);
        assignedNames(s->orelse, out, has_return, has_break, has_continue, nested_loop);
        break;
      case StmtKind::If:
      case StmtKind::With:
        assignedNames(s->body, out, has_return, has_break, has_continue, nested_loop);
        assignedNames(s->orelse, out, has_return, has_break, has_continue, nested_loop);
        break;
      case StmtKind::Return: has_return = true; break;
      case StmtKind::Break: if (!nested_loop) has_break = true; break;
      case StmtKind::Continue: if (!nested_loop) has_continue = true; break;
      default: break;
    }
  }
}

bool hasNestedReturn(const StmtList& body, bool top) {
  for (size_t i = 0; i < body.size(); ++i) {
    const Stmt& s = *body[i];
    if (s.kind == StmtKind::Return && !top) return true;
    if (s.kind == StmtKind::Return && top && i + 1 != body.size()) return true;
    if (s.kind == StmtKind::If || s.kind == StmtKind::While || s.kind == StmtKind::For || s.kind == StmtKind::With)
      if (hasNestedReturn(s.body, false) || hasNestedReturn(s.orelse, false)) return true;
  }
  return false;
}

// The value of a constant default-argument expression, or nullopt.
std::optional<IValue> constantOf(const Expr& d, const TypePtr& type) {
  switch (d.kind) {
    case ExprKind::IntLit: return IValue(d.int_value);
    case ExprKind::FloatLit: return IValue(d.float_value);
    case ExprKind::StrLit: return IValue(d.name);
    case ExprKind::BoolLit: return IValue(d.bool_value);
    case ExprKind::NoneLit: return IValue();
    case ExprKind::UnaryOp:
      if (d.unary_op == UnaryOpKind::Neg && d.a->kind == ExprKind::IntLit) return IValue(-d.a->int_value);
      if (d.unary_op == UnaryOpKind::Neg && d.a->kind == ExprKind::FloatLit) return IValue(-d.a->float_value);
      return std::nullopt;
    case ExprKind::TupleLit: {
      std::vector<IValue> items;
      for (size_t i = 0; i < d.elts.size(); ++i) {
        TypePtr t = type && type->kind() == lang::TypeKind::Tuple && i < type->contained().size() ? type->contained()[i] : nullptr;
        auto v = constantOf(*d.elts[i], t);
        if (!v) return std::nullopt;
        items.push_back(*v);
      }
      return IValue(lang::Ref<lang::TupleObj>::make(std::move(items)));
    }
    case ExprKind::ListLit: {
      TypePtr elem = type && type->kind() == lang::TypeKind::List ? type->elem() : lang::anyType();
      std::vector<IValue> items;
      for (const ExprPtr& x : d.elts) {
        auto v = constantOf(*x, elem);
        if (!v) return std::nullopt;
        items.push_back(*v);
      }
      return IValue(lang::Ref<lang::ListObj>::make(elem, std::move(items)));
    }
    default: return std::nullopt;
  }
}

}  // namespace

struct ScopeGuard {
  FunctionEmitter& e;
  std::unique_ptr<FunctionEmitter::Scope> scope;
  explicit ScopeGuard(FunctionEmitter& em) : e(em), scope(std::make_unique<FunctionEmitter::Scope>()) {
    scope->parent = e.scope_;
    e.scope_ = scope.get();
  }
  ~ScopeGuard() { e.scope_ = scope->parent; }
};

FunctionEmitter::FunctionEmitter(ModuleCompiler& module, lang::Function& fn, const Stmt& def, ClassTypePtr self_class)
    : module_(module), fn_(fn), def_(def), self_class_(std::move(self_class)) {}

TypePtr FunctionEmitter::emit(TypePtr declared_return) {
  uses_ret_flag_ = hasNestedReturn(def_.body, true);
  TypePtr probe_type;
  for (int pass = 0; pass < 2; ++pass) {
    // The first pass fills the (empty) graph the function was created with.
    graph_ = pass == 0 ? fn_.graphPtr() : std::make_shared<Graph>();
    scopes_.clear();
    scopes_.push_back(std::make_unique<Scope>());
    scope_ = scopes_.back().get();
    return_declared_ = declared_return != nullptr;
    return_type_ = declared_return ? declared_return : probe_type;
    bool probing = uses_ret_flag_ && !return_type_;
    for (const lang::Argument& a : fn_.schema().arguments) {
      Value* v = graph_->addInput(a.name)->setType(a.type);
      scope_->vars[a.name] = {v, a.type};
    }
    // Defaults are constants evaluated once, at definition, as in Python.
    const std::vector<Param>& params = def_.extra().params;
    for (size_t i = 0, k = 0; i < params.size(); ++i) {
      const Param& p = params[i];
      if (p.name == "*") continue;
      if (p.default_value) {
        const Expr& d = *p.default_value;
        lang::Argument& arg = fn_.schema().arguments[k];
        arg.default_value = constantOf(d, arg.type);
        if (!arg.default_value) errorAt(d.range, "default values must be constants");
        if (arg.default_value->isInt() && arg.type->kind() == lang::TypeKind::Float)
          arg.default_value = IValue(static_cast<double>(arg.default_value->toInt()));
      }
      ++k;
    }
    if (uses_ret_flag_) {
      define("$ret", constant(IValue(false)), lang::boolType(), def_.range);
      Node* u = graph_->insertNode(graph_->create(prim::Uninitialized));
      u->output()->setType(probing ? lang::anyType() : return_type_);
      scope_->vars["$retv"] = {u->output(), probing ? lang::anyType() : return_type_};
    }
    bool unused = false;
    for (const ExprPtr& d : def_.extra().decorators) {
      const Expr& callee = d->kind == ExprKind::Call ? *d->a : *d;
      unused |= callee.kind == ExprKind::Attribute && (callee.name == "unused" || callee.name == "ignore");
    }
    // @torch.jit.unused / @torch.jit.ignore: not compiled; calling it raises, as in TorchScript.
    Exit e = unused ? (emitRaise(def_.range, constant(IValue("function '" + def_.extra().name + "' was marked @torch.jit.unused and cannot be called")), "RuntimeError"), Exit::Always)
                    : emitStatements(def_.body);
    if (unused && !return_type_) return_type_ = lang::noneType();
    if (unused) {
      Node* u = graph_->insertNode(graph_->create(prim::Uninitialized));
      u->output()->setType(return_type_);
      scope_->vars["$retv"] = {u->output(), return_type_};
    }
    if (e != Exit::Always) {
      Stmt implicit(StmtKind::Return, SourceRange(def_.range.source, def_.range.end, def_.range.end));
      emitReturn(implicit);
    }
    Var* rv = lookup("$retv");
    if (!rv) {
      // Every path raises, so no return ran: the result is never produced.
      // As TorchScript: the declared type, else None, from prim::Uninitialized.
      if (!return_type_) return_type_ = lang::noneType();
      Node* u = graph_->insertNode(graph_->create(prim::Uninitialized));
      u->output()->setType(return_type_);
      scope_->vars["$retv"] = {u->output(), return_type_};
      rv = lookup("$retv");
    }
    if (!probing) {
      graph_->registerOutput(rv->value);
      if (!return_type_) return_type_ = rv->value->type();
      fn_.setGraph(graph_);
      break;
    }
    probe_type = return_type_ ? return_type_ : lang::noneType();
  }
  lang::verifyGraph(*graph_);
  return return_type_;
}

FunctionEmitter::Var* FunctionEmitter::lookup(const std::string& name) {
  for (Scope* s = scope_; s; s = s->parent) {
    auto it = s->vars.find(name);
    if (it != s->vars.end()) return &it->second;
  }
  return nullptr;
}

void FunctionEmitter::define(const std::string& name, Value* v, TypePtr declared, const SourceRange& r) {
  empty_list_literals_.erase(v);
  // One hash of `name` in this scope serves the lookup, the check and the store.
  auto here = scope_->vars.find(name);
  Var* prev = here != scope_->vars.end() ? &here->second : nullptr;
  for (Scope* s = scope_->parent; !prev && s; s = s->parent)
    if (auto it = s->vars.find(name); it != s->vars.end()) prev = &it->second;
  bool same_block = here != scope_->vars.end() && here->second.value && scope_->assigned.count(name) && scope_->parent == nullptr;
  if (prev && prev->value && !isFlag(name) && same_block && !declared && !lang::isSubtypeOf(v->type(), prev->declared)) {
    // TorchScript rebinds a name within one block freely (`x = 1; x = "a"`);
    // only values that flow out of a block must keep the outer type.
    prev = nullptr;
  }
  if (prev && prev->value && !isFlag(name)) {
    // Leaving a block, a number converts to the outer float/int (as
    // TorchScript's setVar does for `total += t.item()` in a loop).
    if (!lang::isSubtypeOf(v->type(), prev->declared)) v = implicitConvert(v, prev->declared, r);
    if (!lang::isSubtypeOf(v->type(), prev->declared)) {
      errorAt(r, "variable '" + name + "' previously had type " + prev->declared->str() +
                     " but is now being assigned to a value of type " + v->type()->str());
    }
    declared = prev->declared;
  } else if (declared && !isFlag(name) && !lang::isSubtypeOf(v->type(), declared)) {
    errorAt(r, "variable '" + name + "' is annotated with type " + declared->str() + " but is assigned a value of type " +
                   v->type()->str());
  }
  // The value keeps its own (possibly narrower) type: `x = None` then `x = 9`
  // makes `x + 1` valid, as in TorchScript. Merges use the declared type.
  if (!declared) declared = v->type();
  if (!isFlag(name) && v->node()->kind() != prim::Param && !v->hasDebugName()) v->setDebugName(name);
  if (here != scope_->vars.end()) here->second = {v, declared, false};
  else scope_->vars.emplace(name, Var{v, declared, false});
  scope_->assigned.insert(name);
}

void FunctionEmitter::refine(const std::string& name, TypePtr type, const SourceRange& r) {
  Var* v = lookup(name);
  if (!v || !v->value || *v->value->type() == *type) return;
  Node* c = graph_->insertNode(graph_->create(prim::unchecked_cast, {v->value}));
  c->output()->setType(type)->setDebugName(name);
  c->setSourceRange(r);
  scope_->vars[name] = {c->output(), v->declared, true};
}

void FunctionEmitter::applyRefinements(const Refinements& r, const SourceRange& range) {
  for (const auto& [name, type] : r) refine(name, type, range);
}

FunctionEmitter::CondRefinements FunctionEmitter::refinementsOf(const Expr& cond) {
  CondRefinements out;
  auto varType = [&](const Expr& e) -> TypePtr {
    if (e.kind != ExprKind::Name) return nullptr;
    Var* v = lookup(e.name);
    return v && v->value ? v->value->type() : nullptr;
  };
  if (cond.kind == ExprKind::Compare && cond.extra().comparisons.size() == 1) {
    CmpOpKind op = cond.extra().comparisons[0].op;
    const Expr& rhs = *cond.extra().comparisons[0].rhs;
    if ((op == CmpOpKind::Is || op == CmpOpKind::IsNot || op == CmpOpKind::Eq || op == CmpOpKind::NotEq) &&
        rhs.kind == ExprKind::NoneLit) {
      if (TypePtr t = varType(*cond.a); t && (t->kind() == lang::TypeKind::Optional || t->kind() == lang::TypeKind::Union)) {
        bool is_none = op == CmpOpKind::Is || op == CmpOpKind::Eq;
        (is_none ? out.when_false : out.when_true)[cond.a->name] = lang::removeNone(t);
        (is_none ? out.when_true : out.when_false)[cond.a->name] = lang::noneType();
      }
    }
  } else if (cond.kind == ExprKind::UnaryOp && cond.unary_op == UnaryOpKind::Not) {
    CondRefinements inner = refinementsOf(*cond.a);
    out.when_true = inner.when_false;
    out.when_false = inner.when_true;
  } else if (cond.kind == ExprKind::BoolOp) {
    // a and b: both hold when true. a or b: both fail when false.
    bool is_and = cond.bool_op == BoolOpKind::And;
    for (const ExprPtr& e : cond.elts) {
      CondRefinements r = refinementsOf(*e);
      for (auto& [k, v] : is_and ? r.when_true : r.when_false) (is_and ? out.when_true : out.when_false)[k] = v;
    }
  } else if (cond.kind == ExprKind::Call && cond.a->kind == ExprKind::Name && cond.a->name == "isinstance" &&
             cond.elts.size() == 2) {
    if (TypePtr t = varType(*cond.elts[0])) {
      std::vector<TypePtr> targets = isinstanceTargets(*cond.elts[1]);
      std::vector<TypePtr> alts = t->kind() == lang::TypeKind::Union ? t->contained()
                                  : t->kind() == lang::TypeKind::Optional ? std::vector<TypePtr>{t->elem(), lang::noneType()}
                                                                          : std::vector<TypePtr>{t};
      std::vector<TypePtr> yes, no;
      for (const TypePtr& a : alts) {
        bool match = std::any_of(targets.begin(), targets.end(), [&](const TypePtr& x) { return lang::isSubtypeOf(a, x); });
        (match ? yes : no).push_back(a);
      }
      if (!yes.empty() && !no.empty()) {
        out.when_true[cond.elts[0]->name] = lang::unionType(yes);
        out.when_false[cond.elts[0]->name] = lang::unionType(no);
      }
    }
  }
  return out;
}

Exit FunctionEmitter::emitIfBlocks(Value* cond, const SourceRange& range, const std::function<Exit()>& then_fn,
                                   const std::function<Exit()>& else_fn) {
  Node* after = graph_->insertPoint();
  Node* n = graph_->insertNode(graph_->create(prim::If, {cond}, 0));
  n->setSourceRange(range);
  Block* blocks[2] = {n->addBlock(), n->addBlock()};
  std::unique_ptr<Scope> scopes[2];
  Exit exits[2];
  for (int b = 0; b < 2; ++b) {
    graph_->setInsertPoint(blocks[b]);
    scopes[b] = std::make_unique<Scope>();
    scopes[b]->parent = scope_;
    scope_ = scopes[b].get();
    exits[b] = b == 0 ? then_fn() : else_fn();
    scope_ = scopes[b]->parent;
  }
  graph_->setInsertPoint(after);
  std::set<std::string> names;
  for (auto& s : scopes) names.insert(s->assigned.begin(), s->assigned.end());
  for (const std::string& name : names) {
    Var* before = lookup(name);
    if (before && !before->value) before = nullptr;
    Value* vals[2] = {nullptr, nullptr};
    Value* narrowed[2] = {nullptr, nullptr};  // a branch's refinement of an unassigned variable
    for (int b = 0; b < 2; ++b) {
      auto it = scopes[b]->vars.find(name);
      if (it != scopes[b]->vars.end() && scopes[b]->assigned.count(name)) vals[b] = it->second.value;
      else if (before) vals[b] = before->value;
      if (it != scopes[b]->vars.end() && !scopes[b]->assigned.count(name) && it->second.refinement && it->second.value)
        narrowed[b] = it->second.value;
    }
    TypePtr type;
    auto declaredIn = [&](int b) -> TypePtr {
      auto it = scopes[b]->vars.find(name);
      return it != scopes[b]->vars.end() && scopes[b]->assigned.count(name) ? it->second.declared : nullptr;
    };
    if (before) {
      type = before->declared;
      // Both sides narrower than the declared type (a refined Optional,
      // reassigned on one side): the merge keeps the narrower type, as
      // TorchScript's does; the variable keeps its declared type.
      if (vals[0] && vals[1]) {
        Value* a = narrowed[0] ? narrowed[0] : vals[0];
        Value* b = narrowed[1] ? narrowed[1] : vals[1];
        if (auto u = lang::unifyTypes(a->type(), b->type()); u && lang::isSubtypeOf(*u, type) && **u != *type) {
          type = *u;
          vals[0] = a;
          vals[1] = b;
        }
      }
    } else if (TypePtr d0 = declaredIn(0), d1 = declaredIn(1); d0 && d1 && *d0 == *d1) {
      // `x : Optional[int] = ...` in both branches (saved code writes this): the declared type.
      type = d0;
    } else if (vals[0] && vals[1]) {
      auto u = lang::unifyTypes(vals[0]->type(), vals[1]->type());
      if (!u && isFlag(name)) u = lang::anyType();
      if (!u)
        errorAt(range, "type mismatch: '" + name + "' is set to type " + vals[0]->type()->str() +
                           " in the true branch and type " + vals[1]->type()->str() + " in the false branch");
      type = *u;
    } else {
      int have = vals[0] ? 0 : 1;
      if (exits[1 - have] != Exit::Always && !isFlag(name)) {
        // Defined on one path only: an error only if used later (TorchScript's rule).
        scope_->vars[name] = {nullptr, nullptr, false, range};
        continue;
      }
      type = vals[have]->type();
    }
    for (int b = 0; b < 2; ++b) {
      graph_->setInsertPoint(blocks[b]);
      Value* v = vals[b];
      if (!v) {
        Node* u = graph_->insertNode(graph_->create(prim::Uninitialized));
        u->output()->setType(type);
        v = u->output();
      }
      blocks[b]->registerOutput(v);
    }
    graph_->setInsertPoint(after);
    Value* out = n->addOutput()->setType(type);
    if (!isFlag(name)) out->setDebugName(name);
    scope_->vars[name] = {out, before ? before->declared : type};
    scope_->assigned.insert(name);
  }
  if (exits[0] == Exit::Always && exits[1] == Exit::Always) return Exit::Always;
  if (exits[0] == Exit::Never && exits[1] == Exit::Never) return Exit::Never;
  return Exit::Maybe;
}

namespace {
bool hasMore(const FunctionEmitter::Continuation* c) {
  for (; c; c = c->next)
    if (c->from < c->stmts->size()) return true;
  return false;
}
}  // namespace

Exit FunctionEmitter::emitStatements(const StmtList& stmts, size_t from, const Continuation* cont) {
  for (size_t i = from; i < stmts.size(); ++i) {
    const Stmt& s = *stmts[i];
    Continuation rest{&stmts, i + 1, cont};
    if (s.kind == StmtKind::If) return emitIf(s, &rest);
    Exit e = emitStatement(stmts, i);
    if (e == Exit::Always) return Exit::Always;
    if (e == Exit::Maybe) return hasMore(&rest) ? guardRest(&rest, s.range) : Exit::Maybe;
  }
  return emitContinuation(cont);
}

Exit FunctionEmitter::emitContinuation(const Continuation* cont) {
  return cont ? emitStatements(*cont->stmts, cont->from, cont->next) : Exit::Never;
}

Exit FunctionEmitter::guardRest(const Continuation* rest, const SourceRange& range) {
  // Some path through the previous statement left the block: run the rest
  // only when no exit flag is set.
  Value* flag = nullptr;
  for (const char* f : {"$cnt", "$brk", "$ret"}) {
    Var* v = lookup(f);
    if (!v || !v->value) continue;
    flag = flag ? callOp("aten::__or__", {flag, v->value}, range) : v->value;
  }
  if (!flag) return emitContinuation(rest);
  return emitIfBlocks(flag, range, [] { return Exit::Always; }, [&] { return emitContinuation(rest); });
}

Exit FunctionEmitter::emitIf(const Stmt& s, const Continuation* rest) {
  Value* cond = toBool(emitExpr(*s.value), s.value->range);
  CondRefinements ref = refinementsOf(*s.value);
  // TorchScript's static if: a constant condition (True, False, a module
  // constant, `x is None` decided by types, isinstance, hasattr) compiles
  // only the branch taken, inline, so the other may use what this value or
  // module lacks.
  if (std::optional<bool> taken = staticCondition(cond)) {
    applyRefinements(*taken ? ref.when_true : ref.when_false, s.range);
    return emitStatements(*taken ? s.body : s.orelse, 0, rest);
  }
  bool then_exits = alwaysExits(s.body), else_exits = alwaysExits(s.orelse);
  // Note [Exits]: the statements after an `if` whose one branch always exits
  // belong to the other branch (through elif chains too, so refinements
  // made there still hold).
  bool rest_in_then = else_exits && !then_exits;
  bool rest_in_else = then_exits && !else_exits;
  auto branch = [&](const StmtList& body, const Refinements& r, bool with_rest) {
    applyRefinements(r, s.range);
    return emitStatements(body, 0, with_rest ? rest : nullptr);
  };
  Exit e = emitIfBlocks(cond, s.range, [&] { return branch(s.body, ref.when_true, rest_in_then); },
                        [&] { return branch(s.orelse, ref.when_false, rest_in_else); });
  if (rest_in_then || rest_in_else || e == Exit::Always) return e;
  if (e == Exit::Maybe && hasMore(rest)) return guardRest(rest, s.range);
  Exit r = emitContinuation(rest);
  if (r == Exit::Always && e == Exit::Never) return Exit::Always;
  return r == Exit::Never ? e : r;
}

Exit FunctionEmitter::emitStatement(const StmtList& stmts, size_t index) {
  const Stmt& s = *stmts[index];
  switch (s.kind) {
    case StmtKind::ExprStmt:
      if (module_.archiveDialect() && isPrimRaise(*s.value)) {
        emitPrimRaise(*s.value);
        return Exit::Always;
      }
      if (s.value->kind != ExprKind::StrLit) emitExpr(*s.value);  // docstrings are comments
      return Exit::Never;
    case StmtKind::Assign: emitAssign(s); return Exit::Never;
    case StmtKind::AugAssign: emitAugAssign(s); return Exit::Never;
    case StmtKind::AnnAssign: {
      TypePtr t = module_.resolveType(*s.annotation);
      if (!s.value) return Exit::Never;
      Value* v = emitExpr(*s.value, t);
      emitAssignTo(*s.targets[0], v, s.range, t);
      return Exit::Never;
    }
    case StmtKind::Pass: return Exit::Never;
    case StmtKind::Return: return emitReturn(s);
    case StmtKind::If: return emitIf(s, nullptr);
    case StmtKind::While: return emitWhile(s);
    case StmtKind::For: return emitFor(s);
    case StmtKind::Break:
    case StmtKind::Continue: {
      if (loop_depth_ == 0) errorAt(s.range, std::string("'") + (s.kind == StmtKind::Break ? "break" : "continue") + "' outside loop");
      define(s.kind == StmtKind::Break ? "$brk" : "$cnt", constant(IValue(true)), lang::boolType(), s.range);
      return Exit::Always;
    }
    case StmtKind::Raise: {
      std::string kind = "Exception";
      Value* msg = nullptr;
      if (s.value) {
        const Expr& x = *s.value;
        const Expr& callee = x.kind == ExprKind::Call ? *x.a : x;
        if (callee.kind == ExprKind::Name || callee.kind == ExprKind::Attribute) kind = callee.name;
        if (x.kind == ExprKind::Call && !x.elts.empty()) {
          msg = emitExpr(*x.elts[0]);
          if (msg->type()->kind() != lang::TypeKind::Str) msg = callOp("aten::str", {msg}, x.range);
        }
      }
      emitRaise(s.range, msg ? msg : constant(IValue(std::string())), kind);
      return Exit::Always;
    }
    case StmtKind::Assert: {
      Value* cond = toBool(emitExpr(*s.value), s.value->range);
      CondRefinements ref = refinementsOf(*s.value);
      emitIfBlocks(cond, s.range, [] { return Exit::Never; },
                   [&] {
                     Value* msg = s.extra().msg ? emitExpr(*s.extra().msg) : constant(IValue(std::string()));
                     if (msg->type()->kind() != lang::TypeKind::Str) msg = callOp("aten::str", {msg}, s.range);
                     emitRaise(s.range, msg, "AssertionError");
                     return Exit::Always;
                   });
      applyRefinements(ref.when_true, s.range);
      return Exit::Never;
    }
    case StmtKind::Del:
      for (const ExprPtr& t : s.targets) emitDel(*t);
      return Exit::Never;
    case StmtKind::With: return emitWith(s);
    case StmtKind::Import:
    case StmtKind::ImportFrom: return Exit::Never;
    case StmtKind::Def: errorAt(s.range, "nested function definitions are not supported in TorchScript");
    case StmtKind::ClassDef: errorAt(s.range, "nested class definitions are not supported in TorchScript");
  }
  return Exit::Never;
}

// `with` over torch.no_grad()/enable_grad()/record_function(...) runs the
// body (wick computes no gradients), and over an object of a class with
// __enter__ and __exit__ (saved archives spell torch.no_grad() that way)
// calls __enter__, binds its result to the `as` target, runs the body and
// calls __exit__(None, None, None). A body that returns or breaks out of
// the block is refused for objects: its __exit__ would be skipped.
Exit FunctionEmitter::emitWith(const Stmt& s) {
  std::vector<std::pair<Value*, ClassInfo*>> entered;
  for (const WithItem& w : s.extra().with_items) {
    std::string q = qualifiedName(*(w.context->kind == ExprKind::Call ? w.context->a : w.context));
    if (q == "torch.no_grad" || q == "torch.enable_grad" || q == "torch.autograd.profiler.record_function") continue;
    Value* obj = emitExpr(*w.context);
    ClassInfo* cls = obj->type()->kind() == lang::TypeKind::Class ? module_.classOfType(obj->type()) : nullptr;
    if (!cls || !cls->methods.count("__enter__") || !cls->methods.count("__exit__"))
      errorAt(w.context->range, "unsupported context manager in a with statement (a " + obj->type()->str() +
                                    ", which has no __enter__ and __exit__ methods)");
    Value* value = callFunction(module_.method(*cls, "__enter__"), obj, {}, {}, w.context->range);
    if (w.target) emitAssignTo(*w.target, value, w.target->range, nullptr);
    entered.emplace_back(obj, cls);
  }
  Exit exit = emitStatements(s.body);
  if (entered.empty()) return exit;
  if (exit != Exit::Never) errorAt(s.range, "a return, break or continue inside this with block would skip its __exit__ (not supported)");
  Value* none = constant(IValue());
  for (auto it = entered.rbegin(); it != entered.rend(); ++it)
    callFunction(module_.method(*it->second, "__exit__"), it->first, {none, none, none}, {}, s.range);
  return Exit::Never;
}

void FunctionEmitter::emitRaise(const SourceRange& range, Value* message, const std::string& kind) {
  Node* n = graph_->insertNode(graph_->create(prim::RaiseException, {message}, 0));
  n->s_(attr::name, kind)->setSourceRange(range);
}

// TorchScript's tryConvertToType with conversions allowed (returns): a
// number (t.item()) or a tensor becomes the declared float/int, a tensor the
// declared Scalar, Optional[T] converts as T and tuples element by element.
Value* FunctionEmitter::implicitConvert(Value* v, const TypePtr& to, const SourceRange& r) {
  TypeKind from = v->type()->kind();
  if (to->kind() == TypeKind::Optional && from != TypeKind::Optional && from != TypeKind::None)
    return implicitConvert(v, to->elem(), r);
  if (from == TypeKind::Tuple && to->kind() == TypeKind::Tuple && v->type()->contained().size() == to->contained().size()) {
    std::vector<Value*> parts = unpack(v, to->contained().size(), r);
    std::vector<TypePtr> types;
    for (size_t i = 0; i < parts.size(); ++i) {
      parts[i] = implicitConvert(parts[i], to->contained()[i], r);
      types.push_back(parts[i]->type());
    }
    Node* n = graph_->insertNode(graph_->create(prim::TupleConstruct, parts));
    n->output()->setType(lang::tupleType(types));
    return n->output();
  }
  if (from == TypeKind::Tensor) {
    if (to->kind() == TypeKind::Float) return callOp("aten::FloatImplicit", {v}, r);
    if (to->kind() == TypeKind::Int) return callOp("aten::IntImplicit", {v}, r);
    if (to->kind() == TypeKind::Number) return callOp("aten::ScalarImplicit", {v}, r);
  }
  if (from == TypeKind::Number) {
    if (to->kind() == TypeKind::Float) return callOp("aten::Float", {v}, r);
    if (to->kind() == TypeKind::Int) return callOp("aten::Int", {v}, r);
  }
  return v;
}

Exit FunctionEmitter::emitReturn(const Stmt& s) {
  TypePtr hint = return_declared_ ? return_type_ : nullptr;
  Value* v = s.value ? emitExpr(*s.value, hint) : constant(IValue());
  if (return_declared_) {
    if (!lang::isSubtypeOf(v->type(), return_type_)) v = implicitConvert(v, return_type_, s.range);
    if (!lang::isSubtypeOf(v->type(), return_type_)) {
      if (v->type()->kind() == lang::TypeKind::Int && return_type_->kind() == lang::TypeKind::Float) {
        v = callOp("aten::Float", {v}, s.range);
      } else {
        errorAt(s.value ? s.value->range : s.range, "return value was annotated as having type " + return_type_->str() +
                                                        " but is actually of type " + v->type()->str());
      }
    }
  } else if (!return_type_ || return_type_->kind() == lang::TypeKind::Any) {
    if (!return_type_) return_type_ = v->type();
  } else if (!lang::isSubtypeOf(v->type(), return_type_)) {
    auto u = lang::unifyTypes(return_type_, v->type());
    if (!u)
      errorAt(s.range, "previous return statement returned a value of type " + return_type_->str() +
                           " but this return statement returns a value of type " + v->type()->str());
    return_type_ = *u;
  }
  if (uses_ret_flag_) define("$ret", constant(IValue(true)), lang::boolType(), s.range);
  scope_->vars["$retv"] = {v, v->type()};
  scope_->assigned.insert("$retv");
  return Exit::Always;
}

Exit FunctionEmitter::emitLoop(Value* max_trip, Value* start_cond, const SourceRange& range,
                               const std::set<std::string>& assigned, const std::function<Exit(Value*)>& body,
                               const std::function<Value*()>& recheck_cond) {
  std::vector<std::string> carried;
  for (const std::string& n : assigned)
    if (Var* v = lookup(n); v && v->value) carried.push_back(n);
  for (const char* f : {"$ret", "$retv"})
    if (Var* v = lookup(f); v && v->value && !assigned.count(f)) carried.push_back(f);
  std::vector<Value*> inputs = {max_trip, start_cond};
  for (const std::string& n : carried) inputs.push_back(lookup(n)->value);
  Node* after = graph_->insertPoint();
  Node* loop = graph_->insertNode(graph_->create(prim::Loop, inputs, 0));
  loop->setSourceRange(range);
  Block* b = loop->addBlock();
  Value* iter = b->addInput()->setType(lang::intType());
  std::vector<TypePtr> declared;
  Exit e;
  {
    ScopeGuard guard(*this);
    graph_->setInsertPoint(b);
    for (const std::string& n : carried) {
      Var* v = lookup(n);
      declared.push_back(v->declared);
      Value* p = b->addInput(isFlag(n) ? "" : n)->setType(n == "$retv" ? v->value->type() : v->declared);
      scope_->vars[n] = {p, v->declared};
    }
    ++loop_depth_;
    e = body(iter);
    --loop_depth_;
    Value* stop = nullptr;
    for (const char* f : {"$brk", "$ret"}) {
      // Both live in the body's own scope: $brk is per iteration, $ret is carried.
      auto it = scope_->vars.find(f);
      if (it == scope_->vars.end() || !it->second.value) continue;
      stop = stop ? callOp("aten::__or__", {stop, it->second.value}, range) : it->second.value;
    }
    Value* cont;
    if (stop) {
      Value* result = nullptr;
      Node* n = graph_->insertNode(graph_->create(prim::If, {stop}, 1));
      n->output()->setType(lang::boolType());
      Block* t = n->addBlock();
      Block* f = n->addBlock();
      Node* save = graph_->insertPoint();
      graph_->setInsertPoint(t);
      t->registerOutput(constant(IValue(false)));
      graph_->setInsertPoint(f);
      f->registerOutput(recheck_cond ? recheck_cond() : constant(IValue(true)));
      graph_->setInsertPoint(save);
      result = n->output();
      cont = result;
    } else {
      cont = recheck_cond ? recheck_cond() : constant(IValue(true));
    }
    b->registerOutput(cont);
    for (const std::string& n : carried) {
      Var* v = lookup(n);
      if (!v->value) errorAt(range, "variable '" + n + "' is not defined on every path through the loop body");
      b->registerOutput(v->value);
    }
  }
  graph_->setInsertPoint(after);
  for (size_t i = 0; i < carried.size(); ++i) {
    Value* out = loop->addOutput()->setType(b->inputs()[i + 1]->type());
    if (!isFlag(carried[i])) out->setDebugName(carried[i]);
    scope_->vars[carried[i]] = {out, declared[i]};
    scope_->assigned.insert(carried[i]);
  }
  bool may_return = false;
  if (Var* r = lookup("$ret"); r && r->value) may_return = std::find(carried.begin(), carried.end(), "$ret") != carried.end() && e != Exit::Never;
  return may_return ? Exit::Maybe : Exit::Never;
}

Exit FunctionEmitter::emitWhile(const Stmt& s) {
  if (!s.orelse.empty()) errorAt(s.range, "'else' on a while loop is not supported in TorchScript");
  std::set<std::string> assigned;
  bool has_return = false, has_break = false, has_continue = false;
  assignedNames(s.body, assigned, has_return, has_break, has_continue, false);
  Value* cond = toBool(emitExpr(*s.value), s.value->range);
  Value* max = constant(IValue(std::numeric_limits<int64_t>::max()));
  return emitLoop(max, cond, s.range, assigned,
                  [&](Value*) {
                    if (has_break) define("$brk", constant(IValue(false)), lang::boolType(), s.range);
                    if (has_continue) define("$cnt", constant(IValue(false)), lang::boolType(), s.range);
                    return emitStatements(s.body);
                  },
                  [&] { return toBool(emitExpr(*s.value), s.value->range); });
}

void FunctionEmitter::emitAssign(const Stmt& s) {
  TypePtr hint;
  if (s.targets.size() == 1 && s.targets[0]->kind == ExprKind::Name)
    if (Var* v = lookup(s.targets[0]->name); v && v->value) hint = v->declared;
  Value* v = emitExpr(*s.value, hint);
  for (const ExprPtr& t : s.targets) emitAssignTo(*t, v, s.range);
}

void FunctionEmitter::emitAugAssign(const Stmt& s) {
  const Expr& target = *s.targets[0];
  static const char* ops[] = {"aten::add", "aten::sub", "aten::mul", "aten::div", "aten::floordiv", "aten::remainder",
                              "aten::pow", "aten::matmul", "aten::__lshift__", "aten::__rshift__", "aten::__and__",
                              "aten::__or__", "aten::__xor__"};
  // TorchScript has no augmented form of // and @, whatever the operand types.
  if (s.bin_op == BinOpKind::FloorDiv || s.bin_op == BinOpKind::MatMul)
    errorAt(s.range, std::string("unsupported kind of augmented assignment: ") + binOpSymbol(s.bin_op) + "=");
  Value* cur = emitExpr(target);
  Value* rhs = emitExpr(*s.value, cur->type());
  const char* op = ops[static_cast<int>(s.bin_op)];
  // Mutable containers and tensors update in place, as in Python.
  if (cur->type()->kind() == lang::TypeKind::List && s.bin_op == BinOpKind::Add) {
    callOp("aten::extend", {cur, rhs}, s.range);
    return;
  }
  if (cur->type()->kind() == lang::TypeKind::Tensor) {
    std::string inplace = std::string(op) + "_";
    if (auto r = tryCallOp(inplace, {cur, rhs}, {}, s.range)) {
      if (target.kind == ExprKind::Subscript) emitAssignTo(target, *r, s.range);
      return;
    }
  }
  Value* result = callOp(op, {cur, rhs}, s.range, {}, std::string(binOpSymbol(s.bin_op)) + "=");
  emitAssignTo(target, result, s.range);
}

void FunctionEmitter::emitAssignTo(const Expr& target, Value* value, const SourceRange& range, TypePtr annotation) {
  switch (target.kind) {
    case ExprKind::Name:
      // Only an annotation needs the earlier binding (define looks it up anyway).
      if (annotation)
        if (Var* v = lookup(target.name); v && v->value && !isFlag(target.name) && *annotation != *v->declared)
          errorAt(target.range, "variable '" + target.name + "' is re-annotated with a different type");
      define(target.name, value, annotation, target.range);
      return;
    case ExprKind::TupleLit:
    case ExprKind::ListLit: {
      std::vector<Value*> parts = unpack(value, target.elts.size(), target.range);
      for (size_t i = 0; i < parts.size(); ++i) emitAssignTo(*target.elts[i], parts[i], range);
      return;
    }
    case ExprKind::Attribute: {
      Value* obj = emitExpr(*target.a);
      if (obj->type()->kind() != lang::TypeKind::Class) errorAt(target.range, "cannot assign to attribute of " + obj->type()->str());
      assignAttribute(obj, target.name, value, range, annotation, target.range);
      return;
    }
    case ExprKind::Subscript: {
      Value* obj = emitExpr(*target.a);
      lang::TypeKind k = obj->type()->kind();
      if (k == lang::TypeKind::Tensor) {
        // t[idx] = v: write through the indexed view; tensor indices write
        // with index_put_ on that view (a number becomes a tensor of its dtype).
        Value* indices = nullptr;
        Value* view = emitTensorIndex(obj, target, &indices);
        bool is_tensor = value->type()->kind() == lang::TypeKind::Tensor;
        if (!indices) {
          callOp(is_tensor ? "aten::copy_" : "aten::fill_", {view, value}, range);
          return;
        }
        if (!is_tensor)
          value = callOp("aten::tensor", {value}, range,
                         {{"dtype", callOp("prim::dtype", {view}, range)}, {"device", callOp("prim::device", {view}, range)}});
        callOp("aten::index_put_", {view, indices, value, constant(IValue(false))}, range);
        return;
      }
      if (target.elts.size() != 1 || target.elts[0]->kind == ExprKind::Slice)
        errorAt(target.range, "slice assignment is only supported on tensors");
      TypePtr key_hint = k == lang::TypeKind::Dict ? obj->type()->key() : nullptr;
      Value* idx = emitExpr(*target.elts[0], key_hint);
      if (k == lang::TypeKind::List && !lang::isSubtypeOf(value->type(), obj->type()->elem()))
        errorAt(range, "cannot assign a value of type " + value->type()->str() + " into a " + obj->type()->str());
      if (k == lang::TypeKind::Dict && !lang::isSubtypeOf(value->type(), obj->type()->value()))
        errorAt(range, "cannot assign a value of type " + value->type()->str() + " into a " + obj->type()->str());
      callOp("aten::_set_item", {obj, idx, value}, range);
      return;
    }
    case ExprKind::Starred: errorAt(target.range, "starred assignment targets are not supported in TorchScript");
    default: errorAt(target.range, "cannot assign to this expression");
  }
}

void FunctionEmitter::assignAttribute(Value* obj, const std::string& name, Value* value, const SourceRange& range,
                                      TypePtr annotation, const SourceRange& target_range) {
  const SourceRange& at = target_range.valid() ? target_range : range;
  auto cls = std::const_pointer_cast<lang::ClassType>(std::static_pointer_cast<const lang::ClassType>(obj->type()));
  auto slot = cls->findAttribute(name);
  bool in_init = def_.extra().name == "__init__" && self_class_ && cls == self_class_;
  if (!slot) {
    if (!in_init) errorAt(at, "class " + cls->str() + " has no attribute '" + name + "'");
    if (!annotation)
      if (ClassInfo* ci = module_.constructionPhase() ? module_.classOfType(cls) : nullptr; ci && ci->kind == ClassInfo::Module)
        annotation = module_.classBodyType(*ci, name);
    TypePtr t = annotation && annotation->kind() != lang::TypeKind::Optional && annotation->kind() != lang::TypeKind::Union
                    ? annotation
                    : value->type();
    cls->addAttribute(name, t);
    slot = cls->findAttribute(name);
  }
  TypePtr attr_type = cls->attributes()[*slot].type;
  if (!lang::isSubtypeOf(value->type(), attr_type)) {
    // A module's __init__ runs before its methods are typed (Note [Module
    // phases]): an attribute may hold a tensor or None, or different modules,
    // and is typed again from the value it ends up with.
    ClassInfo* ci = in_init && module_.constructionPhase() ? module_.classOfType(cls) : nullptr;
    if (!ci || ci->kind != ClassInfo::Module)
      errorAt(range, "attribute '" + name + "' has type " + attr_type->str() + " but is assigned a value of type " +
                         value->type()->str());
    auto u = lang::unifyTypes(attr_type, value->type());
    cls->setAttributeType(*slot, u ? *u : lang::anyType());
  }
  Node* n = graph_->insertNode(graph_->create(prim::SetAttr, {obj, value}, 0));
  n->s_(attr::name, name)->setSourceRange(range);
}

void FunctionEmitter::emitDel(const Expr& target) {
  if (target.kind == ExprKind::Subscript && target.elts.size() == 1) {
    Value* obj = emitExpr(*target.a);
    Value* idx = emitExpr(*target.elts[0]);
    callOp("aten::Delete", {obj, idx}, target.range, {}, "del");  // torch's name for `del x[i]`
    return;
  }
  if (target.kind == ExprKind::Name) {
    scope_->vars[target.name] = {nullptr, nullptr};
    return;
  }
  errorAt(target.range, "unsupported del target");
}

}  // namespace wick::frontend
