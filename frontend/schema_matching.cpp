// Overload resolution against the operator registry: positional and keyword
// arguments, defaults, type variables (t, K, V, tVal), Optional and Number
// parameters, and the implicit conversions TorchScript allows (int to float,
// number to float or int, str to Device), tried only when no overload matches
// exactly.
#include <algorithm>
#include <map>
#include <set>

#include "frontend/emitter.h"

namespace wick::frontend {

using lang::IValue;
using lang::TypeKind;

namespace {

using TypeEnv = std::map<std::string, TypePtr>;

struct Match {
  const lang::Operator* op = nullptr;
  std::vector<Value*> inputs;   // schema order, then varargs
  std::vector<bool> to_scalar;  // per input: convert to the formal's int/float (int->float, number->float/int)
  std::vector<IValue> defaults; // per input: default used when inputs[i] is null
  std::vector<std::vector<Value*>> packed;  // per input: ints given as varargs for an int[] (zeros(2, 3))
  std::vector<bool> tuple_to_list;          // per input: a tuple given for a list (zeros((2, 3)))
  std::vector<bool> to_device;              // per input: a str given for a Device (x.to("cpu"))
  std::vector<bool> retype_empty;           // per input: an empty `[]` literal takes the formal's list type
  TypeEnv env;
  int generic = 0;              // arguments matched through type variables
};

bool matchType(const TypePtr& formal, const TypePtr& actual, TypeEnv& env, bool convert, bool& converted, int& generic) {
  switch (formal->kind()) {
    case TypeKind::Var: {
      ++generic;
      auto it = env.find(formal->name());
      if (it == env.end()) {
        env[formal->name()] = actual;
        return true;
      }
      if (lang::isSubtypeOf(actual, it->second)) return true;
      if (lang::isSubtypeOf(it->second, actual)) {
        it->second = actual;
        return true;
      }
      return false;
    }
    case TypeKind::List:
      if (actual->kind() != TypeKind::List) return false;
      if (formal->elem()->kind() == TypeKind::Var) return matchType(formal->elem(), actual->elem(), env, false, converted, generic);
      return *formal->elem() == *actual->elem() ||
             (formal->elem()->kind() == TypeKind::Optional && *formal->elem()->elem() == *actual->elem());
    case TypeKind::Optional:
      if (actual->kind() == TypeKind::None) return true;
      if (actual->kind() == TypeKind::Optional) return matchType(formal->elem(), actual->elem(), env, false, converted, generic);
      return matchType(formal->elem(), actual, env, convert, converted, generic);
    case TypeKind::Dict:
      return actual->kind() == TypeKind::Dict && matchType(formal->key(), actual->key(), env, false, converted, generic) &&
             matchType(formal->value(), actual->value(), env, false, converted, generic);
    case TypeKind::Tuple: {
      if (actual->kind() != TypeKind::Tuple || actual->contained().size() != formal->contained().size()) return false;
      for (size_t i = 0; i < formal->contained().size(); ++i)
        if (!matchType(formal->contained()[i], actual->contained()[i], env, false, converted, generic)) return false;
      return true;
    }
    case TypeKind::Number:
      // Scalar parameters are less specific than int/float ones. A bool is
      // not a Scalar in TorchScript (`t == True` does not compile).
      ++generic;
      return actual->kind() == TypeKind::Int || actual->kind() == TypeKind::Float ||
             actual->kind() == TypeKind::Number || lang::isSubtypeOf(actual, lang::numberType());
    case TypeKind::Any:
    case TypeKind::AnyTuple:
    case TypeKind::AnyList:
      ++generic;
      return lang::isSubtypeOf(actual, formal);
    case TypeKind::Float:
      if ((actual->kind() == TypeKind::Int || actual->kind() == TypeKind::Number) && convert) {
        converted = true;
        return true;
      }
      return actual->kind() == TypeKind::Float;
    case TypeKind::Int:
      // A number (t.item()) converts to int, as TorchScript's tryConvertToType does.
      if (actual->kind() == TypeKind::Number && convert) {
        converted = true;
        return true;
      }
      return actual->kind() == TypeKind::Int;
    default: return lang::isSubtypeOf(actual, formal);
  }
}

TypePtr substitute(const TypePtr& t, const TypeEnv& env) {
  switch (t->kind()) {
    case TypeKind::Var: {
      auto it = env.find(t->name());
      return it == env.end() ? lang::noneType() : it->second;
    }
    case TypeKind::List: return lang::listType(substitute(t->elem(), env));
    case TypeKind::Optional: return lang::optionalType(substitute(t->elem(), env));
    case TypeKind::Dict: return lang::dictType(substitute(t->key(), env), substitute(t->value(), env));
    case TypeKind::Tuple: {
      if (!t->name().empty()) return t;
      std::vector<TypePtr> elems;
      for (const auto& c : t->contained()) elems.push_back(substitute(c, env));
      return lang::tupleType(elems);
    }
    case TypeKind::Number: return lang::numberType();
    default: return t;
  }
}

// TorchScript's varargsCanBeUsedAsList: positional arguments from the last
// positional parameter on, when that parameter is a list (not a broadcasting
// int[N], not a type variable), are packed into it: x.view(2, 3),
// torch.zeros(2, 3), torch.einsum("ij,jk", a, b), torch.meshgrid(a, b).
void packVarargList(const std::vector<lang::Argument>& formals, const std::vector<Value*>& args,
                    std::vector<std::vector<Value*>>& packed, std::vector<Value*>& rest) {
  size_t p = 0;
  while (p < formals.size() && !formals[p].kwarg_only) ++p;
  if (p == 0 || args.size() < p) return;
  size_t last = p - 1;
  const auto& f = formals[last];
  if (f.type->kind() != TypeKind::List || f.list_size || f.type->elem()->kind() == TypeKind::Var) return;
  if (args.size() == p && (args[last]->type()->kind() == TypeKind::List || args[last]->type()->kind() == TypeKind::Tuple)) return;
  for (size_t q = last; q < args.size(); ++q)
    if (!lang::isSubtypeOf(args[q]->type(), f.type->elem())) return;
  packed[last].assign(args.begin() + last, args.end());
  rest.assign(args.begin(), args.begin() + last + 1);
}

// empty_lists: `[]` written in the call, which TorchScript types by the
// parameter it is passed to (`t.sum([])`, `x.view([])`), not as List[Tensor].
std::optional<Match> tryMatch(const lang::Operator* op, const std::vector<Value*>& args_in,
                              const std::vector<std::pair<std::string, Value*>>& kwargs_in, bool convert,
                              const std::set<Value*>& empty_lists, bool method, std::string& why) {
  const auto& formals = op->schema.arguments;
  // A method's receiver binds to `self` wherever the schema puts it:
  // x.where(cond, y) is where.self(Tensor condition, Tensor self, Tensor other).
  std::vector<Value*> args = args_in;
  std::vector<std::pair<std::string, Value*>> kwargs = kwargs_in;
  auto self_at = std::find_if(formals.begin(), formals.end(), [](const lang::Argument& a) { return a.name == "self"; });
  if (method && !args.empty() && self_at != formals.end() && self_at != formals.begin()) {
    size_t k = static_cast<size_t>(self_at - formals.begin());
    Value* self = args[0];
    args.erase(args.begin());
    if (args.size() >= k) args.insert(args.begin() + static_cast<std::ptrdiff_t>(k), self);
    else kwargs.emplace_back("self", self);
  }
  Match m;
  m.op = op;
  m.inputs.assign(formals.size(), nullptr);
  m.to_scalar.assign(formals.size(), false);
  m.defaults.resize(formals.size());
  size_t positional = 0;
  for (const auto& f : formals)
    if (!f.kwarg_only) ++positional;
  m.packed.resize(formals.size());
  m.tuple_to_list.assign(formals.size(), false);
  m.retype_empty.assign(formals.size(), false);
  m.to_device.assign(formals.size(), false);
  std::vector<Value*> rest;
  packVarargList(formals, args, m.packed, rest);
  const std::vector<Value*>& pos_args = rest.empty() ? args : rest;
  if (pos_args.size() > positional && !op->schema.is_vararg) {
    why = "expected at most " + std::to_string(positional) + " positional arguments, got " + std::to_string(pos_args.size());
    return std::nullopt;
  }
  for (size_t i = 0; i < pos_args.size() && i < positional; ++i) m.inputs[i] = pos_args[i];
  for (const auto& [name, v] : kwargs) {
    size_t k = 0;
    while (k < formals.size() && formals[k].name != name) ++k;
    if (k == formals.size()) {
      why = "unknown keyword argument '" + name + "'";
      return std::nullopt;
    }
    if (m.inputs[k]) {
      why = "argument '" + name + "' given twice";
      return std::nullopt;
    }
    m.inputs[k] = v;
  }
  for (size_t i = 0; i < formals.size(); ++i) {
    const auto& f = formals[i];
    if (!m.inputs[i]) {
      if (!f.default_value) {
        why = "missing argument '" + f.name + "'";
        return std::nullopt;
      }
      m.defaults[i] = *f.default_value;
      continue;
    }
    if (!m.packed[i].empty()) continue;
    bool converted = false;
    TypePtr actual = m.inputs[i]->type();
    TypePtr plain = f.type->kind() == TypeKind::Optional ? f.type->elem() : f.type;
    if (plain->kind() == TypeKind::List && actual->kind() == TypeKind::Tuple &&
        (!actual->contained().empty() || plain->elem()->kind() != TypeKind::Var) &&
        std::all_of(actual->contained().begin(), actual->contained().end(),
                    [&](const TypePtr& t) { return lang::isSubtypeOf(t, plain->elem()); })) {
      m.tuple_to_list[i] = true;
      continue;
    }
    if (empty_lists.count(m.inputs[i]) && f.type->kind() != TypeKind::Var) {
      TypePtr list = f.type->kind() == TypeKind::Optional ? f.type->elem() : f.type;
      if (list->kind() == TypeKind::List && list->elem()->kind() != TypeKind::Var) {
        m.retype_empty[i] = true;
        continue;
      }
    }
    if (convert && plain->kind() == TypeKind::Device && actual->kind() == TypeKind::Str) {
      m.to_device[i] = true;
      continue;
    }
    bool ok = matchType(f.type, actual, m.env, convert, converted, m.generic);
    // `int[2] stride` and `int[1]? dim` also take one int.
    TypeKind fk = f.type->kind() == TypeKind::Optional ? f.type->elem()->kind() : f.type->kind();
    if (!ok && f.list_size && fk == TypeKind::List && actual->kind() == TypeKind::Int) ok = true;
    if (!ok) {
      why = "argument '" + f.name + "' expected " + f.type->str() + " but found " + actual->str();
      return std::nullopt;
    }
    m.to_scalar[i] = converted;
  }
  for (size_t i = positional; i < pos_args.size(); ++i) m.inputs.push_back(pos_args[i]);
  return m;
}

}  // namespace

std::optional<Value*> FunctionEmitter::tryCallOp(const std::string& name, const std::vector<Value*>& args,
                                                 const std::vector<std::pair<std::string, Value*>>& kwargs,
                                                 const SourceRange& r, std::string* why_out, bool method) {
  const auto& ops = lang::OperatorRegistry::global().lookup(name);
  std::optional<Match> best;
  std::string why;
  // Python-level functions (functional::, torch::) take their arguments as
  // TorchScript passes them to compiled Python: no int-to-float conversion.
  bool python_level = name.rfind("functional::", 0) == 0 || name.rfind("torch::", 0) == 0;
  // Why each overload failed, spelled out only if none matches: printing
  // schemas for the overloads a call passes over cost more than matching.
  std::vector<std::pair<const lang::Operator*, std::string>> failures;
  for (bool convert : {false, true}) {
    if (convert && python_level) break;
    for (const lang::Operator* op : ops) {
      std::string reason;
      auto m = tryMatch(op, args, kwargs, convert, empty_list_literals_, method, reason);
      if (!m) {
        if (why_out) failures.emplace_back(op, std::move(reason));
        continue;
      }
      // Concrete overloads beat generic ones (add.int before add.t).
      if (!best || m->generic < best->generic) best = std::move(m);
    }
    if (best) break;
  }
  if (!best) {
    for (const auto& [op, reason] : failures) *why_out += "\n  " + op->schema.str() + ": " + reason;
    return std::nullopt;
  }
  std::vector<Value*> inputs;
  const auto& formals = best->op->schema.arguments;
  for (size_t i = 0; i < best->inputs.size(); ++i) {
    Value* v = best->inputs[i];
    if (i < formals.size() && best->retype_empty[i]) {
      TypePtr list = formals[i].type->kind() == TypeKind::Optional ? formals[i].type->elem() : formals[i].type;
      Node* l = graph_->insertNode(graph_->create(lang::prim::ListConstruct, std::vector<Value*>{}));
      l->output()->setType(list);
      inputs.push_back(l->output());
      continue;
    }
    if (i < formals.size() && (!best->packed[i].empty() || best->tuple_to_list[i])) {
      std::vector<Value*> items = best->packed[i];
      if (best->tuple_to_list[i])
        for (size_t k = 0; k < v->type()->contained().size(); ++k) items.push_back(tupleIndex(v, k, r));
      Node* l = graph_->insertNode(graph_->create(lang::prim::ListConstruct, items));
      TypePtr plain = formals[i].type->kind() == TypeKind::Optional ? formals[i].type->elem() : formals[i].type;
      l->output()->setType(lang::listType(plain->elem()));
      inputs.push_back(l->output());
      continue;
    }
    if (!v) {
      v = constant(best->defaults[i], r, i < formals.size() ? substitute(formals[i].type, best->env) : nullptr);
    } else if (i < formals.size() && best->to_scalar[i]) {
      TypePtr plain = formals[i].type->kind() == TypeKind::Optional ? formals[i].type->elem() : formals[i].type;
      v = callOp(plain->kind() == TypeKind::Int ? "aten::Int" : "aten::Float", {v}, r);
    } else if (i < formals.size() && best->to_device[i]) {
      v = callOp("aten::device", {v}, r);
    } else if (i < formals.size() && formals[i].list_size && v->type()->kind() == TypeKind::Int) {
      std::vector<Value*> rep(static_cast<size_t>(*formals[i].list_size), v);
      Node* l = graph_->insertNode(graph_->create(lang::prim::ListConstruct, rep));
      l->output()->setType(lang::listType(lang::intType()));
      v = l->output();
    }
    inputs.push_back(v);
  }
  if (auto upgraded = emitUpgraded(*best->op, inputs)) return *upgraded;
  std::vector<TypePtr> outs;
  for (const auto& ret : best->op->schema.returns) outs.push_back(substitute(ret.type, best->env));
  Node* n = graph_->insertOp(best->op, inputs, outs, r);
  if (outs.empty()) return constant(IValue(), r);
  if (outs.size() == 1) return n->output();
  // Named returns make a named tuple, as TorchScript's packOutputs does:
  // `x.max(0).values`, `torch.sort(x).indices`.
  std::vector<std::string> names;
  for (const auto& ret : best->op->schema.returns) names.push_back(ret.name);
  bool named = std::none_of(names.begin(), names.end(), [](const std::string& s) { return s.empty(); });
  Node* t = graph_->insertNode(graph_->create(lang::prim::TupleConstruct, n->outputs()));
  t->output()->setType(named ? lang::namedTupleType("", names, outs) : lang::tupleType(outs));
  return t->output();
}

Value* FunctionEmitter::callOp(const std::string& name, std::vector<Value*> args, const SourceRange& r,
                               std::vector<std::pair<std::string, Value*>> kwargs, const std::string& display, bool method) {
  std::string why;
  if (auto v = tryCallOp(name, args, kwargs, r, &why, method)) return *v;
  // `out=`: every aten op has an out variant; wick computes the result and
  // copies it into `out` (resizing it as needed), which is what they do.
  auto out = std::find_if(kwargs.begin(), kwargs.end(), [](const auto& kv) { return kv.first == "out"; });
  if (out != kwargs.end() && out->second->type()->kind() == TypeKind::Tensor) {
    Value* dest = out->second;
    kwargs.erase(out);
    if (auto v = tryCallOp(name, args, kwargs, r, nullptr, method); v && (*v)->type()->kind() == TypeKind::Tensor)
      return callOp("aten::_copy_out", {dest, *v}, r);
  }
  std::string shown = display.empty() ? name.substr(name.find("::") + 2) : display;
  if (lang::OperatorRegistry::global().lookup(name).empty()) errorAt(r, "unknown builtin function or method '" + shown + "'");
  std::string types;
  for (size_t i = 0; i < args.size(); ++i) types += (i ? ", " : "") + args[i]->type()->str();
  for (const auto& [k, v] : kwargs) types += (types.empty() ? "" : ", ") + k + "=" + v->type()->str();
  errorAt(r, "no overload of '" + shown + "' accepts arguments (" + types + "); tried:" + why);
}

}  // namespace wick::frontend
