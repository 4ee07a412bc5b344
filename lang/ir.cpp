#include "lang/ir.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "lang/error.h"
#include "lang/function.h"
#include "lang/operator.h"

namespace wick::lang {

// ---- Value ----

Graph* Value::owningGraph() const { return node_->owningGraph(); }

Value* Value::setDebugName(const std::string& name) {
  if (name.empty() || name == debug_name_) return this;
  auto& used = owningGraph()->usedNames();
  if (!debug_name_.empty()) used.erase(debug_name_);
  // Most names are plain and still free: taken as they are, in one lookup.
  if (!std::isdigit(static_cast<unsigned char>(name.back())) && used.insert(name).second) {
    debug_name_ = name;
    return this;
  }
  std::string base = name;
  // Strip a numeric ".N" suffix so renaming "x.1" gives "x.2", not "x.1.1".
  if (auto dot = base.rfind('.'); dot != std::string::npos &&
      base.find_first_not_of("0123456789", dot + 1) == std::string::npos && dot + 1 < base.size())
    base = base.substr(0, dot);
  std::string candidate = base;
  for (size_t i = 1; used.count(candidate) || std::all_of(candidate.begin(), candidate.end(), ::isdigit); ++i)
    candidate = base + "." + std::to_string(i);
  used.insert(candidate);
  debug_name_ = candidate;
  return this;
}

void Value::replaceAllUsesWith(Value* other) {
  WICK_ASSERT(other != this);
  auto uses = uses_;
  for (const Use& u : uses) u.user->replaceInput(u.offset, other);
}

// ---- Node ----

Node::Node(Graph* graph, Symbol kind) : kind_(kind), graph_(graph) {}
Node::~Node() = default;

Value* Node::addInput(Value* v) {
  v->uses_.push_back({this, inputs_.size()});
  inputs_.push_back(v);
  return v;
}

Value* Node::insertInput(size_t i, Value* v) {
  for (size_t j = i; j < inputs_.size(); ++j)
    for (Use& u : inputs_[j]->uses_)
      if (u.user == this && u.offset == j) ++u.offset;
  inputs_.insert(inputs_.begin() + i, v);
  v->uses_.push_back({this, i});
  return v;
}

void Node::removeUse(size_t i) {
  auto& uses = inputs_[i]->uses_;
  auto it = std::find(uses.begin(), uses.end(), Use{this, i});
  WICK_ASSERT(it != uses.end());
  uses.erase(it);
}

Value* Node::replaceInput(size_t i, Value* v) {
  Value* old = inputs_.at(i);
  removeUse(i);
  inputs_[i] = v;
  v->uses_.push_back({this, i});
  return old;
}

void Node::replaceInputWith(Value* from, Value* to) {
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i] == from) replaceInput(i, to);
}

void Node::removeInput(size_t i) {
  removeUse(i);
  for (size_t j = i + 1; j < inputs_.size(); ++j)
    for (Use& u : inputs_[j]->uses_)
      if (u.user == this && u.offset == j) --u.offset;
  inputs_.erase(inputs_.begin() + i);
}

void Node::removeAllInputs() {
  for (size_t i = 0; i < inputs_.size(); ++i) removeUse(i);
  inputs_.clear();
}

Value* Node::addOutput() { return insertOutput(outputs_.size()); }

Value* Node::insertOutput(size_t i) {
  Value* v = new Value(this, i, graph_->nextUnique());
  Graph::own(graph_->all_values_, v);
  outputs_.insert(outputs_.begin() + i, v);
  for (size_t j = i + 1; j < outputs_.size(); ++j) outputs_[j]->offset_ = j;
  return v;
}

void Node::eraseOutput(size_t i) {
  Value* v = outputs_.at(i);
  WICK_ASSERT(v->uses_.empty(), "erasing an output that still has uses");
  outputs_.erase(outputs_.begin() + i);
  for (size_t j = i; j < outputs_.size(); ++j) outputs_[j]->offset_ = j;
  graph_->usedNames().erase(v->debug_name_);
  Graph::disown(graph_->all_values_, v);
  delete v;
}

