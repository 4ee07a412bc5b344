// str builtins: TorchScript strings are UTF-8 bytes (len("héllo") == 6).
#include <algorithm>
#include <atomic>
#include <cctype>

#include "ops/builtins/kernel_util.h"

namespace wick::ops {
namespace {

using lang::Ref;

std::string_view sv(const IValue& v) { return v.toStrView(); }

bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)); }

std::string strip(std::string_view s, const IValue& chars, bool left, bool right) {
  std::string_view set = chars.isNone() ? std::string_view(" \t\n\r\x0b\x0c") : sv(chars);
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && set.find(s[b]) != std::string_view::npos) ++b;
  if (right)
    while (e > b && set.find(s[e - 1]) != std::string_view::npos) --e;
  return std::string(s.substr(b, e - b));
}

IValue strList(std::vector<std::string> parts) {
  std::vector<IValue> items;
  items.reserve(parts.size());
  for (auto& p : parts) items.emplace_back(std::move(p));
  return IValue(newList(lang::strType(), std::move(items)));
}

void split(Stack& s) {
  int64_t maxsplit = pop(s).toInt();
  IValue sep = pop(s);
  std::string_view str = sv(s.back());
  std::vector<std::string> out;
  if (sep.isNone()) {
    size_t i = 0;
    while (true) {
      while (i < str.size() && isSpace(str[i])) ++i;
      if (i >= str.size()) break;
      if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
        size_t e = str.size();
        while (e > i && isSpace(str[e - 1])) --e;
        out.emplace_back(str.substr(i, e - i));
        break;
      }
      size_t j = i;
      while (j < str.size() && !isSpace(str[j])) ++j;
      out.emplace_back(str.substr(i, j - i));
      i = j;
    }
  } else {
    std::string_view d = sv(sep);
    if (d.empty()) lang::raise("ValueError", "empty separator");
    size_t i = 0;
    while (true) {
      size_t j = str.find(d, i);
      if (j == std::string_view::npos || (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit)) {
        out.emplace_back(str.substr(i));
        break;
      }
      out.emplace_back(str.substr(i, j - i));
      i = j + d.size();
    }
  }
  s.back() = strList(std::move(out));
}

// a + b. When the stack holds the only reference to a (the interpreter moved
// it out of a dead register, Note [Moved operands] in interpreter/lowering.cpp),
// nothing can observe a again, so b is appended to it in place: building a
// string piece by piece then allocates only when the buffer grows, as in
// CPython's unicode_concatenate. Likewise a is prepended to a uniquely held b
// (`"key" + str(i)`): no costlier than copying both into a new string.
void addStr(Stack& s) {
  IValue b = pop(s);
  lang::StrObj* a = s.back().toStrObj();
  lang::StrObj* bo = b.toStrObj();
  const std::string& bs = bo->str;
  // A count of 1 may be the result of another thread's decref (release):
  // acquire, so its last reads of the string happen before we write it.
  bool a_unique = a->refcount() == 1, b_unique = bo->refcount() == 1;
  std::atomic_thread_fence(std::memory_order_acquire);
  if (a_unique) {
    a->str.append(bs);
    return;
  }
  if (b_unique) {
    bo->str.insert(0, a->str);
    s.back() = std::move(b);
    return;
  }
  std::string r;
  r.reserve(a->str.size() + bs.size());
  r.append(a->str).append(bs);
  s.back() = IValue(std::move(r));
}

// The one-byte string of byte c, shared: s[i] and iteration over a string
// then allocate nothing (CPython caches its one-character strings the same way).
IValue byteString(unsigned char c) {
  static const std::vector<IValue> table = [] {
    std::vector<IValue> t;
    t.reserve(256);
    for (int i = 0; i < 256; ++i) t.emplace_back(std::string(1, static_cast<char>(i)));
    return t;
  }();
  return table[c];
}

void join(Stack& s) {
  IValue l = pop(s);
  const std::string& sep = s.back().toStrObj()->str;
  const auto& items = l.toList()->items;
  // One allocation of the exact size, not a doubling series of copies.
  size_t size = items.empty() ? 0 : sep.size() * (items.size() - 1);
  for (const IValue& x : items) size += x.toStrObj()->str.size();
  std::string out;
  out.reserve(size);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i].toStrObj()->str;
  }
  s.back() = IValue(std::move(out));
}

void replace(Stack& s) {
  int64_t count = pop(s).toInt();
  std::string to(sv(pop(s)));
  std::string from(sv(pop(s)));
  std::string str(sv(s.back()));
  std::string out;
  size_t i = 0;
  int64_t done = 0;
  while (count < 0 || done < count) {
    size_t j = from.empty() ? (i <= str.size() ? i : std::string::npos) : str.find(from, i);
    if (j == std::string::npos) break;
    out += str.substr(i, j - i) + to;
    if (from.empty()) {
      if (j < str.size()) out += str[j];
      i = j + 1;
    } else {
      i = j + from.size();
    }
    ++done;
    if (i > str.size()) break;
  }
  if (i <= str.size()) out += str.substr(i);
  s.back() = IValue(std::move(out));
}

