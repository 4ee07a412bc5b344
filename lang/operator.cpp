#include "lang/operator.h"

#include <cstdio>
#include <cstdlib>

namespace wick::lang {

OperatorRegistry& OperatorRegistry::global() {
  static OperatorRegistry* registry = new OperatorRegistry();  // never destroyed: kernels outlive static dtors
  return *registry;
}

const Operator* OperatorRegistry::add(FunctionSchema schema, Kernel kernel, OpClass cls) {
  auto op = std::make_unique<Operator>();
  op->schema = std::move(schema);
  op->kernel = kernel;
  op->op_class = cls;
  const Operator* p = op.get();
  by_name_[p->schema.name].push_back(p);
  by_qualified_[p->schema.qualifiedName()] = p;
  owned_.push_back(std::move(op));
  return p;
}

const std::vector<const Operator*>& OperatorRegistry::lookup(const std::string& name) const {
  static const std::vector<const Operator*> empty;
  auto it = by_name_.find(name);
  return it == by_name_.end() ? empty : it->second;
}

const Operator* OperatorRegistry::find(const std::string& qualified_name) const {
  auto it = by_qualified_.find(qualified_name);
  return it == by_qualified_.end() ? nullptr : it->second;
}

std::vector<std::string> OperatorRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : by_name_) out.push_back(k);
  return out;
}

RegisterOps::RegisterOps(std::initializer_list<OpDef> defs) {
  for (const OpDef& d : defs) {
    try {
      const Operator* op = OperatorRegistry::global().add(parseSchema(d.schema), d.kernel, d.op_class);
      const_cast<Operator*>(op)->pure = d.pure && !op->schema.isMutable();
    } catch (const std::exception& e) {
      // A malformed schema is a wick bug; fail loudly at startup.
      std::fprintf(stderr, "wick: bad operator schema: %s\n", e.what());
      std::abort();
    }
  }
}

}  // namespace wick::lang
