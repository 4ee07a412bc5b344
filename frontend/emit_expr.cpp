// Expressions: literals, names, operators, subscripts, attributes, displays.
#include <cmath>

#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;
namespace prim = lang::prim;
namespace attr = lang::attr;

Value* FunctionEmitter::constant(const IValue& v, const SourceRange& r, TypePtr type) {
  return graph_->insertConstant(v, r, type);
}

Value* FunctionEmitter::toBool(Value* v, const SourceRange& r) {
  if (v->type()->kind() == TypeKind::Bool) return v;
  if (auto b = tryCallOp("aten::Bool", {v}, {}, r)) return *b;
  errorAt(r, "expected a value of type bool for the condition, found " + v->type()->str());
}

Value* FunctionEmitter::tupleIndex(Value* tuple, size_t i, const SourceRange& r) {
  const auto& elems = tuple->type()->contained();
  if (i >= elems.size()) errorAt(r, "tuple index out of range");
  Node* n = graph_->insertNode(graph_->create(prim::TupleIndex, {tuple, constant(IValue(static_cast<int64_t>(i)))}));
  n->output()->setType(elems[i]);
  n->setSourceRange(r);
  return n->output();
}

std::vector<Value*> FunctionEmitter::unpack(Value* v, size_t n, const SourceRange& r) {
  TypePtr t = v->type();
  Node* node;
  if (t->kind() == TypeKind::Tuple) {
    if (t->contained().size() != n)
      errorAt(r, "cannot unpack a tuple of " + std::to_string(t->contained().size()) + " elements into " + std::to_string(n) + " targets");
    node = graph_->create(prim::TupleUnpack, {v}, n);
    for (size_t i = 0; i < n; ++i) node->output(i)->setType(t->contained()[i]);
  } else if (t->kind() == TypeKind::List) {
    node = graph_->create(prim::ListUnpack, {v}, n);
    for (size_t i = 0; i < n; ++i) node->output(i)->setType(t->elem());
  } else {
    errorAt(r, "cannot unpack a value of type " + t->str());
  }
  graph_->insertNode(node)->setSourceRange(r);
  return node->outputs();
}

Value* FunctionEmitter::emitExpr(const Expr& e, TypePtr hint) {
  switch (e.kind) {
    case ExprKind::Name: return emitName(e);
    case ExprKind::IntLit:
      if (e.int_overflow) errorAt(e.range, "integer literal " + e.name + " is too large for a 64-bit int");
      return constant(IValue(e.int_value), e.range);
    case ExprKind::FloatLit: return constant(IValue(e.float_value), e.range);
    case ExprKind::StrLit: return constant(IValue(e.name), e.range);
    case ExprKind::BoolLit: return constant(IValue(e.bool_value), e.range);
    case ExprKind::NoneLit: return constant(IValue(), e.range);
    case ExprKind::FStr: return emitFString(e);
    case ExprKind::BinOp: return emitBinOp(e);
    case ExprKind::UnaryOp: {
      if (e.unary_op == UnaryOpKind::Neg && e.a->kind == ExprKind::IntLit)
        return constant(IValue(static_cast<int64_t>(0ULL - static_cast<uint64_t>(e.a->int_value))), e.range);
      if (e.unary_op == UnaryOpKind::Neg && e.a->kind == ExprKind::FloatLit) return constant(IValue(-e.a->float_value), e.range);
      Value* v = emitExpr(*e.a);
      switch (e.unary_op) {
        case UnaryOpKind::Neg: return callOp("aten::neg", {v}, e.range, {}, "unary -");
        case UnaryOpKind::Pos: return v;
        case UnaryOpKind::Not: {
          Value* b = toBool(v, e.range);
          // Folded, so `if not self.c:` stays decided statically (staticCondition).
          if (b->node()->kind() == prim::Constant) return constant(IValue(!b->node()->ival(attr::value).toBool()), e.range);
          return callOp("aten::__not__", {b}, e.range, {}, "not");
        }
        case UnaryOpKind::Invert: return callOp("aten::bitwise_not", {v}, e.range, {}, "~");
      }
      return v;
    }
    case ExprKind::BoolOp: return emitBoolOp(e);
    case ExprKind::Compare: return emitCompare(e);
    case ExprKind::IfExp: return emitIfExp(e, hint);
    case ExprKind::Subscript: return emitSubscript(e);
    case ExprKind::Attribute: return emitAttribute(e);
    case ExprKind::Call: return emitCall(e, hint);
    case ExprKind::ListLit: return emitListLit(e, hint);
    case ExprKind::TupleLit: return emitTupleLit(e, hint);
    case ExprKind::DictLit: return emitDictLit(e, hint);
    case ExprKind::ListComp: return emitListComp(e, hint);
    case ExprKind::DictComp: return emitDictComp(e, hint);
    case ExprKind::Lambda: errorAt(e.range, "lambda expressions are not supported in TorchScript");
    case ExprKind::Starred: errorAt(e.range, "starred expressions are only allowed in calls");
    case ExprKind::Ellipsis: errorAt(e.range, "'...' is only allowed in tensor indexing");
    case ExprKind::Slice: errorAt(e.range, "a slice is only allowed inside []");
  }
  errorAt(e.range, "unsupported expression");
}

