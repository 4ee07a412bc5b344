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

// Module.parameters() / buffers(): own tensors first, in the order they were
// set, then each submodule's (a container's too), each tensor once.
void collect(const IValue& m, bool params, std::vector<IValue>& out, std::vector<const lang::HeapObject*>& seen) {
  const lang::Object& o = *m.toObject();
  const auto& attrs = o.type->attributes();
  auto once = [&](const IValue& t) {
    for (const lang::HeapObject* p : seen)
      if (p == t.heapPtr()) return;
    seen.push_back(t.heapPtr());
    out.push_back(t);
  };
  for (size_t i = 0; i < attrs.size() && i < o.slots.size(); ++i) {
    const IValue& v = o.slots[i];
    if (!v.isTensor()) continue;
    bool is_param = attrs[i].is_parameter || (!attrs[i].is_buffer && v.toTensorImpl()->requires_grad_);
    if (params ? is_param : attrs[i].is_buffer) once(v);
  }
  auto sub = [&](const IValue& v) {
    if (v.isObject() && v.toObject()->type->isModule()) collect(v, params, out, seen);
  };
  for (size_t i = 0; i < attrs.size() && i < o.slots.size(); ++i) {
    const IValue& v = o.slots[i];
    if (v.isList())  // a container's `_modules` while it is being built
      for (const IValue& x : v.toList()->items) sub(x);
    else if (v.isDict())
      v.toDict()->forEach([&](const IValue&, const IValue& x) { sub(x); });
    else
      sub(v);
  }
}

template <bool kParams>
void moduleTensors(Stack& s) {
  IValue self = s.back();
  std::vector<IValue> out;
  std::vector<const lang::HeapObject*> seen;
  if (self.isObject()) collect(self, kParams, out, seen);
  s.back() = IValue(lang::Ref<lang::ListObj>::make(lang::tensorType(), std::move(out)));
}

lang::RegisterOps reg({
    {"prim::module_parameters(Any self) -> Tensor[]", moduleTensors<true>},
    {"prim::module_buffers(Any self) -> Tensor[]", moduleTensors<false>},
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
