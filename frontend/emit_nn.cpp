// torch.nn in scripts: what a module's __init__ may do in the construction
// phase (parameters, buffers, containers, super().__init__()), and what the
// compiled phase adds (modules built while compiling, calling submodules,
// containers unrolled, train()/eval(), static conditions). Note [Module
// phases] in module_builder.cpp tells the two phases apart.
#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;
namespace prim = lang::prim;
namespace attr = lang::attr;

namespace {

ClassInfo::Container containerKind(const std::string& q) {
  for (const char* ns : {"torch.nn.", "torch.nn.modules.container."}) {
    if (q == std::string(ns) + "ModuleList") return ClassInfo::ModuleList;
    if (q == std::string(ns) + "Sequential") return ClassInfo::Sequential;
    if (q == std::string(ns) + "ModuleDict") return ClassInfo::ModuleDict;
  }
  return ClassInfo::NoContainer;
}

const lang::ClassType& classOf(Value* v) { return static_cast<const lang::ClassType&>(*v->type()); }

std::optional<std::string> stringConstant(Value* v) {
  if (v->node()->kind() != prim::Constant || !v->node()->hasAttribute(attr::value)) return std::nullopt;
  const IValue& c = v->node()->ival(attr::value);
  if (!c.isStr()) return std::nullopt;
  return c.toStr();
}

}  // namespace

Value* FunctionEmitter::emitNnCall(const std::string& q, const Expr& call) {
  if (q == "torch.nn.Module.__init__") return constant(IValue(), call.range);
  if (q == "torch.nn.Parameter" || q == "torch.nn.parameter.Parameter") {
    // A parameter is a tensor that requires grad; the flag tells parameters
    // from plain tensor attributes when the module is built.
    if (call.elts.empty()) errorAt(call.range, "torch.nn.Parameter() needs a tensor");
    Value* t = emitExpr(*call.elts[0]);
    if (t->type()->kind() != TypeKind::Tensor) errorAt(call.elts[0]->range, "torch.nn.Parameter() needs a tensor, found " + t->type()->str());
    Value* flag = call.elts.size() > 1 ? emitExpr(*call.elts[1]) : nullptr;
    for (const Keyword& k : call.extra().keywords)
      if (k.name == "requires_grad") flag = emitExpr(*k.value);
    return callOp("aten::requires_grad_", {t, flag ? flag : constant(IValue(true))}, call.range);
  }
  if (ClassInfo::Container kind = containerKind(q)) {
    if (module_.constructionPhase()) return buildContainer(kind, call);
    return buildModuleConstant(module_.containerClass(kind), call);
  }
  if (ClassInfo* c = module_.nnClass(q)) return constructClass(*c, call);
  // torch.nn.init.uniform_ and the prelude's other functions.
  if (module_.loadPreludeOf(q) && module_.findDef(q)) return callUserFunction(module_.function(q), call);
  return nullptr;
}

// Construction phase: a container's submodules live in its `_modules`, a
// List[Any] (Dict[str, Any] for ModuleDict); building the module gives them
// their names ("0", "1", ... or the keys) and their own types.
Value* FunctionEmitter::buildContainer(ClassInfo::Container kind, const Expr& call) {
  ClassInfo& cls = module_.containerClass(kind);
  TypePtr any_list = lang::listType(lang::anyType());
  Value* items;
  if (kind == ClassInfo::Sequential) {
    std::vector<Value*> xs;
    for (const ExprPtr& x : call.elts) xs.push_back(emitExpr(*x));
    Node* n = graph_->insertNode(graph_->create(prim::ListConstruct, xs));
    n->output()->setType(any_list);
    items = n->output();
  } else {
    TypePtr hint = kind == ClassInfo::ModuleDict ? lang::dictType(lang::strType(), lang::anyType()) : any_list;
    if (call.elts.empty()) {
      items = kind == ClassInfo::ModuleDict ? callOp("aten::dict", {}, call.range) : nullptr;
      if (!items) {
        Node* n = graph_->insertNode(graph_->create(prim::ListConstruct, std::vector<Value*>{}));
        n->output()->setType(any_list);
        items = n->output();
      }
    } else {
      items = emitExpr(*call.elts[0], hint);
      // A copy, retyped: list and dict values carry their element types, and Any holds anything.
      items = callOp(kind == ClassInfo::ModuleDict ? "aten::copy" : "aten::list", {items}, call.range);
    }
    Node* c = graph_->insertNode(graph_->create(prim::unchecked_cast, {items}));
    c->output()->setType(hint);
    items = c->output();
  }
  Node* n = graph_->insertNode(graph_->create(prim::CreateObject));
  n->output()->setType(cls.type);
  n->setSourceRange(call.range);
  for (auto [name, v] : {std::pair<const char*, Value*>{"training", constant(IValue(true))}, {"_modules", items}}) {
    Node* s = graph_->insertNode(graph_->create(prim::SetAttr, {n->output(), v}, 0));
    s->s_(attr::name, name);
  }
  return n->output();
}