Block* Node::addBlock() {
  Block* b = new Block(graph_, this);
  Graph::own(graph_->all_blocks_, b);
  blocks_.push_back(b);
  return b;
}

void Node::eraseBlock(size_t i) {
  Block* b = blocks_.at(i);
  blocks_.erase(blocks_.begin() + i);
  // Users before definitions: the block's results first, then nodes last to first.
  b->output_->removeAllInputs();
  std::vector<Node*> nodes = b->nodes();
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) (*it)->destroy();
  for (size_t k = b->input_->outputs_.size(); k-- > 0;) b->eraseInput(k);
  Graph::disown(graph_->all_nodes_, b->input_);
  Graph::disown(graph_->all_nodes_, b->output_);
  delete b->input_;
  delete b->output_;
  Graph::disown(graph_->all_blocks_, b);
  delete b;
}

bool Node::hasAttribute(Symbol name) const {
  return std::any_of(attributes_.begin(), attributes_.end(), [&](const Attribute& a) { return a.name == name; });
}

namespace {
template <class Attrs>
auto* findAttr(Attrs& attrs, Symbol name) {
  for (auto& a : attrs)
    if (a.name == name) return &a;
  return static_cast<decltype(&attrs[0])>(nullptr);
}
}  // namespace

const IValue& Node::ival(Symbol name) const {
  const Attribute* a = findAttr(attributes_, name);
  WICK_ASSERT(a, "missing attribute " + name.str() + " on " + kind_.str());
  return a->value;
}

Node* Node::ival_(Symbol name, IValue v) {
  Attribute* a = findAttr(attributes_, name);
  if (!a) {
    a = &attributes_.emplace_back();  // built in place: no temporary to move and destroy
    a->name = name;
  }
  a->value = std::move(v);
  return this;
}

const std::string& Node::s(Symbol name) const { return ival(name).toStr(); }
Node* Node::s_(Symbol name, std::string v) { return ival_(name, IValue(std::move(v))); }
int64_t Node::i(Symbol name) const { return ival(name).toInt(); }
Node* Node::i_(Symbol name, int64_t v) { return ival_(name, IValue(v)); }

const TypePtr& Node::ty(Symbol name) const {
  const Attribute* a = findAttr(attributes_, name);
  WICK_ASSERT(a, "missing attribute " + name.str());
  return a->type;
}
Node* Node::ty_(Symbol name, TypePtr t) {
  if (Attribute* a = findAttr(attributes_, name)) a->type = std::move(t);
  else attributes_.push_back({name, IValue(), std::move(t), {}});
  return this;
}
const std::vector<TypePtr>& Node::tys(Symbol name) const {
  const Attribute* a = findAttr(attributes_, name);
  WICK_ASSERT(a, "missing attribute " + name.str());
  return a->types;
}
Node* Node::tys_(Symbol name, std::vector<TypePtr> t) {
  if (Attribute* a = findAttr(attributes_, name)) a->types = std::move(t);
  else attributes_.push_back({name, IValue(), nullptr, std::move(t)});
  return this;
}

void Node::copyAttributes(const Node& other) {
  attributes_ = other.attributes_;
  inline_stack_ = other.inline_stack_;
  op_ = other.op_;
  callee_ = other.callee_;
}

Node* Node::insertBefore(Node* n) {
  WICK_ASSERT(!isInBlockList() && n->isInBlockList());
  owning_block_ = n->owning_block_;
  prev_ = n->prev_;
  next_ = n;
  n->prev_->next_ = this;
  n->prev_ = this;
  return this;
}

Node* Node::insertAfter(Node* n) {
  WICK_ASSERT(!isInBlockList() && n->isInBlockList());
  owning_block_ = n->owning_block_;
  next_ = n->next_;
  prev_ = n;
  n->next_->prev_ = this;
  n->next_ = this;
  return this;
}

void Node::unlink() {
  if (!isInBlockList()) return;
  prev_->next_ = next_;
  next_->prev_ = prev_;
  prev_ = next_ = nullptr;
}

