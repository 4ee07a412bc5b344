#include <algorithm>

#include "interpreter/passes/passes.h"

namespace wick::interp {

using lang::Block;
using lang::Node;
namespace prim = lang::prim;

namespace {

bool removable(const Node* n) {
  if (n->hasSideEffects()) return false;
  return std::none_of(n->outputs().begin(), n->outputs().end(), [](const lang::Value* v) { return v->hasUses(); });
}

// Drops If outputs nobody reads, and loop-carried values that are neither
// read after the loop nor inside it.
bool pruneOutputs(Node* n) {
  bool changed = false;
  if (n->kind() == prim::If) {
    for (size_t i = n->outputs().size(); i-- > 0;) {
      if (n->output(i)->hasUses()) continue;
      for (Block* b : n->blocks()) b->eraseOutput(i);
      n->eraseOutput(i);
      changed = true;
    }
  } else if (n->kind() == prim::Loop) {
    Block* body = n->block(0);
    for (size_t k = n->outputs().size(); k-- > 0;) {
      lang::Value* param = body->inputs()[k + 1];
      bool param_used = false;
      for (const lang::Use& u : param->uses()) param_used |= !(u.user == body->returnNode() && u.offset == k + 1);
      if (n->output(k)->hasUses() || param_used) continue;
      body->eraseOutput(k + 1);
      if (!param->hasUses()) {
        body->eraseInput(k + 1);
        n->removeInput(k + 2);
        n->eraseOutput(k);
        changed = true;
      } else {
        body->insertOutput(k + 1, param);  // still feeds itself; keep the slot consistent
      }
    }
  }
  return changed;
}

bool sweep(Block* b) {
  bool changed = false;
  std::vector<Node*> nodes = b->nodes();
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    Node* n = *it;
    for (Block* sub : n->blocks()) changed |= sweep(sub);
    changed |= pruneOutputs(n);
    if (removable(n)) {
      n->destroy();
      changed = true;
    }
  }
  return changed;
}

}  // namespace

void eliminateDeadCode(lang::Graph& g) {
  while (sweep(g.block())) {
  }
}

}  // namespace wick::interp
