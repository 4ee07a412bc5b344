#include "lang/ivalue.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>

#include "lang/error.h"
#include "lang/function.h"

namespace wick::lang {

IValue::IValue(std::string s) { setHeap(Tag::Str, new StrObj(std::move(s))); }
IValue::IValue(Ref<StrObj> s) { setHeap(Tag::Str, s.get()); }
IValue::IValue(Ref<ListObj> l) { setHeap(Tag::List, l.get()); }
IValue::IValue(Ref<DictObj> d) { setHeap(Tag::Dict, d.get()); }
IValue::IValue(Ref<TupleObj> t) { setHeap(Tag::Tuple, t.get()); }
IValue::IValue(Ref<Object> o) { setHeap(Tag::Object, o.get()); }
IValue::IValue(Ref<EnumValue> e) { setHeap(Tag::Enum, e.get()); }
IValue::IValue(Ref<FunctionObj> f) { setHeap(Tag::Function, f.get()); }

IValue IValue::fromTensorImpl(ops::TensorImpl* impl) {
  IValue v;
  v.setHeap(Tag::Tensor, reinterpret_cast<HeapObject*>(impl));
  return v;
}

const std::string& IValue::toStr() const { return toStrObj()->str; }
std::string_view IValue::toStrView() const { return toStrObj()->str; }

bool IValue::is(const IValue& o) const {
  if (tag_ != o.tag_) return false;
  switch (tag_) {
    case Tag::None: return true;
    case Tag::Bool: return u_.b == o.u_.b;
    case Tag::Int:
    case Tag::Device: return u_.i == o.u_.i;
    case Tag::Float: return std::memcmp(&u_.d, &o.u_.d, sizeof(double)) == 0;  // nan is nan
    case Tag::Enum: return equals(*this, o);
    default: return u_.p == o.u_.p;
  }
}

TensorHooks& tensorHooks() {
  static TensorHooks hooks;
  return hooks;
}

// ---- dict ----

size_t IValueHash::operator()(const IValue& v) const {
  switch (v.tag()) {
    case Tag::Str: return std::hash<std::string_view>()(v.toStrView());
    case Tag::Int: return std::hash<int64_t>()(v.toInt());
    case Tag::Bool: return std::hash<int64_t>()(v.toBool());
    case Tag::Float: {
      double d = v.toDouble();
      if (d == std::floor(d) && std::abs(d) < 9e18) return std::hash<int64_t>()(static_cast<int64_t>(d));
      return std::hash<double>()(d);
    }
    case Tag::None: return 0;
    case Tag::Tuple: {
      size_t h = 0x345678;
      for (const auto& x : v.toTuple()->items) h = h * 1000003 ^ (*this)(x);
      return h;
    }
    case Tag::Enum: return (*this)(v.toEnum()->value);
    default: return std::hash<const void*>()(v.heapPtr());
  }
}

bool IValueKeyEq::operator()(const IValue& a, const IValue& b) const {
  if (a.isTensor() || b.isTensor()) return a.is(b);
  return equals(a, b);
}

IValue* DictObj::find(const IValue& key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second].value;
}

void DictObj::set(const IValue& key, IValue value) {
  auto [it, inserted] = index_.try_emplace(key, entries_.size());  // one hash for find-or-insert
  if (!inserted) {
    entries_[it->second].value = std::move(value);
    return;
  }
  entries_.push_back({key, std::move(value), false});
}

bool DictObj::erase(const IValue& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  Entry& e = entries_[it->second];
  e.deleted = true;
  e.key = IValue();
  e.value = IValue();
  index_.erase(it);
  if (entries_.size() > 32 && index_.size() * 2 < entries_.size()) compact();
  return true;
}

void DictObj::clear() {
  entries_.clear();
  index_.clear();
}

void DictObj::compact() {
  std::vector<Entry> live;
  live.reserve(index_.size());
  for (auto& e : entries_)
    if (!e.deleted) live.push_back(std::move(e));
  entries_ = std::move(live);
  index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].key, i);
}

std::vector<std::pair<IValue, IValue>> DictObj::items() const {
  std::vector<std::pair<IValue, IValue>> out;
  out.reserve(index_.size());
  forEach([&](const IValue& k, const IValue& v) { out.emplace_back(k, v); });
  return out;
}

// ---- printing ----

namespace {

// Floats print as TorchScript prints them (c10's IValue printer): 17
// significant digits in %g style, and a trailing '.' on integral values
// ("2.", "0.10000000000000001", "1e+20").
std::string floatStr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s(buf);
  if (s.find_first_of(".e") == std::string::npos) s += ".";
  return s;
}

void printValue(std::string& out, const IValue& v, bool quote_strings);

template <class Items>
void printSeq(std::string& out, const Items& items, const char* open, const char* close, bool tuple) {
  out += open;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    printValue(out, items[i], false);
  }
  if (tuple && items.size() == 1) out += ",";
  out += close;
}