void Node::moveBefore(Node* n) {
  unlink();
  insertBefore(n);
}
void Node::moveAfter(Node* n) {
  unlink();
  insertAfter(n);
}

void Node::destroy() {
  for (size_t i = outputs_.size(); i-- > 0;) eraseOutput(i);
  while (!blocks_.empty()) eraseBlock(blocks_.size() - 1);
  removeAllInputs();
  unlink();
  Graph::disown(graph_->all_nodes_, this);
  delete this;
}

bool Node::isBefore(const Node* n) const {
  // Walk up to a common block, then compare positions by scanning.
  auto chain = [](const Node* x) {
    std::vector<const Node*> c;
    for (; x; x = x->owning_block_ ? x->owning_block_->owningNode() : nullptr) c.push_back(x);
    return c;
  };
  auto a = chain(this), b = chain(n);
  for (const Node* x : a)
    for (const Node* y : b)
      if (x->owning_block_ == y->owning_block_) {
        if (x == y) return false;
        for (const Node* p = x->next_; p; p = p->next_)
          if (p == y) return true;
        return false;
      }
  return false;
}

bool Node::hasSideEffects() const {
  if (kind_ == prim::Print || kind_ == prim::RaiseException || kind_ == prim::SetAttr ||
      kind_ == prim::CallFunction || kind_ == prim::CallMethod || kind_ == prim::CallIndirect)
    return true;
  if (op_) return !op_->pure;
  for (Block* b : blocks_)
    for (Node* n : *b)
      if (n->hasSideEffects()) return true;
  return false;
}

// ---- Block ----

Block::Block(Graph* graph, Node* owning_node) : graph_(graph), owning_node_(owning_node) {
  input_ = new Node(graph, prim::Param);
  output_ = new Node(graph, prim::Return);
  Graph::own(graph->all_nodes_, input_);
  Graph::own(graph->all_nodes_, output_);
  input_->owning_block_ = output_->owning_block_ = this;
  input_->next_ = output_;
  output_->prev_ = input_;
  // Sentinels: prev of param and next of return stay null except for these links.
  input_->prev_ = output_;
  output_->next_ = input_;
}

const std::vector<Value*>& Block::inputs() const { return input_->outputs(); }
const std::vector<Value*>& Block::outputs() const { return output_->inputs(); }

Value* Block::addInput(const std::string& name) { return insertInput(input_->outputs().size(), name); }
Value* Block::insertInput(size_t i, const std::string& name) {
  Value* v = input_->insertOutput(i);
  if (!name.empty()) v->setDebugName(name);
  return v;
}
void Block::eraseInput(size_t i) { input_->eraseOutput(i); }
size_t Block::registerOutput(Value* v) {
  output_->addInput(v);
  return output_->inputs().size() - 1;
}
void Block::insertOutput(size_t i, Value* v) { output_->insertInput(i, v); }
void Block::eraseOutput(size_t i) { output_->removeInput(i); }

std::vector<Node*> Block::nodes() const {
  std::vector<Node*> out;
  for (Node* n : *this) out.push_back(n);
  return out;
}

Node* Block::appendNode(Node* n) { return n->insertBefore(output_); }
Node* Block::prependNode(Node* n) { return n->insertAfter(input_); }

// ---- Graph ----

Graph::Graph() {
  block_ = new Block(this, nullptr);
  own(all_blocks_, block_);
  insert_before_ = block_->returnNode();
}

Graph::~Graph() {
  for (Node* n : all_nodes_) delete n;
  for (Value* v : all_values_) delete v;
  for (Block* b : all_blocks_) delete b;
}

Node* Graph::create(Symbol kind, size_t num_outputs) {
  Node* n = new Node(this, kind);
  own(all_nodes_, n);
  n->outputs_.reserve(num_outputs);
  for (size_t i = 0; i < num_outputs; ++i) n->addOutput();
  return n;
}

Node* Graph::create(Symbol kind, const std::vector<Value*>& inputs, size_t num_outputs) {
  Node* n = create(kind, num_outputs);
  n->inputs_.reserve(inputs.size());  // one allocation, not one per doubling
  for (Value* v : inputs) n->addInput(v);
  return n;
}

