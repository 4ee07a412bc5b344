#include "lang/operator.h"

#include <cctype>
#include <stdexcept>

namespace wick::lang {

OperatorRegistry& OperatorRegistry::global() {
  static OperatorRegistry* registry = [] {
    auto* r = new OperatorRegistry();  // never destroyed: kernels outlive static dtors
    // Room for every op wick registers at start-up, so no table rehashes then.
    r->by_name_.reserve(2048);
    r->by_qualified_.reserve(4096);
    r->pending_.reserve(4096);
    r->owned_.reserve(4096);
    return r;
  }();
  return *registry;
}

namespace {

// "aten::add.int" from "aten::add.int(int a, int b) -> int", without parsing the rest.
// Start-up runs this for every registered op: one pass, one allocation, no
// locale-aware isspace calls (schema text is ASCII).
std::string qualifiedPrefix(const char* text) {
  const char* end = text;
  bool spaces = false, colons = false;
  for (; *end && *end != '('; ++end) {
    spaces |= static_cast<unsigned char>(*end) <= ' ';
    colons |= *end == ':' && end[1] == ':';
  }
  // As the parser does: a schema without a namespace is aten's.
  std::string q = colons ? std::string() : std::string("aten::");
  q.reserve(q.size() + static_cast<size_t>(end - text));
  if (!spaces) return q.append(text, end);
  for (const char* c = text; c != end; ++c)
    if (static_cast<unsigned char>(*c) > ' ') q += *c;
  return q;
}

}  // namespace

void OperatorRegistry::add(const OpDef& def) {
  auto op = std::make_unique<Operator>();
  op->kernel = def.kernel;
  op->op_class = def.op_class;
  const Operator* p = op.get();
  std::string qualified = qualifiedPrefix(def.schema);
  size_t dot = qualified.find('.');
  if (dot == std::string::npos) by_name_[qualified].push_back(p);
  else by_name_[qualified.substr(0, dot)].push_back(p);
  by_qualified_.insert_or_assign(std::move(qualified), p);
  pending_.emplace(p, Pending{def.schema, def.pure});
  owned_.push_back(std::move(op));
}

void OperatorRegistry::ensureParsed(const Operator* op) const {
  auto it = pending_.find(op);
  if (it == pending_.end()) return;
  Operator* o = const_cast<Operator*>(op);
  try {
    o->schema = parseSchema(it->second.text);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("bad operator schema '") + it->second.text + "': " + e.what());
  }
  o->pure = it->second.pure && !o->schema.isMutable();
  pending_.erase(it);
}

const std::vector<const Operator*>& OperatorRegistry::lookup(const std::string& name) const {
  static const std::vector<const Operator*> empty;
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return empty;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Operator* op : it->second) ensureParsed(op);
  return it->second;
}

const Operator* OperatorRegistry::find(const std::string& qualified_name) const {
  auto it = by_qualified_.find(qualified_name);
  if (it == by_qualified_.end()) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  ensureParsed(it->second);
  return it->second;
}

size_t OperatorRegistry::parseAll() const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& op : owned_) ensureParsed(op.get());
  return owned_.size();
}

RegisterOps::RegisterOps(std::initializer_list<OpDef> defs) {
  for (const OpDef& d : defs) OperatorRegistry::global().add(d);
}

}  // namespace wick::lang
