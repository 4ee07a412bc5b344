#pragma once
// The graph IR: SSA values, nodes with blocks for control flow, as TorchScript's.
//
//   graph(%x : int, %n : int):
//     %2 : int = prim::Constant[value=1]()
//     %y : int = aten::add(%x, %2)            # file.py:3:8
//     %r : int = prim::If(%c)
//       block0():
//         -> (%y)
//       block1():
//         -> (%x)
//     return (%r)
//
// Ownership (Note [Graph owns everything]): a Graph owns every Node, Value and
// Block created in it; everything else holds raw pointers that die with the
// graph. A Value knows its defining node and its uses; replaceAllUsesWith walks
// the use list, never the graph.
//
// Note [User node does not uniquely identify use]: a node may use the same
// value twice (aten::mul(%x, %x)), so a Use is (user, input offset).
//
// Control flow, as in TorchScript:
//   prim::If(%cond) has two blocks with no inputs; each block's return node
//     lists the values that become the If node's outputs.
//   prim::Loop(%max_trip_count, %initial_cond, %carried...) has one block with
//     inputs (%iter, %carried...) whose return lists (%continue_cond, %carried_next...);
//     the Loop node's outputs are the final carried values. A while loop has
//     max_trip_count = INT64_MAX constant; a for-range loop has initial_cond = true.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

#include "lang/ivalue.h"
#include "lang/source.h"
#include "lang/symbol.h"
#include "lang/types.h"

namespace wick::lang {

class Graph;
class Block;
class Node;
class Value;
class Function;
struct Operator;

struct Use {
  Node* user;
  size_t offset;
  bool operator==(const Use& o) const { return user == o.user && offset == o.offset; }
};

class Value {
 public:
  Node* node() const { return node_; }
  size_t offset() const { return offset_; }
  const TypePtr& type() const { return type_; }
  Value* setType(TypePtr t) { type_ = std::move(t); return this; }
  const std::vector<Use>& uses() const { return uses_; }
  bool hasUses() const { return !uses_.empty(); }
  size_t unique() const { return unique_; }
  const std::string& debugName() const { return debug_name_; }
  Value* setDebugName(const std::string& name);
  bool hasDebugName() const { return !debug_name_.empty(); }
  Graph* owningGraph() const;

  // Given:   %3 = f(%1, %2); %4 = g(%3); %5 = h(%3, %3)
  // Execute: %3->replaceAllUsesWith(%6)
  // Result:  %3 = f(%1, %2); %4 = g(%6); %5 = h(%6, %6)
  void replaceAllUsesWith(Value* other);

 private:
  friend class Node;
  friend class Graph;
  Value(Node* node, size_t offset, size_t unique) : node_(node), offset_(offset), unique_(unique) {}
  Node* node_;
  size_t offset_;
  size_t unique_;
  uint32_t graph_slot_ = 0;  // its place in the graph's list (Note [Graph owns everything])
  TypePtr type_;
  std::vector<Use> uses_;
  std::string debug_name_;
};

// Where an inlined node came from, for tracebacks: each entry is a function
// that was inlined and the call site it was inlined at; innermost first.
struct InlinedCall {
  std::string function;
  SourceRange call_site;
};
using InlineStack = std::shared_ptr<const std::vector<InlinedCall>>;

// Node attributes: a small list keyed by symbol (value=, name=, ...).
struct Attribute {
  Symbol name;
  IValue value;
  TypePtr type;  // for type attributes (e.g. prim::unchecked_cast target, isinstance types)
  std::vector<TypePtr> types;
};

class Node {
 public:
  Symbol kind() const { return kind_; }
  Graph* owningGraph() const { return graph_; }
  Block* owningBlock() const { return owning_block_; }
  const SourceRange& sourceRange() const { return range_; }
  Node* setSourceRange(SourceRange r) { range_ = std::move(r); return this; }
  const InlineStack& inlineStack() const { return inline_stack_; }
  Node* setInlineStack(InlineStack s) { inline_stack_ = std::move(s); return this; }

  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* input(size_t i = 0) const { return inputs_.at(i); }
  Value* output(size_t i = 0) const { return outputs_.at(i); }
  const std::vector<Block*>& blocks() const { return blocks_; }
  Block* block(size_t i) const { return blocks_.at(i); }

