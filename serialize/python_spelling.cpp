// How names, types and literals are spelled in the serialized dialect, and
// the declarations that are nothing but names and types (named tuples, enums).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "serialize/python_printer.h"

namespace wick::serialize {

using lang::TypeKind;
using lang::TypePtr;

std::string serializedQualifiedName(const std::string& qualname) {
  return qualname.rfind("__torch__.", 0) == 0 ? qualname : "__torch__." + qualname;
}

namespace {
std::string joinTypes(const std::vector<TypePtr>& ts) {
  std::string out;
  for (size_t i = 0; i < ts.size(); ++i) out += (i ? ", " : "") + serializedTypeName(ts[i]);
  return out;
}
std::string shortName(const std::string& qualname) { return qualname.substr(qualname.rfind('.') + 1); }
}  // namespace

std::string serializedTypeName(const TypePtr& t) {
  switch (t->kind()) {
    case TypeKind::Class:
    case TypeKind::Enum: return serializedQualifiedName(t->name());
    case TypeKind::Tuple:
      if (!t->name().empty()) return serializedQualifiedName(t->name());
      return t->contained().empty() ? "Tuple[()]" : "Tuple[" + joinTypes(t->contained()) + "]";
    case TypeKind::List: return "List[" + serializedTypeName(t->elem()) + "]";
    case TypeKind::Dict: return "Dict[" + serializedTypeName(t->key()) + ", " + serializedTypeName(t->value()) + "]";
    case TypeKind::Optional: return "Optional[" + serializedTypeName(t->elem()) + "]";
    case TypeKind::Union: return "Union[" + joinTypes(t->contained()) + "]";
    // Only isinstance() targets have these types; `list` matches any list
    // where `List[Any]` would match only a List[Any] (lists are invariant).
    case TypeKind::AnyList: return "list";
    case TypeKind::AnyTuple: return "tuple";
    case TypeKind::AnyDict: return "dict";
    default: return t->str();  // Tensor, int, float, str, bool, NoneType, Device, Any, ...
  }
}

// torch's IValue::repr for doubles: integral values under 1e10 as `2.`
// (and `-0.`), the rest with enough digits to read back the same double.
// We use the shortest such digits (to_chars) where torch uses 17; both
// parse to the same value.
std::string floatLiteral(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (std::abs(d) < 1e10 && d == std::trunc(d)) {
    auto i = static_cast<int64_t>(d);
    return (i == 0 && std::signbit(d) ? "-0" : std::to_string(i)) + ".";
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eE") == std::string::npos) s += ".";
  return s;
}

// c10::printQuotedString: C escapes for the usual controls, octal for other
// unprintable bytes. Both torch's lexer and ours read these back.
std::string quotedString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default: {
        auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f) {
          out += ch;
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          out += buf;
        }
      }
    }
  }
  return out + "\"";
}

std::string printNamedTuple(const lang::Type& tuple) {
  std::ostringstream out;
  out << "class " << shortName(tuple.name()) << "(NamedTuple):\n";
  for (size_t i = 0; i < tuple.fieldNames().size(); ++i)
    out << "  " << tuple.fieldNames()[i] << " : " << serializedTypeName(tuple.contained()[i]) << "\n";
  return out.str();
}

std::string printEnum(const lang::EnumType& e) {
  std::ostringstream out;
  out << "class " << shortName(e.name()) << "(Enum):\n";
  for (size_t i = 0; i < e.memberNames().size(); ++i) {
    out << "  " << e.memberNames()[i] << " = ";
    if (i < e.memberValues().size()) {
      const lang::EnumMemberValue& v = e.memberValues()[i];
      if (auto* n = std::get_if<int64_t>(&v)) out << *n;
      else if (auto* d = std::get_if<double>(&v)) out << floatLiteral(*d);
      else out << quotedString(std::get<std::string>(v));
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace wick::serialize