Value* FunctionEmitter::emitName(const Expr& e) {
  if (Var* v = lookup(e.name)) {
    if (!v->value) {
      if (v->undefined_at.valid())
        throw lang::CompileError(v->undefined_at, "'" + e.name + "' is not defined in the false branch or the true branch of this if",
                                 {{e.range, "used here"}});
      errorAt(e.range, "'" + e.name + "' is not defined here (it was deleted)");
    }
    return v->value;
  }
  if (const Expr* g = module_.globalConstant(e.name)) return emitExpr(*g);
  if (Value* v = emitArchiveName(e)) return v;
  if (module_.findDef(e.name)) {
    // `f = helper`: a function value, its callee known statically from its type.
    lang::Function* fn = module_.function(e.name);
    return constant(IValue(lang::Ref<lang::FunctionObj>::make(fn)), e.range, lang::functionType(fn));
  }
  errorAt(e.range, "undefined value '" + e.name + "'");
}

Value* FunctionEmitter::emitFString(const Expr& e) {
  std::string fmt;
  std::vector<Value*> args;
  const std::vector<std::string>& format_specs = e.extra().format_specs;
  for (size_t i = 0; i < e.elts.size(); ++i) {
    if (format_specs[i].find(':') != std::string::npos)
      errorAt(e.elts[i]->range, "format specifications in f-strings are not supported in TorchScript; use str.format");
    if (format_specs[i].empty()) {
      for (char c : e.elts[i]->name) {
        fmt += c;
        if (c == '{' || c == '}') fmt += c;
      }
    } else {
      fmt += format_specs[i];
      args.push_back(emitExpr(*e.elts[i]));
    }
  }
  args.insert(args.begin(), constant(IValue(fmt), e.range));
  return callOp("aten::format", args, e.range);
}

Value* FunctionEmitter::emitBinOp(const Expr& e) {
  static const char* ops[] = {"aten::add", "aten::sub", "aten::mul", "aten::div", "aten::floordiv", "aten::remainder",
                              "aten::pow", "aten::matmul", "aten::__lshift__", "aten::__rshift__", "aten::__and__",
                              "aten::__or__", "aten::__xor__"};
  Value* a = emitExpr(*e.a);
  Value* b = emitExpr(*e.b);
  if (e.bin_op == BinOpKind::Mod && a->type()->kind() == TypeKind::Str) return callOp("aten::percentFormat", {a, b}, e.range);
  if (a->type()->kind() == TypeKind::Float && b->type()->kind() == TypeKind::Float &&
      (e.bin_op == BinOpKind::BitAnd || e.bin_op == BinOpKind::BitOr || e.bin_op == BinOpKind::BitXor ||
       e.bin_op == BinOpKind::LShift || e.bin_op == BinOpKind::RShift))
    errorAt(e.range, std::string("unsupported operand types for ") + binOpSymbol(e.bin_op) + ": 'float' and 'float'");
  return callOp(ops[static_cast<int>(e.bin_op)], {a, b}, e.range, {}, binOpSymbol(e.bin_op));
}

