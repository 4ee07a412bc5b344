#pragma once
// Operator schemas and the one registry shared by the type checker (which
// resolves calls by schema), the interpreter (which dispatches to kernels) and
// the op library (which registers them).
//
// An op is a registration, nothing else:
//
//   static RegisterOps reg({
//     {"aten::add.int(int a, int b) -> int", [](Stack& s) { ... }},
//     {"aten::len.str(str s) -> int", lenStr},
//   });
//
// Schema syntax follows aten's native_functions.yaml:
//   name[.overload](Type name[=default], ..., *, kwonly..., ...) -> Ret | (Ret, Ret)
//   types: int float bool str Tensor Scalar Device ScalarType Layout Any t K V
//          T[] T? (T1, T2) Dict(K, V) int[2] Tensor(a) Tensor(a!) Tensor(a -> *)
//   `...` as the last argument marks a vararg op.
#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/ivalue.h"
#include "lang/types.h"

namespace wick::lang {

struct AliasInfo {
  std::string set;     // "a"
  bool is_write = false;  // "a!"
  bool to_wildcard = false;  // "a -> *"
};

struct Argument {
  std::string name;
  TypePtr type;
  std::optional<IValue> default_value;
  bool kwarg_only = false;
  std::optional<int> list_size;  // int[2]: a single int broadcasts to the list
  std::optional<AliasInfo> alias;
};

struct FunctionSchema {
  std::string name;      // "aten::add"
  std::string overload;  // "int" (may be empty)
  std::vector<Argument> arguments;
  std::vector<Argument> returns;
  bool is_vararg = false;   // `...`: extra positional args of any type follow
  bool is_varret = false;

  // "aten::add.int(int a, int b) -> int"
  std::string str() const;
  std::string qualifiedName() const { return overload.empty() ? name : name + "." + overload; }
  // True when some argument is written (a!), i.e. the op mutates an input.
  bool isMutable() const;
};

// Parses a schema string; throws std::invalid_argument with the position on error.
FunctionSchema parseSchema(const std::string& text);
// Parses one schema type ("int[]", "Tensor?", "Dict(str, t)"); type variables become Var types.
TypePtr parseSchemaType(const std::string& text);

// Kernel calling convention (Note [Kernel stack]): the arguments are the last
// `arguments.size()` entries of the stack, in schema order, defaults already
// filled in by the caller. A vararg op additionally gets the number of
// arguments it received pushed last, as an int. The kernel pops its arguments
// and pushes its results in order. Errors are thrown as wick::lang::Error.
using Kernel = void (*)(Stack& stack);

// What the fuser and passes need to know about an op without knowing the op.
enum class OpClass : uint8_t { Other, Elementwise, Reduction, View, Factory };

struct Operator {
  FunctionSchema schema;  // parsed when the registry first hands the op out (Note [Lazy schemas])
  Kernel kernel = nullptr;
  // A pure op with constant inputs may be folded by constant propagation.
  bool pure = true;
  OpClass op_class = OpClass::Other;
};

// Hash of a registry key ("aten::add.int" or "aten::add"): eight bytes at a
// time, mixed by multiplication. constexpr, so that OpDef works keys out
// while compiling (Note [Lazy schemas]).
constexpr uint64_t registryKeyHash(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  auto word = [&](size_t at, size_t n) {
    uint64_t w = 0;
    for (size_t i = 0; i < n; ++i) w |= uint64_t(static_cast<unsigned char>(s[at + i])) << (8 * i);
    return w;
  };
  uint64_t h = s.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    h = (h ^ word(i, 8)) * kMul;
    h ^= h >> 29;
  }
  if (i < s.size()) h = (h ^ word(i, s.size() - i)) * kMul;
  return h ^ (h >> 32);
}

// An overload's registry key ("aten::add.int") and its name's, the key's
// first name_len bytes ("aten::add"), with their hashes.
struct RegistryKey {
  uint32_t key_len = 0, name_len = 0;
  uint64_t key_hash = 0, name_hash = 0;
};
constexpr RegistryKey registryKey(std::string_view key) {
  size_t dot = std::min(key.find('.'), key.size());
  return {static_cast<uint32_t>(key.size()), static_cast<uint32_t>(dot), registryKeyHash(key),
          registryKeyHash(key.substr(0, dot))};
}

