// Groups runs of fusible elementwise tensor ops into prim::FusionGroup nodes
// (ops/cpu/fused_elementwise.h: which ops fuse, the guards, the evaluator).
//
// Given:   %3 = aten::mul(%x, %a); %5 = aten::add(%3, %b, %one); %6 = aten::relu(%5); return (%6)
// Result:  %k = prim::Constant[value=<__wick__.FusedKernel ...>]()
//          %6 = prim::FusionGroup(%k, %x, %a, %b, %one)
//            block0(%x.1, %a.1, %b.1, %one.1):
//              (the three ops on the block's inputs)
//              -> (%6.1)
//          return (%6)
//
// The block is the group's subgraph, for reading (`wick graph --optimized`)
// and checking; the kernel object is what runs. A group is a run of fusible
// nodes in one block, in program order; between its members there may only
// be nodes that touch no tensor and have no side effects (constants, scalar
// arithmetic, lists of ints), so no tensor a member reads can be written
// (or a view of it taken and written) while the group is open, and moving
// every member to the position of the last one changes nothing observable.
// Values a member defines that are used after the group become outputs.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "interpreter/passes/passes.h"
#include "lang/error.h"
#include "ops/cpu/fused_elementwise.h"

namespace wick::interp {

using lang::Node;
using lang::Value;

namespace {

bool isTensor(const Value* v) { return v->type()->kind() == lang::TypeKind::Tensor; }

bool isFusible(const Node* n) {
  if (!n->op() || n->outputs().size() != 1 || !isTensor(n->output()) || !n->blocks().empty()) return false;
  std::vector<std::optional<lang::IValue>> constants;
  for (const Value* in : n->inputs()) constants.push_back(constantValue(in));
  return ops::isFusible(*n->op(), constants);
}

bool isScalarType(const lang::TypePtr& t) {
  lang::TypeKind k = t->kind();
  if (k == lang::TypeKind::List) return isScalarType(t->elem());
  return k == lang::TypeKind::Int || k == lang::TypeKind::Float || k == lang::TypeKind::Bool || k == lang::TypeKind::None;
}

bool touchesTensors(const Node* n) {
  for (const Value* v : n->inputs())
    if (!isScalarType(v->type())) return true;
  for (const Value* v : n->outputs())
    if (!isScalarType(v->type())) return true;
  return false;
}

// A node the group may stay open across: see the file comment.
bool isTransparent(const Node* n, const std::unordered_set<const Node*>& members) {
  if (n->kind() == lang::prim::Constant) return true;
  if (!n->blocks().empty() || n->hasSideEffects() || touchesTensors(n)) return false;
  if (n->op() && n->op()->schema.isMutable()) return false;
  for (const Value* v : n->inputs())
    if (members.count(v->node())) return false;
  return true;
}

class Fuser {
 public:
  explicit Fuser(lang::Graph& g) : g_(g) {}

  void fuseBlock(lang::Block* b) {
    std::vector<Node*> group;
    std::unordered_set<const Node*> members;
    for (Node* n : b->nodes()) {
      for (lang::Block* sub : n->blocks()) fuseBlock(sub);
      if (isFusible(n)) {
        group.push_back(n);
        members.insert(n);
      } else if (!group.empty() && !isTransparent(n, members)) {
        flush(group);
        group.clear();
        members.clear();
      }
    }
    flush(group);
  }

 private:
  // One op gains nothing from fusing unless it broadcasts two tensors
  // (the unfused kernels walk broadcasts element by element).
  static bool worthFusing(const std::vector<Node*>& group) {
    if (group.size() >= 2) return true;
    if (group.size() != 1) return false;
    return std::count_if(group[0]->inputs().begin(), group[0]->inputs().end(), isTensor) >= 2;
  }

  void flush(const std::vector<Node*>& group) {
    if (!worthFusing(group)) return;
    std::unordered_set<const Node*> members(group.begin(), group.end());
    std::vector<Value*> inputs, outputs;
    std::unordered_map<const Value*, int32_t> number;
    for (Node* n : group)
      for (Value* v : n->inputs())
        if (!members.count(v->node()) && !number.count(v)) {
          number[v] = static_cast<int32_t>(inputs.size());
          inputs.push_back(v);
        }
    std::vector<ops::FusedStep> steps;
    for (Node* n : group) {
      ops::FusedStep s{n->op(), {}};
      for (Value* v : n->inputs()) s.args.push_back(number.at(v));
      number[n->output()] = static_cast<int32_t>(inputs.size() + steps.size());
      steps.push_back(std::move(s));
      for (const lang::Use& u : n->output()->uses())
        if (!members.count(u.user)) {
          outputs.push_back(n->output());
          break;
        }
    }
    std::vector<std::optional<lang::IValue>> constants;
    for (Value* v : inputs) constants.push_back(constantValue(v));
    std::vector<int32_t> out_numbers;
    for (Value* v : outputs) out_numbers.push_back(number.at(v));
    auto kernel = ops::FusedKernel::make(std::move(steps), std::move(constants), std::move(out_numbers));
    replace(group, inputs, outputs, kernel);
  }

  void replace(const std::vector<Node*>& group, const std::vector<Value*>& inputs, const std::vector<Value*>& outputs,
               const lang::Ref<ops::FusedKernel>& kernel) {
    Node* last = group.back();
    Node* k = g_.create(lang::prim::Constant);
    k->ival_(lang::attr::value, lang::IValue(lang::Ref<lang::Object>(kernel)));
    k->output()->setType(ops::FusedKernel::type());
    k->insertBefore(last);
    Node* fused = g_.create(lang::prim::FusionGroup, outputs.size());
    fused->setOp(fusionGroupOp());
    fused->setSourceRange(last->sourceRange());
    fused->setInlineStack(last->inlineStack());
    fused->addInput(k->output());
    for (Value* v : inputs) fused->addInput(v);
    fused->insertBefore(last);
    copyIntoBlock(group, inputs, fused->addBlock(), outputs);
    for (size_t i = 0; i < outputs.size(); ++i) {
      fused->output(i)->setType(outputs[i]->type());
      if (outputs[i]->hasDebugName()) fused->output(i)->setDebugName(outputs[i]->debugName());
      outputs[i]->replaceAllUsesWith(fused->output(i));
    }
    for (auto it = group.rbegin(); it != group.rend(); ++it) (*it)->destroy();
  }

  void copyIntoBlock(const std::vector<Node*>& group, const std::vector<Value*>& inputs, lang::Block* b,
                     const std::vector<Value*>& outputs) {
    std::unordered_map<const Value*, Value*> env;
    for (Value* v : inputs) env[v] = b->addInput()->setType(v->type());
    for (Node* n : group) {
      Node* c = g_.create(n->kind(), n->outputs().size());
      c->copyAttributes(*n);
      c->setSourceRange(n->sourceRange());
      for (Value* in : n->inputs()) c->addInput(env.at(in));
      c->output()->setType(n->output()->type());
      env[n->output()] = c->output();
      b->appendNode(c);
    }
    for (Value* v : outputs) b->registerOutput(env.at(v));
  }

  static const lang::Operator* fusionGroupOp() {
    static const lang::Operator* op = lang::OperatorRegistry::global().find("prim::FusionGroup");
    WICK_ASSERT(op, "prim::FusionGroup is not registered");
    return op;
  }

  lang::Graph& g_;
};

}  // namespace

void fuseElementwise(lang::Graph& g) { Fuser(g).fuseBlock(g.block()); }

}  // namespace wick::interp
