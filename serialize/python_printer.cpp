// Graph IR -> serialized TorchScript: statements, expressions, classes.
#include "serialize/python_printer.h"

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <unordered_set>

#include "lang/error.h"
#include "serialize/torch_spelling.h"

namespace wick::serialize {

using lang::Block;
using lang::IValue;
using lang::Node;
using lang::Symbol;
using lang::TypeKind;
using lang::TypePtr;
using lang::Value;
namespace prim = lang::prim;
namespace attr = lang::attr;

size_t PrintContext::addConstant(const IValue& v) {
  for (size_t i = 0; i < constants.size(); ++i)
    if (constants[i].is(v)) return i;
  constants.push_back(v);
  return constants.size() - 1;
}

std::string PrintContext::functionName(const lang::Function& fn) const {
  auto it = function_names.find(&fn);
  return it != function_names.end() ? it->second : serializedQualifiedName(fn.qualname());
}

namespace {

bool isIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

bool isAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) > 0x7f) return false;
  return true;
}

// Names a printed local must not take: the dialect's predefined names
// (torch's reserved_names), Python keywords, and the builtins the printed
// code calls, so no local shadows them.
const std::unordered_set<std::string>& reservedNames() {
  static const std::unordered_set<std::string> names = {
      "_", "as", "aten", "attribute", "CONSTANTS", "fork", "getattr", "inf", "nan", "infj", "nanj", "ops",
      "__torch__", "torch", "annotate", "uninitialized", "unchecked_cast", "isinstance", "print", "range", "int",
      "float", "bool", "str", "and", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
      "else", "except", "False", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "None",
      "nonlocal", "not", "or", "pass", "raise", "return", "True", "try", "with", "while", "yield"};
  return names;
}

// Types a list or dict literal cannot be inferred as from its members
// (torch's elementTypeCanBeInferredFromMembers), so the literal is annotated.
bool inferableFromMembers(const TypePtr& t) {
  switch (t->kind()) {
    case TypeKind::Optional:
    case TypeKind::Union:
    case TypeKind::Any:
    case TypeKind::None:
    case TypeKind::Number: return false;
    case TypeKind::List:
    case TypeKind::Tuple:
      for (const TypePtr& c : t->contained())
        if (!inferableFromMembers(c)) return false;
      return true;
    case TypeKind::Dict: return inferableFromMembers(t->key()) && inferableFromMembers(t->value());
    default: return true;
  }
}

// Note [Printing loops]: torch's LoopView classifies prim::Loop(max, cond, carried...):
//   For:      cond and the body's next cond are constant true, and the trip
//             count is given (not the INT64_MAX constant) or the counter is
//             used: `for i in range(max):`.
//   While:    no trip count and an unused counter: `while c:`.
//   Modified: a trip count and a real condition (a for loop with break, or
//             an early return inside it). torch's CanonicalizeModifiedLoops
//             pass turns these into while loops with an explicit counter
//             before printing; we print that form directly:
//               i = 0
//               c = torch.gt(max, 0)            # and cond, when not constant true
//               while c:
//                 ...body, using i...
//                 i1 = torch.add(i, 1)
//                 c, carried..., i = torch.__and__(torch.lt(i1, max), next_cond), next..., i1
// Carried values take the names of the loop's outputs: they are assigned
// before the loop and at the end of each trip, so after the loop the name
// holds the final value.
enum class LoopKind { For, While, Modified };

bool isConstant(Value* v, const std::function<bool(const IValue&)>& pred) {
  Node* n = v->node();
  return n->kind() == prim::Constant && n->hasAttribute(attr::value) && pred(n->ival(attr::value));
}
bool isTrue(Value* v) {
  return isConstant(v, [](const IValue& x) { return x.isBool() && x.toBool(); });
}

