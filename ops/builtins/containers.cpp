// List, tuple and dict builtins: indexing, slicing, methods, len, min/max/sum.
#include <algorithm>

#include "ops/builtins/kernel_util.h"
#include "ops/tensor/call_op.h"

namespace wick::ops {

using lang::DictObj;
using lang::ListObj;
using lang::Ref;

SliceBounds sliceBounds(const IValue& start_v, const IValue& end_v, int64_t step, int64_t size) {
  if (step == 0) lang::raise("ValueError", "slice step cannot be zero");
  auto clamp = [&](const IValue& v, int64_t dflt, bool is_start) {
    if (v.isNone()) return dflt;
    int64_t i = v.toInt();
    if (i < 0) i += size;
    if (step > 0) return std::clamp<int64_t>(i, 0, size);
    (void)is_start;
    return std::clamp<int64_t>(i, -1, size - 1);
  };
  int64_t start = clamp(start_v, step > 0 ? 0 : size - 1, true);
  int64_t end = clamp(end_v, step > 0 ? size : -1, false);
  int64_t count = step > 0 ? (end > start ? (end - start + step - 1) / step : 0)
                           : (start > end ? (start - end - step - 1) / (-step) : 0);
  return {start, step, count};
}

namespace {

std::vector<IValue>& items(const IValue& v) { return v.toList()->items; }

bool lessThan(const IValue& a, const IValue& b) {
  if (a.isStr()) return a.toStrView() < b.toStrView();
  if ((a.isInt() || a.isBool()) && (b.isInt() || b.isBool()))
    return (a.isInt() ? a.toInt() : a.toBool()) < (b.isInt() ? b.toInt() : b.toBool());
  if (a.isTuple()) {
    const auto& x = a.toTuple()->items;
    const auto& y = b.toTuple()->items;
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      if (lessThan(x[i], y[i])) return true;
      if (lessThan(y[i], x[i])) return false;
    }
    return x.size() < y.size();
  }
  if (a.isList()) {
    const auto& x = a.toList()->items;
    const auto& y = b.toList()->items;
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end(), lessThan);
  }
  return a.toScalarDouble() < b.toScalarDouble();
}

void listGetItem(Stack& s) {
  int64_t i = pop(s).toInt();
  auto& l = items(s.back());
  IValue v = l[normalizeIndex(i, l.size(), "list")];
  s.back() = std::move(v);
}

void listSetItem(Stack& s) {
  IValue v = pop(s);
  int64_t i = pop(s).toInt();
  auto& l = items(s.back());
  l[normalizeIndex(i, l.size(), "list assignment")] = std::move(v);
}

void listSlice(Stack& s) {
  int64_t step = pop(s).toInt();
  IValue end = pop(s), start = pop(s);
  ListObj* l = s.back().toList();
  SliceBounds b = sliceBounds(start, end, step, static_cast<int64_t>(l->items.size()));
  std::vector<IValue> out;
  out.reserve(b.count);
  for (int64_t k = 0, i = b.start; k < b.count; ++k, i += b.step) out.push_back(l->items[i]);
  s.back() = IValue(newList(l->elem_type, std::move(out)));
}

void listPop(Stack& s) {
  int64_t i = pop(s).toInt();
  auto& l = items(s.back());
  if (l.empty()) lang::raise("IndexError", "pop from empty list");
  size_t k = normalizeIndex(i, l.size(), "pop");
  IValue v = std::move(l[k]);
  l.erase(l.begin() + k);
  s.back() = std::move(v);
}

// Element equality of list.index/count/remove: by value, and for tensors as
// TorchScript's Tensor lists do, `bool(a == b)` (one element, else an error).
bool sameElement(const IValue& a, const IValue& b) {
  if (a.isTensor() && b.isTensor()) {
    static const lang::Operator* eq = findOp("aten::eq.Tensor");
    Tensor r = callTensorOp(eq, {a, b});
    if (r.numel() != 1) lang::raise("RuntimeError", "Boolean value of Tensor with more than one value is ambiguous");
    return r.to(ScalarType::Bool).contiguous().data<bool>()[0];
  }
  return lang::equals(a, b);
}

