#include "lang/symbol.h"

#include <mutex>
#include <unordered_set>

namespace wick::lang {

Symbol Symbol::intern(std::string_view qualified) {
  // Interned strings live for the whole process; node sets keep raw pointers.
  static std::mutex mu;
  static std::unordered_set<std::string>* table = new std::unordered_set<std::string>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = table->emplace(qualified).first;
  return Symbol(&*it);
}

std::string_view Symbol::ns() const {
  std::string_view s = *s_;
  auto p = s.find("::");
  return p == std::string_view::npos ? std::string_view() : s.substr(0, p);
}

std::string_view Symbol::name() const {
  std::string_view s = *s_;
  auto p = s.find("::");
  return p == std::string_view::npos ? s : s.substr(p + 2);
}

namespace prim {
#define WICK_DEFINE_PRIM(n) const Symbol n = Symbol::intern("prim::" #n);
WICK_PRIM_SYMBOLS(WICK_DEFINE_PRIM)
}  // namespace prim
namespace attr {
#define WICK_DEFINE_ATTR(n) const Symbol n = Symbol::intern("attr::" #n);
WICK_ATTR_SYMBOLS(WICK_DEFINE_ATTR)
}  // namespace attr

}  // namespace wick::lang
