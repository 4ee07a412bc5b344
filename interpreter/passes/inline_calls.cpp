#include "interpreter/passes/passes.h"
#include "lang/function.h"

namespace wick::interp {

using lang::Block;
using lang::Node;
namespace prim = lang::prim;

namespace {

// Callees larger than this stay calls: inlining trades code size for call overhead.
constexpr size_t kMaxInlineNodes = 40;

size_t countNodes(const Block* b) {
  size_t n = 0;
  for (const Node* x : *b) {
    ++n;
    for (const Block* sub : x->blocks()) n += countNodes(sub);
  }
  return n;
}

// `outer` is the inline stack of the call being replaced: a call that was
// itself inlined keeps its own frames outside the callee's.
void markInlined(Node* n, const std::string& callee, const lang::SourceRange& site, const lang::InlineStack& outer) {
  std::vector<lang::InlinedCall> stack;
  if (n->inlineStack()) stack = *n->inlineStack();
  stack.push_back({callee, site});
  if (outer) stack.insert(stack.end(), outer->begin(), outer->end());
  n->setInlineStack(std::make_shared<const std::vector<lang::InlinedCall>>(std::move(stack)));
  for (Block* b : n->blocks())
    for (Node* inner : *b) markInlined(inner, callee, site, outer);
}

bool inlineIn(lang::Graph& g, Block* b, const lang::Function* self) {
  bool changed = false;
  for (Node* n : b->nodes()) {
    for (Block* sub : n->blocks()) changed |= inlineIn(g, sub, self);
    if (n->kind() != prim::CallFunction && n->kind() != prim::CallMethod) continue;
    const lang::Function* callee = n->callee();
    // Only finished graphs (a callee still being compiled is recursive) of other functions.
    if (!callee || callee == self || callee->graph().outputs().size() != 1) continue;
    if (countNodes(callee->graph().block()) > kMaxInlineNodes) continue;
    if (!callee->extensionsUsed().empty()) continue;
    Node* saved = g.insertPoint();
    Node* before = n->prev();
    g.setInsertPoint(n);
    std::vector<lang::Value*> outs = g.insertGraph(callee->graph(), n->inputs());
    g.setInsertPoint(saved);
    // Tracebacks still show the callee's frame (Note in lang/ir.h on InlineStack).
    for (Node* x = before->next(); x != n; x = x->next()) markInlined(x, callee->qualname(), n->sourceRange(), n->inlineStack());
    n->output()->replaceAllUsesWith(outs[0]);
    n->destroy();
    changed = true;
  }
  return changed;
}

// Inlined bodies may contain calls themselves; a few rounds flatten small call trees.
constexpr int kMaxInlineRounds = 4;

}  // namespace

void inlineCalls(lang::Graph& g, const lang::Function* self) {
  for (int round = 0; round < kMaxInlineRounds && inlineIn(g, g.block(), self); ++round) {
  }
}

}  // namespace wick::interp