LoopKind loopKind(Node* loop) {
  Value* max = loop->input(0);
  Value* counter = loop->block(0)->inputs()[0];
  bool always_true = isTrue(loop->input(1)) && isTrue(loop->block(0)->outputs()[0]);
  bool no_trip_count =
      isConstant(max, [](const IValue& x) { return x.isInt() && x.toInt() == std::numeric_limits<int64_t>::max(); });
  bool trip_count_given = !no_trip_count || counter->hasUses();
  if (always_true) return trip_count_given ? LoopKind::For : LoopKind::While;
  return trip_count_given ? LoopKind::Modified : LoopKind::While;
}

class FunctionPrinter {
 public:
  FunctionPrinter(PrintContext& ctx, std::ostringstream& out) : ctx_(ctx), out_(out) {}

  void printDef(const lang::Function& fn, int indent) {
    const lang::Graph& g = fn.graph();
    const auto& args = fn.schema().arguments;
    WICK_ASSERT(args.size() == g.inputs().size(), "printing " + fn.qualname() + ": schema and graph disagree");
    line(indent) << "def " << fn.name() << "(";
    for (size_t i = 0; i < args.size(); ++i) {
      names_[g.inputs()[i]] = args[i].name;
      used_.insert(args[i].name);
      if (i) out_ << ",\n    ";
      out_ << args[i].name << ": " << serializedTypeName(args[i].type);
      if (args[i].default_value) out_ << "=" << literal(*args[i].default_value, /*in_body=*/false);
    }
    const TypePtr& ret = fn.schema().returns.empty() ? g.outputs().at(0)->type() : fn.schema().returns[0].type;
    out_ << ") -> " << serializedTypeName(ret) << ":\n";
    printNodes(g.block(), indent + 1);
    line(indent + 1) << "return " << use(g.outputs().at(0)) << "\n";
  }

 private:
  std::ostream& line(int indent) {
    printed_ = true;
    return out_ << std::string(2 * indent, ' ');
  }

  // torch's genName: the candidate itself, else candidate + a counter.
  std::string freshName(const std::string& candidate) {
    std::string name = candidate;
    while (used_.count(name) || reservedNames().count(name)) name = candidate + std::to_string(next_id_[candidate]++);
    used_.insert(name);
    return name;
  }

  // The debug name without its ".N" suffix, made an identifier; "_" if none.
  std::string nameFor(Value* v) {
    std::string base = v->debugName();
    if (auto dot = base.find('.'); dot != std::string::npos) base = base.substr(0, dot);
    if (base.empty()) return freshName("_");
    for (char& c : base)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
    if (std::isdigit(static_cast<unsigned char>(base[0]))) base = "_" + base;
    return freshName(base);
  }

  const std::string& nameOf(Value* v) {
    auto it = names_.find(v);
    if (it != names_.end()) return it->second;
    return names_[v] = nameFor(v);
  }