namespace {
const char* cmpOpName(CmpOpKind op) {
  switch (op) {
    case CmpOpKind::Eq: return "aten::eq";
    case CmpOpKind::NotEq: return "aten::ne";
    case CmpOpKind::Lt: return "aten::lt";
    case CmpOpKind::LtE: return "aten::le";
    case CmpOpKind::Gt: return "aten::gt";
    case CmpOpKind::GtE: return "aten::ge";
    case CmpOpKind::Is: return "aten::__is__";
    case CmpOpKind::IsNot: return "aten::__isnot__";
    default: return "aten::__contains__";
  }
}
}  // namespace

Value* FunctionEmitter::emitCompare(const Expr& e) {
  auto one = [&](Value* a, CmpOpKind op, Value* b) -> Value* {
    if (op == CmpOpKind::In || op == CmpOpKind::NotIn) {
      Value* r = callOp("aten::__contains__", {b, a}, e.range, {}, "in");
      return op == CmpOpKind::NotIn ? callOp("aten::__not__", {r}, e.range) : r;
    }
    if (op == CmpOpKind::Is || op == CmpOpKind::IsNot) {
      // `x is None` is decided statically when x cannot be None (or must be).
      bool is = op == CmpOpKind::Is;
      auto canBeNone = [](const TypePtr& t) {
        return t->kind() == TypeKind::None || t->kind() == TypeKind::Optional || t->kind() == TypeKind::Any ||
               (t->kind() == TypeKind::Union &&
                std::any_of(t->contained().begin(), t->contained().end(), [](const TypePtr& c) { return c->kind() == TypeKind::None; }));
      };
      if (b->type()->kind() == TypeKind::None) {
        if (!canBeNone(a->type())) return constant(IValue(!is));
        if (a->type()->kind() == TypeKind::None) return constant(IValue(is));
      }
    }
    return callOp(cmpOpName(op), {a, b}, e.range, {}, cmpOpSymbol(op));
  };
  const std::vector<CompareOp>& comparisons = e.extra().comparisons;
  Value* lhs = emitExpr(*e.a);
  if (comparisons.size() == 1) return one(lhs, comparisons[0].op, emitExpr(*comparisons[0].rhs, lhs->type()));
  // a < b < c: (a < b) and (b < c), evaluating b once and c only when needed.
  std::function<Value*(Value*, size_t)> chain = [&](Value* left, size_t i) -> Value* {
    Value* right = emitExpr(*comparisons[i].rhs);
    Value* r = one(left, comparisons[i].op, right);
    if (i + 1 == comparisons.size()) return r;
    Node* n = graph_->insertNode(graph_->create(prim::If, {r}, 1));
    n->output()->setType(lang::boolType());
    Block* t = n->addBlock();
    Block* f = n->addBlock();
    Node* save = graph_->insertPoint();
    graph_->setInsertPoint(t);
    t->registerOutput(chain(right, i + 1));
    graph_->setInsertPoint(f);
    f->registerOutput(constant(IValue(false)));
    graph_->setInsertPoint(save);
    return n->output();
  };
  return chain(lhs, 0);
}

Value* FunctionEmitter::emitBoolOp(const Expr& e) {
  // Short-circuit through prim::If; TorchScript converts both sides to bool.
  bool is_and = e.bool_op == BoolOpKind::And;
  std::function<Value*(size_t)> rest = [&](size_t i) -> Value* {
    Value* v = toBool(emitExpr(*e.elts[i]), e.elts[i]->range);
    if (i + 1 == e.elts.size()) return v;
    CondRefinements ref = refinementsOf(*e.elts[i]);
    if (v->node()->kind() == lang::prim::Constant) {
      // `False and ...` / `True or ...` is decided and the rest not compiled;
      // otherwise the rest decides. As TorchScript, so that `if` stays static.
      if (v->node()->ival(attr::value).toBool() != is_and) return v;
      auto scope = std::make_unique<Scope>();
      scope->parent = scope_;
      scope_ = scope.get();
      applyRefinements(is_and ? ref.when_true : ref.when_false, e.range);
      Value* r = rest(i + 1);
      scope_ = scope->parent;
      return r;
    }
    Node* n = graph_->insertNode(graph_->create(lang::prim::If, {v}, 1));
    n->output()->setType(lang::boolType());
    Block* t = n->addBlock();
    Block* f = n->addBlock();
    Node* save = graph_->insertPoint();
    for (int b = 0; b < 2; ++b) {
      Block* blk = b == 0 ? t : f;
      graph_->setInsertPoint(blk);
      bool continues = (b == 0) == is_and;
      if (continues) {
        auto scope = std::make_unique<Scope>();
        scope->parent = scope_;
        scope_ = scope.get();
        applyRefinements(is_and ? ref.when_true : ref.when_false, e.range);
        blk->registerOutput(rest(i + 1));
        scope_ = scope->parent;
      } else {
        blk->registerOutput(constant(IValue(!is_and)));
      }
    }
    graph_->setInsertPoint(save);
    return n->output();
  };
  return rest(0);
}

