#include "serialize/pickler.h"

#include <bit>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "interpreter/runtime.h"
#include "serialize/pickle_globals.h"
#include "serialize/pickle_opcodes.h"
#include "serialize/unpickler.h"  // kMaxValueNesting

namespace wick::serialize {

using lang::IValue;
using lang::Tag;
using lang::TypeKind;

namespace {

using Op = PickleOp;

// Heap values a pointer-memo applies to (strings are memoized by value).
bool isPointerValue(const IValue& v) { return v.isHeap() && !v.isStr(); }

// Heap values the graph reaches more than once (Note [What the pickler memoizes]).
std::unordered_set<const void*> sharedValues(const IValue& root) {
  std::unordered_set<const void*> seen, shared;
  std::vector<const IValue*> work{&root};
  while (!work.empty()) {
    const IValue& v = *work.back();
    work.pop_back();
    if (!isPointerValue(v)) continue;
    if (!seen.insert(v.heapPtr()).second) {
      shared.insert(v.heapPtr());
      continue;
    }
    switch (v.tag()) {
      case Tag::List:
        for (const IValue& x : v.toList()->items) work.push_back(&x);
        break;
      case Tag::Tuple:
        for (const IValue& x : v.toTuple()->items) work.push_back(&x);
        break;
      case Tag::Object:
        for (const IValue& x : v.toObject()->slots) work.push_back(&x);
        break;
      case Tag::Enum: work.push_back(&v.toEnum()->value); break;
      case Tag::Dict:
        v.toDict()->forEach([&](const IValue& k, const IValue& x) {
          work.push_back(&k);
          work.push_back(&x);
        });
        break;
      default: break;
    }
  }
  return shared;
}

// Splits "__torch__.a.b.Name" into GLOBAL's module and name at the last dot.
std::pair<std::string, std::string> splitQualname(const std::string& q) {
  size_t dot = q.rfind('.');
  if (dot == std::string::npos) return {"", q};
  return {q.substr(0, dot), q.substr(dot + 1)};
}

class Pickler {
 public:
  Pickler(const lang::IValue& root, const PickleHooks& hooks) : hooks_(hooks), shared_(sharedValues(root)) {}

  std::vector<uint8_t> run(const IValue& root) {
    op(Op::PROTO);
    out_.push_back(2);
    push(root);
    op(Op::STOP);
    return std::move(out_);
  }

 private:
  void op(Op o) { out_.push_back(uint8_t(o)); }
  void le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(uint8_t(v >> (8 * i)));
  }
  void bytes(const std::string& s) { out_.insert(out_.end(), s.begin(), s.end()); }

  uint32_t binPut() {
    uint32_t id = next_memo_++;
    if (id <= 0xff) {
      op(Op::BINPUT);
      le(id, 1);
    } else {
      op(Op::LONG_BINPUT);
      le(id, 4);
    }
    return id;
  }
  void binGet(uint32_t id) {
    if (id <= 0xff) {
      op(Op::BINGET);
      le(id, 1);
    } else {
      op(Op::LONG_BINGET);
      le(id, 4);
    }
  }

  void pushInt(int64_t n) {
    if (n >= 0 && n <= 0xff) {
      op(Op::BININT1);
      le(uint64_t(n), 1);
    } else if (n >= 0 && n <= 0xffff) {
      op(Op::BININT2);
      le(uint64_t(n), 2);
    } else if (n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max()) {
      op(Op::BININT);
      le(uint64_t(n), 4);
    } else {
      op(Op::LONG1);
      out_.push_back(8);
      le(uint64_t(n), 8);
    }
  }
  void pushDouble(double d) {
    op(Op::BINFLOAT);
    uint64_t bits = std::bit_cast<uint64_t>(d);
    for (int i = 7; i >= 0; --i) out_.push_back(uint8_t(bits >> (8 * i)));  // big-endian
  }
  void pushString(const std::string& s) {
    if (auto it = strings_.find(s); it != strings_.end()) return binGet(it->second);
    if (s.size() > std::numeric_limits<uint32_t>::max())
      throw ArchiveError("cannot pickle a string of " + std::to_string(s.size()) + " bytes (BINUNICODE holds < 4 GiB)");
    op(Op::BINUNICODE);
    le(s.size(), 4);
    bytes(s);
    strings_[s] = binPut();
  }
  void pushGlobal(const std::string& module, const std::string& name) {
    std::string key = module + "\n" + name + "\n";
    if (auto it = globals_.find(key); it != globals_.end()) return binGet(it->second);
    op(Op::GLOBAL);
    bytes(key);
    globals_[key] = binPut();
  }

