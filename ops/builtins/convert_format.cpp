// Conversions (int(), float(), bool(), str()), hashing, and string
// formatting: str.format / f-strings (aten::format) and `%` (aten::percentFormat).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "ops/builtins/kernel_util.h"

namespace wick::ops {
namespace {

std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\n\r\f\v"), e = s.find_last_not_of(" \t\n\r\f\v");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

int64_t parseInt(std::string_view text) {
  std::string t = trimmed(text);
  std::string digits;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '_' && i > 0 && i + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[i - 1]))) continue;
    digits += t[i];
  }
  size_t pos = 0;
  int64_t v = 0;
  try {
    v = std::stoll(digits, &pos, 10);
  } catch (...) {
    pos = std::string::npos;
  }
  if (digits.empty() || pos != digits.size())
    lang::raise("ValueError", "invalid literal for int() with base 10: '" + std::string(text) + "'");
  return v;
}

double parseFloat(std::string_view text) {
  std::string t = trimmed(text);
  std::string low;
  for (char c : t) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  bool ok = !t.empty() && end == t.c_str() + t.size() && low.find("0x") == std::string::npos;
  if (!ok) lang::raise("ValueError", "could not convert string to float: '" + std::string(text) + "'");
  return v;
}

int64_t floatToInt(double d) {
  if (std::isnan(d)) lang::raise("ValueError", "cannot convert float NaN to integer");
  if (std::isinf(d)) lang::raise("OverflowError", "cannot convert float infinity to integer");
  return static_cast<int64_t>(d);
}

// Applies one format spec ("", ".2f", ">5", "05d", "x", ...) to a value, as
// Python's format() does for the common cases.
std::string formatOne(const IValue& v, std::string_view spec, char conversion) {
  if (conversion == 'r') return lang::toRepr(v);
  if (spec.empty()) return lang::toStr(v);
  // [[fill]align][sign][0][width][,][.precision][type]
  size_t i = 0;
  char fill = ' ', align = 0, sign = '-';
  if (spec.size() >= 2 && (spec[1] == '<' || spec[1] == '>' || spec[1] == '^' || spec[1] == '=')) {
    fill = spec[0];
    align = spec[1];
    i = 2;
  } else if (!spec.empty() && (spec[0] == '<' || spec[0] == '>' || spec[0] == '^' || spec[0] == '=')) {
    align = spec[0];
    i = 1;
  }
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) sign = spec[i++];
  if (i < spec.size() && spec[i] == '0') {
    fill = '0';
    if (!align) align = '=';
    ++i;
  }
  int width = 0;
  while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) width = width * 10 + (spec[i++] - '0');
  bool comma = i < spec.size() && spec[i] == ',' && (++i, true);
  int precision = -1;
  if (i < spec.size() && spec[i] == '.') {
    precision = 0;
    ++i;
    while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) precision = precision * 10 + (spec[i++] - '0');
  }
  char type = i < spec.size() ? spec[i] : 0;
  std::string body;
  bool numeric = v.isInt() || v.isFloat() || v.isBool();
  if (numeric && (type == 'f' || type == 'F' || type == 'e' || type == 'E' || type == 'g' || type == 'G' || type == '%' ||
                  (v.isFloat() && (type == 0 && precision >= 0)))) {
    double d = v.toScalarDouble();
    if (type == '%') d *= 100;
    char fmt[16];
    char t = type == '%' ? 'f' : type ? type : 'g';
    std::snprintf(fmt, sizeof fmt, "%%.%d%c", precision < 0 ? 6 : precision, t);
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, std::fabs(d));
    body = buf;
    if (type == '%') body += '%';
    if (std::signbit(d) && !std::isnan(d)) body = "-" + body;
    else if (sign == '+') body = "+" + body;
    else if (sign == ' ') body = " " + body;
  } else if (numeric && v.isInt() && (type == 'x' || type == 'X' || type == 'o' || type == 'b' || type == 'd' || type == 0 || comma)) {
    int64_t n = v.toInt();
    uint64_t m = n < 0 ? -static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
    if (type == 'b') {
      do { body.insert(body.begin(), static_cast<char>('0' + (m & 1))); m >>= 1; } while (m);
    } else {
      char buf[64];
      std::snprintf(buf, sizeof buf, type == 'x' ? "%llx" : type == 'X' ? "%llX" : type == 'o' ? "%llo" : "%llu",
                    static_cast<unsigned long long>(m));
      body = buf;
    }
    if (comma)
      for (int k = static_cast<int>(body.size()) - 3; k > 0; k -= 3) body.insert(k, ",");
    if (n < 0) body = "-" + body;
    else if (sign == '+') body = "+" + body;
    else if (sign == ' ') body = " " + body;
  } else {
    body = lang::toStr(v);
    if (precision >= 0 && v.isStr()) body = body.substr(0, precision);
    if (!align) align = numeric ? '>' : '<';
  }
  if (static_cast<int>(body.size()) >= width) return body;
  size_t pad = width - body.size();
  if (!align) align = '>';
  switch (align) {
    case '<': return body + std::string(pad, fill);
    case '^': return std::string(pad / 2, fill) + body + std::string(pad - pad / 2, fill);
    case '=': {
      size_t sign_len = (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
      return body.substr(0, sign_len) + std::string(pad, fill) + body.substr(sign_len);
    }
    default: return std::string(pad, fill) + body;
  }
}