std::optional<bool> FunctionEmitter::staticCondition(Value* cond) {
  Node* n = cond->node();
  if (n->kind() != prim::Constant || cond->type()->kind() != TypeKind::Bool) return std::nullopt;
  return n->ival(lang::attr::value).toBool();
}

Value* FunctionEmitter::emitIfExp(const Expr& e, TypePtr hint) {
  Value* cond = toBool(emitExpr(*e.a), e.a->range);
  CondRefinements ref = refinementsOf(*e.a);
  if (std::optional<bool> taken = staticCondition(cond)) {  // only the branch taken compiles
    auto scope = std::make_unique<Scope>();
    scope->parent = scope_;
    scope_ = scope.get();
    applyRefinements(*taken ? ref.when_true : ref.when_false, e.range);
    Value* v = emitExpr(*taken ? *e.b : *e.c, hint);
    scope_ = scope->parent;
    return v;
  }
  Node* n = graph_->insertNode(graph_->create(prim::If, {cond}, 1));
  Value* vals[2];
  Node* save = graph_->insertPoint();
  for (int b = 0; b < 2; ++b) {
    Block* blk = n->addBlock();
    graph_->setInsertPoint(blk);
    auto scope = std::make_unique<Scope>();
    scope->parent = scope_;
    scope_ = scope.get();
    applyRefinements(b == 0 ? ref.when_true : ref.when_false, e.range);
    vals[b] = emitExpr(b == 0 ? *e.b : *e.c, hint);
    blk->registerOutput(vals[b]);
    scope_ = scope->parent;
  }
  graph_->setInsertPoint(save);
  auto u = lang::unifyTypes(vals[0]->type(), vals[1]->type());
  if (!u) errorAt(e.range, "the two branches of the conditional expression have types " + vals[0]->type()->str() + " and " + vals[1]->type()->str());
  n->output()->setType(*u);
  return n->output();
}

Value* FunctionEmitter::emitSlice(Value* obj, const Expr& slice, const SourceRange& range) {
  Value* start = slice.a ? emitExpr(*slice.a) : constant(IValue());
  Value* end = slice.b ? emitExpr(*slice.b) : constant(IValue());
  Value* step = slice.c ? emitExpr(*slice.c) : constant(IValue(int64_t(1)));
  if (obj->type()->kind() == TypeKind::Tuple) {
    auto asConst = [&](const Expr* x, int64_t dflt) -> int64_t {
      if (!x) return dflt;
      if (x->kind == ExprKind::IntLit) return x->int_value;
      if (x->kind == ExprKind::UnaryOp && x->unary_op == UnaryOpKind::Neg && x->a->kind == ExprKind::IntLit) return -x->a->int_value;
      errorAt(x->range, "tuple slices must use integer constants");
    };
    int64_t n = static_cast<int64_t>(obj->type()->contained().size());
    int64_t st = asConst(slice.c.get(), 1);
    IValue s0 = slice.a ? IValue(asConst(slice.a.get(), 0)) : IValue();
    IValue e0 = slice.b ? IValue(asConst(slice.b.get(), 0)) : IValue();
    std::vector<Value*> items;
    // Python slice semantics on the static element list.
    int64_t b = s0.isNone() ? (st > 0 ? 0 : n - 1) : s0.toInt();
    int64_t en = e0.isNone() ? (st > 0 ? n : -1) : e0.toInt();
    if (!s0.isNone() && b < 0) b += n;
    if (!e0.isNone() && en < 0) en += n;
    b = std::max<int64_t>(st > 0 ? 0 : -1, std::min(b, st > 0 ? n : n - 1));
    en = std::max<int64_t>(st > 0 ? 0 : -1, std::min(en, st > 0 ? n : n - 1));
    for (int64_t i = b; st > 0 ? i < en : i > en; i += st) items.push_back(tupleIndex(obj, static_cast<size_t>(i), range));
    std::vector<TypePtr> types;
    for (Value* v : items) types.push_back(v->type());
    Node* t = graph_->insertNode(graph_->create(prim::TupleConstruct, items));
    t->output()->setType(lang::tupleType(types));
    return t->output();
  }
  if (obj->type()->kind() == TypeKind::Tensor)
    return callOp("aten::slice", {obj, constant(IValue(int64_t(0))), start, end, step}, range);
  return callOp("aten::slice", {obj, start, end, step}, range);
}

