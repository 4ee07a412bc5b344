#include "lang/types.h"

#include <algorithm>

#include "lang/function.h"

namespace wick::lang {

namespace {
TypePtr make(TypeKind k) { return std::make_shared<const Type>(k); }

std::string join(const std::vector<TypePtr>& ts, bool schema) {
  std::string s;
  for (size_t i = 0; i < ts.size(); ++i) s += (i ? ", " : "") + (schema ? ts[i]->schemaStr() : ts[i]->str());
  return s;
}
}  // namespace

#define WICK_SINGLETON(fn, kind) \
  TypePtr fn() {                 \
    static const TypePtr t = make(TypeKind::kind); \
    return t;                    \
  }
WICK_SINGLETON(anyType, Any)
WICK_SINGLETON(noneType, None)
WICK_SINGLETON(boolType, Bool)
WICK_SINGLETON(intType, Int)
WICK_SINGLETON(floatType, Float)
WICK_SINGLETON(complexType, Complex)
WICK_SINGLETON(numberType, Number)
WICK_SINGLETON(strType, Str)
WICK_SINGLETON(tensorType, Tensor)
WICK_SINGLETON(deviceType, Device)
WICK_SINGLETON(layoutType, Layout)
WICK_SINGLETON(generatorType, Generator)
WICK_SINGLETON(anyListType, AnyList)
WICK_SINGLETON(anyTupleType, AnyTuple)
WICK_SINGLETON(anyClassType, AnyClass)
WICK_SINGLETON(anyDictType, AnyDict)
#undef WICK_SINGLETON

TypePtr listType(TypePtr elem) { return std::make_shared<const Type>(TypeKind::List, std::vector<TypePtr>{std::move(elem)}); }
TypePtr dictType(TypePtr key, TypePtr value) {
  return std::make_shared<const Type>(TypeKind::Dict, std::vector<TypePtr>{std::move(key), std::move(value)});
}
TypePtr tupleType(std::vector<TypePtr> elems) { return std::make_shared<const Type>(TypeKind::Tuple, std::move(elems)); }
TypePtr namedTupleType(std::string qualname, std::vector<std::string> fields, std::vector<TypePtr> elems) {
  return std::make_shared<const Type>(TypeKind::Tuple, std::move(elems), std::move(qualname), std::move(fields));
}
TypePtr varType(std::string name) { return std::make_shared<const Type>(TypeKind::Var, std::vector<TypePtr>{}, std::move(name)); }
TypePtr functionType(Function* fn) { return std::make_shared<const FunctionType>(fn); }

TypePtr optionalType(TypePtr elem) {
  if (elem->kind() == TypeKind::Optional || elem->kind() == TypeKind::None || elem->kind() == TypeKind::Any) return elem;
  return std::make_shared<const Type>(TypeKind::Optional, std::vector<TypePtr>{std::move(elem)});
}

TypePtr unionType(std::vector<TypePtr> alternatives) {
  std::vector<TypePtr> flat;
  bool has_none = false;
  auto add = [&](const TypePtr& t, auto&& self) -> void {
    if (t->kind() == TypeKind::Union) {
      for (const auto& c : t->contained()) self(c, self);
    } else if (t->kind() == TypeKind::Optional) {
      has_none = true;
      self(t->elem(), self);
    } else if (t->kind() == TypeKind::None) {
      has_none = true;
    } else if (std::none_of(flat.begin(), flat.end(), [&](const TypePtr& f) { return *f == *t; })) {
      flat.push_back(t);
    }
  };
  for (const auto& t : alternatives) add(t, add);
  if (flat.empty()) return noneType();
  if (flat.size() == 1) return has_none ? optionalType(flat[0]) : flat[0];
  if (has_none) flat.push_back(noneType());
  return std::make_shared<const Type>(TypeKind::Union, std::move(flat));
}

std::string Type::str() const {
  switch (kind_) {
    case TypeKind::Any: return "Any";
    case TypeKind::None: return "NoneType";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Float: return "float";
    case TypeKind::Complex: return "complex";
    case TypeKind::Number: return "number";
    case TypeKind::Str: return "str";
    case TypeKind::Tensor: return "Tensor";
    case TypeKind::Device: return "Device";
    case TypeKind::Layout: return "Layout";
    case TypeKind::Generator: return "Generator";
    case TypeKind::List: return "List[" + elem()->str() + "]";
    case TypeKind::Dict: return "Dict[" + key()->str() + ", " + value()->str() + "]";
    case TypeKind::Tuple:
      if (!name_.empty()) return name_;
      return "Tuple[" + join(contained_, false) + "]";
    case TypeKind::Optional: return "Optional[" + elem()->str() + "]";
    case TypeKind::Union: return "Union[" + join(contained_, false) + "]";
    case TypeKind::Var: return name_;
    case TypeKind::AnyList: return "List[Any]";
    case TypeKind::AnyTuple: return "Tuple";
    case TypeKind::AnyClass: return "AnyClass";
    case TypeKind::AnyDict: return "Dict";
    default: return name_;
  }
}

std::string Type::schemaStr() const {
  switch (kind_) {
    case TypeKind::Number: return "Scalar";
    case TypeKind::List: return elem()->schemaStr() + "[]";
    case TypeKind::Optional: return elem()->schemaStr() + "?";
    case TypeKind::Dict: return "Dict(" + key()->schemaStr() + ", " + value()->schemaStr() + ")";
    case TypeKind::Tuple: return name_.empty() ? "(" + join(contained_, true) + ")" : name_;
    default: return str();
  }
}

std::string FunctionType::str() const { return fn_ ? "Function[" + fn_->qualname() + "]" : "Function"; }

bool operator==(const Type& a, const Type& b) {
  if (&a == &b) return true;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case TypeKind::Class:
    case TypeKind::Enum: return a.name() == b.name();
    case TypeKind::Function:
      return static_cast<const FunctionType&>(a).function() == static_cast<const FunctionType&>(b).function();
    case TypeKind::Var: return a.name() == b.name();
    case TypeKind::Union: {
      if (a.contained().size() != b.contained().size()) return false;
      for (const auto& x : a.contained())
        if (std::none_of(b.contained().begin(), b.contained().end(), [&](const TypePtr& y) { return *x == *y; }))
          return false;
      return true;
    }
    default:
      if (a.name() != b.name() || a.contained().size() != b.contained().size()) return false;
      for (size_t i = 0; i < a.contained().size(); ++i)
        if (*a.contained()[i] != *b.contained()[i]) return false;
      return true;
  }
}

