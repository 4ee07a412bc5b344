// nn.Module.train(mode) / eval(): sets `training` on a module and on every
// submodule below it, as torch's Module.train does. setattr with a computed
// name, for a module's __init__ (Note [Module phases] in frontend/module_builder.cpp).
#include "ops/builtins/kernel_util.h"
#include "ops/tensor/tensor.h"

namespace wick::ops {
namespace {

void setTraining(lang::Object& m, bool mode) {
  const auto& attrs = m.type->attributes();
  for (size_t i = 0; i < attrs.size() && i < m.slots.size(); ++i) {
    if (attrs[i].name == "training") m.slots[i] = IValue(mode);
    else if (m.slots[i].isObject() && m.slots[i].toObject()->type->isModule()) setTraining(*m.slots[i].toObject(), mode);
  }
}

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

lang::RegisterOps reg({
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