// aten::format(str self, ...): "{}", "{0}", "{:.2f}", "{!r}", "{{" and "}}".
void format(Stack& s) {
  size_t n = static_cast<size_t>(pop(s).toInt());
  std::vector<IValue> args(s.end() - n, s.end());
  s.resize(s.size() - n);
  std::string_view f = s.back().toStrView();
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if ((c == '{' || c == '}') && i + 1 < f.size() && f[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    size_t close = f.find('}', i);
    if (close == std::string_view::npos) lang::raise("ValueError", "Single '{' encountered in format string");
    std::string_view field = f.substr(i + 1, close - i - 1);
    size_t colon = field.find(':');
    std::string_view head = field.substr(0, colon);
    std::string_view spec = colon == std::string_view::npos ? std::string_view() : field.substr(colon + 1);
    char conversion = 0;
    if (auto bang = head.find('!'); bang != std::string_view::npos) {
      conversion = bang + 1 < head.size() ? head[bang + 1] : 0;
      head = head.substr(0, bang);
    }
    size_t index = head.empty() ? auto_index++ : static_cast<size_t>(std::stoul(std::string(head)));
    if (index >= args.size()) lang::raise("IndexError", "Replacement index " + std::to_string(index) + " out of range for positional args tuple");
    out += formatOne(args[index], spec, conversion);
    i = close;
  }
  s.back() = IValue(std::move(out));
}

// aten::percentFormat(str self, ...): printf-style `%` with one value or a tuple.
void percentFormat(Stack& s) {
  IValue rhs = pop(s);
  std::string_view f = s.back().toStrView();
  std::vector<IValue> args = rhs.isTuple() ? rhs.toTuple()->items : std::vector<IValue>{rhs};
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    size_t j = i + 1;
    while (j < f.size() && std::strchr("-+ #0123456789.", f[j])) ++j;
    if (j >= f.size()) lang::raise("ValueError", "incomplete format");
    char type = f[j];
    if (type == '%') {
      out += '%';
      i = j;
      continue;
    }
    if (next >= args.size()) lang::raise("TypeError", "not enough arguments for format string");
    const IValue& v = args[next++];
    std::string flags(f.substr(i, j - i));
    char buf[512];
    if (type == 's' || type == 'r') {
      std::string text = type == 's' ? lang::toStr(v) : lang::toRepr(v);
      std::snprintf(buf, sizeof buf, (flags + "s").c_str(), text.c_str());
    } else if (type == 'd' || type == 'i' || type == 'x' || type == 'X' || type == 'o' || type == 'c') {
      int64_t n = v.isFloat() ? static_cast<int64_t>(v.toDouble()) : v.isBool() ? v.toBool() : v.toInt();
      if (type == 'c') std::snprintf(buf, sizeof buf, "%c", static_cast<int>(n));
      else std::snprintf(buf, sizeof buf, (flags + "ll" + (type == 'i' ? 'd' : type)).c_str(), static_cast<long long>(n));
    } else {
      std::snprintf(buf, sizeof buf, (flags + type).c_str(), v.toScalarDouble());
    }
    out += buf;
    i = j;
  }
  if (next < args.size()) lang::raise("TypeError", "not all arguments converted during string formatting");
  s.back() = IValue(std::move(out));
}