Value* FunctionEmitter::emitSubscript(const Expr& e) {
  Value* obj = emitExpr(*e.a);
  TypeKind k = obj->type()->kind();
  if (e.elts.size() == 1)
    if (Value* m = containerSubscript(obj, *e.elts[0], e.range)) return m;
  if (k == TypeKind::Tensor) {
    Value* indices = nullptr;
    Value* view = emitTensorIndex(obj, e, &indices);
    return indices ? callOp("aten::index", {view, indices}, e.range) : view;
  }
  return emitContainerSubscript(obj, e);
}

// Basic indexing, dimension by dimension: ints select, slices narrow, None
// inserts a dimension. Returns that view; tensor (or list) indices, if any,
// come back in *indices as the Tensor?[] that aten::index / index_put_ take
// on the view (None for dimensions they leave alone).
Value* FunctionEmitter::emitTensorIndex(Value* obj, const Expr& e, Value** indices) {
  int64_t dim = 0;
  std::vector<Value*> tensor_indices;
  bool advanced = false;
  size_t ellipsis = e.elts.size();
  for (size_t i = 0; i < e.elts.size(); ++i)
    if (e.elts[i]->kind == ExprKind::Ellipsis) {
      if (ellipsis != e.elts.size()) errorAt(e.elts[i]->range, "an index can only have a single ellipsis ('...')");
      ellipsis = i;
    }
  if (ellipsis < e.elts.size()) {
    // After `...` the indices address the last dimensions: walk them right
    // to left with negative dims, `offset` counting result dims already
    // placed to the right.
    int64_t offset = 0;
    for (size_t i = e.elts.size(); i-- > ellipsis + 1;) {
      const Expr& idx = *e.elts[i];
      Value* d = constant(IValue(-(offset + 1)));
      if (idx.kind == ExprKind::Slice) {
        Value* start = idx.a ? emitExpr(*idx.a) : constant(IValue());
        Value* end = idx.b ? emitExpr(*idx.b) : constant(IValue());
        Value* step = idx.c ? emitExpr(*idx.c) : constant(IValue(int64_t(1)));
        obj = callOp("aten::slice", {obj, d, start, end, step}, e.range);
        ++offset;
      } else if (idx.kind == ExprKind::NoneLit) {
        obj = callOp("aten::unsqueeze", {obj, d}, e.range);
        ++offset;
      } else {
        Value* v = emitExpr(idx);
        if (v->type()->kind() != TypeKind::Int) errorAt(idx.range, "only ints, slices and None may follow '...' in an index");
        obj = callOp("aten::select", {obj, d, v}, e.range);
      }
    }
  }
  Value* cur = obj;
  for (size_t i = 0; i < ellipsis; ++i) {
    const ExprPtr& idx = e.elts[i];
    if (idx->kind == ExprKind::Slice) {
      Value* start = idx->a ? emitExpr(*idx->a) : constant(IValue());
      Value* end = idx->b ? emitExpr(*idx->b) : constant(IValue());
      Value* step = idx->c ? emitExpr(*idx->c) : constant(IValue(int64_t(1)));
      cur = callOp("aten::slice", {cur, constant(IValue(dim)), start, end, step}, e.range);
      tensor_indices.push_back(nullptr);
      ++dim;
    } else if (idx->kind == ExprKind::NoneLit) {
      cur = callOp("aten::unsqueeze", {cur, constant(IValue(dim))}, e.range);
      tensor_indices.push_back(nullptr);
      ++dim;
    } else {
      Value* v = emitExpr(*idx);
      TypeKind vk = v->type()->kind();
      if (vk != TypeKind::Int && vk != TypeKind::Tensor && vk != TypeKind::List)
        errorAt(idx->range, "Unsupported operation: indexing tensor with unsupported index type '" + v->type()->str() +
                                "'. Only ints, slices, lists and tensors are supported");
      if (vk == TypeKind::Int) {
        cur = callOp("aten::select", {cur, constant(IValue(dim)), v}, e.range);
      } else {
        // A list index is a long tensor, bools included (TorchScript: x[[True, False]] is x[[1, 0]]).
        if (v->type()->kind() == TypeKind::List)
          v = callOp("aten::tensor", {v}, e.range, {{"dtype", constant(IValue(int64_t(4)))}});
        tensor_indices.push_back(v);
        advanced = true;
        ++dim;
      }
    }
  }
  if (advanced) {
    std::vector<Value*> items;
    for (Value* v : tensor_indices) items.push_back(v ? v : constant(IValue(), e.range, lang::optionalType(lang::tensorType())));
    for (Value*& v : items)
      if (v->type()->kind() == TypeKind::Tensor) {
        Node* c = graph_->insertNode(graph_->create(prim::unchecked_cast, {v}));
        c->output()->setType(lang::optionalType(lang::tensorType()));
        v = c->output();
      }
    Node* l = graph_->insertNode(graph_->create(prim::ListConstruct, items));
    l->output()->setType(lang::listType(lang::optionalType(lang::tensorType())));
    *indices = l->output();
  }
  return cur;
}