Value* FunctionEmitter::emitModuleSelfCall(Value* self, const std::string& name, const Expr& call) {
  if (!module_.constructionPhase()) return nullptr;
  ClassInfo* cls = module_.classOfType(self->type());
  if (cls && cls->container != ClassInfo::NoContainer) {
    // ModuleList.append / extend / insert, ModuleDict.update and item assignment: on `_modules`.
    Value* items = classAttribute(self, "_modules", call.range);
    if (name == "append" || name == "extend" || name == "insert" || name == "update") {
      std::vector<Value*> args{items};
      for (const ExprPtr& x : call.elts) args.push_back(emitExpr(*x, name == "extend" ? items->type() : nullptr));
      if (name == "extend") args.back() = callOp("aten::list", {args.back()}, call.range);
      if (name == "extend" || name == "update") {
        Node* c = graph_->insertNode(graph_->create(prim::unchecked_cast, {args.back()}));
        c->output()->setType(items->type());
        args.back() = c->output();
      }
      callOp("aten::" + name, args, call.range);
      return self;
    }
    return nullptr;
  }
  bool is_buffer = name == "register_buffer";
  if (!is_buffer && name != "register_parameter" && name != "add_module" && name != "register_module") return nullptr;
  if (call.elts.size() < 2) errorAt(call.range, name + "() takes a name and a value");
  Value* key = emitExpr(*call.elts[0]);
  auto attr_name = stringConstant(key);
  Value* v = emitExpr(*call.elts[1]);
  if (name == "register_parameter" && v->type()->kind() == TypeKind::Tensor)
    v = callOp("aten::requires_grad_", {v, constant(IValue(true))}, call.range);
  if (!attr_name) {
    // A computed name (an RNN's weight_ih_l{k}): set when __init__ runs.
    if (key->type()->kind() != TypeKind::Str) errorAt(call.elts[0]->range, name + "() takes the attribute name as a str");
    if (is_buffer) errorAt(call.elts[0]->range, "register_buffer() needs the buffer's name as a string constant");
    callOp("prim::setattr_dynamic", {self, key, v}, call.range);
    return constant(IValue(), call.range);
  }
  // The same rules as `self.<name> = value`, on the already-emitted self.
  assignAttribute(self, *attr_name, v, call.range);
  if (is_buffer) {
    auto& ct = const_cast<lang::ClassType&>(classOf(self));
    ct.attributes()[*ct.findAttribute(*attr_name)].is_buffer = true;
  }
  return constant(IValue(), call.range);
}

