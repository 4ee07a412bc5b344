#include <algorithm>
#include <sstream>

#include "lang/ir.h"
#include "lang/operator.h"

namespace wick::lang {

namespace {

std::string valueName(const Value* v) { return "%" + (v->hasDebugName() ? v->debugName() : std::to_string(v->unique())); }

std::string valueList(const std::vector<Value*>& vs, bool typed) {
  std::string s;
  for (size_t i = 0; i < vs.size(); ++i) {
    s += (i ? ", " : "") + valueName(vs[i]);
    if (typed) s += " : " + (vs[i]->type() ? vs[i]->type()->str() : std::string("?"));
  }
  return s;
}

std::string attrValue(const IValue& v) {
  if (v.isStr()) {
    std::string s = "\"";
    for (char c : v.toStr()) {
      if (c == '"' || c == '\\') s += '\\';
      if (c == '\n') { s += "\\n"; continue; }
      s += c;
    }
    return s + "\"";
  }
  if (v.isTensor()) return "<Tensor>";
  // By class, without the address a repr has: a printed graph reads the same every run.
  if (v.isObject()) return "<" + v.toObject()->type->name() + ">";
  return toRepr(v);
}

void printBlock(std::ostream& os, const Block* b, int indent, bool with_source);

void printNode(std::ostream& os, const Node* n, int indent, bool with_source) {
  std::string pad(indent * 2, ' ');
  os << pad;
  if (!n->outputs().empty()) os << valueList(n->outputs(), true) << " = ";
  os << n->kind().str();
  if (!n->attributes().empty()) {
    os << "[";
    bool first = true;
    for (const Attribute& a : n->attributes()) {
      os << (first ? "" : ", ") << a.name.name() << "=";
      first = false;
      if (a.type) os << a.type->str();
      else if (!a.types.empty()) {
        os << "[";
        for (size_t i = 0; i < a.types.size(); ++i) os << (i ? ", " : "") << a.types[i]->str();
        os << "]";
      } else os << attrValue(a.value);
    }
    os << "]";
  }
  os << "(" << valueList(n->inputs(), false) << ")";
  if (with_source && n->sourceRange().valid()) {
    os << " # " << n->sourceRange().str();
  }
  os << "\n";
  for (size_t i = 0; i < n->blocks().size(); ++i) {
    const Block* b = n->block(i);
    os << pad << "  block" << i << "(" << valueList(b->inputs(), true) << "):\n";
    printBlock(os, b, indent + 2, with_source);
    os << pad << "    -> (" << valueList(b->outputs(), false) << ")\n";
  }
}

void printBlock(std::ostream& os, const Block* b, int indent, bool with_source) {
  for (const Node* n : *b) printNode(os, n, indent, with_source);
}

}  // namespace

void printGraph(std::ostream& os, const Graph& g, bool with_source) {
  os << "graph(" << valueList(g.inputs(), true) << "):\n";
  printBlock(os, g.block(), 1, with_source);
  os << "  return (" << valueList(g.outputs(), false) << ")\n";
}

std::string graphToString(const Graph& g, bool with_source) {
  std::ostringstream os;
  printGraph(os, g, with_source);
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Graph& g) {
  printGraph(os, g, false);
  return os;
}

namespace {

// The values in scope while verifying one graph, each in the slot of its
// Value::unique() (unique within a graph) rather than hashed: verification
// runs on every compiled function. A value of another graph with the same
// id is not the slot's value, so it is not in scope. A sub-block's
// definitions leave scope when it ends, undone from a log.
struct ValuesInScope {
  std::vector<const Value*> slots;
  std::vector<const Value*> log;  // values defined, in order
  size_t count(const Value* v) const { return v->unique() < slots.size() && slots[v->unique()] == v; }
  void insert(const Value* v) {
    if (v->unique() >= slots.size()) slots.resize(std::max(v->unique() + 1, 2 * slots.size()), nullptr);
    if (slots[v->unique()]) return;  // defined already (or another graph's value holds the slot)
    slots[v->unique()] = v;
    log.push_back(v);
  }
  void popTo(size_t mark) {
    for (; log.size() > mark; log.pop_back()) slots[log.back()->unique()] = nullptr;
  }
};

// Checks one block: inputs defined before use, use lists consistent.
void verifyBlock(const Block* b, ValuesInScope& defined, std::vector<std::string>& problems) {
  for (const Value* v : b->inputs()) defined.insert(v);
  auto checkNode = [&](const Node* n) {
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const Value* in = n->inputs()[i];
      if (!defined.count(in)) problems.push_back(n->kind().str() + " uses " + valueName(in) + " before its definition");
      bool found = false;
      for (const Use& u : in->uses())
        if (u.user == n && u.offset == i) found = true;
      if (!found) problems.push_back(n->kind().str() + ": use list of " + valueName(in) + " lacks this use");
    }
  };
  for (const Node* n : *b) {
    checkNode(n);
    if (n->kind() == prim::If) {
      if (n->blocks().size() != 2) problems.push_back("prim::If needs two blocks");
      for (const Block* sub : n->blocks())
        if (sub->outputs().size() != n->outputs().size()) problems.push_back("prim::If block arity differs from its outputs");
    }
    if (n->kind() == prim::Loop) {
      if (n->blocks().size() != 1 || n->inputs().size() < 2) {
        problems.push_back("prim::Loop needs one block and (max, cond) inputs");
      } else {
        const Block* body = n->block(0);
        size_t carried = n->inputs().size() - 2;
        if (body->inputs().size() != carried + 1 || body->outputs().size() != carried + 1 || n->outputs().size() != carried)
          problems.push_back("prim::Loop block signature does not match its carried values");
      }
    }
    for (const Block* sub : n->blocks()) {
      size_t mark = defined.log.size();
      verifyBlock(sub, defined, problems);
      defined.popTo(mark);
    }
    for (const Value* out : n->outputs()) {
      if (!out->type()) problems.push_back(valueName(out) + " has no type");
      defined.insert(out);
    }
  }
  checkNode(b->returnNode());
}

}  // namespace

void verifyGraph(const Graph& g) {
  ValuesInScope defined;
  std::vector<std::string> problems;
  verifyBlock(g.block(), defined, problems);
  if (problems.empty()) return;
  std::string msg = "IR verification failed: " + problems.front();
  for (size_t i = 1; i < problems.size() && i < 5; ++i) msg += "; " + problems[i];
  throw std::logic_error(msg + "\n" + graphToString(g));
}

}  // namespace wick::lang
