#include "lang/operator.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace wick::lang {

OperatorRegistry& OperatorRegistry::global() {
  static OperatorRegistry* registry = [] {
    auto* r = new OperatorRegistry();  // never destroyed: kernels outlive static dtors
    // Room for every op wick registers at start-up, so nothing regrows then.
    r->entries_.reserve(2048);
    r->by_name_.slots.assign(4096, kNone);
    r->by_qualified_.slots.assign(4096, kNone);
    return r;
  }();
  return *registry;
}

OperatorRegistry::~OperatorRegistry() {
  for (Entry& e : entries_) {
    delete e.op;
    delete e.overloads;
  }
}

namespace {

// "aten::add.int" from "aten::add.int(int a, int b) -> int", without parsing
// the rest; empty when the text is already spelled that way (the usual case),
// so start-up allocates nothing for it.
std::string normalizedPrefix(const char* text, size_t& len) {
  // libc's vectorized searches: this runs once per op at start-up (a plain
  // byte loop doing all three tests in one pass was slower).
  const char* end = std::strchr(text, '(');
  if (!end) end = text + std::strlen(text);
  std::string_view prefix(text, static_cast<size_t>(end - text));
  len = prefix.size();
  bool colons = prefix.find("::") != std::string_view::npos;
  bool spaces = std::any_of(prefix.begin(), prefix.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; });
  if (colons && !spaces) return {};
  // As the parser does: a schema without a namespace is aten's.
  std::string q = colons ? std::string() : std::string("aten::");
  for (const char* c = text; c != end; ++c)
    if (static_cast<unsigned char>(*c) > ' ') q += *c;
  return q;
}

// Eight bytes at a time, mixed by multiplication: this runs twice per op at
// start-up, and names are 10 to 30 bytes.
uint64_t hashOf(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * kMul;
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  if (n) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
  }
  return h ^ (h >> 32);
}

}  // namespace

uint32_t* OperatorRegistry::slotFor(Index& index, std::string_view key, bool whole_key) const {
  size_t mask = index.slots.size() - 1;
  for (size_t i = hashOf(key) & mask;; i = (i + 1) & mask) {
    uint32_t& slot = index.slots[i];
    if (slot == kNone) return &slot;
    const Entry& e = entries_[slot];
    if ((whole_key ? keyOf(e) : nameOf(e)) == key) return &slot;
  }
}

uint32_t OperatorRegistry::findIn(const Index& index, std::string_view key, bool whole_key) const {
  if (index.slots.empty()) return kNone;
  return *slotFor(const_cast<Index&>(index), key, whole_key);
}

void OperatorRegistry::grow(Index& index, bool whole_key) {
  // At most half full, so probes stay short and a free slot always exists.
  if (index.slots.size() >= 2 * (index.used + 1)) return;
  std::vector<uint32_t> old = std::move(index.slots);
  index.slots.assign(std::max<size_t>(old.size() * 2, 1024), kNone);
  for (uint32_t n : old)
    if (n != kNone) *slotFor(index, whole_key ? keyOf(entries_[n]) : nameOf(entries_[n]), whole_key) = n;
}

void OperatorRegistry::add(const OpDef& def) {
  std::lock_guard<std::mutex> lock(mutex_);
  addLocked(def);
}

void OperatorRegistry::addAll(std::initializer_list<OpDef> defs) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const OpDef& d : defs) addLocked(d);
}

void OperatorRegistry::addLocked(const OpDef& def) {
  Entry e{def, def.schema, 0, 0};
  size_t len = 0;
  std::string spelled = normalizedPrefix(def.schema, len);
  if (!spelled.empty()) {
    keys_.push_back(std::make_unique<std::string>(std::move(spelled)));
    e.key = keys_.back()->data();
    len = keys_.back()->size();
  }
  std::string_view key(e.key, len);
  size_t dot = key.find('.');
  e.key_len = static_cast<uint32_t>(len);
  e.name_len = static_cast<uint32_t>(dot == std::string_view::npos ? len : dot);
  auto n = static_cast<uint32_t>(entries_.size());
  entries_.push_back(e);

  grow(by_qualified_, true);
  uint32_t* q = slotFor(by_qualified_, key, true);
  if (*q == kNone) ++by_qualified_.used;
  *q = n;  // a later registration of the same overload wins, as it always did

  grow(by_name_, false);
  uint32_t* first = slotFor(by_name_, key.substr(0, e.name_len), false);
  if (*first == kNone) {
    ++by_name_.used;
    *first = n;
    entries_[n].last = n;
    return;
  }
  Entry& head = entries_[*first];
  entries_[head.last].next = n;
  head.last = n;
  // lookup() answered for this name already: its answer grows (callers may hold it).
  if (head.overloads) head.overloads->push_back(make(n));
}

const Operator* OperatorRegistry::make(uint32_t n) const {
  const Entry& e = entries_[n];
  if (e.op) return e.op;
  auto op = std::make_unique<Operator>();
  try {
    op->schema = parseSchema(e.def.schema);
  } catch (const std::exception& ex) {
    throw std::invalid_argument(std::string("bad operator schema '") + e.def.schema + "': " + ex.what());
  }
  op->kernel = e.def.kernel;
  op->op_class = e.def.op_class;
  op->pure = e.def.pure && !op->schema.isMutable();
  e.op = op.release();
  return e.op;
}

const std::vector<const Operator*>& OperatorRegistry::lookup(const std::string& name) const {
  static const std::vector<const Operator*> empty;
  uint32_t first = findIn(by_name_, name, false);
  if (first == kNone) return empty;
  std::lock_guard<std::mutex> lock(mutex_);
  const Entry& head = entries_[first];
  if (!head.overloads) {
    auto ops = std::make_unique<std::vector<const Operator*>>();
    for (uint32_t n = first; n != kNone; n = entries_[n].next) ops->push_back(make(n));
    head.overloads = ops.release();
  }
  return *head.overloads;
}

const Operator* OperatorRegistry::find(const std::string& qualified_name) const {
  uint32_t n = findIn(by_qualified_, qualified_name, true);
  if (n == kNone) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  return make(n);
}

size_t OperatorRegistry::parseAll() const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (uint32_t n = 0; n < entries_.size(); ++n) make(n);
  return entries_.size();
}

RegisterOps::RegisterOps(std::initializer_list<OpDef> defs) {
  OperatorRegistry::global().addAll(defs);
}

}  // namespace wick::lang