Value* FunctionEmitter::buildModuleConstant(ClassInfo& cls, const Expr& call) {
  // Compiled phase (Note [Module phases]): the module is built now, while
  // this function compiles, and the function holds it as a constant.
  auto value = [&](const Expr& x) -> IValue {
    Value* v = emitExpr(x);
    if (v->node()->kind() != prim::Constant)
      errorAt(x.range, "wick builds modules while compiling the function that creates them, so the arguments of " +
                           cls.type->str() + "() must be constants");
    return v->node()->hasAttribute(attr::value) ? v->node()->ival(attr::value) : IValue();
  };
  struct Depth {
    int& d;
    ~Depth() { --d; }
  } depth{++module_.build_depth};
  bool top = module_.build_depth == 1;
  std::vector<IValue> args;
  std::vector<std::pair<std::string, IValue>> kwargs;
  if (cls.container != ClassInfo::NoContainer) {
    // nn.Sequential(a, b), nn.ModuleList([a, b]), nn.ModuleDict({"a": a}): the literal's items.
    std::vector<std::pair<std::string, IValue>> items;
    if (cls.container == ClassInfo::Sequential) {
      for (size_t i = 0; i < call.elts.size(); ++i) items.push_back({std::to_string(i), value(*call.elts[i])});
    } else if (!call.elts.empty()) {
      const Expr& lit = *call.elts[0];
      if (cls.container == ClassInfo::ModuleList && lit.kind == ExprKind::ListLit) {
        for (size_t i = 0; i < lit.elts.size(); ++i) items.push_back({std::to_string(i), value(*lit.elts[i])});
      } else if (cls.container == ClassInfo::ModuleDict && lit.kind == ExprKind::DictLit) {
        for (size_t i = 0; i < lit.elts.size(); ++i) {
          IValue k = value(*lit.elts[i]);
          if (!k.isStr()) errorAt(lit.elts[i]->range, "ModuleDict keys must be strings");
          items.push_back({k.toStr(), value(*lit.extra().values[i])});
        }
      } else {
        errorAt(lit.range, "outside a module's __init__, wick builds containers from a literal list (or dict) of modules");
      }
    }
    for (auto& [k, v] : items)
      if (!v.isObject() || !v.toObject()->type->isModule()) errorAt(call.range, "a container holds modules only");
    IValue c = module_.buildContainer(cls.container, std::move(items));
    if (top) module_.loadWeights(c, call.range);
    return constant(c, call.range, c.toObject()->type);
  }
  for (const ExprPtr& x : call.elts) {
    if (x->kind == ExprKind::Starred) errorAt(x->range, "starred arguments are not supported here");
    args.push_back(value(*x));
  }
  for (const Keyword& k : call.extra().keywords) kwargs.push_back({k.name, value(*k.value)});
  IValue m = module_.buildModule(cls, std::move(args), std::move(kwargs), call.range);
  if (top) module_.loadWeights(m, call.range);
  return constant(m, call.range, m.toObject()->type);
}

Value* FunctionEmitter::emitModuleMethod(Value* self, const std::string& name, const Expr& call) {
  if (name == "named_parameters" || name == "named_buffers") {
    Value* out = callOp("prim::module_" + name, {self}, call.range);
    out->setType(lang::listType(lang::tupleType({lang::strType(), lang::tensorType()})));
    return out;
  }
  if (name == "parameters" || name == "buffers" || name == "state_dict")
    return callOp("prim::module_" + name, {self}, call.range);
  if (name != "train" && name != "eval") return nullptr;
  Value* mode = name == "eval" ? constant(IValue(false)) : call.elts.empty() ? constant(IValue(true)) : emitExpr(*call.elts[0]);
  if (mode->type()->kind() != TypeKind::Bool) errorAt(call.range, "train() takes a bool");
  callOp("prim::module_train", {self, mode}, call.range);
  return self;
}

std::vector<std::pair<std::string, Value*>> FunctionEmitter::containerItems(Value* container, const SourceRange& r) {
  std::vector<std::pair<std::string, Value*>> out;
  for (const auto& a : classOf(container).attributes())
    if (a.is_module) out.push_back({a.name, classAttribute(container, a.name, r)});
  return out;
}

Value* FunctionEmitter::containerSubscript(Value* obj, const Expr& index, const SourceRange& r) {
  if (obj->type()->kind() != TypeKind::Class) return nullptr;
  ClassInfo* cls = module_.classOfType(obj->type());
  if (!cls || cls->container == ClassInfo::NoContainer || module_.constructionPhase()) return nullptr;
  Value* i = emitExpr(index);
  if (i->node()->kind() != prim::Constant || !i->node()->hasAttribute(attr::value))
    errorAt(index.range, "a module container is indexed with a constant (its modules have different types)");
  IValue k = i->node()->ival(attr::value);
  std::vector<std::pair<std::string, Value*>> items = containerItems(obj, r);
  if (cls->container == ClassInfo::ModuleDict) {
    if (!k.isStr()) errorAt(index.range, "ModuleDict keys are strings");
    for (auto& [name, v] : items)
      if (name == k.toStr()) return v;
    errorAt(index.range, "ModuleDict has no key '" + k.toStr() + "'");
  }
  if (!k.isInt()) errorAt(index.range, "module containers are indexed with an int");
  int64_t n = static_cast<int64_t>(items.size()), at = k.toInt() < 0 ? k.toInt() + n : k.toInt();
  if (at < 0 || at >= n) errorAt(index.range, "index " + std::to_string(k.toInt()) + " is out of range for a container of " +
                                                   std::to_string(n) + " modules");
  return items[at].second;
}


}  // namespace wick::frontend