Node* Graph::insertNode(Node* n) { return n->insertBefore(insert_before_); }
void Graph::setInsertPoint(Block* b) { insert_before_ = b->returnNode(); }
void Graph::setInsertPoint(Node* n) { insert_before_ = n; }

Value* Graph::insertConstant(const IValue& v, const SourceRange& range, TypePtr type) {
  Node* n = create(prim::Constant);
  if (!v.isNone()) n->ival_(attr::value, v);
  n->setSourceRange(range);
  n->output()->setType(type ? type : typeOf(v));
  insertNode(n);
  return n->output();
}

Node* Graph::insertOp(const Operator* op, const std::vector<Value*>& inputs, const std::vector<TypePtr>& output_types,
                      const SourceRange& range) {
  Node* n = create(Symbol::intern(op->schema.name), inputs, output_types.size());
  n->setOp(op)->setSourceRange(range);
  for (size_t i = 0; i < output_types.size(); ++i) n->output(i)->setType(output_types[i]);
  insertNode(n);
  return n;
}

namespace {
void cloneBlock(const Block* src, Block* dst, std::unordered_map<const Value*, Value*>& env);

Node* cloneNode(const Node* n, Graph& g, std::unordered_map<const Value*, Value*>& env) {
  Node* c = g.create(n->kind(), n->outputs().size());
  c->copyAttributes(*n);
  c->setSourceRange(n->sourceRange());
  for (Value* in : n->inputs()) c->addInput(env.at(in));
  for (size_t i = 0; i < n->outputs().size(); ++i) {
    c->output(i)->setType(n->output(i)->type());
    if (n->output(i)->hasDebugName()) c->output(i)->setDebugName(n->output(i)->debugName());
    env[n->output(i)] = c->output(i);
  }
  for (const Block* b : n->blocks()) cloneBlock(b, c->addBlock(), env);
  return c;
}

void cloneBlock(const Block* src, Block* dst, std::unordered_map<const Value*, Value*>& env) {
  for (Value* in : src->inputs()) {
    Value* v = dst->addInput(in->hasDebugName() ? in->debugName() : "");
    v->setType(in->type());
    env[in] = v;
  }
  for (Node* n : *src) dst->appendNode(cloneNode(n, *dst->owningGraph(), env));
  for (Value* out : src->outputs()) dst->registerOutput(env.at(out));
}
}  // namespace

std::shared_ptr<Graph> Graph::copy() const {
  auto g = std::make_shared<Graph>();
  std::unordered_map<const Value*, Value*> env;
  cloneBlock(block_, g->block(), env);
  return g;
}

std::vector<Value*> Graph::insertGraph(const Graph& src, const std::vector<Value*>& inputs) {
  std::unordered_map<const Value*, Value*> env;
  WICK_ASSERT(inputs.size() == src.inputs().size());
  for (size_t i = 0; i < inputs.size(); ++i) env[src.inputs()[i]] = inputs[i];
  for (Node* n : *src.block()) insertNode(cloneNode(n, *this, env));
  std::vector<Value*> outs;
  for (Value* v : src.outputs()) outs.push_back(env.at(v));
  return outs;
}

// ---- CompilationUnit ----

Function* CompilationUnit::addFunction(std::unique_ptr<Function> fn) {
  Function* p = fn.get();
  by_name_[p->qualname()] = p;
  functions_.push_back(std::move(fn));
  return p;
}

Function* CompilationUnit::findFunction(const std::string& qualname) const {
  auto it = by_name_.find(qualname);
  return it == by_name_.end() ? nullptr : it->second;
}

void CompilationUnit::addType(TypePtr t) {
  if (!types_.count(t->name())) type_list_.push_back(t);
  types_[t->name()] = std::move(t);
}

TypePtr CompilationUnit::findType(const std::string& qualname) const {
  auto it = types_.find(qualname);
  return it == types_.end() ? nullptr : it->second;
}

}  // namespace wick::lang
