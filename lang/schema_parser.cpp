// Parser for aten-style schema strings (syntax in lang/operator.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "lang/operator.h"

namespace wick::lang {

namespace {

// Note [Schema characters]: schemas are ASCII and wick never sets a locale,
// so these are <cctype>'s classes in the "C" locale, tested without a call
// through the locale table per character (a few hundred schemas are parsed
// while loading a model, lazily, one character at a time).
bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool isNameChar(char c) { return isAlpha(c) || isDigit(c) || c == '_'; }

class SchemaParser {
 public:
  explicit SchemaParser(const std::string& text) : s_(text) {}

  FunctionSchema parseSchema() {
    FunctionSchema fs;
    std::string qual(ident());
    while (peek(':')) {
      expect("::");
      qual += "::";
      qual += ident();
    }
    if (qual.find("::") == std::string::npos) qual.insert(0, "aten::");
    fs.name = std::move(qual);
    if (accept('.')) fs.overload = ident();
    expect("(");
    // One allocation, sized by the commas (an overcount): arguments are
    // parsed in place and never move.
    fs.arguments.reserve(std::count(s_.begin(), s_.end(), ',') + 1);
    bool kwonly = false;
    while (!accept(')')) {
      if (!fs.arguments.empty() || kwonly || fs.is_vararg) expect(",");
      skipSpace();
      if (accept('*')) {
        kwonly = true;
        continue;
      }
      if (acceptWord("...")) {
        fs.is_vararg = true;
        continue;
      }
      parseArgument(fs.arguments.emplace_back(), true).kwarg_only = kwonly;
    }
    expect("->");
    skipSpace();
    if (accept('(')) {
      while (!accept(')')) {
        if (!fs.returns.empty()) expect(",");
        skipSpace();
        if (acceptWord("...")) {
          fs.is_varret = true;
          continue;
        }
        parseArgument(fs.returns.emplace_back(), false);
      }
    } else if (acceptWord("...")) {
      fs.is_varret = true;
    } else {
      parseArgument(fs.returns.emplace_back(), false);
    }
    skipSpace();
    if (pos_ != s_.size()) fail("unexpected text after the schema");
    return fs;
  }

  TypePtr parseTypeOnly() {
    Argument a;
    TypePtr t = parseType(a);
    skipSpace();
    if (pos_ != s_.size()) fail("unexpected text after the type");
    return t;
  }

