#pragma once
// Runtime values.
//
// An IValue is a tag plus an 8-byte payload: int, float and bool live unboxed
// in the payload (no allocation for scalar arithmetic); everything else is a
// refcounted HeapObject (Note [Intrusive refcount] in heap.h).
//
// Note [Aliasing]: lists, dicts, objects and tensors have reference semantics,
// as in Python: copying an IValue shares the object. Strings and tuples are
// immutable, so sharing them is unobservable.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/heap.h"
#include "lang/types.h"

namespace wick::ops {
class TensorImpl;  // derives from lang::HeapObject; see ops/tensor.h
}

namespace wick::lang {

class Function;
struct StrObj;
struct ListObj;
struct DictObj;
struct TupleObj;
struct Object;
struct EnumValue;
struct FunctionObj;

enum class Tag : uint8_t {
  None,
  Bool,
  Int,
  Float,
  Str,
  Tensor,
  List,
  Dict,
  Tuple,
  Object,
  Enum,
  Device,     // payload: int64 device code (see ops/device.h); CPU is 0
  Function,   // FunctionObj
  Uninitialized,
};

class IValue {
 public:
  IValue() : tag_(Tag::None) { u_.i = 0; }
  IValue(bool b) : tag_(Tag::Bool) { u_.i = 0; u_.b = b; }
  IValue(int64_t i) : tag_(Tag::Int) { u_.i = i; }
  IValue(int i) : IValue(static_cast<int64_t>(i)) {}
  IValue(double d) : tag_(Tag::Float) { u_.d = d; }
  IValue(std::string s);
  IValue(const char* s) : IValue(std::string(s)) {}
  IValue(Ref<StrObj> s);
  IValue(Ref<ListObj> l);
  IValue(Ref<DictObj> d);
  IValue(Ref<TupleObj> t);
  IValue(Ref<Object> o);
  IValue(Ref<EnumValue> e);
  IValue(Ref<FunctionObj> f);
  // Takes a strong reference to a tensor impl (ops builds these).
  static IValue fromTensorImpl(ops::TensorImpl* impl);
  static IValue device(int64_t code) { IValue v; v.tag_ = Tag::Device; v.u_.i = code; return v; }
  static IValue uninitialized() { IValue v; v.tag_ = Tag::Uninitialized; return v; }

  IValue(const IValue& o) : tag_(o.tag_), u_(o.u_) { if (o.isHeap()) u_.p->incref(); }
  IValue(IValue&& o) noexcept : tag_(o.tag_), u_(o.u_) { o.tag_ = Tag::None; o.u_.i = 0; }
  IValue& operator=(const IValue& o) {
    if (o.isHeap()) o.u_.p->incref();
    release();
    tag_ = o.tag_;
    u_ = o.u_;
    return *this;
  }
  IValue& operator=(IValue&& o) noexcept {
    if (this != &o) { release(); tag_ = o.tag_; u_ = o.u_; o.tag_ = Tag::None; o.u_.i = 0; }
    return *this;
  }
  ~IValue() { release(); }

  Tag tag() const { return tag_; }
  bool isNone() const { return tag_ == Tag::None; }
  bool isBool() const { return tag_ == Tag::Bool; }
  bool isInt() const { return tag_ == Tag::Int; }
  bool isFloat() const { return tag_ == Tag::Float; }
  bool isStr() const { return tag_ == Tag::Str; }
  bool isTensor() const { return tag_ == Tag::Tensor; }
  bool isList() const { return tag_ == Tag::List; }
  bool isDict() const { return tag_ == Tag::Dict; }
  bool isTuple() const { return tag_ == Tag::Tuple; }
  bool isObject() const { return tag_ == Tag::Object; }
  bool isEnum() const { return tag_ == Tag::Enum; }
  bool isDevice() const { return tag_ == Tag::Device; }
  bool isFunction() const { return tag_ == Tag::Function; }
  bool isHeap() const { return (tag_ >= Tag::Str && tag_ <= Tag::Enum) || tag_ == Tag::Function; }

  // Unchecked accessors: the type checker guarantees the tag.
  bool toBool() const { return u_.b; }
  int64_t toInt() const { return u_.i; }
  double toDouble() const { return u_.d; }
  int64_t toDeviceCode() const { return u_.i; }
  // int or float (or bool) as double, for Number arguments.
  double toScalarDouble() const { return tag_ == Tag::Float ? u_.d : tag_ == Tag::Int ? double(u_.i) : double(u_.b); }
  const std::string& toStr() const;
  std::string_view toStrView() const;
  StrObj* toStrObj() const { return reinterpret_cast<StrObj*>(u_.p); }
  ListObj* toList() const { return reinterpret_cast<ListObj*>(u_.p); }
  DictObj* toDict() const { return reinterpret_cast<DictObj*>(u_.p); }
  TupleObj* toTuple() const { return reinterpret_cast<TupleObj*>(u_.p); }
  Object* toObject() const { return reinterpret_cast<Object*>(u_.p); }
  EnumValue* toEnum() const { return reinterpret_cast<EnumValue*>(u_.p); }
  FunctionObj* toFunction() const { return reinterpret_cast<FunctionObj*>(u_.p); }
  ops::TensorImpl* toTensorImpl() const { return reinterpret_cast<ops::TensorImpl*>(u_.p); }
  HeapObject* heapPtr() const { return u_.p; }

