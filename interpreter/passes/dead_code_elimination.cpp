#include <algorithm>
#include <functional>

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

// True when `v` only flows, through side-effect-free nodes, into `ret`'s
// input `slot` (a loop-carried value that only updates itself).
bool onlyFeedsSlot(const lang::Value* v, const Node* ret, size_t slot, int depth) {
  if (depth > 8) return false;
  for (const lang::Use& u : v->uses()) {
    if (u.user == ret) {
      if (u.offset != slot) return false;
      continue;
    }
    // A nested block's return feeds its If/Loop: give up there (conservative).
    if (u.user->kind() == prim::Return || u.user->hasSideEffects() || !u.user->blocks().empty()) return false;
    for (const lang::Value* o : u.user->outputs())
      if (!onlyFeedsSlot(o, ret, slot, depth + 1)) return false;
  }
  return true;
}

// The nodes computing from `v`, users after their inputs' definitions, in
// reverse so each can be destroyed once its own users are gone.
std::vector<Node*> usersOf(const lang::Value* v) {
  std::vector<Node*> out;
  std::function<void(const lang::Value*)> walk = [&](const lang::Value* x) {
    for (const lang::Use& u : x->uses()) {
      if (u.user->kind() == prim::Return) continue;
      if (std::find(out.begin(), out.end(), u.user) != out.end()) continue;
      for (const lang::Value* o : u.user->outputs()) walk(o);
      out.push_back(u.user);
    }
  };
  walk(v);
  return out;
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
      if (n->output(k)->hasUses() || !onlyFeedsSlot(param, body->returnNode(), k + 1, 0)) continue;
      // Nobody reads this carried value: drop it from the loop altogether.
      body->returnNode()->replaceInput(k + 1, param);
      body->eraseOutput(k + 1);
      for (Node* user : usersOf(param)) user->destroy();
      body->eraseInput(k + 1);
      n->removeInput(k + 2);
      n->eraseOutput(k);
      changed = true;
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