bool isSubtypeOf(const TypePtr& a, const TypePtr& b) {
  if (*a == *b) return true;
  if (a->kind() == TypeKind::Union && b->kind() != TypeKind::Union && b->kind() != TypeKind::Any)
    return std::all_of(a->contained().begin(), a->contained().end(), [&](const TypePtr& x) { return isSubtypeOf(x, b); });
  switch (b->kind()) {
    case TypeKind::Any: return true;
    case TypeKind::Optional:
      return a->kind() == TypeKind::None || isSubtypeOf(a, b->elem()) ||
             (a->kind() == TypeKind::Optional && isSubtypeOf(a->elem(), b->elem()));
    case TypeKind::Union:
      if (a->kind() == TypeKind::Union || a->kind() == TypeKind::Optional) {
        std::vector<TypePtr> alts = a->kind() == TypeKind::Union ? a->contained()
                                                                 : std::vector<TypePtr>{a->elem(), noneType()};
        return std::all_of(alts.begin(), alts.end(), [&](const TypePtr& x) { return isSubtypeOf(x, b); });
      }
      return std::any_of(b->contained().begin(), b->contained().end(), [&](const TypePtr& x) { return isSubtypeOf(a, x); });
    case TypeKind::Number:
      return a->kind() == TypeKind::Int || a->kind() == TypeKind::Float || a->kind() == TypeKind::Complex;
    case TypeKind::AnyList: return a->kind() == TypeKind::List;
    case TypeKind::AnyTuple: return a->kind() == TypeKind::Tuple;
    case TypeKind::AnyClass: return a->kind() == TypeKind::Class;
    case TypeKind::AnyDict: return a->kind() == TypeKind::Dict;
    case TypeKind::Tuple: {
      if (a->kind() != TypeKind::Tuple || a->contained().size() != b->contained().size()) return false;
      if (!b->name().empty() && a->name() != b->name()) return false;
      for (size_t i = 0; i < a->contained().size(); ++i)
        if (!isSubtypeOf(a->contained()[i], b->contained()[i])) return false;
      return true;
    }
    case TypeKind::Class: {
      if (a->kind() != TypeKind::Class) return false;
      for (auto c = static_cast<const ClassType&>(*a).base(); c; c = c->base())
        if (c->name() == b->name()) return true;
      return false;
    }
    default: return false;
  }
}

