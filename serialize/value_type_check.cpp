#include "serialize/value_type_check.h"

#include <set>
#include <utility>

namespace wick::serialize {

using lang::IValue;
using lang::Tag;
using lang::Type;
using lang::TypeKind;
using lang::TypePtr;

namespace {

// (container, type) pairs already checked: a pickle can reference one list
// from many places (memo), and without this a chain of such sharing makes
// the walk exponential. Only lists, dicts and tuples lead further; any other
// value is checked again in constant time, which spares a set entry for each
// of a module's tensors and submodules.
using Seen = std::set<std::pair<const void*, const Type*>>;

bool firstVisit(const IValue& v, const Type& t, Seen& seen) {
  if (!v.isList() && !v.isDict() && !v.isTuple()) return true;
  return seen.insert({v.heapPtr(), &t}).second;
}

std::string keyText(const IValue& key) {
  return briefRepr(key);
}

// "[3]", "['k']": built by appending, which also keeps GCC 12's bogus
// -Wrestrict warning on `"[" + s + "]"` away.
std::string step(const std::string& inside) {
  std::string s = "[";
  s += inside;
  s += ']';
  return s;
}

class Checker {
 public:
  // "" or the mismatch, with the path from the top value.
  std::string check(const IValue& v, const TypePtr& t) {
    if (!t) return "";  // a named tuple whose field types are not resolved yet
    if (!firstVisit(v, *t, seen_)) return "";
    switch (t->kind()) {
      case TypeKind::Any: return "";
      case TypeKind::None: return expect(v.isNone(), v, *t);
      case TypeKind::Bool: return expect(v.isBool(), v, *t);
      case TypeKind::Int: return expect(v.isInt(), v, *t);
      case TypeKind::Layout: return expect(v.isInt(), v, *t);  // layouts are ints in TorchScript
      case TypeKind::Float: return expect(v.isFloat(), v, *t);
      case TypeKind::Number: return expect(v.isInt() || v.isFloat(), v, *t);
      case TypeKind::Str: return expect(v.isStr(), v, *t);
      case TypeKind::Tensor: return expect(v.isTensor(), v, *t);
      case TypeKind::Device: return expect(v.isDevice(), v, *t);
      case TypeKind::Optional: return v.isNone() ? "" : check(v, t->elem());
      case TypeKind::Union: return checkUnion(v, *t);
      case TypeKind::List: return checkList(v, *t);
      case TypeKind::Dict: return checkDict(v, *t);
      case TypeKind::Tuple: return checkTuple(v, *t);
      case TypeKind::Class:
      case TypeKind::AnyClass: return expect(v.isObject(), v, *t);
      case TypeKind::Enum: return expect(v.isEnum() && v.toEnum()->type->name() == t->name(), v, *t);
      case TypeKind::AnyList: return expect(v.isList(), v, *t);
      case TypeKind::AnyDict: return expect(v.isDict(), v, *t);
      case TypeKind::AnyTuple: return expect(v.isTuple(), v, *t);
      default: return expect(false, v, *t);  // complex, generators, functions: never in an archive
    }
  }

 private:
  static std::string expect(bool ok, const IValue& v, const Type& t) {
    return ok ? "" : "is " + valueKindName(v) + ", expected " + t.str();
  }
  static std::string at(std::string path, const std::string& inner) {
    if (inner.empty()) return "";
    if (inner[0] != '[') path += ' ';
    return path += inner;
  }

