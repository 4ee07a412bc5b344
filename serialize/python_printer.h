#pragma once
// Printing the graph IR back to TorchScript source in the serialized dialect
// that `torch.jit.save` writes into an archive's code/ folder, and that
// `torch.jit.load` (and wick's own loader) compiles again (spec §7):
//
//   class Counter:
//     n : int
//     def bump(self: __torch__.Counter,
//       by: int=1) -> int:
//       n = self.n
//       self.n = torch.add(n, by)
//       return self.n
//
// Every op prints as `torch.<name>(...)` or `ops.<ns>.<name>(...)` (the
// loader resolves them against the registry by name and argument types),
// prim nodes print as the Python construct they came from (if/while/for,
// tuples, attribute access), and every value that is not a constant gets a
// name: the dialect needs no expression inlining to be correct, only to be
// short. Loops print as torch's printer prints them (Note [Printing loops]).
//
// The printer assumes a graph as the frontend emits it, before optimization
// passes: the interpreter optimizes copies (interpreter/lowering.cpp), so a
// Function's own graph is always printable.
#include <string>
#include <unordered_map>
#include <vector>

#include "lang/function.h"
#include "lang/ivalue.h"
#include "serialize/format_version.h"

namespace wick::serialize {

// What printing one archive's code accumulates and shares between files.
struct PrintContext {
  // Values the code refers to as CONSTANTS.c0, c1, ... (constants.pkl):
  // tensors and strings that are not ASCII, which torch does not print inline.
  std::vector<lang::IValue> constants;
  // Raised by every operator the code calls (the `version` record).
  FormatVersion version;
  // Free functions printed under another name than their own qualified name
  // (static methods, which torch prints as functions of the class's namespace).
  std::unordered_map<const lang::Function*, std::string> function_names;

  size_t addConstant(const lang::IValue& v);
  // The qualified name calls use: "__torch__.helper".
  std::string functionName(const lang::Function& fn) const;
};

// Source of one function as a `def` at the given indentation level (2 spaces
// a level). Throws lang::Error when the graph holds something the dialect
// cannot express.
std::string printFunction(const lang::Function& fn, PrintContext& ctx, int indent = 0);

// Source of one class: header, attribute declarations (with __parameters__
// and __buffers__ for modules) and its methods.
std::string printClass(const lang::ClassType& cls, PrintContext& ctx);
// `class P(NamedTuple):` with its fields.
std::string printNamedTuple(const lang::Type& tuple);
// `class Color(Enum):` with its members.
std::string printEnum(const lang::EnumType& e);

// The Python spelling of a type inside serialized code (classes qualified
// with __torch__).
std::string serializedTypeName(const lang::TypePtr& type);
// "fib" -> "__torch__.fib"; names already under __torch__ stay as they are.
std::string serializedQualifiedName(const std::string& qualname);

// A double as torch writes it: `2.`, `-0.`, `0.5`, `1e-05`, `inf`, `nan`.
std::string floatLiteral(double d);
// A string in double quotes with torch's escapes (c10::printQuotedString);
// only for ASCII text (others go to the constant table).
std::string quotedString(std::string_view s);

}  // namespace wick::serialize