 private:
  [[noreturn]] void fail(const std::string& msg) {
    throw std::invalid_argument("schema '" + s_ + "' at " + std::to_string(pos_) + ": " + msg);
  }
  void skipSpace() {
    while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
  }
  bool peek(char c) {
    skipSpace();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool accept(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  bool acceptWord(const char* w) {
    skipSpace();
    std::string_view word(w);
    if (std::string_view(s_).substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void expect(const char* w) {
    if (!acceptWord(w)) fail(std::string("expected '") + w + "'");
  }
  // A view into the schema text, which outlives the parser.
  std::string_view ident() {
    skipSpace();
    size_t b = pos_;
    while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
    if (b == pos_) fail("expected a name");
    return std::string_view(s_).substr(b, pos_ - b);
  }

  TypePtr baseType(std::string_view name) {
    if (name == "int" || name == "ScalarType" || name == "Layout" || name == "MemoryFormat" || name == "SymInt")
      return intType();
    if (name == "float") return floatType();
    if (name == "bool") return boolType();
    if (name == "str") return strType();
    if (name == "Tensor") return tensorType();
    if (name == "Scalar" || name == "number") return numberType();
    if (name == "Device") return deviceType();
    if (name == "Generator") return generatorType();
    if (name == "Any") return anyType();
    if (name == "complex") return complexType();
    if (name == "NoneType") return noneType();
    if (name == "AnyListType") return anyListType();
    if (name == "AnyTupleType") return anyTupleType();
    if (name == "AnyClassType") return anyClassType();
    if (name == "t" || name == "t1" || name == "t2" || name == "tVal" || name == "K" || name == "V" || name == "T")
      return varType(std::string(name));
    fail("unknown type '" + std::string(name) + "'");
  }

  TypePtr parseType(Argument& a) {
    TypePtr t;
    if (accept('(')) {
      std::vector<TypePtr> elems;
      while (!accept(')')) {
        if (!elems.empty()) expect(",");
        Argument inner;
        elems.push_back(parseType(inner));
      }
      t = tupleType(std::move(elems));
    } else {
      std::string_view name = ident();
      if (name == "Dict") {
        expect("(");
        Argument ka, va;
        TypePtr k = parseType(ka);
        expect(",");
        TypePtr v = parseType(va);
        expect(")");
        t = dictType(k, v);
      } else {
        t = baseType(name);
      }
    }
    parseAlias(a);
    // Suffixes: [] / [N] for lists, ? for optional, in any order.
    for (;;) {
      if (accept('[')) {
        skipSpace();
        if (pos_ < s_.size() && isDigit(s_[pos_])) {
          a.list_size = static_cast<int>(std::stol(s_.substr(pos_), &consumed_));
          pos_ += consumed_;
        }
        expect("]");
        t = listType(t);
        parseAlias(a);
      } else if (accept('?')) {
        t = optionalType(t);
      } else {
        break;
      }
    }
    return t;
  }

  void parseAlias(Argument& a) {
    skipSpace();
    if (!(pos_ < s_.size() && s_[pos_] == '(')) return;
    size_t save = pos_;
    ++pos_;
    skipSpace();
    if (pos_ >= s_.size() || !(isAlpha(s_[pos_]) || s_[pos_] == '*')) {
      pos_ = save;
      return;
    }
    AliasInfo info;
    if (accept('*')) info.set = "*";
    else info.set = ident();
    if (accept('!')) info.is_write = true;
    if (acceptWord("->")) {
      expect("*");
      info.to_wildcard = true;
    }
    if (accept('|')) ident();
    expect(")");
    a.alias = info;
  }

  // Fills `a` where it stays: an Argument is large to move.
  Argument& parseArgument(Argument& a, bool is_input) {
    a.type = parseType(a);
    skipSpace();
    if (pos_ < s_.size() && (isAlpha(s_[pos_]) || s_[pos_] == '_')) a.name = ident();
    if (is_input && accept('=')) a.default_value = parseDefault(a.type);
    return a;
  }

  IValue parseDefault(const TypePtr& type) {
    skipSpace();
    if (accept('[')) {
      std::vector<IValue> items;
      while (!accept(']')) {
        if (!items.empty()) expect(",");
        items.push_back(parseScalarLiteral());
      }
      TypePtr elem = type->kind() == TypeKind::Optional ? type->elem() : type;
      elem = elem->kind() == TypeKind::List ? elem->elem() : intType();
      return IValue(Ref<ListObj>::make(elem, std::move(items)));
    }
    IValue v = parseScalarLiteral();
    // `int[2] stride=1` means [1, 1].
    if (type->kind() == TypeKind::List && v.isInt()) return IValue(Ref<ListObj>::make(intType(), std::vector<IValue>{v}));
    if (type->kind() == TypeKind::Float && v.isInt()) return IValue(static_cast<double>(v.toInt()));
    return v;
  }

  IValue parseScalarLiteral() {
    skipSpace();
    if (pos_ >= s_.size()) fail("expected a default value");
    char c = s_[pos_];
    if (c == '\'' || c == '"') {
      size_t e = s_.find(c, pos_ + 1);
      if (e == std::string::npos) fail("unterminated string");
      std::string v = s_.substr(pos_ + 1, e - pos_ - 1);
      pos_ = e + 1;
      return IValue(v);
    }
    if (isDigit(c) || c == '-' || c == '.') {
      size_t b = pos_;
      if (c == '-') ++pos_;
      if (acceptWord("inf")) return IValue(c == '-' ? -INFINITY : INFINITY);
      while (pos_ < s_.size() && (isAlpha(s_[pos_]) || isDigit(s_[pos_]) || s_[pos_] == '.' ||
                                  ((s_[pos_] == '-' || s_[pos_] == '+') && (s_[pos_ - 1] == 'e')))) ++pos_;
      std::string num = s_.substr(b, pos_ - b);
      if (num.find_first_of(".e") != std::string::npos) return IValue(std::stod(num));
      return IValue(static_cast<int64_t>(std::stoll(num)));
    }
    std::string_view word = ident();
    if (word == "True") return IValue(true);
    if (word == "False") return IValue(false);
    if (word == "None") return IValue();
    if (word == "inf") return IValue(INFINITY);
    if (word == "nan") return IValue(NAN);
    if (word == "contiguous_format" || word == "Mean" || word == "long") return IValue(static_cast<int64_t>(word == "Mean" ? 1 : 0));
    fail("unknown default value '" + std::string(word) + "'");
  }

  const std::string& s_;
  size_t pos_ = 0;
  size_t consumed_ = 0;
};

std::string argumentStr(const Argument& a) {
  std::string s = a.type->schemaStr();
  if (a.list_size) s.insert(s.size() - 1, std::to_string(*a.list_size));
  if (!a.name.empty()) s += " " + a.name;
  if (a.default_value) s += "=" + (a.default_value->isStr() ? "'" + a.default_value->toStr() + "'" : toStr(*a.default_value));
  return s;
}

}  // namespace

FunctionSchema parseSchema(const std::string& text) { return SchemaParser(text).parseSchema(); }
TypePtr parseSchemaType(const std::string& text) { return SchemaParser(text).parseTypeOnly(); }

std::string FunctionSchema::str() const {
  std::string s = qualifiedName() + "(";
  bool kw = false;
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (i) s += ", ";
    if (arguments[i].kwarg_only && !kw) {
      s += "*, ";
      kw = true;
    }
    s += argumentStr(arguments[i]);
  }
  if (is_vararg) s += arguments.empty() ? "..." : ", ...";
  s += ") -> ";
  if (returns.size() == 1 && !is_varret) return s + argumentStr(returns[0]);
  s += "(";
  for (size_t i = 0; i < returns.size(); ++i) s += (i ? ", " : "") + argumentStr(returns[i]);
  return s + (is_varret ? "...)" : ")");
}

bool FunctionSchema::isMutable() const {
  for (const auto& a : arguments)
    if (a.alias && a.alias->is_write) return true;
  return false;
}

}  // namespace wick::lang
