// What the globals of spec §4.3 mean once REDUCE, NEWOBJ or BUILD applies
// them, and what BINPERSID loads (spec §5).
#include <limits>

#include "serialize/pickle_globals.h"
#include "serialize/unpickler_machine.h"
#include "serialize/value_type_check.h"

namespace wick::serialize::detail {

using lang::IValue;
using lang::Ref;
using lang::TypeKind;
using lang::TypePtr;

namespace {

Item valueItem(IValue v, uint32_t depth) {
  Item item;
  item.value = std::move(v);
  item.depth = depth;
  return item;
}

bool isNamedTuple(const lang::Type& t) { return t.kind() == TypeKind::Tuple && !t.name().empty(); }

bool enumValueIs(const lang::EnumMemberValue& member, const IValue& v) {
  if (auto* i = std::get_if<int64_t>(&member)) return v.isInt() && v.toInt() == *i;
  if (auto* d = std::get_if<double>(&member)) return v.isFloat() && v.toDouble() == *d;
  return v.isStr() && v.toStr() == std::get<std::string>(member);
}

}  // namespace

// Hooks may throw anything; the caller gets an ArchiveError that says where.
template <class F>
auto Unpickler::callHook(const char* hook, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ArchiveError& e) {
    fail(e.what());
  } catch (const std::exception& e) {
    fail(std::string(hook) + ": " + e.what());
  }
}

// ---- GLOBAL ----

Item Unpickler::resolveGlobal(const std::string& module, const std::string& name) {
  std::string qualname = module + "." + name;
  Item item;
  item.kind = Item::Kind::Callable;
  item.name = *global_names_.insert(qualname).first;
  auto callable = [&](Callable c) {
    item.callable = c;
    return item;
  };
  if (qualname == "torch._utils._rebuild_tensor_v2") return callable(Callable::RebuildTensor);
  if (qualname == "collections.OrderedDict") return callable(Callable::OrderedDict);
  if (qualname == "torch.device") return callable(Callable::Device);
  if (module == "torch.jit._pickle") {
    if (name == "build_intlist") return callable(Callable::BuildIntList);
    if (name == "build_doublelist") return callable(Callable::BuildDoubleList);
    if (name == "build_boollist") return callable(Callable::BuildBoolList);
    if (name == "build_tensorlist") return callable(Callable::BuildTensorList);
    if (name == "restore_type_tag") return callable(Callable::RestoreTypeTag);
    if (name == "build_tensor_from_id") fail("build_tensor_from_id refers to an RPC tensor table, which archives never have");
  }
  if (module == "torch") {
    // Torch pushes a storage class as its ScalarType number, a plain value:
    // it has to sit inside the persistent-id tuple (spec §5).
    if (auto dtype = dtypeOfStorageClass(name)) return valueItem(IValue(int64_t(*dtype)), 0);
    if (name.starts_with("Q") && name.ends_with("Storage")) fail("quantized storages (torch." + name + ") are not supported");
    if (name.starts_with("per_tensor_") || name.starts_with("per_channel_"))
      fail("quantized tensors (torch." + name + ") are not supported");
  }
  if (qualname == "torch._utils._rebuild_qtensor") fail("quantized tensors (torch._utils._rebuild_qtensor) are not supported");
  if (qualname == "torch._utils._rebuild_sparse_tensor") fail("sparse tensors (torch._utils._rebuild_sparse_tensor) are not supported");
  if (qualname == "torch._tensor._rebuild_from_type_v2")
    fail("tensor subclasses (torch._tensor._rebuild_from_type_v2) are not supported");
  if (qualname == "builtins.complex") fail("complex values are not supported");
  if (module == "__torch__" || module.starts_with("__torch__.")) {
    item.callable = Callable::Type;
    item.type = resolveClass(qualname);
    return item;
  }
  fail("unknown global " + qualname);
}

TypePtr Unpickler::resolveClass(const std::string& qualname) {
  if (auto it = classes_.find(qualname); it != classes_.end()) return it->second;
  if (!hooks_.resolve_class) fail("no resolve_class hook to find " + qualname);
  TypePtr t = callHook("resolve_class", [&] { return hooks_.resolve_class(qualname); });
  if (!t) fail("cannot resolve the class " + qualname);
  if (t->kind() != TypeKind::Class && t->kind() != TypeKind::Enum && !isNamedTuple(*t))
    fail(qualname + " resolves to " + t->str() + ", not a class, enum or NamedTuple");
  return classes_[qualname] = t;
}