Value* FunctionEmitter::emitContainerSubscript(Value* obj, const Expr& e) {
  TypeKind k = obj->type()->kind();
  if (e.elts.size() != 1) errorAt(e.range, "only tensors take more than one index");
  const Expr& idx = *e.elts[0];
  if (idx.kind == ExprKind::Slice) return emitSlice(obj, idx, e.range);
  if (k == TypeKind::Tuple) {
    int64_t i;
    if (idx.kind == ExprKind::IntLit) i = idx.int_value;
    else if (idx.kind == ExprKind::UnaryOp && idx.unary_op == UnaryOpKind::Neg && idx.a->kind == ExprKind::IntLit) i = -idx.a->int_value;
    else errorAt(idx.range, "tuple indices must be integer constants");
    int64_t n = static_cast<int64_t>(obj->type()->contained().size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) errorAt(idx.range, "tuple index out of range");
    return tupleIndex(obj, static_cast<size_t>(i), e.range);
  }
  TypePtr key_hint = k == TypeKind::Dict ? obj->type()->key() : nullptr;
  Value* i = emitExpr(idx, key_hint);
  return callOp("aten::__getitem__", {obj, i}, e.range, {}, "[]");
}

Value* FunctionEmitter::classAttribute(Value* obj, const std::string& name, const SourceRange& r) {
  TypePtr t = obj->type();
  auto& cls = static_cast<const lang::ClassType&>(*t);
  auto slot = cls.findAttribute(name);
  ClassInfo* ci = module_.classOfType(t);
  if (ci) {
    auto c = ci->constant_values.find(name);  // Note [Module constants]
    if (c != ci->constant_values.end()) return constant(c->second, r);
  }
  if (!slot && ci && !ci->methods_compiled) {
    module_.compileClass(*ci);
    slot = cls.findAttribute(name);
  }
  if (!slot) {
    if (ci && ci->properties.count(name)) return callFunction(module_.method(*ci, name), obj, {}, {}, r);
    if (ci && ci->constants.count(name)) return emitExpr(*ci->constants.at(name));
    errorAt(r, "'" + cls.str() + "' object has no attribute or method '" + name + "'");
  }
  Node* n = graph_->insertNode(graph_->create(prim::GetAttr, {obj}));
  n->s_(attr::name, name)->setSourceRange(r);
  n->output()->setType(cls.attributes()[*slot].type);
  return n->output();
}

