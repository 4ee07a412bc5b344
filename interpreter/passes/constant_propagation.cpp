#include <functional>

#include "interpreter/passes/passes.h"
#include "lang/error.h"
#include "lang/operator.h"

namespace wick::interp {

using lang::Block;
using lang::IValue;
using lang::Node;
using lang::TypeKind;
using lang::Value;
namespace prim = lang::prim;
namespace attr = lang::attr;

namespace {

bool isConstant(const Value* v) { return v->node()->kind() == prim::Constant; }


// Only immutable results are folded: a folded list, dict, object or tensor
// would be one value shared by every run, and code may mutate it.
bool immutableType(const lang::TypePtr& t) {
  switch (t->kind()) {
    case TypeKind::Int:
    case TypeKind::Float:
    case TypeKind::Bool:
    case TypeKind::Str:
    case TypeKind::None:
    case TypeKind::Device: return true;
    default: return false;
  }
}

bool foldable(const Node* n) {
  const lang::Operator* op = n->op();
  if (!op || !op->kernel || !op->pure || op->schema.is_vararg || op->schema.is_varret || op->schema.isMutable()) return false;
  if (n->hasSideEffects() || !n->blocks().empty() || n->outputs().empty()) return false;
  for (const Value* v : n->inputs())
    if (!isConstant(v)) return false;
  for (const Value* v : n->outputs())
    if (!immutableType(v->type())) return false;
  return true;
}

// Runs the kernel now; false when it raises (the error stays a run-time one).
bool fold(lang::Graph& g, Node* n) {
  lang::Stack stack;
  for (const Value* v : n->inputs()) stack.push_back(*constantValue(v));
  try {
    n->op()->kernel(stack);
  } catch (const lang::Error&) {
    return false;
  }
  if (stack.size() != n->outputs().size()) return false;
  g.setInsertPoint(n);
  for (size_t i = 0; i < n->outputs().size(); ++i) {
    Value* c = g.insertConstant(stack[i], n->sourceRange(), n->output(i)->type());
    n->output(i)->replaceAllUsesWith(c);
  }
  n->destroy();
  return true;
}

// prim::If on a constant: the taken block's nodes move before the If, whose
// outputs become that block's outputs.
void inlineTakenBranch(Node* n) {
  bool taken = constantValue(n->input(0))->toBool();
  Block* b = n->blocks()[taken ? 0 : 1];
  for (Node* inner : b->nodes()) inner->moveBefore(n);
  for (size_t i = 0; i < n->outputs().size(); ++i) n->output(i)->replaceAllUsesWith(b->outputs()[i]);
  n->destroy();
}

bool propagate(lang::Graph& g, Block* block) {
  bool changed = false;
  for (Node* n : block->nodes()) {
    for (Block* inner : n->blocks()) changed |= propagate(g, inner);
    if (n->kind() == prim::If && isConstant(n->input(0))) {
      inlineTakenBranch(n);
      changed = true;
    } else if (foldable(n)) {
      changed |= fold(g, n);
    }
  }
  return changed;
}

}  // namespace

void propagateConstants(lang::Graph& g) {
  Node* saved = g.insertPoint();
  while (propagate(g, g.block())) {
  }
  g.setInsertPoint(saved);
}

std::optional<IValue> constantValue(const Value* v) {
  const Node* n = v->node();
  if (n->kind() != prim::Constant) return std::nullopt;
  return n->hasAttribute(attr::value) ? n->ival(attr::value) : IValue();
}

}  // namespace wick::interp
