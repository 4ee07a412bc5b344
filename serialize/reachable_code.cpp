#include "serialize/reachable_code.h"

#include <deque>
#include <unordered_set>

namespace wick::serialize {

using lang::Node;
using lang::TypeKind;
using lang::TypePtr;
namespace prim = lang::prim;
namespace attr = lang::attr;

namespace {

// A breadth-first walk: items are recorded when first met and their
// contents (attribute types, method bodies) examined in that order.
class Collector {
 public:
  ReachableCode run(const lang::ClassTypePtr& root) {
    addType(root);
    while (!pending_.empty()) {
      CodeItem item = pending_.front();
      pending_.pop_front();
      if (item.function) scanFunction(*item.function);
      else if (item.type->kind() == TypeKind::Class) scanClass(static_cast<const lang::ClassType&>(*item.type));
      else for (const TypePtr& c : item.type->contained()) addType(c);
    }
    return std::move(out_);
  }

 private:
  // torch's registerClassDependencies: named types anywhere inside a type.
  void addType(const TypePtr& t) {
    if (!t) return;
    bool named = t->kind() == TypeKind::Class || t->kind() == TypeKind::Enum ||
                 (t->kind() == TypeKind::Tuple && !t->name().empty());
    if (named && seen_types_.insert(t->name()).second) {
      out_.items.push_back({t, nullptr});
      pending_.push_back({t, nullptr});
    }
    if (t->kind() == TypeKind::Function) addFunction(static_cast<const lang::FunctionType&>(*t).function());
    if (!named)
      for (const TypePtr& c : t->contained()) addType(c);
  }

  void addFunction(const lang::Function* fn) {
    if (!fn || !seen_functions_.insert(fn).second) return;
    out_.items.push_back({nullptr, fn});
    pending_.push_back({nullptr, fn});
  }

  void scanClass(const lang::ClassType& cls) {
    for (const auto& a : cls.attributes()) addType(a.type);
    for (const lang::Function* m : cls.methods())
      if (seen_functions_.insert(m).second) scanFunction(*m);
  }

  void scanFunction(const lang::Function& fn) {
    out_.functions.push_back(&fn);
    for (const lang::Argument& a : fn.schema().arguments) addType(a.type);
    for (const lang::Argument& r : fn.schema().returns) addType(r.type);
    scanBlock(fn.graph().block());
  }

  void scanBlock(const lang::Block* b) {
    for (Node* n : *b) {
      for (lang::Value* v : n->inputs()) addType(v->type());
      for (lang::Value* v : n->outputs()) addType(v->type());
      if (n->hasAttribute(attr::types))
        for (const TypePtr& t : n->tys(attr::types)) addType(t);
      if (n->kind() == prim::CallFunction) addFunction(n->callee());
      if (n->kind() == prim::Constant && n->hasAttribute(attr::value) && n->ival(attr::value).isFunction())
        addFunction(n->ival(attr::value).toFunction()->fn);
      for (const lang::Block* inner : n->blocks()) scanBlock(inner);
    }
  }

  ReachableCode out_;
  std::deque<CodeItem> pending_;
  std::unordered_set<std::string> seen_types_;
  std::unordered_set<const lang::Function*> seen_functions_;
};

}  // namespace

ReachableCode collectReachableCode(const lang::ClassTypePtr& root) { return Collector().run(root); }

}  // namespace wick::serialize
