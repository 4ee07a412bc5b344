#include <cmath>
#include <functional>
#include <unordered_map>

#include "interpreter/passes/passes.h"
#include "lang/operator.h"

namespace wick::interp {

using lang::Block;
using lang::Node;
namespace prim = lang::prim;
namespace attr = lang::attr;

namespace {

// Only constants of immutable kinds and pure scalar ops are merged: merging
// two list constructions would alias two lists the program mutates apart.
bool mergeable(const Node* n) {
  if (n->kind() == prim::Constant) {
    if (!n->hasAttribute(attr::value)) return true;
    const lang::IValue& v = n->ival(attr::value);
    return v.isInt() || v.isFloat() || v.isBool() || v.isStr() || v.isNone() || v.isDevice();
  }
  if (!n->op() || !n->op()->pure || !n->blocks().empty() || n->outputs().size() != 1) return false;
  // Inputs and result must be immutable values: a list may change between
  // two `x in lst` tests, and merging two results would alias them.
  auto immutable = [](const lang::TypePtr& t) {
    lang::TypeKind k = t->kind();
    return k == lang::TypeKind::Int || k == lang::TypeKind::Float || k == lang::TypeKind::Bool ||
           k == lang::TypeKind::Str || k == lang::TypeKind::None;
  };
  if (!immutable(n->output()->type())) return false;
  for (const lang::Value* in : n->inputs())
    if (!immutable(in->type())) return false;
  // Two float("nan") calls make two values; keep conversions from strings apart.
  return n->op()->schema.name != "aten::Float";
}

std::string key(const Node* n) {
  std::string k = n->kind().str();
  if (n->op()) k += "|" + n->op()->schema.qualifiedName();
  if (n->kind() == prim::Constant) {
    k += "|" + n->output()->type()->str() + "|";
    if (n->hasAttribute(attr::value)) k += lang::toRepr(n->ival(attr::value));
    if (n->hasAttribute(attr::value) && n->ival(attr::value).isFloat() && n->ival(attr::value).toDouble() == 0)
      k += std::signbit(n->ival(attr::value).toDouble()) ? "-" : "+";  // 0.0 and -0.0 differ
  }
  for (const lang::Value* in : n->inputs()) k += "|" + std::to_string(in->unique());
  return k;
}

// `seen` holds the expressions available in this block (and its parents).
void visit(Block* b, std::unordered_map<std::string, lang::Value*> seen) {
  for (Node* n : b->nodes()) {
    if (!mergeable(n)) {
      for (Block* sub : n->blocks()) visit(sub, seen);
      continue;
    }
    std::string k = key(n);
    auto it = seen.find(k);
    if (it != seen.end() && *it->second->type() == *n->output()->type()) {
      n->output()->replaceAllUsesWith(it->second);
      n->destroy();
    } else {
      seen[k] = n->output();
    }
  }
}

}  // namespace

void eliminateCommonSubexpressions(lang::Graph& g) {
  // Constants first, hoisted to the top so every block can share them.
  Node* first = g.block()->paramNode()->next();
  for (Block* b : {g.block()}) {
    std::vector<Node*> constants;
    std::function<void(Block*)> collect = [&](Block* blk) {
      for (Node* n : blk->nodes()) {
        if (n->kind() == prim::Constant && mergeable(n)) constants.push_back(n);
        for (Block* sub : n->blocks()) collect(sub);
      }
    };
    collect(b);
    for (Node* c : constants)
      if (c != first) c->moveBefore(first == g.block()->returnNode() ? g.block()->returnNode() : first);
  }
  visit(g.block(), {});
}

}  // namespace wick::interp