  std::string literal(const IValue& v, bool in_body = true) {
    switch (v.tag()) {
      case lang::Tag::None: return "None";
      case lang::Tag::Bool: return v.toBool() ? "True" : "False";
      case lang::Tag::Int:
        // -9223372036854775808 would lex as the negation of an int too large to read.
        if (v.toInt() == std::numeric_limits<int64_t>::min()) return "torch.sub(-9223372036854775807, 1)";
        return std::to_string(v.toInt());
      case lang::Tag::Float:
        // torch pools constants that compare equal, so a literal -0. in a
        // body would become the function's 0. when torch loads it; computed
        // as in the source that produced it, it stays negative.
        if (in_body && v.toDouble() == 0.0 && std::signbit(v.toDouble())) return "torch.neg(0.)";
        return floatLiteral(v.toDouble());
      case lang::Tag::Str:
        if (!isAscii(v.toStrView())) return "CONSTANTS.c" + std::to_string(ctx_.addConstant(v));
        return quotedString(v.toStrView());
      case lang::Tag::Tensor: return "CONSTANTS.c" + std::to_string(ctx_.addConstant(v));
      case lang::Tag::Device: return "torch.device(" + quotedString(lang::toStr(v)) + ")";
      case lang::Tag::Enum: {
        const auto& e = *v.toEnum();
        return serializedQualifiedName(e.type->name()) + "." + e.name;
      }
      case lang::Tag::Function: return ctx_.functionName(*v.toFunction()->fn);
      case lang::Tag::List: {
        const auto& l = *v.toList();
        std::string s = "[";
        for (size_t i = 0; i < l.items.size(); ++i) s += (i ? ", " : "") + literal(l.items[i], in_body);
        s += "]";
        // Default values are read without annotate(); the parameter's type types them.
        if (in_body && (l.items.empty() || !inferableFromMembers(l.elem_type)))
          return "annotate(List[" + serializedTypeName(l.elem_type) + "], " + s + ")";
        return s;
      }
      case lang::Tag::Tuple: {
        const auto& t = *v.toTuple();
        std::string s = "(";
        for (size_t i = 0; i < t.items.size(); ++i) s += (i ? ", " : "") + literal(t.items[i], in_body);
        s += t.items.size() == 1 ? ",)" : ")";
        if (t.type && !t.type->name().empty()) return serializedQualifiedName(t.type->name()) + s;
        return s;
      }
      default:
        lang::raise("RuntimeError", "cannot save a constant of type " + lang::typeOf(v)->str() + " in TorchScript source");
    }
  }

  // An input as an expression: constants inline, everything else by name.
  std::string use(Value* v) {
    Node* n = v->node();
    if (n->kind() == prim::Constant) return n->hasAttribute(attr::value) ? literal(n->ival(attr::value)) : "None";
    return nameOf(v);
  }

  std::string useList(const std::vector<Value*>& vs, size_t from = 0) {
    std::string s;
    for (size_t i = from; i < vs.size(); ++i) s += (i > from ? ", " : "") + use(vs[i]);
    return s;
  }

  // Arguments of a call to user code, each followed by ", " as torch writes them.
  std::string callArgs(const std::vector<Value*>& vs, size_t from) {
    std::string s;
    for (size_t i = from; i < vs.size(); ++i) s += use(vs[i]) + ", ";
    return s;
  }

  // `a, b = x, y` (nothing when there are no targets).
  void assign(const std::vector<Value*>& targets, const std::vector<Value*>& values, int indent) {
    if (targets.empty()) return;
    std::string lhs;
    for (size_t i = 0; i < targets.size(); ++i) lhs += (i ? ", " : "") + nameOf(targets[i]);
    line(indent) << lhs << " = " << useList(values) << "\n";
  }

  // Prints the nodes of a block; says whether anything was printed.
  bool printNodes(const Block* b, int indent) {
    bool before = printed_;
    printed_ = false;
    for (Node* n : *b) printNode(n, indent);
    bool any = printed_;
    printed_ = before || any;
    return any;
  }

  void printNode(Node* n, int indent) {
    Symbol k = n->kind();
    if (n->op()) ctx_.version.noteOperator(n->op()->schema.qualifiedName());
    if (k == prim::Constant) return;
    if (k == prim::If) return printIf(n, indent);
    if (k == prim::Loop) return printLoop(n, indent);
    if (k == prim::TupleUnpack || k == prim::ListUnpack) {
      // The trailing comma makes `a, = t` an unpacking, as torch writes it.
      std::string lhs;
      for (Value* o : n->outputs()) lhs += nameOf(o) + ", ";
      line(indent) << lhs << "= " << use(n->input()) << "\n";
      return;
    }
    if (k == prim::SetAttr) {
      line(indent) << attribute(use(n->input(0)), n->s(attr::name)) << " = " << use(n->input(1)) << "\n";
      return;
    }
    std::string rhs = expression(n);
    std::string lhs;
    for (size_t i = 0; i < n->outputs().size(); ++i) lhs += (i ? ", " : "") + nameOf(n->output(i));
    line(indent) << (lhs.empty() ? "" : lhs + " = ") << rhs << "\n";
  }

