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

// How one input reaches its parameter when it is not passed as it is.
enum Conversion : uint8_t {
  kAsIs = 0,
  kToScalar,     // int -> float, number -> float or int
  kTupleToList,  // a tuple given for a list (zeros((2, 3)))
  kToDevice,     // a str given for a Device (x.to("cpu"))
  kRetypeEmpty,  // an empty `[]` literal takes the formal's list type
  kPacked,       // ints given as varargs for an int[] (zeros(2, 3)): Match::packed
};

// One overload's binding of a call. Few fields allocate: a call tries every
// overload of its op, and most of them fail.
struct Match {
  const lang::Operator* op = nullptr;
  std::vector<Value*> inputs;       // schema order, then varargs; null: the default is used
  std::vector<Conversion> convert;  // per schema input
  std::vector<Value*> packed;       // the varargs packed into the input marked kPacked
  TypeEnv env;
  int generic = 0;              // arguments matched through type variables
};

bool hasTypeVar(const TypePtr& t) {
  if (t->kind() == TypeKind::Var) return true;
  for (const TypePtr& c : t->contained())
    if (c && hasTypeVar(c)) return true;
  return false;
}

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
      // (t, tVal)[] binds its variables from the elements' type.
      if (hasTypeVar(formal->elem())) return matchType(formal->elem(), actual->elem(), env, false, converted, generic);
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
// Returns the index of the packed parameter, or formals.size() when none.
size_t packVarargList(const std::vector<lang::Argument>& formals, const std::vector<Value*>& args,
                      std::vector<Value*>& packed, std::vector<Value*>& rest) {
  size_t p = 0;
  while (p < formals.size() && !formals[p].kwarg_only) ++p;
  if (p == 0 || args.size() < p) return formals.size();
  size_t last = p - 1;
  const auto& f = formals[last];
  if (f.type->kind() != TypeKind::List || f.list_size || f.type->elem()->kind() == TypeKind::Var) return formals.size();
  if (args.size() == p && (args[last]->type()->kind() == TypeKind::List || args[last]->type()->kind() == TypeKind::Tuple))
    return formals.size();
  for (size_t q = last; q < args.size(); ++q)
    if (!lang::isSubtypeOf(args[q]->type(), f.type->elem())) return formals.size();
  packed.assign(args.begin() + last, args.end());
  rest.assign(args.begin(), args.begin() + last + 1);
  return last;
}

// empty_lists: `[]` written in the call, which TorchScript types by the
// parameter it is passed to (`t.sum([])`, `x.view([])`), not as List[Tensor].
// why: where to say why the overload does not match; null when no one asks.
std::optional<Match> tryMatch(const lang::Operator* op, const std::vector<Value*>& args_in,
                              const std::vector<std::pair<std::string, Value*>>& kwargs_in, bool convert,
                              const std::set<Value*>& empty_lists, bool method, std::string* why) {
  const auto& formals = op->schema.arguments;
  // A method's receiver binds to `self` wherever the schema puts it:
  // x.where(cond, y) is where.self(Tensor condition, Tensor self, Tensor other).
  const std::vector<Value*>* args_p = &args_in;
  std::vector<Value*> moved_args;
  Value* self_kwarg = nullptr;
  auto self_at = std::find_if(formals.begin(), formals.end(), [](const lang::Argument& a) { return a.name == "self"; });
  if (method && !args_in.empty() && self_at != formals.end() && self_at != formals.begin()) {
    size_t k = static_cast<size_t>(self_at - formals.begin());
    moved_args.assign(args_in.begin() + 1, args_in.end());
    if (moved_args.size() >= k) moved_args.insert(moved_args.begin() + static_cast<std::ptrdiff_t>(k), args_in[0]);
    else self_kwarg = args_in[0];
    args_p = &moved_args;
  }
  const std::vector<Value*>& args = *args_p;
  size_t positional = 0;
  for (const auto& f : formals)
    if (!f.kwarg_only) ++positional;
  Match m;
  m.op = op;
  std::vector<Value*> rest;
  size_t packed_at = packVarargList(formals, args, m.packed, rest);
  const std::vector<Value*>& pos_args = rest.empty() ? args : rest;
  if (pos_args.size() > positional && !op->schema.is_vararg) {
    if (why) *why = "expected at most " + std::to_string(positional) + " positional arguments, got " + std::to_string(pos_args.size());
    return std::nullopt;
  }
  m.inputs.assign(formals.size(), nullptr);
  m.convert.assign(formals.size(), kAsIs);
  if (packed_at < formals.size()) m.convert[packed_at] = kPacked;
  for (size_t i = 0; i < pos_args.size() && i < positional; ++i) m.inputs[i] = pos_args[i];
  auto bindKeyword = [&](const std::string& name, Value* v) {
    size_t k = 0;
    while (k < formals.size() && formals[k].name != name) ++k;
    if (k == formals.size()) {
      if (why) *why = "unknown keyword argument '" + name + "'";
      return false;
    }
    if (m.inputs[k]) {
      if (why) *why = "argument '" + name + "' given twice";
      return false;
    }
    m.inputs[k] = v;
    return true;
  };
  for (const auto& [name, v] : kwargs_in)
    if (!bindKeyword(name, v)) return std::nullopt;
  if (self_kwarg && !bindKeyword("self", self_kwarg)) return std::nullopt;
  for (size_t i = 0; i < formals.size(); ++i) {
    const auto& f = formals[i];
    if (!m.inputs[i]) {
      if (!f.default_value) {
        if (why) *why = "missing argument '" + f.name + "'";
        return std::nullopt;
      }
      continue;
    }
    if (m.convert[i] == kPacked) continue;
    bool converted = false;
    const TypePtr& actual = m.inputs[i]->type();
    const TypePtr& plain = f.type->kind() == TypeKind::Optional ? f.type->elem() : f.type;
    if (plain->kind() == TypeKind::List && actual->kind() == TypeKind::Tuple &&
        (!actual->contained().empty() || plain->elem()->kind() != TypeKind::Var) &&
        std::all_of(actual->contained().begin(), actual->contained().end(),
                    [&](const TypePtr& t) { return lang::isSubtypeOf(t, plain->elem()); })) {
      m.convert[i] = kTupleToList;
      continue;
    }
    if (f.type->kind() != TypeKind::Var && !empty_lists.empty() && empty_lists.count(m.inputs[i])) {
      if (plain->kind() == TypeKind::List && plain->elem()->kind() != TypeKind::Var) {
        m.convert[i] = kRetypeEmpty;
        continue;
      }
    }
    if (convert && plain->kind() == TypeKind::Device && actual->kind() == TypeKind::Str) {
      m.convert[i] = kToDevice;
      continue;
    }
    bool ok = matchType(f.type, actual, m.env, convert, converted, m.generic);
    // `int[2] stride` and `int[1]? dim` also take one int.
    if (!ok && f.list_size && plain->kind() == TypeKind::List && actual->kind() == TypeKind::Int) ok = true;
    if (!ok) {
      if (why) *why = "argument '" + f.name + "' expected " + f.type->str() + " but found " + actual->str();
      return std::nullopt;
    }
    if (converted) m.convert[i] = kToScalar;
  }
  for (size_t i = positional; i < pos_args.size(); ++i) m.inputs.push_back(pos_args[i]);
  return m;
}

}  // namespace