TypePtr Unpickler::parseType(const std::string& text) {
  if (auto it = parsed_types_.find(text); it != parsed_types_.end()) return it->second;
  if (!hooks_.parse_type) fail("no parse_type hook to read the type '" + text + "'");
  TypePtr t = callHook("parse_type", [&] { return hooks_.parse_type(text); });
  if (!t) fail("cannot parse the type '" + text + "'");
  return parsed_types_[text] = t;
}

// ---- REDUCE ----

namespace {
// The items of REDUCE's argument tuple, which must have `n` of them.
const std::vector<IValue>* tupleArgs(const IValue& args, size_t n) {
  if (!args.isTuple() || args.toTuple()->items.size() != n) return nullptr;
  return &args.toTuple()->items;
}
}  // namespace

Item Unpickler::reduce(const Item& callable, IValue args, uint32_t depth) {
  switch (callable.callable) {
    case Callable::RebuildTensor: return rebuildTensor(args);
    case Callable::OrderedDict:
      // A tensor's empty backward-hooks dict, or a state_dict that SETITEMS
      // fills next (torch.save of module.state_dict()).
      if (!tupleArgs(args, 0)) fail("collections.OrderedDict with arguments (only the empty one is supported)");
      return valueItem(IValue(Ref<lang::DictObj>::make(nullptr, nullptr)), 1);
    case Callable::BuildIntList: return typedList(lang::intType(), args, depth);
    case Callable::BuildDoubleList: return typedList(lang::floatType(), args, depth);
    case Callable::BuildBoolList: return typedList(lang::boolType(), args, depth);
    case Callable::BuildTensorList: return typedList(lang::tensorType(), args, depth);
    case Callable::RestoreTypeTag: return restoreTypeTag(args, depth);
    case Callable::Device: {
      auto* a = tupleArgs(args, 1);
      if (!a || !(*a)[0].isStr()) fail("torch.device takes one str, found " + valueKindName(args));
      const std::string& s = (*a)[0].toStr();
      if (s != "cpu" && s != "cpu:0") fail("device '" + s + "' is not supported (only 'cpu')");
      return valueItem(IValue::device(ops::kCPU), 0);
    }
    case Callable::Type:
      if (callable.type->kind() == TypeKind::Enum) return enumMember(callable.type, args);
      if (isNamedTuple(*callable.type)) return namedTuple(callable.type, args, depth);
      fail("class " + std::string(callable.name) + " is built with NEWOBJ and BUILD, not REDUCE");
  }
  fail("bad callable");  // unreachable: the switch covers every Callable
}

Item Unpickler::typedList(TypePtr elem, const IValue& args, uint32_t depth) {
  auto* a = tupleArgs(args, 1);
  if (!a || !(*a)[0].isList()) fail("a typed list global takes one list, found " + valueKindName(args));
  IValue list = (*a)[0];
  lang::ListObj* l = list.toList();
  if (l->elem_type && *l->elem_type != *elem)
    fail("the list is already a List[" + l->elem_type->str() + "], not a List[" + elem->str() + "]");
  for (size_t i = 0; i < l->items.size(); ++i)
    if (auto why = valueTypeMismatch(l->items[i], elem); !why.empty())
      fail("item " + std::to_string(i) + " of a List[" + elem->str() + "] " + why);
  l->elem_type = std::move(elem);
  return valueItem(std::move(list), depth - 1);  // the list without its argument tuple
}

Item Unpickler::restoreTypeTag(const IValue& args, uint32_t depth) {
  auto* a = tupleArgs(args, 2);
  if (!a || !(*a)[1].isStr()) fail("restore_type_tag takes (container, type string), found " + valueKindName(args));
  IValue container = (*a)[0];
  TypePtr type = parseType((*a)[1].toStr());
  if (type->kind() == TypeKind::List) {
    if (!container.isList()) fail("restore_type_tag: a " + type->str() + " tag on " + valueKindName(container));
    const TypePtr& had = container.toList()->elem_type;
    if (had && *had != *type->elem()) fail("restore_type_tag: a List[" + had->str() + "] retagged as " + type->str());
  } else if (type->kind() == TypeKind::Dict) {
    if (!container.isDict()) fail("restore_type_tag: a " + type->str() + " tag on " + valueKindName(container));
    const lang::DictObj* d = container.toDict();
    if ((d->key_type && *d->key_type != *type->key()) || (d->value_type && *d->value_type != *type->value()))
      fail("restore_type_tag: a typed dict retagged as " + type->str());
  } else {
    fail("restore_type_tag's type '" + type->str() + "' is not a List or Dict type");
  }
  if (auto why = valueTypeMismatch(container, type); !why.empty())
    fail("restore_type_tag: the " + type->str() + " " + why);
  tagFromStaticType(container, type);
  return valueItem(std::move(container), depth - 1);
}