  static std::string attribute(const std::string& obj, const std::string& name) {
    return isIdentifier(name) ? obj + "." + name : "getattr(" + obj + ", " + quotedString(name) + ")";
  }

  // `x[i]`, parenthesizing anything that is not a plain name.
  static std::string indexed(const std::string& obj, const std::string& index) {
    return (isIdentifier(obj) ? obj : "(" + obj + ")") + "[" + index + "]";
  }

  std::string typeOfOutput(Node* n) { return serializedTypeName(n->output()->type()); }

  std::string listLiteral(Node* n) {
    const TypePtr& t = n->output()->type();
    std::string items = "[" + useList(n->inputs()) + "]";
    bool exact = inferableFromMembers(t->elem());
    for (Value* v : n->inputs()) exact &= *v->type() == *t->elem();
    return n->inputs().empty() || !exact ? "annotate(" + serializedTypeName(t) + ", " + items + ")" : items;
  }

  std::string dictLiteral(Node* n) {
    const TypePtr& t = n->output()->type();
    const auto& in = n->inputs();
    std::string items = "{";
    bool exact = inferableFromMembers(t->key()) && inferableFromMembers(t->value());
    for (size_t i = 0; i + 1 < in.size(); i += 2) {
      items += (i ? ", " : "") + use(in[i]) + ": " + use(in[i + 1]);
      exact &= *in[i]->type() == *t->key() && *in[i + 1]->type() == *t->value();
    }
    items += "}";
    return in.empty() || !exact ? "annotate(" + serializedTypeName(t) + ", " + items + ")" : items;
  }

  std::string expression(Node* n) {
    Symbol k = n->kind();
    const auto& in = n->inputs();
    if (k == prim::GetAttr) return attribute(use(in[0]), n->s(attr::name));
    if (k == prim::TupleConstruct || k == prim::NamedTupleConstruct) {
      const TypePtr& t = n->output()->type();
      std::string items = "(" + useList(in) + (in.size() == 1 ? ",)" : ")");
      return t->name().empty() ? items : serializedQualifiedName(t->name()) + items;
    }
    if (k == prim::ListConstruct) return listLiteral(n);
    if (k == prim::DictConstruct) return dictLiteral(n);
    if (k == prim::TupleIndex) {
      std::string idx = n->hasAttribute(attr::index) ? std::to_string(n->i(attr::index)) : use(in.at(1));
      return "(" + use(in[0]) + ")[" + idx + "]";
    }
    if (k == prim::TupleSlice)
      return "(" + use(in[0]) + ")[" + std::to_string(n->i(attr::start)) + ":" + std::to_string(n->i(attr::end)) + "]";
    if (k == prim::CreateObject) {
      std::string t = typeOfOutput(n);
      return t + ".__new__(" + t + ")";
    }
    if (k == prim::CallFunction) return ctx_.functionName(*n->callee()) + "(" + callArgs(in, 0) + ")";
    if (k == prim::CallIndirect) return use(in[0]) + "(" + callArgs(in, 1) + ")";
    if (k == prim::CallMethod) return "(" + use(in[0]) + ")." + n->s(attr::name) + "(" + callArgs(in, 1) + ")";
    if (k == prim::Print) return "print(" + useList(in) + ")";
    if (k == prim::Uninitialized) return "uninitialized(" + typeOfOutput(n) + ")";
    if (k == prim::unchecked_cast) return "unchecked_cast(" + typeOfOutput(n) + ", " + use(in[0]) + ")";
    if (k == prim::isinstance) {
      const auto& ts = n->tys(attr::types);
      std::string types;
      for (size_t i = 0; i < ts.size(); ++i) types += (i ? ", " : "") + serializedTypeName(ts[i]);
      return "isinstance(" + use(in[0]) + ", " + (ts.size() == 1 ? types : "(" + types + ")") + ")";
    }
    if (k == prim::RaiseException) {
      std::string kind = n->hasAttribute(attr::name) ? n->s(attr::name) : "Exception";
      return "ops.prim.RaiseException(" + use(in[0]) + ", " + quotedString("builtins." + kind) + ")";
    }
    if (k == prim::EnumValue) return "(" + use(in[0]) + ").value";
    if (k == prim::EnumName) return "(" + use(in[0]) + ").name";
    if (n->op()) return opCall(n);
    lang::raise("RuntimeError", "cannot print node " + k.str() + " as TorchScript source");
  }