  // `requires_grad` is what a tensor written here records: true for parameters,
  // as torch writes them (wick's tensors carry no autograd state).
  void push(const IValue& v, bool requires_grad = false) {
    bool memoize = v.isObject() || v.isTensor() || (isPointerValue(v) && shared_.count(v.heapPtr()));
    if (!memoize) return pushNested(v, requires_grad);
    if (auto it = memoized_.find(v.heapPtr()); it != memoized_.end()) return binGet(it->second);
    if (!in_progress_.insert(v.heapPtr()).second) throw ArchiveError("cannot pickle a value that contains itself");
    pushNested(v, requires_grad);
    in_progress_.erase(v.heapPtr());
    memoized_[v.heapPtr()] = binPut();
  }
  // Note [Bounded nesting] (unpickler.h): what could not be read back is not written.
  void pushNested(const IValue& v, bool requires_grad) {
    if (++depth_ > kMaxValueNesting)
      throw ArchiveError("cannot pickle values nested deeper than " + std::to_string(kMaxValueNesting) + " levels");
    pushValue(v, requires_grad);
    --depth_;
  }

  void pushValue(const IValue& v, bool requires_grad) {
    switch (v.tag()) {
      case Tag::None: return op(Op::NONE);
      case Tag::Bool: return op(v.toBool() ? Op::NEWTRUE : Op::NEWFALSE);
      case Tag::Int: return pushInt(v.toInt());
      case Tag::Float: return pushDouble(v.toDouble());
      case Tag::Str: return pushString(v.toStr());
      case Tag::Tensor: return pushTensor(ops::Tensor::fromIValue(v), requires_grad);
      case Tag::List: return pushList(*v.toList());
      case Tag::Dict: return pushDict(*v.toDict());
      case Tag::Tuple: return pushTuple(v.toTuple()->items);
      case Tag::Object: return pushObject(*v.toObject());
      case Tag::Enum: return pushEnum(*v.toEnum());
      case Tag::Device: return pushDevice(v.toDeviceCode());
      case Tag::Function: throw ArchiveError("cannot pickle a function value");
      case Tag::Uninitialized: throw ArchiveError("cannot pickle an uninitialized value");
    }
  }

  void pushTuple(const std::vector<IValue>& items) {
    if (items.empty()) return op(Op::EMPTY_TUPLE);
    if (items.size() > 3) op(Op::MARK);
    for (const IValue& x : items) push(x);
    if (items.size() > 3) return op(Op::TUPLE);
    op(static_cast<Op>(uint8_t(Op::TUPLE1) + items.size() - 1));
  }

  // List[int], List[float], List[bool] and List[Tensor] have globals of
  // their own; every other list is tagged with its type string.
  void pushList(const lang::ListObj& list) {
    lang::TypePtr elem = list.elem_type ? list.elem_type : lang::anyType();
    const char* builder = elem->kind() == TypeKind::Int      ? "build_intlist"
                          : elem->kind() == TypeKind::Float  ? "build_doublelist"
                          : elem->kind() == TypeKind::Bool   ? "build_boollist"
                          : elem->kind() == TypeKind::Tensor ? "build_tensorlist"
                                                             : nullptr;
    pushGlobal("torch.jit._pickle", builder ? builder : "restore_type_tag");
    if (builder) op(Op::MARK);
    op(Op::EMPTY_LIST);
    op(Op::MARK);
    for (const IValue& x : list.items) push(x);
    op(Op::APPENDS);
    if (builder) {
      op(Op::TUPLE);
    } else {
      pushString(lang::listType(elem)->str());
      op(Op::TUPLE2);
    }
    op(Op::REDUCE);
  }

  void pushDict(const lang::DictObj& dict) {
    pushGlobal("torch.jit._pickle", "restore_type_tag");
    op(Op::EMPTY_DICT);
    op(Op::MARK);
    dict.forEach([&](const IValue& k, const IValue& x) {
      push(k);
      push(x);
    });
    op(Op::SETITEMS);
    lang::TypePtr key = dict.key_type ? dict.key_type : lang::anyType();
    lang::TypePtr value = dict.value_type ? dict.value_type : lang::anyType();
    pushString(lang::dictType(key, value)->str());
    op(Op::TUPLE2);
    op(Op::REDUCE);
  }