struct OpDef {
  const char* schema;  // a string literal: the registry keeps the pointer
  Kernel kernel;
  OpClass op_class = OpClass::Other;
  bool pure = true;
  // Where "aten::add.int(int a, int b) -> int" spells its key as it stands
  // (a namespace, no spaces), the key worked out by the compiler: registering
  // then reads no schema text. Other spellings are normalized at registration.
  bool spelled_plain = false;
  RegistryKey key;

  consteval OpDef(const char* s, Kernel k, OpClass c = OpClass::Other, bool p = true)
      : schema(s), kernel(k), op_class(c), pure(p) {
    bool colons = false, spaces = false;
    size_t end = 0;
    for (; s[end] != '\0' && s[end] != '('; ++end) {
      spaces |= static_cast<unsigned char>(s[end]) <= ' ';
      colons |= s[end] == ':' && s[end + 1] == ':';
    }
    spelled_plain = colons && !spaces;
    if (spelled_plain) key = registryKey({s, end});
  }
};

// Note [Lazy schemas]
// Some thousands of ops register at start-up, and most programs use a few
// dozen. Registration only files each op's schema text under the names it
// begins with ("aten::add" and "aten::add.int"): one small entry in a flat
// array and two open-addressing indexes of entry numbers, no allocation per
// op (start-up touches a few pages instead of hundreds). The keys' lengths
// and hashes come with each OpDef, worked out by the compiler, so start-up
// reads no schema text either. The Operator, with
// its parsed schema, is made the first time lookup() or find() hands the op
// out, under a lock so that modules compiled on several threads at once see
// it made exactly once. Every schema is still checked by the tests (parseAll).
class OperatorRegistry {
 public:
  static OperatorRegistry& global();

  OperatorRegistry() = default;
  OperatorRegistry(const OperatorRegistry&) = delete;
  OperatorRegistry& operator=(const OperatorRegistry&) = delete;
  ~OperatorRegistry();

  void add(const OpDef& def);
  // Many at once, under one lock (a kernel file's static registration list).
  void addAll(std::initializer_list<OpDef> defs);
  // All overloads of "aten::add", in registration order (empty when none).
  const std::vector<const Operator*>& lookup(const std::string& name) const;
  // The op with this exact "name.overload" (or "name" when no overload), or nullptr.
  const Operator* find(const std::string& qualified_name) const;
  // Parses every schema; returns how many ops there are. Throws
  // std::invalid_argument naming the first malformed one.
  size_t parseAll() const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Entry {
    OpDef def;          // def.key as registered: normalized where the schema spells it otherwise
    const char* key;    // "aten::add.int": into def.schema when it is spelled so, else into keys_
    uint32_t next = kNone;  // the next overload of the same name
    uint32_t last = kNone;  // on the first overload of a name: the last one
    mutable Operator* op = nullptr;  // made on first use
    mutable std::vector<const Operator*>* overloads = nullptr;  // on the first overload: lookup()'s answer once made
  };
  // Open addressing, linear probing; slots hold entry numbers (kNone: empty).
  struct Index {
    std::vector<uint32_t> slots;
    uint32_t used = 0;
    // At most half full, so probes stay short and a free slot always exists.
    bool full() const { return slots.size() < 2 * (used + 1); }
  };
  std::string_view nameOf(const Entry& e) const { return {e.key, e.def.key.name_len}; }
  std::string_view keyOf(const Entry& e) const { return {e.key, e.def.key.key_len}; }
  uint32_t* slotFor(Index& index, std::string_view key, uint64_t hash, bool whole_key) const;
  uint32_t findIn(const Index& index, std::string_view key, bool whole_key) const;
  void grow(Index& index, bool whole_key);
  const Operator* make(uint32_t entry) const;  // under mutex_
  void addLocked(const OpDef& def);               // under mutex_

  std::vector<Entry> entries_;
  Index by_name_;       // first overload of each name
  Index by_qualified_;  // the latest entry of each "name.overload"
  std::vector<std::unique_ptr<std::string>> keys_;  // keys a schema does not spell out (no namespace, spaces)
  mutable std::mutex mutex_;
};

// Static registration helper: `static RegisterOps reg({...});` in a kernel file.
struct RegisterOps {
  RegisterOps(std::initializer_list<OpDef> defs);
};

}  // namespace wick::lang
