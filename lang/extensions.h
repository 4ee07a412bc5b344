#pragma once
// wick's deliberate extensions of TorchScript, listed once.
//
// wick runs every program torch.jit.script accepts, plus the few extensions
// below. A program that uses one runs in wick but cannot be saved: the
// archive would be code that torch.jit.load refuses. The frontend notes each
// use on the Function that contains it (`Function::noteExtension`), and
// `wick save` refuses such functions with a message naming the extension
// (serialize/savable.cpp).
//
// Adding an extension: add it to the enum and to kExtensions, note its uses
// in the frontend, and list it in the project README's "Language extensions".
#include <array>
#include <string_view>

#include "lang/source.h"

namespace wick::lang {

enum class Extension {
  // A function that calls itself, directly or through other functions.
  // TorchScript compiles calls by inlining the callee's graph, so it rejects
  // recursion ("function 'f' is called recursively"); wick calls functions
  // at run time and bounds the depth instead (interpreter/vm.cpp).
  Recursion,
};

struct ExtensionInfo {
  Extension kind;
  std::string_view name;  // "recursion", as messages say it
};

inline constexpr std::array<ExtensionInfo, 1> kExtensions = {{
    {Extension::Recursion, "recursion"},
}};

constexpr std::string_view extensionName(Extension e) {
  for (const ExtensionInfo& x : kExtensions)
    if (x.kind == e) return x.name;
  return "?";
}

// One use of an extension, where it happens (a call site for recursion).
struct ExtensionUse {
  Extension kind;
  SourceRange range;
};

}  // namespace wick::lang
