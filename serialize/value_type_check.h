#pragma once
// Checking values read from an archive against the static types the code
// declares for them.
//
// Compiled code trusts static types (IValue's accessors are unchecked), so a
// pickle that puts a str where the class declares `count : int` would make
// wick read garbage. The unpickler checks every object attribute and every
// restore_type_tag'ed container with these before the value goes anywhere.
//
//   std::string why = valueTypeMismatch(v, lang::listType(lang::intType()));
//   if (!why.empty()) ...   // e.g. "[1] is a str, expected int"
#include <string>

#include "lang/ivalue.h"
#include "lang/types.h"

namespace wick::serialize {

// "" when `value` can stand where `type` is expected, looking through
// containers, optionals and unions; else what differs, after the path to it
// when it is inside ("is a str, expected int", "[1]['k'] is None, expected
// Tensor"). Objects
// only need to be objects (wick's ClassType cannot tell an interface from the
// class implementing it); their attributes were checked when they were built.
std::string valueTypeMismatch(const lang::IValue& value, const lang::TypePtr& type);

// Gives containers the unpickler left untagged (ListObj::elem_type or
// DictObj's key/value types still null: pickles without restore_type_tag,
// which torch also loads) the types `type` declares, and plain tuples in
// named-tuple positions their named-tuple type. Call only on a value that
// valueTypeMismatch accepted.
void tagFromStaticType(const lang::IValue& value, const lang::TypePtr& type);

// "a str", "a list", "an object of __torch__.Foo", ... for messages.
std::string valueKindName(const lang::IValue& value);

// A value for an error message, bounded in length whatever the value:
// scalars and short strings as repr() writes them, tuples by their first
// items, everything else by valueKindName. (A pickle can build a value whose
// full repr is exponentially long by reusing memo entries.)
std::string briefRepr(const lang::IValue& value);

}  // namespace wick::serialize