  // `c module Name ) NEWOBJ } ( name value ... u BUILD`, every attribute in
  // slot (declaration) order; or, for a class with __getstate__, what it
  // returns in the dict's place (loading runs __setstate__ on it), as torch.
  void pushObject(const lang::Object& obj) {
    const lang::ClassType& cls = *obj.type;
    auto [module, name] = splitQualname(cls.name());
    pushGlobal(module, name);
    op(Op::EMPTY_TUPLE);
    op(Op::NEWOBJ);
    if (lang::Function* getstate = cls.findMethod("__getstate__")) {
      lang::IValue self(lang::Ref<lang::Object>(const_cast<lang::Object*>(&obj)));
      push(interp::run(*getstate, {self}));
      op(Op::BUILD);
      return;
    }
    op(Op::EMPTY_DICT);
    op(Op::MARK);
    const auto& attrs = cls.attributes();
    if (obj.slots.size() != attrs.size())
      throw ArchiveError("cannot pickle an object of " + cls.name() + " with " + std::to_string(obj.slots.size()) +
                         " slots: the class declares " + std::to_string(attrs.size()) + " attributes");
    for (size_t i = 0; i < attrs.size(); ++i) {
      pushString(attrs[i].name);
      push(obj.slots[i], attrs[i].is_parameter);
    }
    op(Op::SETITEMS);
    op(Op::BUILD);
  }

  void pushEnum(const lang::EnumValue& e) {
    auto [module, name] = splitQualname(e.type->name());
    pushGlobal(module, name);
    push(e.value);
    op(Op::REDUCE);
  }

  void pushDevice(ops::Device device) {
    std::string s = deviceString(device);
    if (auto it = devices_.find(s); it != devices_.end()) return binGet(it->second);
    pushGlobal("torch", "device");
    pushString(s);
    op(Op::TUPLE1);
    op(Op::REDUCE);
    devices_[s] = binPut();
  }

  // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict()) (spec §5).
  void pushTensor(const ops::Tensor& t, bool requires_grad) {
    pushGlobal("torch._utils", "_rebuild_tensor_v2");
    op(Op::MARK);
    pushStorage(t);
    pushInt(t.storageOffset());
    op(Op::MARK);
    for (int64_t s : t.sizes()) pushInt(s);
    op(Op::TUPLE);
    op(Op::MARK);
    for (int64_t s : t.strides()) pushInt(s);
    op(Op::TUPLE);
    op(requires_grad ? Op::NEWTRUE : Op::NEWFALSE);
    pushGlobal("collections", "OrderedDict");
    op(Op::EMPTY_TUPLE);
    op(Op::REDUCE);
    op(Op::TUPLE);
    op(Op::REDUCE);
  }

  // ('storage', torch.<X>Storage, key, location, numel of the whole storage), once per storage.
  void pushStorage(const ops::Tensor& t) {
    const ops::Storage* storage = t.storage().get();
    if (auto it = storages_.find(storage); it != storages_.end()) return binGet(it->second);
    const char* cls = storageClassName(t.dtype());
    if (!cls) throw ArchiveError(std::string("cannot pickle a tensor of dtype ") + ops::dtypeName(t.dtype()));
    op(Op::MARK);
    pushString("storage");
    pushGlobal("torch", cls);
    pushString(hooks_.storage_key ? hooks_.storage_key(t) : std::to_string(storages_.size()));
    pushString(deviceString(t.device()));
    pushInt(storageNumel(*t.storage(), t.dtype()));
    op(Op::TUPLE);
    op(Op::BINPERSID);
    storages_[storage] = binPut();
  }

  const PickleHooks& hooks_;
  std::unordered_set<const void*> shared_;
  std::vector<uint8_t> out_;
  uint32_t next_memo_ = 0;
  uint32_t depth_ = 0;
  std::unordered_map<std::string, uint32_t> strings_, globals_, devices_;
  std::unordered_map<const void*, uint32_t> memoized_;
  std::unordered_map<const ops::Storage*, uint32_t> storages_;
  std::unordered_set<const void*> in_progress_;
};

}  // namespace

std::vector<uint8_t> pickle(const IValue& root, const PickleHooks& hooks) { return Pickler(root, hooks).run(root); }

}  // namespace wick::serialize
