#pragma once
// Whether code can be saved as an archive torch.jit.load accepts: no use of
// wick's language extensions (lang/extensions.h) in any function that would
// be printed.
#include <vector>

#include "lang/function.h"

namespace wick::serialize {

// Throws lang::CompileError at the first offending place, e.g.
//   f.py:3:12: error: cannot save: function 'fib' calls itself (recursion is
//   a wick extension; torch.jit.load would reject it)
// Recursion is found on the call graph of `functions`, so calls that go
// round through several functions count too.
void checkSavable(const std::vector<const lang::Function*>& functions);

}  // namespace wick::serialize
