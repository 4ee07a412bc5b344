#pragma once
// Printing the graph IR back to TorchScript source in the serialized dialect
// that `torch.jit.save` writes into an archive's code/ folder, and that
// `torch.jit.load` (and wick's own loader) compiles again:
//
//   class Counter:
//     n : int
//     def bump(self: __torch__.Counter,
//       by: int=1) -> int:
//       n = self.n
//       self.n = torch.add(n, by)
//       return self.n
//
// Every op prints as `torch.<name>(...)` (the loader resolves `torch.x` to
// the aten::x overloads), prim nodes print as the Python construct they came
// from (if/while/for, tuples, attribute access), and every value that is not
// a constant gets a name: the dialect needs no expression inlining to be
// correct, only to be short.
#include <map>
#include <string>
#include <vector>

#include "lang/function.h"
#include "lang/ivalue.h"

namespace wick::serialize {

// Tensor constants met while printing; the code refers to them as
// CONSTANTS.c0, CONSTANTS.c1, ... in this order (constants.pkl).
struct ConstantTable {
  std::vector<lang::IValue> values;
  size_t add(const lang::IValue& v);
};

// Source of one function as a `def` at the given indentation.
std::string printFunction(const lang::Function& fn, ConstantTable& constants, int indent = 0);

// Source of one class: attribute declarations (with __parameters__ and
// __buffers__ for modules) and its methods.
std::string printClass(const lang::ClassType& cls, ConstantTable& constants);

// The code/ files of a compilation unit, keyed by archive path relative to
// code/ ("__torch__.py", "__torch__/foo.py"), one per qualifier namespace.
std::map<std::string, std::string> printCompilationUnit(const lang::CompilationUnit& cu, ConstantTable& constants);

// The Python spelling of a type inside serialized code (classes qualified
// with __torch__).
std::string serializedTypeName(const lang::TypePtr& type);

}  // namespace wick::serialize