// Clamps Python-style start/end arguments to [0, n].
std::pair<size_t, size_t> range(int64_t start, int64_t end, size_t n) {
  int64_t len = static_cast<int64_t>(n);
  if (start < 0) start = std::max<int64_t>(0, start + len);
  if (end < 0) end = std::max<int64_t>(0, end + len);
  return {static_cast<size_t>(std::min(start, len)), static_cast<size_t>(std::min(end, len))};
}

int64_t find(Stack& s, bool reverse) {
  int64_t end = pop(s).toInt(), start = pop(s).toInt();
  std::string sub(sv(pop(s)));
  std::string_view str = sv(s.back());
  auto [b, e] = range(start, end, str.size());
  if (b > e || e - b < sub.size()) return -1;
  std::string_view window = str.substr(b, e - b);
  size_t p = reverse ? window.rfind(sub) : window.find(sub);
  return p == std::string_view::npos ? -1 : static_cast<int64_t>(p + b);
}

template <class Pred>
bool allChars(std::string_view s, Pred p) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return p(static_cast<unsigned char>(c)); });
}

std::string mapChars(std::string_view s, int (*f)(int)) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return out;
}

void pad(Stack& s, int mode) {  // 0 center, 1 ljust, 2 rjust
  std::string fill(sv(pop(s)));
  int64_t width = pop(s).toInt();
  std::string str(sv(s.back()));
  int64_t n = static_cast<int64_t>(str.size());
  if (width <= n) return;
  int64_t total = width - n;
  int64_t left = mode == 1 ? 0 : mode == 2 ? total : total / 2 + (total & width & 1);
  std::string out = std::string(left, fill[0]) + str + std::string(total - left, fill[0]);
  s.back() = IValue(std::move(out));
}

void partition(Stack& s, bool reverse) {
  std::string sep(sv(pop(s)));
  std::string str(sv(s.back()));
  size_t p = reverse ? str.rfind(sep) : str.find(sep);
  std::vector<IValue> parts;
  if (p == std::string::npos) {
    parts = reverse ? std::vector<IValue>{IValue(""), IValue(""), IValue(str)} : std::vector<IValue>{IValue(str), IValue(""), IValue("")};
  } else {
    parts = {IValue(str.substr(0, p)), IValue(sep), IValue(str.substr(p + sep.size()))};
  }
  s.back() = std::move(parts[0]);
  s.push_back(std::move(parts[1]));
  s.push_back(std::move(parts[2]));
}

void splitlines(Stack& s) {
  bool keepends = pop(s).toBool();
  std::string_view str = sv(s.back());
  std::vector<std::string> out;
  size_t i = 0;
  while (i < str.size()) {
    size_t j = i;
    while (j < str.size() && str[j] != '\n' && str[j] != '\r') ++j;
    size_t e = j;
    if (j < str.size()) j += (str[j] == '\r' && j + 1 < str.size() && str[j + 1] == '\n') ? 2 : 1;
    out.emplace_back(str.substr(i, (keepends ? j : e) - i));
    i = j;
  }
  s.back() = strList(std::move(out));
}

#define WICK_STR_PRED(name, pred) \
  {"aten::" name "(str self) -> bool", [](Stack& s) { s.back() = IValue(allChars(sv(s.back()), pred)); }}
#define WICK_STR_MAP(name, expr) \
  {"aten::" name "(str self) -> str", [](Stack& s) { std::string_view x = sv(s.back()); s.back() = IValue(std::string(expr)); }}