  // `torch.name(positional..., kwonly=...)`, and the ops torch prints as syntax.
  std::string opCall(Node* n) {
    const lang::FunctionSchema& schema = n->op()->schema;
    const auto& in = n->inputs();
    Symbol sym = Symbol::intern(schema.name);
    std::string ns(sym.ns()), name(sym.name());
    if (ns == "aten" && name == "__getitem__" && in.size() == 2) return indexed(use(in[0]), use(in[1]));
    if (ns == "aten" && in.size() == 1) {
      if (name == "Int") return "int(" + use(in[0]) + ")";
      if (name == "Float") return "float(" + use(in[0]) + ")";
      if (name == "Bool") return "bool(" + use(in[0]) + ")";
      if (name == "str") return "str(" + use(in[0]) + ")";
    }
    if (sym == Symbol::intern("prim::tolist")) return "annotate(" + typeOfOutput(n) + ", " + use(in[0]) + ".tolist())";
    std::vector<std::string> args;
    for (Value* v : in) args.push_back(use(v));
    if (auto rewritten = torchRewrite(*n, args)) return *rewritten;
    std::string s = torchCallee(schema) + "(";
    for (size_t i = 0; i < necessaryArgs(schema, in); ++i) {
      if (i) s += ", ";
      if (i < schema.arguments.size() && schema.arguments[i].kwarg_only) s += schema.arguments[i].name + "=";
      s += args[i];
    }
    return s + ")";
  }

  // How many inputs to print: trailing ones that are constants equal to the
  // schema's default are left out, as torch's printer does
  // (CalculateNecessaryArgs). Besides being shorter, this keeps the code
  // loadable where wick's schema spells a default differently from torch's
  // (`str? chars=None` against `str chars=" \n\t\f\v"` in aten::strip).
  static size_t necessaryArgs(const lang::FunctionSchema& schema, const std::vector<Value*>& in) {
    if (in.size() > schema.arguments.size()) return in.size();  // varargs (format)
    size_t n = in.size();
    for (; n > 0; --n) {
      const lang::Argument& a = schema.arguments[n - 1];
      Node* def = in[n - 1]->node();
      if (!a.default_value || def->kind() != prim::Constant) break;
      IValue actual = def->hasAttribute(attr::value) ? def->ival(attr::value) : IValue();
      if (actual.tag() != a.default_value->tag() || actual.isTensor() || !lang::equals(actual, *a.default_value)) break;
    }
    return n;
  }

  void printIf(Node* n, int indent) {
    for (Value* o : n->outputs()) nameOf(o);
    line(indent) << "if " << use(n->input()) << ":\n";
    for (size_t b = 0; b < 2; ++b) {
      if (b == 1) line(indent) << "else:\n";
      const Block* blk = n->block(b);
      bool any = printNodes(blk, indent + 1);
      if (!n->outputs().empty()) assignBranchOutputs(n->outputs(), blk->outputs(), indent + 1);
      else if (!any) line(indent + 1) << "pass\n";
    }
  }