// str(x). An int, the common case (keys, labels, messages), is formatted
// straight into its string; str of an existing string shares it (strings
// are immutable).
void str(Stack& s) {
  IValue& v = s.back();
  if (v.isInt()) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v.toInt());
    v = IValue(std::string(buf, r.ptr));
  } else if (!v.isStr()) {
    v = IValue(lang::toStr(v));
  }
}

static lang::RegisterOps reg({
    {"aten::Int.float(float a) -> int", [](Stack& s) { s.back() = IValue(floatToInt(s.back().toDouble())); }},
    {"aten::Int.bool(bool a) -> int", [](Stack& s) { s.back() = IValue(static_cast<int64_t>(s.back().toBool())); }},
    {"aten::Int.int(int a) -> int", [](Stack& s) {}},
    {"aten::Int.str(str a) -> int", [](Stack& s) { s.back() = IValue(parseInt(s.back().toStrView())); }},
    {"aten::Float.int(int a) -> float", [](Stack& s) { s.back() = IValue(static_cast<double>(s.back().toInt())); }},
    {"aten::Float.bool(bool a) -> float", [](Stack& s) { s.back() = IValue(s.back().toBool() ? 1.0 : 0.0); }},
    {"aten::Float.float(float a) -> float", [](Stack& s) {}},
    {"aten::Float.str(str a) -> float", [](Stack& s) { s.back() = IValue(parseFloat(s.back().toStrView())); }},
    {"aten::Bool.int(int a) -> bool", [](Stack& s) { s.back() = IValue(s.back().toInt() != 0); }},
    {"aten::Bool.float(float a) -> bool", [](Stack& s) { s.back() = IValue(s.back().toDouble() != 0); }},
    {"aten::Bool.bool(bool a) -> bool", [](Stack& s) {}},
    {"aten::Bool.str(str a) -> bool", [](Stack& s) { s.back() = IValue(!s.back().toStrView().empty()); }},
    {"aten::str(t elem) -> str", str},
    {"aten::repr(t elem) -> str", [](Stack& s) { s.back() = IValue(lang::toRepr(s.back())); }},
    {"aten::hash.generic(t value) -> int", [](Stack& s) { s.back() = IValue(static_cast<int64_t>(lang::IValueHash()(s.back()))); }},
    {"aten::format(str self, ...) -> str", format},
    {"aten::percentFormat(str self, t values) -> str", percentFormat},
    {"aten::round.float(float a) -> float", [](Stack& s) { s.back() = IValue(std::nearbyint(s.back().toDouble())); }},
    {"aten::round.int(int a) -> float", [](Stack& s) { s.back() = IValue(static_cast<double>(s.back().toInt())); }},
    {"aten::bin(int i) -> str", [](Stack& s) { s.back() = IValue((s.back().toInt() < 0 ? "-0b" : "0b") + formatOne(IValue(std::abs(s.back().toInt())), "b", 0)); }},
    {"aten::hex(int i) -> str", [](Stack& s) { s.back() = IValue((s.back().toInt() < 0 ? "-0x" : "0x") + formatOne(IValue(std::abs(s.back().toInt())), "x", 0)); }},
    {"aten::oct(int i) -> str", [](Stack& s) { s.back() = IValue((s.back().toInt() < 0 ? "-0o" : "0o") + formatOne(IValue(std::abs(s.back().toInt())), "o", 0)); }},
});

}  // namespace
}  // namespace wick::ops
