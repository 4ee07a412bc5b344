// The public C++ API (include/wick/wick.h) over wick's internals: pimpl
// wrappers around lang::IValue and ops::Tensor, and an archive loaded by
// serialize::loadArchive. Every internal exception becomes wick::Error.
#include "wick/wick.h"

#include <cstring>
#include <functional>

#include "interpreter/runtime.h"
#include "lang/error.h"
#include "ops/tensor/tensor.h"
#include "serialize/archive.h"

namespace wick {

namespace {

template <class F>
auto translated(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const wick::Error&) {
    throw;
  } catch (const lang::Error& e) {
    throw wick::Error(e.format());
  } catch (const std::exception& e) {
    throw wick::Error(e.what());
  }
}

ops::ScalarType toScalarType(DType d) { return static_cast<ops::ScalarType>(static_cast<int8_t>(d)); }

void checkDType(DType d) {
  switch (d) {
    case DType::UInt8: case DType::Int8: case DType::Int16: case DType::Int32: case DType::Int64:
    case DType::Float16: case DType::Float32: case DType::Float64: case DType::Bool: case DType::BFloat16: return;
  }
  throw Error("unknown dtype " + std::to_string(static_cast<int>(d)));
}

ops::IntArray checkedShape(const std::vector<int64_t>& shape) {
  for (int64_t s : shape)
    if (s < 0) throw Error("negative size in tensor shape");
  return ops::IntArray(shape.begin(), shape.end());
}

}  // namespace

size_t elementSize(DType dtype) {
  checkDType(dtype);
  return ops::elementSize(toScalarType(dtype));
}

// ---- Tensor ----

struct Tensor::Impl {
  ops::Tensor t;
};