Item Unpickler::enumMember(const TypePtr& type, const IValue& value) {
  const auto& e = static_cast<const lang::EnumType&>(*type);
  if (e.memberValues().size() != e.memberNames().size())
    fail("the member values of enum " + e.str() + " are unknown (resolve_class must give them)");
  for (size_t i = 0; i < e.memberNames().size(); ++i)
    if (enumValueIs(e.memberValues()[i], value))
      return valueItem(IValue(Ref<lang::EnumValue>::make(type, e.memberNames()[i], value)), 0);
  fail("enum " + e.str() + " has no member with the value " + briefRepr(value));
}

Item Unpickler::namedTuple(const TypePtr& type, const IValue& args, uint32_t depth) {
  if (!args.isTuple()) fail("the NamedTuple " + type->str() + " is made from a tuple, found " + valueKindName(args));
  if (auto why = valueTypeMismatch(args, type); !why.empty()) fail("the fields of NamedTuple " + type->str() + ": " + why);
  IValue t(Ref<lang::TupleObj>::make(args.toTuple()->items, type));
  tagFromStaticType(t, type);
  return valueItem(std::move(t), depth);
}

// ---- NEWOBJ, BUILD ----

Item Unpickler::newObject(const Item& cls, const IValue& args, uint32_t depth) {
  if (cls.kind != Item::Kind::Callable || cls.callable != Callable::Type)
    fail("NEWOBJ makes an instance of a __torch__ class, found " +
         (cls.kind == Item::Kind::Value ? valueKindName(cls.value) : std::string(cls.name)));
  if (isNamedTuple(*cls.type)) return namedTuple(cls.type, args, depth);
  if (cls.type->kind() != TypeKind::Class) fail("NEWOBJ on the enum " + std::string(cls.name) + " (enums are built with REDUCE)");
  if (!tupleArgs(args, 0)) fail("NEWOBJ for " + std::string(cls.name) + " takes (), found " + valueKindName(args));
  Item instance;
  instance.kind = Item::Kind::NewObject;
  instance.type = cls.type;
  instance.name = cls.name;
  return instance;
}

// The state dict sets the object's attributes by name: torch does, and a
// class's declaration order need not match the pickle's (spec §6).
Item Unpickler::build(const Item& instance, const IValue& state, uint32_t depth) {
  auto cls = std::const_pointer_cast<lang::ClassType>(std::static_pointer_cast<const lang::ClassType>(instance.type));
  const auto& attrs = cls->attributes();
  auto obj = Ref<lang::Object>::make(cls, attrs.size());
  if (hooks_.set_state && callHook("__setstate__", [&] { return hooks_.set_state(IValue(obj), state); }))
    return valueItem(IValue(obj), depth);
  if (!state.isDict())
    fail("the state of " + cls->name() + " is " + valueKindName(state) + ", not a dict of attributes, and the class has no __setstate__");
  std::vector<bool> seen(attrs.size(), false);
  state.toDict()->forEach([&](const IValue& key, const IValue& value) {
    if (!key.isStr()) fail("the state of " + cls->name() + " has a key that is " + valueKindName(key) + ", not a str");
    auto slot = cls->findAttribute(key.toStr());
    if (!slot) fail(cls->name() + " has no attribute '" + key.toStr() + "', which the pickle sets");
    const auto& attr = attrs[*slot];
    if (auto why = valueTypeMismatch(value, attr.type); !why.empty())
      fail("attribute '" + attr.name + "' of " + cls->name() + " " + why);
    tagFromStaticType(value, attr.type);
    obj->slots[*slot] = value;
    seen[*slot] = true;
  });
  for (size_t i = 0; i < attrs.size(); ++i)
    if (!seen[i]) fail("attribute '" + attrs[i].name + "' of " + cls->name() + " is missing from the pickle");
  return valueItem(IValue(obj), depth);
}

// ---- tensors ----

