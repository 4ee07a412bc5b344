#pragma once
// The unpickler's machine, shared by its two halves: unpickler.cpp runs the
// opcodes (stack, marks, memo) and unpickle_globals.cpp gives the globals of
// spec §4.3 their meaning (tensors, typed lists, objects, enums, devices).
// Internal to serialize/; the interface is unpickler.h.
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "serialize/unpickler.h"

namespace wick::serialize::detail {

// What a GLOBAL stands for once resolved against the allow-list (spec §4.3).
enum class Callable : uint8_t {
  RebuildTensor,    // torch._utils._rebuild_tensor_v2
  OrderedDict,      // collections.OrderedDict: a tensor's (empty) backward hooks, discarded
  BuildIntList,     // torch.jit._pickle.build_intlist
  BuildDoubleList,  // ... build_doublelist
  BuildBoolList,    // ... build_boollist
  BuildTensorList,  // ... build_tensorlist
  RestoreTypeTag,   // ... restore_type_tag
  Device,           // torch.device
  Type,             // a __torch__ class, enum or named tuple (Item::type)
};

// One slot of the stack or the memo. A pickle's stack holds plain values
// and also things that are not values: a GLOBAL waiting for REDUCE, and a
// class instance between NEWOBJ and BUILD. Torch pushes an index into a
// table of lambdas for both; keeping them apart lets a pickle that uses one
// where a value belongs fail cleanly.
struct Item {
  enum class Kind : uint8_t { Value, Callable, NewObject };
  Kind kind = Kind::Value;
  detail::Callable callable{};  // Kind::Callable
  lang::TypePtr type;           // Callable::Type and NewObject: the class
  // Callable and NewObject: the global's dotted name, for messages. A view
  // into Unpickler::global_names_, so the memo copies items without copying it.
  std::string_view name;
  lang::IValue value;           // Kind::Value
  // Note [Bounded nesting] (unpickler.h): how deep `value` nests.
  uint32_t depth = 0;
  // Note [Containers fill before they are shared] (unpickler.cpp): a memo
  // entry refers to it, so filling it checks for cycles and updates the memo.
  bool memoized = false;
};

class Unpickler {
 public:
  Unpickler(std::span<const uint8_t> bytes, const UnpickleHooks& hooks, const std::string& where)
      : bytes_(bytes), hooks_(hooks), where_(where) {}
  lang::IValue run();
  void checkFill(const Item& target, const std::vector<Item>& items);
  void syncMemo(const Item& target);

  // ---- unpickler.cpp: reading and the stack ----
  [[noreturn]] void fail(const std::string& message) const;
  Item pop(const char* what);
  void checkDepth(uint32_t depth) const {  // Note [Bounded nesting]
    if (depth > kMaxValueNesting) failTooDeep();
  }
  void push(Item item);
  void pushValue(lang::IValue value, uint32_t depth);
  // The value under the item on top (REDUCE's and BUILD's argument).
  lang::IValue popValue(const char* what, uint32_t* depth = nullptr);

  // ---- unpickle_globals.cpp: what GLOBAL, REDUCE, NEWOBJ, BUILD and BINPERSID do ----
  Item resolveGlobal(const std::string& module, const std::string& name);
  Item reduce(const Item& callable, lang::IValue args, uint32_t args_depth);
  Item newObject(const Item& cls, const lang::IValue& args, uint32_t args_depth);
  Item build(const Item& instance, const lang::IValue& state, uint32_t state_depth);
  Item persistentLoad(const lang::IValue& id);
  // Containers made by EMPTY_LIST/LIST/EMPTY_DICT/DICT stay untagged (null
  // element types) until a typed-list global, restore_type_tag or the
  // attribute they land in types them; whatever is left becomes Any at STOP.
  void trackUntagged(const lang::IValue& container) { untagged_.push_back(container); }
  void tagLeftoversAsAny();

 private:
  // ---- unpickler.cpp ----
  [[noreturn]] void failTruncated(uint64_t n) const;
  [[noreturn]] void failTooDeep() const;
  [[noreturn]] void failUnderflow(const char* what) const;
  void step(uint8_t op);
  uint8_t readU8();
  uint64_t readLE(int n);
  std::string readLine();
  std::span<const uint8_t> readBytes(uint64_t n);
  size_t frameBase() const { return marks_.empty() ? 0 : marks_.back(); }
  size_t popMark();  // the stack size at the innermost MARK, which is consumed
  std::vector<Item> popToMark();
  // The items from stack_[base] up, replaced by a tuple of them.
  void makeTuple(size_t base);
  void appendItems();
  void fillDict(Item& target, std::vector<Item> pairs);
  Item& fillTarget(lang::Tag tag, const char* what);
  void memoPut(uint32_t index);
  void memoGet(uint32_t index);
  uint32_t depthOf(std::span<const Item> items) const;

  // ---- unpickle_globals.cpp ----
  lang::TypePtr parseType(const std::string& text);
  lang::TypePtr resolveClass(const std::string& qualname);
  Item rebuildTensor(const lang::IValue& args);
  Item typedList(lang::TypePtr elem, const lang::IValue& args, uint32_t depth);
  Item restoreTypeTag(const lang::IValue& args, uint32_t depth);
  Item enumMember(const lang::TypePtr& type, const lang::IValue& value);
  Item namedTuple(const lang::TypePtr& type, const lang::IValue& args, uint32_t depth);
  template <class F>
  auto callHook(const char* what, F&& f) -> decltype(f());

  std::span<const uint8_t> bytes_;
  const UnpickleHooks& hooks_;
  const std::string& where_;
  size_t pos_ = 0;        // next byte to read
  size_t op_offset_ = 0;  // offset of the opcode being run (for messages)
  std::vector<Item> stack_;
  std::vector<size_t> marks_;  // stack sizes at each MARK
  // Indices are whatever the pickle says. Writers number their puts 0, 1,
  // 2, ...: those land in memo_dense_ (memo_dense_[i] is index i), and an
  // index past its end goes to memo_, so LONG_BINPUT 4000000000 costs one
  // entry, not four billion. An index in memo_dense_ shadows memo_'s.
  // A deque: growing never copies the items (each a type and a value, two
  // reference counts), and the memory comes in small pieces, not one block
  // doubled again and again (a resnet18's data.pkl memoizes ~500 items).
  std::deque<Item> memo_dense_;
  std::unordered_map<uint32_t, Item> memo_;
  struct LoadedStorage {
    lang::Ref<ops::Storage> storage;
    ops::ScalarType dtype;
    int64_t numel;
  };
  std::map<std::string, LoadedStorage> storages_;  // by key: one record, one Storage
  std::map<std::string, lang::TypePtr> parsed_types_;
  std::map<std::string, lang::TypePtr> classes_;
  std::vector<lang::IValue> untagged_;
  std::set<std::string, std::less<>> global_names_;  // what Item::name views
};

}  // namespace wick::serialize::detail