std::optional<Value*> FunctionEmitter::tryCallOp(const std::string& name, const std::vector<Value*>& args,
                                                 const std::vector<std::pair<std::string, Value*>>& kwargs,
                                                 const SourceRange& r, std::string* why_out, bool method) {
  const std::vector<const lang::Operator*>* overloads = &lang::OperatorRegistry::global().lookup(name);
  std::vector<const lang::Operator*> with_old;
  if (withOldOverloads(name, *overloads, with_old)) overloads = &with_old;
  const auto& ops = *overloads;
  std::optional<Match> best;
  // Python-level functions (functional::, torch::) take their arguments as
  // TorchScript passes them to compiled Python: no int-to-float conversion.
  bool python_level = name.rfind("functional::", 0) == 0 || name.rfind("torch::", 0) == 0;
  for (bool convert : {false, true}) {
    if (convert && python_level) break;
    for (const lang::Operator* op : ops) {
      auto m = tryMatch(op, args, kwargs, convert, empty_list_literals_, method, nullptr);
      // Concrete overloads beat generic ones (add.int before add.t).
      if (m && (!best || m->generic < best->generic)) best = std::move(m);
    }
    if (best) break;
  }
  if (!best) {
    // Why each overload failed (once each, under the conversions it allows),
    // spelled out only now that none matches: printing schemas for the
    // overloads a call passes over costs more than matching.
    if (why_out)
      for (const lang::Operator* op : ops) {
        std::string reason;
        tryMatch(op, args, kwargs, !python_level, empty_list_literals_, method, &reason);
        *why_out += "\n  " + op->schema.str() + ": " + reason;
      }
    return std::nullopt;
  }
  std::vector<Value*> inputs;
  const auto& formals = best->op->schema.arguments;
  for (size_t i = 0; i < best->inputs.size(); ++i) {
    Value* v = best->inputs[i];
    Conversion how = i < formals.size() ? best->convert[i] : kAsIs;
    if (how == kRetypeEmpty) {
      TypePtr list = formals[i].type->kind() == TypeKind::Optional ? formals[i].type->elem() : formals[i].type;
      Node* l = graph_->insertNode(graph_->create(lang::prim::ListConstruct, std::vector<Value*>{}));
      l->output()->setType(list);
      inputs.push_back(l->output());
      continue;
    }
    if (how == kPacked || how == kTupleToList) {
      std::vector<Value*> items;
      if (how == kPacked) items = best->packed;
      else
        for (size_t k = 0; k < v->type()->contained().size(); ++k) items.push_back(tupleIndex(v, k, r));
      Node* l = graph_->insertNode(graph_->create(lang::prim::ListConstruct, items));
      TypePtr plain = formals[i].type->kind() == TypeKind::Optional ? formals[i].type->elem() : formals[i].type;
      l->output()->setType(lang::listType(plain->elem()));
      inputs.push_back(l->output());
      continue;
    }
    if (!v) {
      v = constant(*formals[i].default_value, r, substitute(formals[i].type, best->env));
    } else if (how == kToScalar) {
      TypePtr plain = formals[i].type->kind() == TypeKind::Optional ? formals[i].type->elem() : formals[i].type;
      v = callOp(plain->kind() == TypeKind::Int ? "aten::Int" : "aten::Float", {v}, r);
    } else if (how == kToDevice) {
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
