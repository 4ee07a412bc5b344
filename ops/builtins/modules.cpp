// nn.Module.train(mode) / eval(): sets `training` on a module and on every
// submodule below it, as torch's Module.train does. setattr with a computed
// name, for a module's __init__ (Note [Module phases] in frontend/module_builder.cpp).
#include "ops/builtins/modules.h"

#include "ops/builtins/kernel_util.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {

// Submodules are attributes, or, in a container still being built (the
// construction phase), the items of its `_modules` list or dict; a
// TransformerEncoder's layers are such items when its owner calls eval().
void setTraining(lang::Object& m, bool mode) {
  auto sub = [mode](const IValue& v) {
    if (v.isObject() && v.toObject()->type->isModule()) setTraining(*v.toObject(), mode);
  };
  const auto& attrs = m.type->attributes();
  for (size_t i = 0; i < attrs.size() && i < m.slots.size(); ++i) {
    const IValue& v = m.slots[i];
    if (attrs[i].name == "training") m.slots[i] = IValue(mode);
    else if (v.isList())
      for (const IValue& x : v.toList()->items) sub(x);
    else if (v.isDict())
      v.toDict()->forEach([&](const IValue&, const IValue& x) { sub(x); });
    else
      sub(v);
  }
}

namespace {

// The name is known only at run time, so the attribute may be new to the
// class: it is added, typed by its value, and the object grows a slot.
// Only construction-phase classes get here; their compiled code reads
// attributes by the slots it knew when it compiled.
void setattrDynamic(Stack& s) {
  IValue value = s.back();
  std::string name = s[s.size() - 2].toStr();
  IValue self = s[s.size() - 3];
  s.resize(s.size() - 3);
  if (!self.isObject()) lang::raise("TypeError", "setattr() needs an object");
  lang::Object& o = *self.toObject();
  auto& type = const_cast<lang::ClassType&>(*o.type);
  auto slot = type.findAttribute(name);
  if (!slot) slot = type.addAttribute(name, lang::typeOf(value), value.isTensor() && value.toTensorImpl()->requires_grad_);
  else if (!lang::isSubtypeOf(lang::typeOf(value), type.attributes()[*slot].type))
    lang::raise("TypeError", "attribute '" + name + "' has type " + type.attributes()[*slot].type->str() +
                                 " but is assigned a value of type " + lang::typeOf(value)->str());
  if (o.slots.size() <= *slot) o.slots.resize(*slot + 1);
  o.slots[*slot] = std::move(value);
}

// Module.parameters() / buffers() / named_parameters() / state_dict():
// a module's own tensors first, in the order they were set, then each
// submodule's (a container's too) under its name, each tensor once (as
// torch, which also lists parameters before buffers in a state_dict).
enum Which { kParams = 1, kBuffers = 2 };

void collect(const IValue& m, int which, const std::string& prefix, std::vector<std::pair<std::string, IValue>>& out,
             std::vector<const lang::HeapObject*>& seen) {
  const lang::Object& o = *m.toObject();
  const auto& attrs = o.type->attributes();
  auto once = [&](const std::string& name, const IValue& t) {
    for (const lang::HeapObject* p : seen)
      if (p == t.heapPtr()) return;
    seen.push_back(t.heapPtr());
    out.push_back({name, t});
  };
  for (int kind : {kParams, kBuffers}) {
    if (!(which & kind)) continue;
    for (size_t i = 0; i < attrs.size() && i < o.slots.size(); ++i) {
      const IValue& v = o.slots[i];
      if (!v.isTensor()) continue;
      bool is_param = attrs[i].is_parameter || (!attrs[i].is_buffer && v.toTensorImpl()->requires_grad_);
      if (kind == kParams ? is_param : attrs[i].is_buffer) once(prefix + attrs[i].name, v);
    }
  }
  auto sub = [&](const std::string& name, const IValue& v) {
    if (v.isObject() && v.toObject()->type->isModule()) collect(v, which, prefix + name + ".", out, seen);
  };
  for (size_t i = 0; i < attrs.size() && i < o.slots.size(); ++i) {
    const IValue& v = o.slots[i];
    if (v.isList()) {  // a container's `_modules` while it is being built
      const auto& items = v.toList()->items;
      for (size_t k = 0; k < items.size(); ++k) sub(std::to_string(k), items[k]);
    } else if (v.isDict()) {
      v.toDict()->forEach([&](const IValue& k, const IValue& x) { sub(k.isStr() ? k.toStr() : lang::toStr(k), x); });
    } else {
      sub(attrs[i].name, v);
    }
  }
}

std::vector<std::pair<std::string, IValue>> namedTensors(const IValue& self, int which) {
  std::vector<std::pair<std::string, IValue>> out;
  std::vector<const lang::HeapObject*> seen;
  if (self.isObject()) collect(self, which, "", out, seen);
  return out;
}

template <int kWhich>
void moduleTensors(Stack& s) {
  std::vector<IValue> out;
  for (auto& [name, t] : namedTensors(s.back(), kWhich)) out.push_back(t);
  s.back() = IValue(lang::Ref<lang::ListObj>::make(lang::tensorType(), std::move(out)));
}

template <int kWhich>
void namedModuleTensors(Stack& s) {
  static const lang::TypePtr pair = lang::tupleType({lang::strType(), lang::tensorType()});
  std::vector<IValue> out;
  for (auto& [name, t] : namedTensors(s.back(), kWhich))
    out.push_back(IValue(lang::Ref<lang::TupleObj>::make(std::vector<IValue>{IValue(name), t}, nullptr)));
  s.back() = IValue(lang::Ref<lang::ListObj>::make(pair, std::move(out)));
}

void stateDict(Stack& s) {
  auto d = lang::Ref<lang::DictObj>::make(lang::strType(), lang::tensorType());
  for (auto& [name, t] : namedTensors(s.back(), kParams | kBuffers)) d->set(IValue(name), t);
  s.back() = IValue(d);
}

lang::RegisterOps reg({
    {"prim::module_parameters(Any self) -> Tensor[]", moduleTensors<kParams>},
    {"prim::module_buffers(Any self) -> Tensor[]", moduleTensors<kBuffers>},
    // List[Tuple[str, Tensor]]: the emitter types the result (schemas spell no tuple lists).
    {"prim::module_named_parameters(Any self) -> Any", namedModuleTensors<kParams>},
    {"prim::module_named_buffers(Any self) -> Any", namedModuleTensors<kBuffers>},
    {"prim::module_state_dict(Any self) -> Dict(str, Tensor)", stateDict},
    {"prim::setattr_dynamic(Any self, str name, Any value) -> ()", setattrDynamic, lang::OpClass::Other, false},
    {"prim::module_train(Any self, bool mode) -> ()",
     [](Stack& s) {
       bool mode = s.back().toBool();
       if (s[s.size() - 2].isObject()) setTraining(*s[s.size() - 2].toObject(), mode);
       s.resize(s.size() - 2);
     },
     lang::OpClass::Other, false},
});

}  // namespace
}  // namespace wick::ops
