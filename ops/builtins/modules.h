#pragma once
// Module-wide operations on module objects, shared by the ops that scripts
// call (module.train(), module.parameters()) and by the CLI and the API.
#include "lang/ivalue.h"

namespace wick::ops {

// Sets `training` on the module and every submodule below it (Module.train).
void setTraining(lang::Object& module, bool mode);

}  // namespace wick::ops