  Value* addInput(Value* v);
  Value* insertInput(size_t i, Value* v);
  // Given %3 = f(%1, %2): replaceInput(1, %4) makes %3 = f(%1, %4).
  Value* replaceInput(size_t i, Value* v);
  void replaceInputWith(Value* from, Value* to);
  void removeInput(size_t i);
  void removeAllInputs();
  Value* addOutput();
  Value* insertOutput(size_t i);
  void eraseOutput(size_t i);  // the output must have no uses
  Block* addBlock();
  void eraseBlock(size_t i);

  // The resolved operator for a schema op (aten::*, math ops, ...), or null for prim nodes.
  const Operator* op() const { return op_; }
  Node* setOp(const Operator* op) { op_ = op; return this; }
  // The callee of prim::CallFunction (functions resolved at compile time).
  Function* callee() const { return callee_; }
  Node* setCallee(Function* f) { callee_ = f; return this; }

  // Attributes.
  bool hasAttribute(Symbol name) const;
  const IValue& ival(Symbol name) const;  // asserts presence
  Node* ival_(Symbol name, IValue v);
  const std::string& s(Symbol name) const;  // string attribute (stored as IValue str)
  Node* s_(Symbol name, std::string v);
  int64_t i(Symbol name) const;
  Node* i_(Symbol name, int64_t v);
  const TypePtr& ty(Symbol name) const;
  Node* ty_(Symbol name, TypePtr t);
  const std::vector<TypePtr>& tys(Symbol name) const;
  Node* tys_(Symbol name, std::vector<TypePtr> t);
  const std::vector<Attribute>& attributes() const { return attributes_; }
  void copyAttributes(const Node& other);

  // Position in the owning block's list.
  Node* next() const { return next_; }
  Node* prev() const { return prev_; }
  bool isInBlockList() const { return next_ != nullptr; }
  // Given: %a = f(); %b = g()   Execute: g->insertBefore(f)   Result: %b = g(); %a = f()
  Node* insertBefore(Node* n);
  Node* insertAfter(Node* n);
  void moveBefore(Node* n);
  void moveAfter(Node* n);
  // Unlinks and frees the node; its outputs must have no uses.
  void destroy();
  // True when this node comes before `n` in program order (same graph).
  bool isBefore(const Node* n) const;
  // Has side effects or may raise in a way that must be kept (print, raise, SetAttr,
  // mutating ops, calls): DCE and CSE leave it alone.
  bool hasSideEffects() const;

 private:
  friend class Graph;
  friend class Block;
  Node(Graph* graph, Symbol kind);
  ~Node();
  void removeUse(size_t input_index);
  void unlink();

  Symbol kind_;
  Graph* graph_;
  Block* owning_block_ = nullptr;
  Node* next_ = nullptr;
  Node* prev_ = nullptr;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Block*> blocks_;
  std::vector<Attribute> attributes_;
  SourceRange range_;
  InlineStack inline_stack_;
  const Operator* op_ = nullptr;
  Function* callee_ = nullptr;
  size_t topo_position_ = 0;
  uint32_t graph_slot_ = 0;
};

// A list of nodes between a param node (whose outputs are the block inputs)
// and a return node (whose inputs are the block outputs).
class Block {
 public:
  Graph* owningGraph() const { return graph_; }
  Node* owningNode() const { return owning_node_; }
  const std::vector<Value*>& inputs() const;
  const std::vector<Value*>& outputs() const;
  Node* paramNode() const { return input_; }
  Node* returnNode() const { return output_; }
  Value* addInput(const std::string& name = "");
  Value* insertInput(size_t i, const std::string& name = "");
  void eraseInput(size_t i);
  size_t registerOutput(Value* v);
  void insertOutput(size_t i, Value* v);
  void eraseOutput(size_t i);