Tensor::Tensor() : impl_(std::make_unique<Impl>()) {}
Tensor::~Tensor() = default;
Tensor::Tensor(const Tensor& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Tensor& Tensor::operator=(const Tensor& o) {
  *impl_ = *o.impl_;
  return *this;
}

Tensor Tensor::fromBuffer(const void* data, const std::vector<int64_t>& shape, DType dtype) {
  checkDType(dtype);
  Tensor out;
  out.impl_->t = ops::Tensor::empty(checkedShape(shape), toScalarType(dtype));
  std::memcpy(out.impl_->t.data_ptr(), data, out.impl_->t.numel() * out.impl_->t.elementSize());
  return out;
}

Tensor Tensor::wrapBuffer(void* data, const std::vector<int64_t>& shape, DType dtype) {
  checkDType(dtype);
  Tensor out;
  out.impl_->t = ops::Tensor::fromBlob(data, checkedShape(shape), toScalarType(dtype), [](void*) {});
  return out;
}

std::vector<int64_t> Tensor::shape() const {
  if (!impl_->t.defined()) return {};
  return std::vector<int64_t>(impl_->t.sizes().begin(), impl_->t.sizes().end());
}
DType Tensor::dtype() const { return static_cast<DType>(static_cast<int8_t>(impl_->t.dtype())); }
int64_t Tensor::numel() const { return impl_->t.defined() ? impl_->t.numel() : 0; }
const void* Tensor::data() const {
  if (!impl_->t.defined()) return nullptr;
  if (!impl_->t.is_contiguous()) impl_->t = impl_->t.contiguous();
  return impl_->t.data_ptr();
}
std::string Tensor::str() const { return impl_->t.defined() ? lang::toStr(impl_->t.toIValue()) : "Tensor()"; }

// ---- Value ----

struct Value::Impl {
  lang::IValue v;
};

Value::Value() : impl_(std::make_unique<Impl>()) {}
Value::Value(bool b) : impl_(std::make_unique<Impl>(Impl{lang::IValue(b)})) {}
Value::Value(int64_t i) : impl_(std::make_unique<Impl>(Impl{lang::IValue(i)})) {}
Value::Value(double d) : impl_(std::make_unique<Impl>(Impl{lang::IValue(d)})) {}
Value::Value(const char* s) : impl_(std::make_unique<Impl>(Impl{lang::IValue(std::string(s))})) {}
Value::Value(std::string s) : impl_(std::make_unique<Impl>(Impl{lang::IValue(std::move(s))})) {}
Value::Value(const Tensor& t) : impl_(std::make_unique<Impl>(Impl{t.impl_->t.toIValue()})) {}
Value::~Value() = default;
Value::Value(const Value& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Value& Value::operator=(const Value& o) {
  *impl_ = *o.impl_;
  return *this;
}

Value Value::list(std::vector<Value> items) {
  std::vector<lang::IValue> vs;
  for (const Value& x : items) vs.push_back(x.impl_->v);
  lang::TypePtr elem = vs.empty() ? lang::tensorType() : lang::typeOf(vs[0]);
  for (const lang::IValue& x : vs)
    if (!(*lang::typeOf(x) == *elem)) throw Error("Value::list: items of different types (" + elem->str() + " and " + lang::typeOf(x)->str() + ")");
  Value out;
  out.impl_->v = lang::IValue(lang::Ref<lang::ListObj>::make(elem, std::move(vs)));
  return out;
}

Value Value::tuple(std::vector<Value> items) {
  std::vector<lang::IValue> vs;
  for (const Value& x : items) vs.push_back(x.impl_->v);
  Value out;
  out.impl_->v = lang::IValue(lang::Ref<lang::TupleObj>::make(std::move(vs)));
  return out;
}

bool Value::isNone() const { return impl_->v.isNone(); }
bool Value::isBool() const { return impl_->v.isBool(); }
bool Value::isInt() const { return impl_->v.isInt(); }
bool Value::isDouble() const { return impl_->v.isFloat(); }
bool Value::isString() const { return impl_->v.isStr(); }
bool Value::isTensor() const { return impl_->v.isTensor(); }
bool Value::isList() const { return impl_->v.isList(); }
bool Value::isTuple() const { return impl_->v.isTuple(); }
bool Value::isDict() const { return impl_->v.isDict(); }
bool Value::isObject() const { return impl_->v.isObject(); }

namespace {
[[noreturn]] void wrongType(const lang::IValue& v, const char* wanted) {
  throw Error(std::string("expected a value of type ") + wanted + ", found " + lang::typeOf(v)->str());
}
}  // namespace

bool Value::toBool() const {
  if (!isBool()) wrongType(impl_->v, "bool");
  return impl_->v.toBool();
}
int64_t Value::toInt() const {
  if (!isInt()) wrongType(impl_->v, "int");
  return impl_->v.toInt();
}
double Value::toDouble() const {
  if (!isDouble() && !isInt()) wrongType(impl_->v, "float");
  return impl_->v.toScalarDouble();
}
std::string Value::toString() const {
  if (!isString()) wrongType(impl_->v, "str");
  return impl_->v.toStr();
}
Tensor Value::toTensor() const {
  if (!isTensor()) wrongType(impl_->v, "Tensor");
  Tensor t;
  t.impl_->t = ops::Tensor::fromIValue(impl_->v);
  return t;
}
std::vector<Value> Value::toList() const {
  const std::vector<lang::IValue>* items = isList() ? &impl_->v.toList()->items : isTuple() ? &impl_->v.toTuple()->items : nullptr;
  if (!items) wrongType(impl_->v, "list or tuple");
  std::vector<Value> out;
  for (const lang::IValue& x : *items) {
    Value v;
    v.impl_->v = x;
    out.push_back(std::move(v));
  }
  return out;
}
std::vector<std::pair<Value, Value>> Value::toDict() const {
  if (!isDict()) wrongType(impl_->v, "dict");
  std::vector<std::pair<Value, Value>> out;
  impl_->v.toDict()->forEach([&](const lang::IValue& k, const lang::IValue& x) {
    Value a, b;
    a.impl_->v = k;
    b.impl_->v = x;
    out.emplace_back(std::move(a), std::move(b));
  });
  return out;
}
std::string Value::str() const { return lang::toStr(impl_->v); }

// ---- Module ----

struct Module::Impl {
  std::shared_ptr<serialize::Archive> archive;
};

Module::Module() : impl_(std::make_unique<Impl>()) {}
Module::~Module() = default;
Module::Module(Module&&) noexcept = default;
Module& Module::operator=(Module&&) noexcept = default;

Module Module::load(const std::string& path) {
  Module m;
  m.impl_->archive = translated([&] { return std::shared_ptr<serialize::Archive>(serialize::loadArchive(path)); });
  return m;
}

Module Module::loadFromBuffer(const void* data, size_t size, const std::string& name) {
  Module m;
  // wick's own copy: tensors may point into it, and in-place ops write to it.
  auto bytes = std::make_shared<std::vector<uint8_t>>(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + size);
  m.impl_->archive = translated([&] { return std::shared_ptr<serialize::Archive>(serialize::loadArchive(bytes, name)); });
  return m;
}

Value Module::run(const std::string& method, const std::vector<Value>& args) const {
  lang::Function* fn = impl_->archive->method(method);
  if (!fn) throw Error(impl_->archive->path + ": the module has no method '" + method + "'");
  const auto& formals = fn->schema().arguments;
  std::vector<lang::IValue> vs{impl_->archive->root};
  for (const Value& a : args) vs.push_back(a.impl_->v);
  if (vs.size() > formals.size())
    throw Error(method + "() takes " + std::to_string(formals.size() - 1) + " arguments but " + std::to_string(args.size()) + " were given");
  for (size_t i = 1; i < vs.size(); ++i)
    if (!lang::isSubtypeOf(lang::typeOf(vs[i]), formals[i].type))
      throw Error(method + "() expected a value of type " + formals[i].type->str() + " for argument '" + formals[i].name +
                  "' but found " + lang::typeOf(vs[i])->str());
  for (size_t i = vs.size(); i < formals.size(); ++i) {
    if (!formals[i].default_value) throw Error(method + "() is missing a value for argument '" + formals[i].name + "'");
    vs.push_back(*formals[i].default_value);
  }
  Value out;
  out.impl_->v = translated([&] { return interp::run(*fn, std::move(vs)); });
  return out;
}

std::vector<std::string> Module::methods() const {
  std::vector<std::string> out;
  for (const lang::Function* f : impl_->archive->root.toObject()->type->methods()) out.push_back(f->name());
  return out;
}

Value Module::attr(const std::string& dotted) const {
  lang::IValue cur = impl_->archive->root;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t end = dotted.find('.', start);
    if (end == std::string::npos) end = dotted.size();
    std::string name = dotted.substr(start, end - start);
    if (!cur.isObject()) throw Error("'" + dotted.substr(0, start ? start - 1 : 0) + "' is not a module or object");
    const lang::Object& obj = *cur.toObject();
    auto slot = obj.type->findAttribute(name);
    if (!slot) throw Error(obj.type->str() + " has no attribute '" + name + "'");
    cur = obj.slots[*slot];
    start = end + 1;
  }
  Value out;
  out.impl_->v = cur;
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named(bool parameters) const {
  std::vector<std::pair<std::string, Tensor>> out;
  std::function<void(const lang::IValue&, const std::string&)> walk = [&](const lang::IValue& v, const std::string& prefix) {
    const lang::Object& obj = *v.toObject();
    const auto& attrs = obj.type->attributes();
    for (size_t i = 0; i < attrs.size() && i < obj.slots.size(); ++i) {
      const lang::IValue& slot = obj.slots[i];
      if (slot.isTensor() && (parameters ? attrs[i].is_parameter : attrs[i].is_buffer)) {
        Tensor t;
        t.impl_->t = ops::Tensor::fromIValue(slot);
        out.emplace_back(prefix + attrs[i].name, std::move(t));
      } else if (slot.isObject() && slot.toObject()->type->isModule()) {
        walk(slot, prefix + attrs[i].name + ".");
      }
    }
  };
  walk(impl_->archive->root, "");
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::namedParameters() const { return named(true); }
std::vector<std::pair<std::string, Tensor>> Module::namedBuffers() const { return named(false); }

std::vector<std::pair<std::string, std::string>> Module::extraFiles() const {
  return {impl_->archive->extra_files.begin(), impl_->archive->extra_files.end()};
}

}  // namespace wick