  // An If's outputs at the end of one branch. An output of Optional or
  // Union type assigned a narrower value is annotated, `v : Union[int, str]
  // = "fizz"`: a reader types the output from what both branches assign,
  // and str with int (or Tensor with float) has no common type otherwise.
  // The others share one tuple assignment.
  void assignBranchOutputs(const std::vector<Value*>& outs, const std::vector<Value*>& values, int indent) {
    std::vector<Value*> plain_outs, plain_values;
    for (size_t i = 0; i < outs.size(); ++i) {
      const TypePtr& t = outs[i]->type();
      bool wide = t->kind() == TypeKind::Optional || t->kind() == TypeKind::Union;
      if (wide && *values[i]->type() != *t) {
        line(indent) << nameOf(outs[i]) << " : " << serializedTypeName(t) << " = " << use(values[i]) << "\n";
      } else {
        plain_outs.push_back(outs[i]);
        plain_values.push_back(values[i]);
      }
    }
    assign(plain_outs, plain_values, indent);
  }

  // `name : T = value` for each carried value before a loop. The annotation
  // is what makes a variable that starts as None hold an int in the body
  // (torch annotates when the types differ; we also annotate every Optional
  // and Union, whose initial value may read back narrower than declared).
  void assignCarried(const std::vector<Value*>& outs, const std::vector<Value*>& inits, int indent) {
    for (size_t i = 0; i < outs.size(); ++i) {
      const TypePtr& t = outs[i]->type();
      bool annotate = *t != *inits[i]->type() || t->kind() == TypeKind::Optional || t->kind() == TypeKind::Union;
      line(indent) << nameOf(outs[i]) << (annotate ? " : " + serializedTypeName(t) : "") << " = " << use(inits[i]) << "\n";
    }
  }

  void printLoop(Node* n, int indent) {
    const Block* body = n->block(0);
    std::vector<Value*> inits(n->inputs().begin() + 2, n->inputs().end());
    std::vector<Value*> params(body->inputs().begin() + 1, body->inputs().end());
    std::vector<Value*> nexts(body->outputs().begin() + 1, body->outputs().end());
    const std::vector<Value*>& outs = n->outputs();
    for (size_t i = 0; i < outs.size(); ++i) names_[params[i]] = nameOf(outs[i]);
    assignCarried(outs, inits, indent);
    Value* counter = body->inputs()[0];
    LoopKind kind = loopKind(n);
    if (kind == LoopKind::For) {
      line(indent) << "for " << nameOf(counter) << " in range(" << use(n->input(0)) << "):\n";
      bool any = printNodes(body, indent + 1);
      assign(params, nexts, indent + 1);
      if (!any && params.empty()) line(indent + 1) << "pass\n";
      return;
    }
    std::string cond = freshName("_");
    std::vector<std::string> targets = {cond}, values = {use(body->outputs()[0])};
    if (kind == LoopKind::While) {
      line(indent) << cond << " = " << use(n->input(1)) << "\n";
    } else {
      std::string max = use(n->input(0));
      line(indent) << nameOf(counter) << " = 0\n";
      std::string start = "torch.gt(" + max + ", 0)";
      if (!isTrue(n->input(1))) start = "torch.__and__(" + start + ", " + use(n->input(1)) + ")";
      line(indent) << cond << " = " << start << "\n";
      std::string next_counter = freshName("_");
      values[0] = "torch.__and__(torch.lt(" + next_counter + ", " + max + "), " + values[0] + ")";
      line(indent) << "while " << cond << ":\n";
      printNodes(body, indent + 1);
      line(indent + 1) << next_counter << " = torch.add(" << nameOf(counter) << ", 1)\n";
      finishWhile(targets, values, params, nexts, indent + 1, nameOf(counter), next_counter);
      return;
    }
    line(indent) << "while " << cond << ":\n";
    printNodes(body, indent + 1);
    finishWhile(targets, values, params, nexts, indent + 1, "", "");
  }

