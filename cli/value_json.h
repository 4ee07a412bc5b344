#pragma once
// The JSON encoding of values (../shared/spec/values.md), both ways.
#include <string>

#include "lang/ivalue.h"
#include "lang/types.h"

namespace wick::cli {

// One line of JSON for a value: ints, floats (Python-readable, NaN/Infinity),
// bools, null, strings, arrays, {"tuple": [...]}, {"dict": [[k, v], ...]}.
std::string toJson(const lang::IValue& v);

// Parses the JSON text of an argument list (a JSON array) and converts each
// element to the declared parameter type. Throws std::runtime_error naming
// `path` and the position or argument on bad input.
std::vector<lang::IValue> argsFromJson(const std::string& text, const std::vector<lang::TypePtr>& types,
                                       const std::string& path);

}  // namespace wick::cli
