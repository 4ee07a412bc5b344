#include "lang/operator.h"

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
std::string qualifiedPrefix(const char* text) {
  const char* end = text;
  bool spaces = false, colons = false;
  for (; *end && *end != '('; ++end) {
    spaces |= *end == ' ' || *end == '\t';
    colons |= *end == ':';
  }
  std::string q;
  if (!spaces) {
    q.assign(text, end);  // the usual case: one allocation at most
  } else {
    for (const char* c = text; c != end; ++c)
      if (*c != ' ' && *c != '\t') q += *c;
  }
  // As the parser does: a schema without a namespace is aten's.
  if (!colons) q.insert(0, "aten::");
  return q;
}

}  // namespace

void OperatorRegistry::add(const OpDef& def) {
  auto op = std::make_unique<Operator>();
  op->kernel = def.kernel;
  op->op_class = def.op_class;
  const Operator* p = op.get();
  std::string qualified = qualifiedPrefix(def.schema);
  by_name_[qualified.substr(0, qualified.find('.'))].push_back(p);
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