  // The last line of a while body: the next condition, the carried values
  // and, for a counted loop, the counter, assigned together.
  void finishWhile(std::vector<std::string> targets, std::vector<std::string> values, const std::vector<Value*>& params,
                   const std::vector<Value*>& nexts, int indent, const std::string& counter, const std::string& next_counter) {
    for (size_t i = 0; i < params.size(); ++i) {
      targets.push_back(nameOf(params[i]));
      values.push_back(use(nexts[i]));
    }
    if (!counter.empty()) {
      targets.push_back(counter);
      values.push_back(next_counter);
    }
    std::string lhs, rhs;
    for (size_t i = 0; i < targets.size(); ++i) {
      lhs += (i ? ", " : "") + targets[i];
      rhs += (i ? ", " : "") + values[i];
    }
    line(indent) << lhs << " = " << rhs << "\n";
  }

  PrintContext& ctx_;
  std::ostringstream& out_;
  std::unordered_map<Value*, std::string> names_;
  std::unordered_set<std::string> used_;
  std::unordered_map<std::string, size_t> next_id_;
  bool printed_ = false;  // whether the current block printed a statement yet
};

}  // namespace

std::string printFunction(const lang::Function& fn, PrintContext& ctx, int indent) {
  std::ostringstream out;
  FunctionPrinter(ctx, out).printDef(fn, indent);
  return out.str();
}

namespace {

// An interface's methods are signatures only: their graphs stay empty.
bool isInterface(const lang::ClassType& cls) {
  if (cls.methods().empty()) return false;
  for (const lang::Function* m : cls.methods())
    if (!m->graph().outputs().empty()) return false;
  return true;
}

// `class Shape(Interface):` with `def area(self, ...) -> float: pass` per
// method, as torch prints interfaces.
std::string printInterface(const lang::ClassType& cls) {
  std::ostringstream out;
  out << "class " << cls.name().substr(cls.name().rfind('.') + 1) << (cls.isModule() ? "(ModuleInterface)" : "(Interface)")
      << ":\n";
  for (const lang::Function* m : cls.methods()) {
    out << "  def " << m->name() << "(self";
    const auto& args = m->schema().arguments;
    for (size_t i = 1; i < args.size(); ++i) out << ", " << args[i].name << ": " << serializedTypeName(args[i].type);
    out << ") -> " << serializedTypeName(m->schema().returns.at(0).type) << ":\n    pass\n";
  }
  return out.str();
}

}  // namespace

std::string printClass(const lang::ClassType& cls, PrintContext& ctx) {
  if (isInterface(cls)) return printInterface(cls);
  std::ostringstream out;
  out << "class " << cls.name().substr(cls.name().rfind('.') + 1) << (cls.isModule() ? "(Module)" : "") << ":\n";
  if (cls.isModule()) {
    std::string params, buffers;
    for (const auto& a : cls.attributes()) {
      if (a.is_parameter) params += quotedString(a.name) + ", ";
      if (a.is_buffer) buffers += quotedString(a.name) + ", ";
    }
    out << "  __parameters__ = [" << params << "]\n  __buffers__ = [" << buffers << "]\n";
  }
  for (size_t i = 0; i < cls.attributes().size(); ++i) {
    const auto& a = cls.attributes()[i];
    // Names that are not identifiers ("0" in a Sequential) go through
    // __annotations__, as torch writes them.
    if (isIdentifier(a.name)) {
      out << "  " << a.name << " : " << serializedTypeName(a.type) << "\n";
    } else {
      if (i == 0) out << "  __annotations__ = []\n";
      out << "  __annotations__[" << quotedString(a.name) << "] = " << serializedTypeName(a.type) << "\n";
    }
  }
  for (lang::Function* m : cls.methods()) out << printFunction(*m, ctx, 1);
  if (cls.attributes().empty() && cls.methods().empty() && !cls.isModule()) out << "  pass\n";
  return out.str();
}

}  // namespace wick::serialize
