#pragma once
// Interned names for node kinds and attributes ("aten::add", "prim::If", "value").
//
// A Symbol is a pointer to the one interned copy of its string, so comparing
// and hashing are pointer operations. Symbols are open: any "ns::name" string
// interns to a Symbol; the common ones are named below.
#include <functional>
#include <string>
#include <string_view>

namespace wick::lang {

class Symbol {
 public:
  Symbol() = default;
  static Symbol intern(std::string_view qualified);  // "aten::add" (thread-safe)
  const std::string& str() const { return *s_; }
  std::string_view ns() const;    // "aten"
  std::string_view name() const;  // "add"
  bool valid() const { return s_ != nullptr; }
  bool operator==(const Symbol& o) const { return s_ == o.s_; }
  bool operator!=(const Symbol& o) const { return s_ != o.s_; }
  size_t hash() const { return std::hash<const void*>()(s_); }

 private:
  explicit Symbol(const std::string* s) : s_(s) {}
  const std::string* s_ = nullptr;
};

// Common node kinds and attribute names, interned once.
namespace prim {
#define WICK_PRIM_SYMBOLS(_) \
  _(Param) _(Return) _(Constant) _(If) _(Loop) _(ListConstruct) _(ListUnpack) _(TupleConstruct) \
  _(TupleUnpack) _(TupleIndex) _(TupleSlice) _(DictConstruct) _(CallFunction) _(CallMethod) _(GetAttr) \
  _(SetAttr) _(CreateObject) _(RaiseException) _(Uninitialized) _(unchecked_cast) _(isinstance) \
  _(Print) _(Enter) _(Exit) _(NamedTupleConstruct) _(EnumName) _(EnumValue) _(FunctionConstant) \
  _(CallIndirect) _(TypeCheck) _(Guard) _(FusionGroup) _(Store) _(Load) _(format)
#define WICK_DECLARE_SYMBOL(n) extern const Symbol n;
WICK_PRIM_SYMBOLS(WICK_DECLARE_SYMBOL)
}  // namespace prim

namespace attr {
#define WICK_ATTR_SYMBOLS(_) _(value) _(name) _(types) _(type) _(index) _(start) _(end) _(step) _(message)
WICK_ATTR_SYMBOLS(WICK_DECLARE_SYMBOL)
}  // namespace attr

}  // namespace wick::lang

template <>
struct std::hash<wick::lang::Symbol> {
  size_t operator()(const wick::lang::Symbol& s) const { return s.hash(); }
};