void printValue(std::string& out, const IValue& v, bool quote_strings) {
  switch (v.tag()) {
    case Tag::None: out += "None"; return;
    case Tag::Bool: out += v.toBool() ? "True" : "False"; return;
    case Tag::Int: out += std::to_string(v.toInt()); return;
    case Tag::Float: out += floatStr(v.toDouble()); return;
    case Tag::Str:
      if (quote_strings) out += "'" + v.toStr() + "'";
      else out += v.toStr();
      return;
    case Tag::List: printSeq(out, v.toList()->items, "[", "]", false); return;
    case Tag::Tuple: printSeq(out, v.toTuple()->items, "(", ")", true); return;
    case Tag::Dict: {
      out += "{";
      bool first = true;
      v.toDict()->forEach([&](const IValue& k, const IValue& x) {
        if (!first) out += ", ";
        first = false;
        printValue(out, k, false);
        out += ": ";
        printValue(out, x, false);
      });
      out += "}";
      return;
    }
    case Tag::Tensor:
      out += tensorHooks().to_str ? tensorHooks().to_str(v) : "<tensor>";
      return;
    case Tag::Device: out += v.toDeviceCode() == 0 ? "cpu" : "cuda:" + std::to_string(v.toDeviceCode() - 1); return;
    case Tag::Enum: {
      const std::string& n = v.toEnum()->type->name();
      out += n.substr(n.rfind('.') + 1) + "." + v.toEnum()->name;
      return;
    }
    case Tag::Object: {
      char buf[64];
      std::snprintf(buf, sizeof buf, " object at %p>", static_cast<void*>(v.heapPtr()));
      out += "<" + v.toObject()->type->name() + buf;
      return;
    }
    case Tag::Function: out += "<function " + v.toFunction()->fn->qualname() + ">"; return;
    case Tag::Uninitialized: out += "<uninitialized>"; return;
  }
}

}  // namespace

std::string toStr(const IValue& v) {
  std::string out;
  printValue(out, v, false);
  return out;
}

std::string toRepr(const IValue& v) {
  std::string out;
  printValue(out, v, true);
  return out;
}

bool equals(const IValue& a, const IValue& b) {
  auto numeric = [](const IValue& v) { return v.isInt() || v.isFloat() || v.isBool(); };
  if (numeric(a) && numeric(b)) {
    if (a.isFloat() || b.isFloat()) return a.toScalarDouble() == b.toScalarDouble();
    return (a.isInt() ? a.toInt() : a.toBool()) == (b.isInt() ? b.toInt() : b.toBool());
  }
  if (a.tag() != b.tag()) return false;
  if (a.isHeap() && a.heapPtr() == b.heapPtr()) return true;  // l == l, even holding nan
  switch (a.tag()) {
    case Tag::None: return true;
    case Tag::Str: return a.toStrView() == b.toStrView();
    case Tag::Device: return a.toDeviceCode() == b.toDeviceCode();
    case Tag::List:
    case Tag::Tuple: {
      const auto& x = a.isList() ? a.toList()->items : a.toTuple()->items;
      const auto& y = b.isList() ? b.toList()->items : b.toTuple()->items;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!equals(x[i], y[i])) return false;
      return true;
    }
    case Tag::Dict: {
      DictObj* x = a.toDict();
      DictObj* y = b.toDict();
      if (x->size() != y->size()) return false;
      bool same = true;
      x->forEach([&](const IValue& k, const IValue& v) {
        IValue* o = y->find(k);
        if (!o || !equals(v, *o)) same = false;
      });
      return same;
    }
    case Tag::Enum:
      return a.toEnum()->type->name() == b.toEnum()->type->name() && a.toEnum()->name == b.toEnum()->name;
    default: return a.heapPtr() == b.heapPtr();
  }
}

TypePtr typeOf(const IValue& v) {
  switch (v.tag()) {
    case Tag::None: return noneType();
    case Tag::Bool: return boolType();
    case Tag::Int: return intType();
    case Tag::Float: return floatType();
    case Tag::Str: return strType();
    case Tag::Tensor: return tensorType();
    case Tag::Device: return deviceType();
    case Tag::List: return listType(v.toList()->elem_type);
    case Tag::Dict: return dictType(v.toDict()->key_type, v.toDict()->value_type);
    case Tag::Tuple: {
      if (v.toTuple()->type) return v.toTuple()->type;
      std::vector<TypePtr> ts;
      for (const auto& x : v.toTuple()->items) ts.push_back(typeOf(x));
      return tupleType(std::move(ts));
    }
    case Tag::Object: return v.toObject()->type;
    case Tag::Enum: return v.toEnum()->type;
    case Tag::Function: return functionType(v.toFunction()->fn);
    default: return anyType();
  }
}

}  // namespace wick::lang
