#pragma once
// What an archive's code/ must define for its root object: the root's class
// and everything its code reaches (classes, named tuples, enums, functions),
// as torch's printer collects its PrintDepsTable.
//
//   ReachableCode code = collectReachableCode(root_class);
//   for (const CodeItem& item : code.items) ...   // in discovery order
//
// Methods are reached through their class (every method of a reached class
// is printed, as torch does); free functions through calls and function
// values.
#include <vector>

#include "lang/function.h"
#include "lang/types.h"

namespace wick::serialize {

struct CodeItem {
  lang::TypePtr type;                     // a class, named tuple or enum; or null
  const lang::Function* function = nullptr;  // a free function (type is null)
};

struct ReachableCode {
  std::vector<CodeItem> items;                    // each once, in the order met
  std::vector<const lang::Function*> functions;   // every function with a body: free ones and methods
};

ReachableCode collectReachableCode(const lang::ClassTypePtr& root);

}  // namespace wick::serialize