void listRemove(Stack& s) {
  IValue x = pop(s);
  auto& l = items(s.back());
  auto it = std::find_if(l.begin(), l.end(), [&](const IValue& v) { return sameElement(v, x); });
  if (it == l.end()) lang::raise("ValueError", "list.remove(x): x not in list");
  l.erase(it);
  s.pop_back();
}

void listIndex(Stack& s) {
  IValue x = pop(s);
  auto& l = items(s.back());
  auto it = std::find_if(l.begin(), l.end(), [&](const IValue& v) { return sameElement(v, x); });
  if (it == l.end()) lang::raise("ValueError", "'" + lang::toStr(x) + "' is not in list");
  s.back() = IValue(static_cast<int64_t>(it - l.begin()));
}

void listCount(Stack& s) {
  IValue x = pop(s);
  auto& l = items(s.back());
  s.back() = IValue(static_cast<int64_t>(std::count_if(l.begin(), l.end(), [&](const IValue& v) { return sameElement(v, x); })));
}

void listContains(Stack& s) {
  IValue x = pop(s);
  auto& l = items(s.back());
  // TorchScript compares with == only: nan in [nan] is False.
  s.back() = IValue(std::any_of(l.begin(), l.end(), [&](const IValue& v) { return lang::equals(v, x); }));
}

void listInsert(Stack& s) {
  IValue x = pop(s);
  int64_t i = pop(s).toInt();
  auto& l = items(s.back());
  int64_t n = static_cast<int64_t>(l.size());
  if (i < 0) i = std::max<int64_t>(0, i + n);
  l.insert(l.begin() + std::min(i, n), std::move(x));
  s.pop_back();
}

void listSort(Stack& s) {
  bool reverse = pop(s).toBool();
  auto& l = items(s.back());
  std::stable_sort(l.begin(), l.end(), lessThan);
  if (reverse) std::reverse(l.begin(), l.end());
  s.pop_back();
}

void listSorted(Stack& s) {
  auto copy = items(s.back());
  std::stable_sort(copy.begin(), copy.end(), lessThan);
  s.back() = IValue(newList(s.back().toList()->elem_type, std::move(copy)));
}

void listMinMax(Stack& s, bool is_max) {
  auto& l = items(s.back());
  if (l.empty()) lang::raise("ValueError", std::string(is_max ? "max" : "min") + "() arg is an empty sequence");
  IValue best = l[0];
  for (const auto& v : l)
    if (is_max ? lessThan(best, v) : lessThan(v, best)) best = v;
  s.back() = best;
}

void dictGetItem(Stack& s) {
  IValue key = pop(s);
  IValue* v = s.back().toDict()->find(key);
  if (!v) lang::raise("KeyError", lang::toRepr(key));
  IValue r = *v;
  s.back() = std::move(r);
}

void dictGet(Stack& s) {
  IValue dflt = pop(s), key = pop(s);
  IValue* v = s.back().toDict()->find(key);
  IValue r = v ? *v : dflt;
  s.back() = std::move(r);
}

void dictPop(Stack& s, bool has_default) {
  IValue dflt = has_default ? pop(s) : IValue();
  IValue key = pop(s);
  DictObj* d = s.back().toDict();
  IValue* v = d->find(key);
  if (!v && !has_default) lang::raise("KeyError", lang::toRepr(key));
  IValue r = v ? *v : dflt;
  if (v) d->erase(key);
  s.back() = std::move(r);
}

lang::TypePtr tupleOf(const DictObj* d) { return lang::tupleType({d->key_type, d->value_type}); }

void dictView(Stack& s, int which) {
  DictObj* d = s.back().toDict();
  std::vector<IValue> out;
  lang::TypePtr elem = which == 0 ? d->key_type : which == 1 ? d->value_type : tupleOf(d);
  d->forEach([&](const IValue& k, const IValue& v) {
    if (which == 0) out.push_back(k);
    else if (which == 1) out.push_back(v);
    else out.push_back(IValue(Ref<lang::TupleObj>::make(std::vector<IValue>{k, v})));
  });
  s.back() = IValue(newList(elem, std::move(out)));
}