Value* FunctionEmitter::emitAttribute(const Expr& e) {
  // `(__torch__.Color.RED).value` as torch prints it: the parentheses are gone
  // from the AST, so the member and its field would read as one dotted name.
  bool enum_field = (e.name == "name" || e.name == "value") && e.a->kind == ExprKind::Attribute &&
                    isArchiveEnumMember(qualifiedName(*e.a));
  std::string q = enum_field ? "" : qualifiedName(e);
  if (!q.empty()) {
    static const std::map<std::string, double> math_constants = {
        {"math.pi", M_PI}, {"math.e", M_E}, {"math.tau", 2 * M_PI}, {"math.inf", INFINITY}, {"math.nan", NAN}};
    if (auto it = math_constants.find(q); it != math_constants.end()) return constant(IValue(it->second), e.range);
    // A dtype is an int in TorchScript (c10::ScalarType's numbering).
    static const std::map<std::string, int64_t> dtypes = {
        {"torch.uint8", 0}, {"torch.int8", 1}, {"torch.int16", 2}, {"torch.short", 2}, {"torch.int32", 3},
        {"torch.int", 3}, {"torch.int64", 4}, {"torch.long", 4}, {"torch.float16", 5}, {"torch.half", 5},
        {"torch.float32", 6}, {"torch.float", 6}, {"torch.float64", 7}, {"torch.double", 7}, {"torch.bool", 11},
        {"torch.bfloat16", 15}, {"torch.complex64", 9}, {"torch.cfloat", 9}, {"torch.complex128", 10},
        {"torch.cdouble", 10},
        // memory formats and layouts are ints too (c10::MemoryFormat, c10::Layout)
        {"torch.contiguous_format", 0}, {"torch.preserve_format", 1}, {"torch.channels_last", 2},
        {"torch.channels_last_3d", 3}, {"torch.strided", 0}};
    if (auto it = dtypes.find(q); it != dtypes.end()) return constant(IValue(it->second), e.range);
    if (Value* v = module_.archiveDialect() ? emitArchiveValue(q, e.range) : nullptr) return v;
    errorAt(e.range, "'" + q + "' is not a value");
  }
  // Enum members: Color.RED.
  if (e.a->kind == ExprKind::Name && !lookup(e.a->name)) {
    if (ClassInfo* c = module_.findClass(e.a->name); c && c->kind == ClassInfo::Enum) {
      auto& et = static_cast<const lang::EnumType&>(*c->type);
      for (size_t i = 0; i < et.memberNames().size(); ++i)
        if (et.memberNames()[i] == e.name)
          return constant(IValue(lang::Ref<lang::EnumValue>::make(c->type, e.name, c->enum_values[i])), e.range, c->type);
      errorAt(e.range, "enum " + et.str() + " has no member '" + e.name + "'");
    }
  }
  Value* obj = emitExpr(*e.a);
  TypePtr t = obj->type();
  switch (t->kind()) {
    case TypeKind::Class: return classAttribute(obj, e.name, e.range);
    case TypeKind::Tuple: {
      const auto& names = t->fieldNames();
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == e.name) return tupleIndex(obj, i, e.range);
      errorAt(e.range, "'" + t->str() + "' has no field '" + e.name + "'");
    }
    case TypeKind::Enum: {
      Node* n = graph_->insertNode(graph_->create(e.name == "name" ? prim::EnumName : prim::EnumValue, {obj}));
      if (e.name != "name" && e.name != "value") errorAt(e.range, "enum values have only .name and .value");
      n->output()->setType(e.name == "name" ? lang::strType() : static_cast<const lang::EnumType&>(*t).valueType());
      return n->output();
    }
    case TypeKind::Tensor: {
      if (e.name == "shape") return callOp("aten::size", {obj}, e.range);
      if (e.name == "T") return callOp("aten::numpy_T", {obj}, e.range);
      if (e.name == "mT" || e.name == "mH" || e.name == "real" || e.name == "imag")
        return callOp("aten::" + e.name, {obj}, e.range);
      if (e.name == "H") return callOp("aten::matrix_H", {obj}, e.range);
      return callOp("prim::" + e.name, {obj}, e.range);
    }
    case TypeKind::Device:
      if (e.name == "type" || e.name == "index") return callOp("prim::" + e.name, {obj}, e.range);
      errorAt(e.range, "'Device' object has no attribute '" + e.name + "'");
    default: errorAt(e.range, "'" + t->str() + "' object has no attribute '" + e.name + "'");
  }
}