static lang::RegisterOps reg({
    {"aten::len.str(str s) -> int", [](Stack& s) { s.back() = IValue(static_cast<int64_t>(sv(s.back()).size())); }},
    {"aten::add.str(str a, str b) -> str", addStr},
    {"aten::__getitem__.str(str s, int index) -> str", [](Stack& s) {
       int64_t i = pop(s).toInt();
       std::string_view str = sv(s.back());
       s.back() = byteString(static_cast<unsigned char>(str[normalizeIndex(i, str.size(), "string")]));
     }},
    {"aten::slice.str(str string, int? start=None, int? end=None, int step=1) -> str", [](Stack& s) {
       int64_t step = pop(s).toInt();
       IValue end = pop(s), start = pop(s);
       std::string_view str = sv(s.back());
       SliceBounds b = sliceBounds(start, end, step, static_cast<int64_t>(str.size()));
       std::string out;
       for (int64_t k = 0, i = b.start; k < b.count; ++k, i += b.step) out += str[i];
       s.back() = IValue(std::move(out));
     }},
    {"aten::__contains__.str(str self, str key) -> bool", [](Stack& s) {
       IValue k = pop(s);
       s.back() = IValue(sv(s.back()).find(sv(k)) != std::string_view::npos);
     }},
    {"aten::__contains__.str_list(str[] l, str item) -> bool", [](Stack& s) {
       IValue k = pop(s);
       const auto& l = s.back().toList()->items;
       s.back() = IValue(std::any_of(l.begin(), l.end(), [&](const IValue& v) { return sv(v) == sv(k); }));
     }},
    {"aten::split.str(str self, str? separator=None, int max=-1) -> str[]", split},
    {"aten::join(str self, str[] values) -> str", join},
    {"aten::replace(str self, str old, str new, int max=-1) -> str", replace},
    {"aten::strip(str self, str? chars=None) -> str", [](Stack& s) { IValue c = pop(s); s.back() = IValue(strip(sv(s.back()), c, true, true)); }},
    {"aten::lstrip(str self, str? chars=None) -> str", [](Stack& s) { IValue c = pop(s); s.back() = IValue(strip(sv(s.back()), c, true, false)); }},
    {"aten::rstrip(str self, str? chars=None) -> str", [](Stack& s) { IValue c = pop(s); s.back() = IValue(strip(sv(s.back()), c, false, true)); }},
    {"aten::find(str self, str substr, int start=0, int end=-1) -> int", [](Stack& s) {
       if (arg(s, 4, 3).toInt() == -1) arg(s, 4, 3) = IValue(static_cast<int64_t>(sv(arg(s, 4, 0)).size()));
       s.back() = IValue(find(s, false));
     }},
    {"aten::rfind(str self, str substr, int start=0, int end=-1) -> int", [](Stack& s) {
       if (arg(s, 4, 3).toInt() == -1) arg(s, 4, 3) = IValue(static_cast<int64_t>(sv(arg(s, 4, 0)).size()));
       s.back() = IValue(find(s, true));
     }},
    {"aten::index.str(str self, str substr, int start=0, int end=-1) -> int", [](Stack& s) {
       if (arg(s, 4, 3).toInt() == -1) arg(s, 4, 3) = IValue(static_cast<int64_t>(sv(arg(s, 4, 0)).size()));
       int64_t r = find(s, false);
       if (r < 0) lang::raise("ValueError", "substring not found");
       s.back() = IValue(r);
     }},
    {"aten::rindex(str self, str substr, int start=0, int end=-1) -> int", [](Stack& s) {
       if (arg(s, 4, 3).toInt() == -1) arg(s, 4, 3) = IValue(static_cast<int64_t>(sv(arg(s, 4, 0)).size()));
       int64_t r = find(s, true);
       if (r < 0) lang::raise("ValueError", "substring not found");
       s.back() = IValue(r);
     }},
    {"aten::count.str(str self, str substr, int start=0, int end=-1) -> int", [](Stack& s) {
       int64_t end = pop(s).toInt(), start = pop(s).toInt();
       std::string sub(sv(pop(s)));
       std::string_view str = sv(s.back());
       if (end == -1) end = static_cast<int64_t>(str.size());
       auto [b, e] = range(start, end, str.size());
       int64_t n = 0;
       if (b <= e) {
         std::string_view w = str.substr(b, e - b);
         if (sub.empty()) n = static_cast<int64_t>(w.size()) + 1;
         else for (size_t p = w.find(sub); p != std::string_view::npos; p = w.find(sub, p + sub.size())) ++n;
       }
       s.back() = IValue(n);
     }},
    {"aten::startswith(str self, str substr, int start=0, int end=-1) -> bool", [](Stack& s) {
       int64_t end = pop(s).toInt(), start = pop(s).toInt();
       std::string sub(sv(pop(s)));
       std::string_view str = sv(s.back());
       if (end == -1) end = static_cast<int64_t>(str.size());
       auto [b, e] = range(start, end, str.size());
       s.back() = IValue(b <= e && str.substr(b, e - b).substr(0, sub.size()) == sub && e - b >= sub.size());
     }},
    {"aten::endswith(str self, str substr, int start=0, int end=-1) -> bool", [](Stack& s) {
       int64_t end = pop(s).toInt(), start = pop(s).toInt();
       std::string sub(sv(pop(s)));
       std::string_view str = sv(s.back());
       if (end == -1) end = static_cast<int64_t>(str.size());
       auto [b, e] = range(start, end, str.size());
       std::string_view w = b <= e ? str.substr(b, e - b) : std::string_view();
       s.back() = IValue(w.size() >= sub.size() && w.substr(w.size() - sub.size()) == sub && b <= e);
     }},
    WICK_STR_PRED("isdigit", ::isdigit),
    WICK_STR_PRED("isalpha", ::isalpha),
    WICK_STR_PRED("isalnum", ::isalnum),
    WICK_STR_PRED("isspace", ::isspace),
    WICK_STR_PRED("isdecimal", ::isdigit),
    WICK_STR_PRED("isnumeric", ::isdigit),
    {"aten::isupper(str self) -> bool", [](Stack& s) {
       std::string_view x = sv(s.back());
       bool any = std::any_of(x.begin(), x.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
       bool none = std::none_of(x.begin(), x.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
       s.back() = IValue(any && none);
     }},
    {"aten::islower(str self) -> bool", [](Stack& s) {
       std::string_view x = sv(s.back());
       bool any = std::any_of(x.begin(), x.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
       bool none = std::none_of(x.begin(), x.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
       s.back() = IValue(any && none);
     }},
    WICK_STR_MAP("upper", mapChars(x, ::toupper)),
    WICK_STR_MAP("lower", mapChars(x, ::tolower)),
    WICK_STR_MAP("swapcase", [&] {
      std::string o(x);
      for (char& c : o) c = std::isupper(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : static_cast<char>(std::toupper(c));
      return o;
    }()),
    WICK_STR_MAP("capitalize", [&] {
      std::string o = mapChars(x, ::tolower);
      if (!o.empty()) o[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(o[0])));
      return o;
    }()),
    WICK_STR_MAP("title", [&] {
      std::string o(x);
      bool prev_alpha = false;
      for (char& c : o) {
        unsigned char u = static_cast<unsigned char>(c);
        c = static_cast<char>(prev_alpha ? std::tolower(u) : std::toupper(u));
        prev_alpha = std::isalpha(u);
      }
      return o;
    }()),
    {"aten::center(str self, int width, str fillchar=' ') -> str", [](Stack& s) { pad(s, 0); }},
    {"aten::ljust(str self, int width, str fillchar=' ') -> str", [](Stack& s) { pad(s, 1); }},
    {"aten::rjust(str self, int width, str fillchar=' ') -> str", [](Stack& s) { pad(s, 2); }},
    {"aten::zfill(str self, int width) -> str", [](Stack& s) {
       int64_t w = pop(s).toInt();
       std::string x(sv(s.back()));
       int64_t n = static_cast<int64_t>(x.size());
       if (w > n) {
         size_t sign = (!x.empty() && (x[0] == '-' || x[0] == '+')) ? 1 : 0;
         x.insert(sign, std::string(w - n, '0'));
       }
       s.back() = IValue(std::move(x));
     }},
    {"aten::partition(str self, str separator) -> (str, str, str)", [](Stack& s) { partition(s, false); }},
    {"aten::rpartition(str self, str separator) -> (str, str, str)", [](Stack& s) { partition(s, true); }},
    {"aten::splitlines(str self, bool keepends=False) -> str[]", splitlines},
    {"aten::ord(str string) -> int", [](Stack& s) {
       std::string_view x = sv(s.back());
       if (x.empty()) lang::raise("TypeError", "ord() expected a character, but string of length 0 found");
       unsigned char c = static_cast<unsigned char>(x[0]);
       int64_t cp = c;
       if (c >= 0xC0 && x.size() > 1) {  // decode one UTF-8 sequence
         int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
         cp = c & (0x3F >> n);
         for (int k = 1; k <= n && k < static_cast<int>(x.size()); ++k) cp = (cp << 6) | (x[k] & 0x3F);
       }
       s.back() = IValue(cp);
     }},
    {"aten::chr(int i) -> str", [](Stack& s) {
       int64_t cp = s.back().toInt();
       if (cp < 0 || cp > 0x10FFFF) lang::raise("ValueError", "chr() arg not in range(0x110000)");
       std::string o;
       if (cp < 0x80) o += static_cast<char>(cp);
       else if (cp < 0x800) { o += static_cast<char>(0xC0 | (cp >> 6)); o += static_cast<char>(0x80 | (cp & 0x3F)); }
       else if (cp < 0x10000) { o += static_cast<char>(0xE0 | (cp >> 12)); o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); o += static_cast<char>(0x80 | (cp & 0x3F)); }
       else { o += static_cast<char>(0xF0 | (cp >> 18)); o += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)); o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); o += static_cast<char>(0x80 | (cp & 0x3F)); }
       s.back() = IValue(std::move(o));
     }},
    {"aten::list.str(str t) -> str[]", [](Stack& s) {
       std::vector<std::string> chars;
       for (char c : sv(s.back())) chars.emplace_back(1, c);
       s.back() = strList(std::move(chars));
     }},
});

}  // namespace
}  // namespace wick::ops
