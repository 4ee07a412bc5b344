// nn.Module.train(mode) / eval(): sets `training` on a module and on every
// submodule below it, as torch's Module.train does.
#include "ops/builtins/kernel_util.h"

namespace wick::ops {
namespace {

void setTraining(lang::Object& m, bool mode) {
  const auto& attrs = m.type->attributes();
  for (size_t i = 0; i < attrs.size() && i < m.slots.size(); ++i) {
    if (attrs[i].name == "training") m.slots[i] = IValue(mode);
    else if (m.slots[i].isObject() && m.slots[i].toObject()->type->isModule()) setTraining(*m.slots[i].toObject(), mode);
  }
}

lang::RegisterOps reg({
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