void copyDict(Stack& s) {
  DictObj* d = s.back().toDict();
  auto c = Ref<DictObj>::make(d->key_type, d->value_type);
  for (auto& [k, v] : d->items()) c->set(k, v);
  s.back() = IValue(c);
}

static lang::RegisterOps reg({
    {"aten::__getitem__.t(t[](a) list, int idx) -> t(*)", listGetItem},
    {"aten::_set_item.t(t[](a!) l, int idx, t(b -> *) el) -> t[](a!)", [](Stack& s) { listSetItem(s); }, lang::OpClass::Other, false},
    {"aten::Delete.t(t[](a!) self, int idx) -> ()", [](Stack& s) {
       int64_t i = pop(s).toInt();
       auto& l = items(s.back());
       l.erase(l.begin() + normalizeIndex(i, l.size(), "list assignment"));
       s.pop_back();
     }, lang::OpClass::Other, false},
    {"aten::slice.t(t[] l, int? start=None, int? end=None, int step=1) -> t[]", listSlice},
    {"aten::len.t(t[] a) -> int", [](Stack& s) { s.back() = IValue(static_cast<int64_t>(items(s.back()).size())); }},
    {"aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!)", [](Stack& s) {
       IValue v = pop(s);
       items(s.back()).push_back(std::move(v));
     }, lang::OpClass::Other, false},
    {"aten::extend.t(t[](a!) self, t[] other) -> ()", [](Stack& s) {
       IValue o = pop(s);
       auto copy = items(o);
       auto& l = items(s.back());
       l.insert(l.end(), copy.begin(), copy.end());
       s.pop_back();
     }, lang::OpClass::Other, false},
    {"aten::insert.t(t[](a!) self, int idx, t(b -> *) el) -> ()", listInsert, lang::OpClass::Other, false},
    {"aten::pop.t(t[](a!) self, int idx=-1) -> t(*)", listPop, lang::OpClass::Other, false},
    {"aten::remove.t(t[](a!) self, t el) -> ()", listRemove, lang::OpClass::Other, false},
    {"aten::index.list_t(t[] self, t el) -> int", listIndex},
    {"aten::count.t(t[] self, t el) -> int", listCount},
    {"aten::__contains__.t(t[] l, t item) -> bool", listContains},
    {"aten::clear.t(t[](a!) self) -> ()", [](Stack& s) { items(s.back()).clear(); s.pop_back(); }, lang::OpClass::Other, false},
    {"aten::copy.t(t[](a) self) -> t[]", [](Stack& s) { s.back() = IValue(newList(s.back().toList()->elem_type, items(s.back()))); }},
    {"aten::list.t(t[] l) -> t[]", [](Stack& s) { s.back() = IValue(newList(s.back().toList()->elem_type, items(s.back()))); }},
    {"aten::reverse.t(t[](a!) self) -> ()", [](Stack& s) { auto& l = items(s.back()); std::reverse(l.begin(), l.end()); s.pop_back(); }, lang::OpClass::Other, false},
    {"aten::sort.t(t[](a!) self, bool reverse=False) -> ()", listSort, lang::OpClass::Other, false},
    {"aten::sorted.t(t[](a) input) -> t[]", listSorted},
    {"aten::add.t(t[] a, t[] b) -> t[]", [](Stack& s) {
       IValue b = pop(s);
       auto out = items(s.back());
       out.insert(out.end(), items(b).begin(), items(b).end());
       s.back() = IValue(newList(s.back().toList()->elem_type, std::move(out)));
     }},
    {"aten::mul.left_t(t[] l, int n) -> t[]", [](Stack& s) {
       int64_t n = pop(s).toInt();
       std::vector<IValue> out;
       for (int64_t k = 0; k < n; ++k) out.insert(out.end(), items(s.back()).begin(), items(s.back()).end());
       s.back() = IValue(newList(s.back().toList()->elem_type, std::move(out)));
     }},
    {"aten::eq.t(t a, t b) -> bool", [](Stack& s) { IValue b = pop(s); s.back() = IValue(lang::equals(s.back(), b)); }},
    {"aten::ne.t(t a, t b) -> bool", [](Stack& s) { IValue b = pop(s); s.back() = IValue(!lang::equals(s.back(), b)); }},
    {"aten::eq.tuple(AnyTupleType a, AnyTupleType b) -> bool", [](Stack& s) { IValue b = pop(s); s.back() = IValue(lang::equals(s.back(), b)); }},
    {"aten::ne.tuple(AnyTupleType a, AnyTupleType b) -> bool", [](Stack& s) { IValue b = pop(s); s.back() = IValue(!lang::equals(s.back(), b)); }},
    {"aten::__contains__.tuple(AnyTupleType t, Any item) -> bool", [](Stack& s) {
       IValue x = pop(s);
       const auto& items = s.back().toTuple()->items;
       s.back() = IValue(std::any_of(items.begin(), items.end(), [&](const IValue& v) { return v.is(x) || lang::equals(v, x); }));
     }},
    {"aten::Bool.list(t[] l) -> bool", [](Stack& s) { s.back() = IValue(!items(s.back()).empty()); }},
    {"aten::Bool.Dict(Dict(t, tVal) d) -> bool", [](Stack& s) { s.back() = IValue(s.back().toDict()->size() != 0); }},
    {"aten::min.list(t[] l) -> t", [](Stack& s) { listMinMax(s, false); }},
    {"aten::max.list(t[] l) -> t", [](Stack& s) { listMinMax(s, true); }},
    {"aten::sum.int(int[] self) -> int", [](Stack& s) {
       int64_t t = 0;
       for (const auto& v : items(s.back())) t += v.toInt();
       s.back() = IValue(t);
     }},
    {"aten::sum.float(float[] self) -> float", [](Stack& s) {
       double t = 0;
       for (const auto& v : items(s.back())) t += v.toDouble();
       s.back() = IValue(t);
     }},
    {"aten::sum.bool(bool[] self) -> int", [](Stack& s) {
       int64_t t = 0;
       for (const auto& v : items(s.back())) t += v.toBool();
       s.back() = IValue(t);
     }},
    {"aten::all.bool(bool[] self) -> bool", [](Stack& s) {
       bool r = std::all_of(items(s.back()).begin(), items(s.back()).end(), [](const IValue& v) { return v.toBool(); });
       s.back() = IValue(r);
     }},
    {"aten::any.bool(bool[] self) -> bool", [](Stack& s) {
       bool r = std::any_of(items(s.back()).begin(), items(s.back()).end(), [](const IValue& v) { return v.toBool(); });
       s.back() = IValue(r);
     }},
    {"aten::__is__(t1 self, t2 obj) -> bool", [](Stack& s) { IValue b = pop(s); s.back() = IValue(s.back().is(b)); }},
    {"aten::__isnot__(t1 self, t2 obj) -> bool", [](Stack& s) { IValue b = pop(s); s.back() = IValue(!s.back().is(b)); }},
    // Dicts.
    {"aten::__getitem__.Dict_t(Dict(t, tVal) self, t key) -> tVal(*)", dictGetItem},
    {"aten::_set_item.Dict_t(Dict(t, tVal)(a!) l, t(b -> *) idx, tVal(c -> *) v) -> ()", [](Stack& s) {
       IValue v = pop(s), k = pop(s);
       s.back().toDict()->set(k, std::move(v));
       s.pop_back();
     }, lang::OpClass::Other, false},
    {"aten::Delete.Dict_t(Dict(t, tVal)(a!) self, t key) -> ()", [](Stack& s) {
       IValue k = pop(s);
       if (!s.back().toDict()->erase(k)) lang::raise("KeyError", lang::toRepr(k));
       s.pop_back();
     }, lang::OpClass::Other, false},
    {"aten::len.Dict_t(Dict(t, tVal) self) -> int", [](Stack& s) { s.back() = IValue(static_cast<int64_t>(s.back().toDict()->size())); }},
    {"aten::__contains__.Dict_t(Dict(t, tVal) dict, t key) -> bool", [](Stack& s) {
       IValue k = pop(s);
       s.back() = IValue(s.back().toDict()->find(k) != nullptr);
     }},
    {"aten::get.Dict_t(Dict(t, tVal) self, t key) -> tVal?", [](Stack& s) { s.push_back(IValue()); dictGet(s); }},
    {"aten::get.default_t(Dict(t, tVal) self, t key, tVal default_value) -> tVal(*)", dictGet},
    {"aten::pop.Dict_t(Dict(t, tVal)(a!) self, t key) -> tVal(*)", [](Stack& s) { dictPop(s, false); }, lang::OpClass::Other, false},
    {"aten::pop.Dict_default_t(Dict(t, tVal)(a!) self, t key, tVal default_value) -> tVal(*)", [](Stack& s) { dictPop(s, true); }, lang::OpClass::Other, false},
    {"aten::popitem.Dict_t(Dict(t, tVal)(a!) self) -> ((t, tVal))", [](Stack& s) {
       DictObj* d = s.back().toDict();
       if (d->size() == 0) lang::raise("KeyError", "popitem(): dictionary is empty");
       std::pair<IValue, IValue> first;
       bool got = false;
       d->forEach([&](const IValue& k, const IValue& v) { if (!got) { first = {k, v}; got = true; } });
       d->erase(first.first);
       s.back() = IValue(Ref<lang::TupleObj>::make(std::vector<IValue>{first.first, first.second}));
     }, lang::OpClass::Other, false},
    {"aten::setdefault.Dict_t(Dict(t, tVal)(a!) self, t(b -> *) key, tVal(c -> *) default_value) -> tVal(*)", [](Stack& s) {
       IValue dflt = pop(s), k = pop(s);
       DictObj* d = s.back().toDict();
       if (IValue* v = d->find(k)) dflt = *v;
       else d->set(k, dflt);
       s.back() = std::move(dflt);
     }, lang::OpClass::Other, false},
    {"aten::update.Dict_t(Dict(t, tVal)(a!) self, Dict(t, tVal)(a!) to_add) -> ()", [](Stack& s) {
       IValue o = pop(s);
       DictObj* d = s.back().toDict();
       for (auto& [k, v] : o.toDict()->items()) d->set(k, v);
       s.pop_back();
     }, lang::OpClass::Other, false},
    {"aten::clear.Dict_t(Dict(t, tVal)(a!) self) -> ()", [](Stack& s) { s.back().toDict()->clear(); s.pop_back(); }, lang::OpClass::Other, false},
    // dict() as saved code spells it (frozen graphs keep the call): a new dict each time.
    {"aten::dict() -> Dict(str, Tensor)", [](Stack& s) { s.push_back(IValue(Ref<DictObj>::make(lang::strType(), lang::tensorType()))); },
     lang::OpClass::Other, false},
    {"aten::dict.Dict_t(Dict(t, tVal) self) -> Dict(t, tVal)", copyDict, lang::OpClass::Other, false},
    {"aten::dict.list((t, tVal)[] inputs) -> Dict(t, tVal)", [](Stack& s) {
       lang::ListObj* pairs = s.back().toList();
       const lang::TypePtr& pair = pairs->elem_type;
       auto d = Ref<DictObj>::make(pair->contained().at(0), pair->contained().at(1));
       for (const IValue& p : pairs->items) d->set(p.toTuple()->items.at(0), p.toTuple()->items.at(1));
       s.back() = IValue(d);
     }, lang::OpClass::Other, false},
    {"aten::copy.Dict_t(Dict(t, tVal) self) -> Dict(t, tVal)", copyDict},
    {"aten::keys.Dict_t(Dict(t, tVal) self) -> t[](*)", [](Stack& s) { dictView(s, 0); }},
    {"aten::values.Dict_t(Dict(t, tVal) self) -> tVal[](*)", [](Stack& s) { dictView(s, 1); }},
    {"aten::items.Dict_t(Dict(t, tVal) self) -> ((t, tVal)[])", [](Stack& s) { dictView(s, 2); }},
});

}  // namespace
}  // namespace wick::ops