  std::string checkUnion(const IValue& v, const Type& t) {
    for (const TypePtr& alt : t.contained())
      if (Checker().check(v, alt).empty()) return "";
    return expect(false, v, t);
  }
  std::string checkList(const IValue& v, const Type& t) {
    if (!v.isList()) return expect(false, v, t);
    const auto& items = v.toList()->items;
    for (size_t i = 0; i < items.size(); ++i)
      if (auto why = check(items[i], t.elem()); !why.empty()) return at(step(std::to_string(i)), why);
    return "";
  }
  std::string checkDict(const IValue& v, const Type& t) {
    if (!v.isDict()) return expect(false, v, t);
    std::string why;
    v.toDict()->forEach([&](const IValue& k, const IValue& x) {
      if (!why.empty()) return;
      if (auto w = check(k, t.key()); !w.empty()) why = "key " + keyText(k) + " " + w;
      else why = at(step(keyText(k)), check(x, t.value()));
    });
    return why;
  }
  std::string checkTuple(const IValue& v, const Type& t) {
    if (!v.isTuple()) return expect(false, v, t);
    const auto& items = v.toTuple()->items;
    if (items.size() != t.contained().size())
      return "is a tuple of " + std::to_string(items.size()) + " items, expected " + t.str() + " (" +
             std::to_string(t.contained().size()) + ")";
    for (size_t i = 0; i < items.size(); ++i)
      if (auto why = check(items[i], t.contained()[i]); !why.empty()) return at(step(std::to_string(i)), why);
    return "";
  }

  Seen seen_;
};

void tag(const IValue& v, const TypePtr& t, Seen& seen) {
  if (!t || !firstVisit(v, *t, seen)) return;
  switch (t->kind()) {
    case TypeKind::Optional:
      if (!v.isNone()) tag(v, t->elem(), seen);
      return;
    case TypeKind::Union:
      for (const TypePtr& alt : t->contained())
        if (valueTypeMismatch(v, alt).empty()) return tag(v, alt, seen);
      return;
    case TypeKind::List: {
      lang::ListObj* l = v.toList();
      if (!l->elem_type) l->elem_type = t->elem();
      for (const IValue& x : l->items) tag(x, t->elem(), seen);
      return;
    }
    case TypeKind::Dict: {
      lang::DictObj* d = v.toDict();
      if (!d->key_type) d->key_type = t->key();
      if (!d->value_type) d->value_type = t->value();
      d->forEach([&](const IValue& k, const IValue& x) {
        tag(k, t->key(), seen);
        tag(x, t->value(), seen);
      });
      return;
    }
    case TypeKind::Tuple: {
      lang::TupleObj* tup = v.toTuple();
      if (!tup->type && !t->name().empty()) tup->type = t;
      for (size_t i = 0; i < tup->items.size(); ++i) tag(tup->items[i], t->contained()[i], seen);
      return;
    }
    default: return;  // scalars need nothing; objects were tagged when built
  }
}

}  // namespace

std::string valueTypeMismatch(const IValue& value, const TypePtr& type) { return Checker().check(value, type); }

void tagFromStaticType(const IValue& value, const TypePtr& type) {
  Seen seen;
  tag(value, type, seen);
}

namespace {
std::string briefRepr(const IValue& v, int levels) {
  if (v.isNone() || v.isBool() || v.isInt() || v.isFloat()) return lang::toRepr(v);
  if (v.isStr()) {
    const std::string& s = v.toStr();
    return s.size() <= 40 ? lang::toRepr(v) : lang::toRepr(IValue(s.substr(0, 40))) + "...";
  }
  if (!v.isTuple() || levels == 0) return valueKindName(v);
  const auto& items = v.toTuple()->items;
  std::string out = "(";
  for (size_t i = 0; i < items.size() && i < 6; ++i) out += (i ? ", " : "") + briefRepr(items[i], levels - 1);
  if (items.size() > 6) out += ", ...";
  return out + (items.size() == 1 ? ",)" : ")");
}
}  // namespace

std::string briefRepr(const IValue& v) { return briefRepr(v, 3); }

std::string valueKindName(const IValue& v) {
  switch (v.tag()) {
    case Tag::None: return "None";
    case Tag::Bool: return "a bool";
    case Tag::Int: return "an int";
    case Tag::Float: return "a float";
    case Tag::Str: return "a str";
    case Tag::Tensor: return "a Tensor";
    case Tag::List: return "a list";
    case Tag::Dict: return "a dict";
    case Tag::Tuple: return "a tuple";
    case Tag::Object: return "an object of " + v.toObject()->type->name();
    case Tag::Enum: return "an enum " + v.toEnum()->type->name();
    case Tag::Device: return "a Device";
    case Tag::Function: return "a function";
    case Tag::Uninitialized: return "uninitialized";
  }
  return "a value";
}

}  // namespace wick::serialize
