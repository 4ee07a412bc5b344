#include "serialize/unpickler.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <iterator>

#include "serialize/pickle_opcodes.h"
#include "serialize/unpickler_machine.h"
#include "serialize/value_type_check.h"

namespace wick::serialize {

using lang::IValue;
using lang::Ref;

namespace detail {
namespace {

std::string hexByte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", b);
  return buf;
}

// What an item that is not a value is, for "X cannot be a tuple item".
std::string describe(const Item& item) {
  if (item.kind == Item::Kind::Callable) return "the global " + std::string(item.name);
  return "an unbuilt " + std::string(item.name) + " (NEWOBJ without BUILD)";
}

bool isDictKey(const IValue& v) { return v.isStr() || v.isInt() || v.isFloat() || v.isBool() || v.isTensor(); }

}  // namespace

void Unpickler::fail(const std::string& message) const {
  std::string at = where_ + ": byte " + std::to_string(op_offset_);
  const char* op = op_offset_ < bytes_.size() ? pickleOpName(bytes_[op_offset_]) : nullptr;
  if (op) at += std::string(" (") + op + ")";
  throw ArchiveError(at + ": " + message);
}

// ---- reading ----

// Every operand goes through here and every push through checkDepth: their
// messages are built out of line, so that the checks themselves inline.
[[gnu::noinline]] [[noreturn]] void Unpickler::failTruncated(uint64_t n) const {
  fail("truncated: needs " + std::to_string(n) + " more bytes, the pickle has " + std::to_string(bytes_.size() - pos_));
}

std::span<const uint8_t> Unpickler::readBytes(uint64_t n) {
  if (n > bytes_.size() - pos_) failTruncated(n);
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

uint8_t Unpickler::readU8() { return readBytes(1)[0]; }

uint64_t Unpickler::readLE(int n) {
  auto b = readBytes(n);
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

std::string Unpickler::readLine() {
  auto rest = bytes_.subspan(pos_);
  auto nl = std::find(rest.begin(), rest.end(), uint8_t('\n'));
  if (nl == rest.end()) fail("truncated: the global's name has no end of line");
  std::string line(rest.begin(), nl);
  pos_ += line.size() + 1;
  return line;
}

// ---- the stack ----

[[gnu::noinline]] [[noreturn]] void Unpickler::failTooDeep() const {
  fail("values nest deeper than " + std::to_string(kMaxValueNesting) + " levels");
}

void Unpickler::push(Item item) {
  checkDepth(item.depth);
  stack_.push_back(std::move(item));
}

void Unpickler::pushValue(IValue value, uint32_t depth) {
  checkDepth(depth);
  Item& item = stack_.emplace_back();  // built in place: most of a pickle's pushes are values
  item.value = std::move(value);
  item.depth = depth;
}

[[gnu::noinline]] [[noreturn]] void Unpickler::failUnderflow(const char* what) const {
  fail(std::string("stack underflow: no ") + what + (marks_.empty() ? " on the stack" : " above the MARK"));
}

// Pops never reach below the innermost MARK: as in Python's unpickler, the
// items since a MARK are a stack of their own until the MARK is consumed.
Item Unpickler::pop(const char* what) {
  if (stack_.size() <= frameBase()) failUnderflow(what);
  Item item = std::move(stack_.back());
  stack_.pop_back();
  return item;
}

IValue Unpickler::popValue(const char* what, uint32_t* depth) {
  Item item = pop(what);
  if (item.kind != Item::Kind::Value) fail(std::string(what) + " is " + describe(item) + ", not a value");
  if (depth) *depth = item.depth;
  return std::move(item.value);
}

size_t Unpickler::popMark() {
  if (marks_.empty()) fail("no MARK before it");
  size_t base = marks_.back();
  marks_.pop_back();
  return base;
}

std::vector<Item> Unpickler::popToMark() {
  size_t base = popMark();
  std::vector<Item> items(std::make_move_iterator(stack_.begin() + base), std::make_move_iterator(stack_.end()));
  stack_.resize(base);
  return items;
}

uint32_t Unpickler::depthOf(std::span<const Item> items) const {
  uint32_t d = 0;
  for (const Item& item : items) {
    if (item.kind != Item::Kind::Value) fail(describe(item) + " cannot be an element of a container");
    d = std::max(d, item.depth);
  }
  return d;
}

void Unpickler::makeTuple(size_t base) {
  std::span<Item> items(stack_.data() + base, stack_.size() - base);
  uint32_t depth = 1 + depthOf(items);
  std::vector<IValue> values;
  values.reserve(items.size());
  for (Item& item : items) values.push_back(std::move(item.value));
  stack_.resize(base);
  pushValue(IValue(Ref<lang::TupleObj>::make(std::move(values))), depth);
}

// The container APPENDS/SETITEMS/SETITEM fill: the top item, which must not
// be shared yet (Note [Containers fill before they are shared]).
Item& Unpickler::fillTarget(lang::Tag tag, const char* what) {
  const char* kind = tag == lang::Tag::List ? "list" : "dict";
  if (stack_.size() <= frameBase()) fail(std::string("no ") + kind + " to fill below the MARK");
  Item& target = stack_.back();
  if (target.kind != Item::Kind::Value || target.value.tag() != tag)
    fail(std::string(what) + " fills a " + kind + ", found " +
         (target.kind == Item::Kind::Value ? valueKindName(target.value) : describe(target)));
  return target;
}

namespace {
// True when `v` is, or holds, the heap object `target` (values are acyclic
// while unpickling, so the walk ends).
bool reaches(const IValue& v, const lang::HeapObject* target) {
  if (v.isNone() || !v.isHeap()) return false;
  if (v.heapPtr() == target) return true;
  if (v.isList()) {
    for (const IValue& x : v.toList()->items)
      if (reaches(x, target)) return true;
  } else if (v.isTuple()) {
    for (const IValue& x : v.toTuple()->items)
      if (reaches(x, target)) return true;
  } else if (v.isDict()) {
    bool found = false;
    v.toDict()->forEach([&](const IValue& k, const IValue& x) { found = found || reaches(k, target) || reaches(x, target); });
    return found;
  } else if (v.isObject()) {
    for (const IValue& x : v.toObject()->slots)
      if (reaches(x, target)) return true;
  }
  return false;
}
}  // namespace

// Note [Containers fill before they are shared]: torch's own pickler fills
// first; Python's (torch.save of a state_dict) memoizes an empty container
// and fills it after. Filling a shared container is allowed when what goes in
// does not hold the container itself, so values stay acyclic, and the memo's
// copies learn the new depth.
void Unpickler::checkFill(const Item& target, const std::vector<Item>& items) {
  if (!target.memoized) return;
  for (const Item& item : items)
    if (item.kind == Item::Kind::Value && reaches(item.value, target.value.heapPtr()))
      fail("a container is filled with itself (a cycle), which TorchScript values cannot hold");
}

void Unpickler::syncMemo(const Item& target) {
  if (!target.memoized) return;
  auto sync = [&](Item& item) {
    if (item.kind == Item::Kind::Value && item.value.isHeap() && item.value.heapPtr() == target.value.heapPtr())
      item.depth = target.depth;
  };
  for (Item& item : memo_dense_) sync(item);
  for (auto& [index, item] : memo_) sync(item);
}

void Unpickler::appendItems() {
  std::vector<Item> items = popToMark();
  uint32_t depth = 1 + depthOf(items);
  Item& target = fillTarget(lang::Tag::List, "APPENDS");
  checkFill(target, items);
  lang::ListObj* list = target.value.toList();
  for (Item& item : items) {
    if (list->elem_type)
      if (auto why = valueTypeMismatch(item.value, list->elem_type); !why.empty())
        fail("appending to a List[" + list->elem_type->str() + "]: the item " + why);
    list->items.push_back(std::move(item.value));
  }
  target.depth = std::max(target.depth, depth);
  checkDepth(target.depth);
  syncMemo(target);
}

// Sets `pairs` (key, value, key, value, ...) in the dict `target` holds.
void Unpickler::fillDict(Item& target, std::vector<Item> pairs) {
  if (pairs.size() % 2 != 0) fail("needs key/value pairs, found an odd number of items");
  uint32_t depth = 1 + depthOf(pairs);
  checkFill(target, pairs);
  lang::DictObj* dict = target.value.toDict();
  for (size_t i = 0; i < pairs.size(); i += 2) {
    IValue& key = pairs[i].value;
    IValue& value = pairs[i + 1].value;
    if (!isDictKey(key)) fail("a dict key is " + valueKindName(key) + "; keys are str, int, float, bool or Tensor");
    if (dict->key_type)
      if (auto why = valueTypeMismatch(key, dict->key_type); !why.empty()) fail("a key of a typed dict " + why);
    if (dict->value_type)
      if (auto why = valueTypeMismatch(value, dict->value_type); !why.empty()) fail("a value of a typed dict " + why);
    dict->set(key, std::move(value));
  }
  target.depth = std::max(target.depth, depth);
  checkDepth(target.depth);
  syncMemo(target);
}

// ---- the memo ----

void Unpickler::memoPut(uint32_t index) {
  if (stack_.size() <= frameBase()) fail("nothing to memoize");
  stack_.back().memoized = true;
  if (index < memo_dense_.size()) memo_dense_[index] = stack_.back();
  else if (index == memo_dense_.size()) memo_dense_.push_back(stack_.back());
  else memo_[index] = stack_.back();
}

void Unpickler::memoGet(uint32_t index) {
  if (index < memo_dense_.size()) {
    // Copied straight onto the stack: most gets fetch a value, some a global.
    checkDepth(memo_dense_[index].depth);
    stack_.push_back(memo_dense_[index]);
    return;
  }
  auto it = memo_.find(index);
  if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " was never set");
  push(it->second);
}

// ---- opcodes ----

void Unpickler::step(uint8_t op) {
  using Op = PickleOp;
  switch (static_cast<Op>(op)) {
    case Op::MARK: marks_.push_back(stack_.size()); return;
    case Op::EMPTY_TUPLE: makeTuple(stack_.size()); return;
    case Op::TUPLE: makeTuple(popMark()); return;
    case Op::TUPLE1:
    case Op::TUPLE2:
    case Op::TUPLE3: {
      size_t n = op - uint8_t(Op::TUPLE1) + 1;
      if (stack_.size() - frameBase() < n)
        fail("needs " + std::to_string(n) + " items, the stack has " + std::to_string(stack_.size() - frameBase()));
      makeTuple(stack_.size() - n);
      return;
    }
    case Op::EMPTY_LIST: {
      IValue list(Ref<lang::ListObj>::make(nullptr));
      trackUntagged(list);
      pushValue(std::move(list), 1);
      return;
    }
    case Op::APPENDS: appendItems(); return;
    case Op::LIST: {
      std::vector<Item> items = popToMark();
      uint32_t depth = 1 + depthOf(items);
      std::vector<IValue> values;
      for (Item& item : items) values.push_back(std::move(item.value));
      IValue list(Ref<lang::ListObj>::make(nullptr, std::move(values)));
      trackUntagged(list);
      pushValue(std::move(list), depth);
      return;
    }
    case Op::EMPTY_DICT: {
      IValue dict(Ref<lang::DictObj>::make(nullptr, nullptr));
      trackUntagged(dict);
      pushValue(std::move(dict), 1);
      return;
    }
    case Op::SETITEMS: {
      std::vector<Item> pairs = popToMark();
      fillDict(fillTarget(lang::Tag::Dict, "SETITEMS"), std::move(pairs));
      return;
    }
    case Op::SETITEM: {
      std::vector<Item> pair(2);
      pair[1] = pop("value");
      pair[0] = pop("key");
      fillDict(fillTarget(lang::Tag::Dict, "SETITEM"), std::move(pair));
      return;
    }
    case Op::DICT: {
      std::vector<Item> pairs = popToMark();
      IValue dict(Ref<lang::DictObj>::make(nullptr, nullptr));
      trackUntagged(dict);
      pushValue(std::move(dict), 1);
      fillDict(stack_.back(), std::move(pairs));
      return;
    }
    case Op::NONE: pushValue(IValue(), 0); return;
    case Op::NEWTRUE: pushValue(IValue(true), 0); return;
    case Op::NEWFALSE: pushValue(IValue(false), 0); return;
    case Op::BININT1: pushValue(IValue(int64_t(readLE(1))), 0); return;
    case Op::BININT2: pushValue(IValue(int64_t(readLE(2))), 0); return;
    case Op::BININT: pushValue(IValue(int64_t(static_cast<int32_t>(readLE(4)))), 0); return;
    case Op::LONG1: {
      uint8_t n = readU8();
      if (n != 8) fail("a LONG1 of " + std::to_string(n) + " bytes; torch reads only 8-byte longs");
      pushValue(IValue(static_cast<int64_t>(readLE(8))), 0);
      return;
    }
    case Op::BINFLOAT: {
      auto b = readBytes(8);
      uint64_t bits = 0;
      for (uint8_t byte : b) bits = (bits << 8) | byte;  // big-endian, unlike every other operand
      pushValue(IValue(std::bit_cast<double>(bits)), 0);
      return;
    }
    case Op::BINUNICODE: {
      auto b = readBytes(readLE(4));
      pushValue(IValue(std::string(b.begin(), b.end())), 0);
      return;
    }
    case Op::GLOBAL: {
      std::string module = readLine();
      std::string name = readLine();
      push(resolveGlobal(module, name));
      return;
    }
    case Op::NEWOBJ: {
      uint32_t depth = 0;
      IValue args = popValue("NEWOBJ's arguments", &depth);
      Item cls = pop("class for NEWOBJ");
      push(newObject(cls, args, depth));
      return;
    }
    case Op::REDUCE: {
      uint32_t depth = 0;
      IValue args = popValue("REDUCE's argument", &depth);
      Item callable = pop("global for REDUCE");
      if (callable.kind != Item::Kind::Callable)
        fail("REDUCE applies a global, found " +
             (callable.kind == Item::Kind::Value ? valueKindName(callable.value) : describe(callable)));
      push(reduce(callable, std::move(args), depth));
      return;
    }
    case Op::BUILD: {
      uint32_t depth = 0;
      IValue state = popValue("BUILD's state", &depth);
      Item instance = pop("instance for BUILD");
      if (instance.kind == Item::Kind::Value && instance.value.isDict() && state.isDict()) {
        // A state_dict's instance attributes (its `_metadata` of module
        // versions): nothing wick's dict can hold, and nothing it needs.
        push(std::move(instance));
        return;
      }
      if (instance.kind != Item::Kind::NewObject)
        fail("BUILD sets the state of a NEWOBJ instance, found " +
             (instance.kind == Item::Kind::Value ? valueKindName(instance.value) : describe(instance)));
      push(build(instance, state, depth));
      return;
    }
    case Op::BINPERSID: push(persistentLoad(popValue("persistent id"))); return;
    case Op::BINPUT: memoPut(uint32_t(readLE(1))); return;
    case Op::LONG_BINPUT: memoPut(uint32_t(readLE(4))); return;
    case Op::BINGET: memoGet(uint32_t(readLE(1))); return;
    case Op::LONG_BINGET: memoGet(uint32_t(readLE(4))); return;
    case Op::PROTO: fail("PROTO may only come first");
    case Op::STOP: break;  // handled by run()
  }
  fail("unknown opcode " + hexByte(op) + (op >= 0x20 && op < 0x7f ? std::string(" '") + char(op) + "'" : "") +
       ": torch's unpickler accepts only the opcodes of spec §4.1");
}

IValue Unpickler::run() {
  if (bytes_.empty()) fail("empty pickle");
  if (bytes_[0] != uint8_t(PickleOp::PROTO)) fail("a pickle must start with PROTO 2, found " + hexByte(bytes_[0]));
  pos_ = 1;
  if (uint8_t proto = readU8(); proto != 2)
    fail("pickle protocol " + std::to_string(proto) + "; torch writes and reads protocol 2 only");
  for (;;) {
    op_offset_ = pos_;
    if (pos_ >= bytes_.size()) fail("truncated: the pickle ends without STOP");
    uint8_t op = bytes_[pos_++];
    if (op == uint8_t(PickleOp::STOP)) break;
    step(op);
  }
  if (!marks_.empty()) fail("a MARK is still open");
  if (stack_.size() != 1) fail("the stack holds " + std::to_string(stack_.size()) + " items, expected 1");
  if (stack_[0].kind != Item::Kind::Value) fail("the result is " + describe(stack_[0]) + ", not a value");
  tagLeftoversAsAny();
  return std::move(stack_[0].value);
}

void Unpickler::tagLeftoversAsAny() {
  for (const IValue& c : untagged_) {
    if (c.isList() && !c.toList()->elem_type) c.toList()->elem_type = lang::anyType();
    if (c.isDict()) {
      lang::DictObj* d = c.toDict();
      if (!d->key_type) d->key_type = lang::anyType();
      if (!d->value_type) d->value_type = lang::anyType();
    }
  }
}

}  // namespace detail

IValue unpickle(std::span<const uint8_t> bytes, const UnpickleHooks& hooks, const std::string& where) {
  return detail::Unpickler(bytes, hooks, where).run();
}

}  // namespace wick::serialize