  // Python `is`: identity for heap values, equality for None/bool/int/float/device.
  bool is(const IValue& o) const;

  // Mutating the unboxed payload in place (used by the VM's scalar fast paths).
  void setInt(int64_t i) { release(); tag_ = Tag::Int; u_.i = i; }
  void setDouble(double d) { release(); tag_ = Tag::Float; u_.d = d; }
  void setBool(bool b) { release(); tag_ = Tag::Bool; u_.i = 0; u_.b = b; }

 private:
  void release() { if (isHeap()) u_.p->decref(); }
  void setHeap(Tag t, HeapObject* p) { tag_ = t; u_.p = p; if (p) p->incref(); else tag_ = Tag::None; }

  Tag tag_;
  union {
    int64_t i;
    double d;
    bool b;
    HeapObject* p;
  } u_;
};

using Stack = std::vector<IValue>;

struct StrObj : HeapObject {
  explicit StrObj(std::string s) : str(std::move(s)) {}
  std::string str;
};

struct ListObj : HeapObject {
  ListObj(TypePtr elem_type, std::vector<IValue> items = {}) : elem_type(std::move(elem_type)), items(std::move(items)) {}
  TypePtr elem_type;
  std::vector<IValue> items;
};

// Hashing and equality of dict keys (str, int, float, bool, tensor by identity, ...).
struct IValueHash { size_t operator()(const IValue& v) const; };
struct IValueKeyEq { bool operator()(const IValue& a, const IValue& b) const; };

// An insertion-ordered dict, as Python's.
struct DictObj : HeapObject {
  DictObj(TypePtr key_type, TypePtr value_type) : key_type(std::move(key_type)), value_type(std::move(value_type)) {}
  TypePtr key_type;
  TypePtr value_type;

  size_t size() const { return index_.size(); }
  IValue* find(const IValue& key);                  // nullptr when absent
  void set(const IValue& key, IValue value);        // insert or overwrite (keeps position)
  bool erase(const IValue& key);                    // false when absent
  void clear();
  // Live entries in insertion order.
  template <class F>
  void forEach(F&& f) const {
    for (const auto& e : entries_) if (!e.deleted) f(e.key, e.value);
  }
  std::vector<std::pair<IValue, IValue>> items() const;

 private:
  struct Entry { IValue key; IValue value; bool deleted = false; };
  void compact();
  std::vector<Entry> entries_;
  std::unordered_map<IValue, size_t, IValueHash, IValueKeyEq> index_;
};

struct TupleObj : HeapObject {
  explicit TupleObj(std::vector<IValue> items, TypePtr type = nullptr) : items(std::move(items)), type(std::move(type)) {}
  std::vector<IValue> items;
  TypePtr type;  // set for named tuples (field names), else may be null
};

// An instance of a ClassType; slots follow ClassType::attributes().
struct Object : HeapObject {
  Object(ClassTypePtr type, size_t nslots) : type(std::move(type)), slots(nslots) {}
  ClassTypePtr type;
  std::vector<IValue> slots;
};

struct EnumValue : HeapObject {
  EnumValue(TypePtr type, std::string name, IValue value) : type(std::move(type)), name(std::move(name)), value(std::move(value)) {}
  TypePtr type;
  std::string name;
  IValue value;
};

// A function used as a value (passed as an argument, stored in a variable).
struct FunctionObj : HeapObject {
  explicit FunctionObj(Function* fn) : fn(fn) {}
  Function* fn;
};

// Python-style text: str(v) and repr(v) as TorchScript prints them
// (str(2.0) == "2.", strings inside containers unquoted, see conformance README).
std::string toStr(const IValue& v);
std::string toRepr(const IValue& v);
// Structural equality (==) for non-tensor values.
bool equals(const IValue& a, const IValue& b);
// The runtime type of a value (for isinstance on Any/Union, and errors).
TypePtr typeOf(const IValue& v);

// Hooks the tensor library sets at static initialization (lang cannot see
// ops): printing a tensor as print(t) does, and tensor equality for `==` on
// containers of tensors.
struct TensorHooks {
  std::string (*to_str)(const IValue& tensor) = nullptr;
  TypePtr (*type_of)(const IValue& tensor) = nullptr;
};
TensorHooks& tensorHooks();

}  // namespace wick::lang