  // Iteration over the nodes (excluding param and return).
  class iterator {
   public:
    explicit iterator(Node* n) : n_(n) {}
    Node* operator*() const { return n_; }
    iterator& operator++() { n_ = n_->next(); return *this; }
    bool operator!=(const iterator& o) const { return n_ != o.n_; }
    bool operator==(const iterator& o) const { return n_ == o.n_; }
   private:
    Node* n_;
  };
  iterator begin() const { return iterator(input_->next()); }
  iterator end() const { return iterator(output_); }
  // Nodes in order, safe against destroying the current node while iterating.
  std::vector<Node*> nodes() const;
  Node* appendNode(Node* n);
  Node* prependNode(Node* n);

 private:
  friend class Graph;
  friend class Node;
  Block(Graph* graph, Node* owning_node);
  Graph* graph_;
  Node* owning_node_;
  Node* input_;
  Node* output_;
  uint32_t graph_slot_ = 0;
};

class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  Block* block() const { return block_; }
  const std::vector<Value*>& inputs() const { return block_->inputs(); }
  const std::vector<Value*>& outputs() const { return block_->outputs(); }
  Value* addInput(const std::string& name = "") { return block_->addInput(name); }
  size_t registerOutput(Value* v) { return block_->registerOutput(v); }

  // Creates a node (not yet in any block) with `num_outputs` outputs.
  Node* create(Symbol kind, size_t num_outputs = 1);
  Node* create(Symbol kind, const std::vector<Value*>& inputs, size_t num_outputs = 1);

  // Insertion point: nodes made with insertNode go before `insert_before_`
  // (by default the end of the top block).
  Node* insertNode(Node* n);
  void setInsertPoint(Block* b);   // append at the end of b
  void setInsertPoint(Node* n);    // insert before n
  Node* insertPoint() const { return insert_before_; }
  Block* insertBlock() const { return insert_before_->owningBlock(); }

  // Convenience constructors that insert at the insertion point.
  Value* insertConstant(const IValue& v, const SourceRange& range = {}, TypePtr type = nullptr);
  // `op` resolved; outputs typed from `op->schema.returns` (or the given types).
  Node* insertOp(const Operator* op, const std::vector<Value*>& inputs, const std::vector<TypePtr>& output_types,
                 const SourceRange& range = {});

  // Deep copy (used by inlining and by tests).
  std::shared_ptr<Graph> copy() const;
  // Copies the nodes of `src` into this graph at the insertion point, mapping
  // src's inputs to `inputs`; returns the values that src's outputs map to.
  std::vector<Value*> insertGraph(const Graph& src, const std::vector<Value*>& inputs);

  size_t nextUnique() { return next_unique_++; }
  std::unordered_set<std::string>& usedNames() { return used_names_; }

 private:
  friend class Node;
  friend class Value;
  friend class Block;
  Block* block_;
  Node* insert_before_;
  size_t next_unique_ = 0;
  std::unordered_set<std::string> used_names_;
  // Note [Graph owns everything]: freed in ~Graph. Each thing knows its slot
  // in its list, so taking one out is a swap with the last: no hashing and no
  // allocation per node or value, which compiling makes thousands of.
  template <class T>
  static void own(std::vector<T*>& all, T* x) {
    x->graph_slot_ = static_cast<uint32_t>(all.size());
    all.push_back(x);
  }
  template <class T>
  static void disown(std::vector<T*>& all, T* x) {
    T* last = all.back();
    all[x->graph_slot_] = last;
    last->graph_slot_ = x->graph_slot_;
    all.pop_back();
  }
  std::vector<Node*> all_nodes_;
  std::vector<Value*> all_values_;
  std::vector<Block*> all_blocks_;
};

// Printing in torch.jit's `.graph` style, with `# file:line:col` comments when
// `with_source` is set. The text round-trips through parseIR (types,
// constants, blocks) for pass tests.
void printGraph(std::ostream& os, const Graph& g, bool with_source = false);
std::string graphToString(const Graph& g, bool with_source = false);
std::ostream& operator<<(std::ostream& os, const Graph& g);

// Parses printed IR back into `g` (resolving `aten::` ops by name and input types
// against the registry). Throws std::invalid_argument on bad text.
void parseIR(const std::string& text, Graph& g);

// Checks SSA invariants: every use is dominated by its definition, use lists
// match inputs, block signatures of If/Loop match, types are set. Throws
// std::logic_error with the printed graph on failure. Run after every pass in
// debug builds.
void verifyGraph(const Graph& g);

}  // namespace wick::lang
