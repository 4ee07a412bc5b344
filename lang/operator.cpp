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

// The key of a schema OpDef could not take as spelled (no namespace, or
// spaces before the argument list): "aten::add.int" from "add . int(...)",
// as the schema parser reads it.
std::string normalizedKey(const char* text) {
  const char* end = std::strchr(text, '(');
  if (!end) end = text + std::strlen(text);
  std::string_view prefix(text, static_cast<size_t>(end - text));
  std::string q = prefix.find("::") != std::string_view::npos ? std::string() : std::string("aten::");
  for (char c : prefix)
    if (static_cast<unsigned char>(c) > ' ') q += c;
  return q;
}

}  // namespace

uint32_t* OperatorRegistry::slotFor(Index& index, std::string_view key, uint64_t hash, bool whole_key) const {
  size_t mask = index.slots.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    uint32_t& slot = index.slots[i];
    if (slot == kNone) return &slot;
    const Entry& e = entries_[slot];
    if ((whole_key ? keyOf(e) : nameOf(e)) == key) return &slot;
  }
}

uint32_t OperatorRegistry::findIn(const Index& index, std::string_view key, bool whole_key) const {
  if (index.slots.empty()) return kNone;
  return *slotFor(const_cast<Index&>(index), key, registryKeyHash(key), whole_key);
}

void OperatorRegistry::grow(Index& index, bool whole_key) {
  std::vector<uint32_t> old = std::move(index.slots);
  index.slots.assign(std::max<size_t>(old.size() * 2, 1024), kNone);
  for (uint32_t n : old)
    if (n != kNone) {
      std::string_view key = whole_key ? keyOf(entries_[n]) : nameOf(entries_[n]);
      *slotFor(index, key, registryKeyHash(key), whole_key) = n;
    }
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
  Entry e{def, def.schema};
  if (!def.spelled_plain) {
    keys_.push_back(std::make_unique<std::string>(normalizedKey(def.schema)));
    e.key = keys_.back()->data();
    e.def.key = registryKey(*keys_.back());
  }
  const RegistryKey& k = e.def.key;
  std::string_view key(e.key, k.key_len);
  auto n = static_cast<uint32_t>(entries_.size());
  entries_.push_back(e);

  // Checked here, not in grow(): a call per add was a fifth of registering.
  if (by_qualified_.full()) grow(by_qualified_, true);
  uint32_t* q = slotFor(by_qualified_, key, k.key_hash, true);
  if (*q == kNone) ++by_qualified_.used;
  *q = n;  // a later registration of the same overload wins, as it always did

  if (by_name_.full()) grow(by_name_, false);
  uint32_t* first = slotFor(by_name_, key.substr(0, k.name_len), k.name_hash, false);
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