std::optional<TypePtr> unifyTypes(const TypePtr& a, const TypePtr& b) {
  if (isSubtypeOf(a, b)) return b;
  if (isSubtypeOf(b, a)) return a;
  if (a->kind() == TypeKind::None) return optionalType(b);
  if (b->kind() == TypeKind::None) return optionalType(a);
  if (a->kind() == TypeKind::Optional && b->kind() != TypeKind::Optional) {
    if (auto u = unifyTypes(a->elem(), b)) return optionalType(*u);
  }
  if (b->kind() == TypeKind::Optional && a->kind() != TypeKind::Optional) {
    if (auto u = unifyTypes(a, b->elem())) return optionalType(*u);
  }
  if (a->kind() == TypeKind::Tuple && b->kind() == TypeKind::Tuple && a->name().empty() && b->name().empty() &&
      a->contained().size() == b->contained().size()) {
    std::vector<TypePtr> elems;
    for (size_t i = 0; i < a->contained().size(); ++i) {
      auto u = unifyTypes(a->contained()[i], b->contained()[i]);
      if (!u) return std::nullopt;
      elems.push_back(*u);
    }
    return tupleType(std::move(elems));
  }
  return std::nullopt;
}

TypePtr removeNone(const TypePtr& t) {
  if (t->kind() == TypeKind::Optional) return t->elem();
  if (t->kind() == TypeKind::Union) {
    std::vector<TypePtr> rest;
    for (const auto& c : t->contained())
      if (c->kind() != TypeKind::None) rest.push_back(c);
    return unionType(rest);
  }
  return t;
}

size_t ClassType::addAttribute(std::string name, TypePtr type, bool is_parameter, bool is_buffer) {
  if (auto slot = findAttribute(name)) {
    attributes_[*slot].type = std::move(type);
    return *slot;
  }
  bool is_module = type && type->kind() == TypeKind::Class && static_cast<const ClassType&>(*type).isModule();
  attributes_.push_back({std::move(name), std::move(type), is_parameter, is_buffer, is_module});
  return attributes_.size() - 1;
}

std::optional<size_t> ClassType::findAttribute(const std::string& name) const {
  for (size_t i = 0; i < attributes_.size(); ++i)
    if (attributes_[i].name == name) return i;
  return std::nullopt;
}

void ClassType::addMethod(Function* fn) {
  for (auto& m : methods_)
    if (m->name() == fn->name()) {
      m = fn;
      return;
    }
  methods_.push_back(fn);
}

Function* ClassType::findMethod(const std::string& name) const {
  for (Function* m : methods_)
    if (m->name() == name) return m;
  if (base_) return base_->findMethod(name);
  return nullptr;
}

}  // namespace wick::lang