Item Unpickler::persistentLoad(const IValue& id) {
  auto* a = tupleArgs(id, 5);
  if (!a || !(*a)[0].isStr() || (*a)[0].toStr() != "storage")
    fail("a persistent id must be ('storage', <X>Storage, key, location, numel), found " + briefRepr(id));
  const IValue &cls = (*a)[1], &key = (*a)[2], &location = (*a)[3], &numel_v = (*a)[4];
  std::optional<ops::ScalarType> dtype = cls.isInt() ? ops::dtypeFromInt(cls.toInt()) : std::nullopt;
  if (!dtype || !key.isStr() || !location.isStr() || !numel_v.isInt())
    fail("a persistent id must be ('storage', <X>Storage, key, location, numel), found " + briefRepr(id));
  int64_t numel = numel_v.toInt();
  auto itemsize = static_cast<int64_t>(ops::elementSize(*dtype));
  if (numel < 0 || numel > std::numeric_limits<int64_t>::max() / itemsize)
    fail("storage '" + key.toStr() + "' has an impossible element count " + std::to_string(numel));
  LoadedStorage& loaded = storages_[key.toStr()];
  if (loaded.storage) {
    if (loaded.dtype != *dtype || loaded.numel != numel)
      fail("storage '" + key.toStr() + "' appears with two dtypes or sizes");
  } else {
    if (numel == 0) {
      loaded.storage = ops::Storage::allocate(0);  // torch never reads the (empty) record either
    } else {
      if (!hooks_.load_storage) fail("no load_storage hook to read storage '" + key.toStr() + "'");
      loaded.storage = callHook("load_storage",
                                [&] { return hooks_.load_storage(key.toStr(), *dtype, numel, location.toStr()); });
    }
    if (!loaded.storage || loaded.storage->nbytes() < size_t(numel * itemsize))
      fail("storage '" + key.toStr() + "' is shorter than its " + std::to_string(numel) + " elements");
    loaded.dtype = *dtype;
    loaded.numel = numel;
  }
  // Like torch, a storage travels as a 1-d tensor over all of it.
  ops::Tensor t = ops::Tensor::fromStorage(loaded.storage, 0, {numel}, {1}, *dtype);
  return valueItem(t.toIValue(), 0);
}

namespace {
std::optional<ops::IntArray> intTuple(const IValue& v) {
  if (!v.isTuple()) return std::nullopt;
  ops::IntArray out;
  out.reserve(v.toTuple()->items.size());
  for (const IValue& x : v.toTuple()->items) {
    if (!x.isInt()) return std::nullopt;
    out.push_back(x.toInt());
  }
  return out;
}

// Spec §5: a non-empty view reaches element offset + Σ (size_i − 1) × stride_i,
// which must lie inside the storage; an empty one only needs its offset to.
bool fitsInStorage(int64_t offset, const ops::IntArray& sizes, const ops::IntArray& strides, int64_t storage_numel) {
  if (offset < 0 || offset > storage_numel) return false;
  __int128 last = offset;
  bool empty = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 0 || strides[i] < 0) return false;
    if (sizes[i] == 0) empty = true;
    else last += __int128(sizes[i] - 1) * strides[i];
  }
  return empty || last < storage_numel;
}
}  // namespace

// (storage, storage_offset, size, stride, requires_grad, backward_hooks)
// and, from 2.x writers, a seventh item of metadata that wick ignores.
Item Unpickler::rebuildTensor(const IValue& args) {
  auto* a = tupleArgs(args, 6);
  if (!a) a = tupleArgs(args, 7);
  if (!a) fail("_rebuild_tensor_v2 takes 6 arguments, found " + briefRepr(args));
  const IValue& storage_v = (*a)[0];
  if (!storage_v.isTensor()) fail("_rebuild_tensor_v2's storage is " + valueKindName(storage_v));
  ops::Tensor storage = ops::Tensor::fromIValue(storage_v);
  auto sizes = intTuple((*a)[2]);
  auto strides = intTuple((*a)[3]);
  if (!(*a)[1].isInt() || !sizes || !strides || sizes->size() != strides->size() || !(*a)[4].isBool())
    fail("_rebuild_tensor_v2 takes (storage, offset: int, size: ints, stride: ints, requires_grad: bool, hooks)");
  int64_t offset = (*a)[1].toInt();
  int64_t storage_numel = storageNumel(*storage.storage(), storage.dtype());
  if (!fitsInStorage(offset, *sizes, *strides, storage_numel))
    fail("a tensor of size " + ops::shapeStr(*sizes) + ", stride " + ops::shapeStr(*strides) + " at offset " +
         std::to_string(offset) + " reaches outside its storage of " + std::to_string(storage_numel) + " elements");
  ops::Tensor t = ops::Tensor::fromStorage(storage.storage(), offset, *sizes, *strides, storage.dtype());
  return valueItem(t.toIValue(), 0);
}

}  // namespace wick::serialize::detail