Value* FunctionEmitter::emitListLit(const Expr& e, TypePtr hint) {
  TypePtr elem_hint = hint && hint->kind() == TypeKind::List ? hint->elem() : nullptr;
  if (hint && hint->kind() == TypeKind::Optional && hint->elem()->kind() == TypeKind::List) elem_hint = hint->elem()->elem();
  std::vector<Value*> items;
  TypePtr elem = elem_hint;
  for (const ExprPtr& x : e.elts) {
    Value* v = emitExpr(*x, elem_hint);
    if (!elem) {
      elem = v->type();
    } else if (!lang::isSubtypeOf(v->type(), elem)) {
      if (elem_hint) errorAt(x->range, "list element of type " + v->type()->str() + " does not match " + elem->str());
      auto u = lang::unifyTypes(elem, v->type());
      if (!u) errorAt(e.range, "lists must contain only a single type: found " + elem->str() + " and " + v->type()->str());
      elem = *u;
    }
    items.push_back(v);
  }
  if (!elem) elem = lang::tensorType();
  Node* n = graph_->insertNode(graph_->create(prim::ListConstruct, items));
  n->output()->setType(lang::listType(elem));
  n->setSourceRange(e.range);
  if (items.empty() && !elem_hint) empty_list_literals_.insert(n->output());
  return n->output();
}

Value* FunctionEmitter::emitTupleLit(const Expr& e, TypePtr hint) {
  std::vector<Value*> items;
  std::vector<TypePtr> types;
  for (size_t i = 0; i < e.elts.size(); ++i) {
    TypePtr h = hint && hint->kind() == TypeKind::Tuple && i < hint->contained().size() ? hint->contained()[i] : nullptr;
    if (e.elts[i]->kind == ExprKind::Starred) errorAt(e.elts[i]->range, "starred expressions in tuples are not supported");
    items.push_back(emitExpr(*e.elts[i], h));
    types.push_back(items.back()->type());
  }
  Node* n = graph_->insertNode(graph_->create(prim::TupleConstruct, items));
  n->output()->setType(lang::tupleType(types));
  return n->output();
}

Value* FunctionEmitter::emitDictLit(const Expr& e, TypePtr hint) {
  if (hint && hint->kind() == TypeKind::Optional) hint = hint->elem();
  TypePtr kt = hint && hint->kind() == TypeKind::Dict ? hint->key() : nullptr;
  TypePtr vt = hint && hint->kind() == TypeKind::Dict ? hint->value() : nullptr;
  bool fixed = kt != nullptr;
  std::vector<Value*> items;
  for (size_t i = 0; i < e.elts.size(); ++i) {
    Value* k = emitExpr(*e.elts[i], kt);
    Value* v = emitExpr(*e.extra().values[i], vt);
    for (auto [val, slot] : {std::pair{k, &kt}, std::pair{v, &vt}}) {
      if (!*slot) *slot = val->type();
      else if (!lang::isSubtypeOf(val->type(), *slot)) {
        auto u = fixed ? std::nullopt : lang::unifyTypes(*slot, val->type());
        if (!u) errorAt(e.range, "dict entries must have one key type and one value type: found " + (*slot)->str() + " and " + val->type()->str());
        *slot = *u;
      }
    }
    items.push_back(k);
    items.push_back(v);
  }
  Node* n = graph_->insertNode(graph_->create(prim::DictConstruct, items));
  n->output()->setType(lang::dictType(kt ? kt : lang::strType(), vt ? vt : lang::tensorType()));
  return n->output();
}

}  // namespace wick::frontend
